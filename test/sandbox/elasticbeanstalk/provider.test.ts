import { SimClock } from '../../../local/clock';
import { FaultBook } from '../../../local/faults';
import { BeanstalkSimulator } from '../../../local/services/elasticbeanstalk/model';
import { elasticBeanstalkProvider } from '../../../local/services/elasticbeanstalk/provider';
import { S3Store } from '../../../local/services/s3/model';

const ctx = { requestId: 'r', region: 'us-east-1' };
let clock: SimClock;
let beanstalk: BeanstalkSimulator;
const eb = () => elasticBeanstalkProvider(beanstalk).operations;

beforeEach(() => {
  // Prepare
  clock = new SimClock(1000);
  beanstalk = new BeanstalkSimulator({
    clock,
    s3: new S3Store(),
    faults: new FaultBook(),
    region: 'us-east-1',
    account: '123456789012',
  });
  beanstalk.createEnvironment('retail-bank', 'retail-bank-prod', { label: 'v1', commitSha: 'a'.repeat(40) });
});
afterEach(() => {
  beanstalk.reset();
  clock.stop();
});

describe('DescribeEnvironmentHealth', () => {
  it('without EnvironmentName or EnvironmentId is InvalidRequestException, never "undefined"', () => {
    // Act / Assess
    let error: unknown;
    try {
      eb().DescribeEnvironmentHealth!({}, ctx);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'InvalidRequestException', status: 400 });
    expect((error as Error).message).not.toContain('undefined');
  });

  it('returns only the attributes asked for (the name always), All for everything', () => {
    expect(eb().DescribeEnvironmentHealth!({ EnvironmentName: 'retail-bank-prod' }, ctx)).toEqual({
      EnvironmentName: 'retail-bank-prod',
    });
    expect(
      eb().DescribeEnvironmentHealth!(
        { EnvironmentName: 'retail-bank-prod', AttributeNames: ['Color', 'Status'] },
        ctx,
      ),
    ).toEqual({ EnvironmentName: 'retail-bank-prod', Color: 'Green', Status: 'Ready' });
    expect(
      eb().DescribeEnvironmentHealth!({ EnvironmentName: 'retail-bank-prod', AttributeNames: ['All'] }, ctx),
    ).toMatchObject({ HealthStatus: 'Ok', InstancesHealth: { Ok: 2 } });
  });
});

describe('DescribeInstancesHealth', () => {
  it('lists the instances; All adds health, deployment and zone; a degraded one carries the causes', () => {
    const ids = eb().DescribeInstancesHealth!({ EnvironmentName: 'retail-bank-prod' }, ctx) as {
      InstanceHealthList: Record<string, unknown>[];
    };
    expect(ids.InstanceHealthList).toHaveLength(2);
    expect(Object.keys(ids.InstanceHealthList[0]!)).toEqual(['InstanceId']);
    beanstalk.setHealth('retail-bank-prod', 'Red', ['1 of 2 instances are failing the ELB health check.']);
    const all = eb().DescribeInstancesHealth!(
      { EnvironmentName: 'retail-bank-prod', AttributeNames: ['All'] },
      ctx,
    ) as {
      InstanceHealthList: Record<string, unknown>[];
    };
    expect(all.InstanceHealthList[0]).toMatchObject({
      HealthStatus: 'Ok',
      Color: 'Green',
      Deployment: { VersionLabel: 'v1' },
    });
    expect(all.InstanceHealthList[1]).toMatchObject({
      HealthStatus: 'Severe',
      Color: 'Red',
      Causes: ['1 of 2 instances are failing the ELB health check.'],
    });
  });

  it('an unknown environment is InvalidParameterValue naming it', () => {
    expect(() => eb().DescribeInstancesHealth!({ EnvironmentName: 'nope-env' }, ctx)).toThrow(
      "No Environment found for EnvironmentName = 'nope-env'.",
    );
  });
});

describe('DescribeApplications and DescribeApplicationVersions', () => {
  it('describes the application with its versions', () => {
    const out = eb().DescribeApplications!({}, ctx) as { Applications: Record<string, unknown>[] };
    expect(out.Applications).toEqual([
      expect.objectContaining({
        ApplicationName: 'retail-bank',
        ApplicationArn: 'arn:aws:elasticbeanstalk:us-east-1:123456789012:application/retail-bank',
        Versions: ['v1'],
      }),
    ]);
    expect(
      (eb().DescribeApplications!({ ApplicationNames: ['other'] }, ctx) as { Applications: [] }).Applications,
    ).toEqual([]);
  });

  it('pages versions with MaxRecords and NextToken', () => {
    const versions = beanstalk.applications.get('retail-bank')!;
    for (const label of ['v2', 'v3']) versions.set(label, { ...versions.get('v1')!, label });
    const first = eb().DescribeApplicationVersions!(
      { ApplicationName: 'retail-bank', MaxRecords: '2' },
      ctx,
    ) as {
      ApplicationVersions: { VersionLabel: string }[];
      NextToken?: string;
    };
    expect(first.ApplicationVersions.map((v) => v.VersionLabel)).toEqual(['v3', 'v2']);
    const second = eb().DescribeApplicationVersions!(
      { ApplicationName: 'retail-bank', MaxRecords: '2', NextToken: first.NextToken },
      ctx,
    ) as { ApplicationVersions: { VersionLabel: string }[]; NextToken?: string };
    expect(second.ApplicationVersions.map((v) => v.VersionLabel)).toEqual(['v1']);
    expect(second.NextToken).toBeUndefined();
  });
});
