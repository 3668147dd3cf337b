/**
 * The simulated Elastic Beanstalk's EventBridge events: "Elastic Beanstalk resource status change"
 * when an update starts, succeeds or fails and "Health status change" on health transitions, in
 * the shape of the developer guide's examples, at the moment its event stream records them.
 */
import { SimClock } from '../../../local/clock';
import { FaultBook } from '../../../local/faults';
import { BeanstalkSimulator, type EbEvent } from '../../../local/services/elasticbeanstalk/model';
import { busEventOf, type BeanstalkBusEvent } from '../../../local/services/elasticbeanstalk/service-events';
import { S3Store } from '../../../local/services/s3/model';
import { beanstalkEnvironmentEventPattern } from '../../../functions/wait-router/beanstalk-events';
import { matchesPattern } from '../../../local/services/events/pattern';

const COMMIT = 'c'.repeat(40);
let clock: SimClock;
let faults: FaultBook;
let beanstalk: BeanstalkSimulator;
let emitted: BeanstalkBusEvent[];

beforeEach(() => {
  // Prepare: an environment on v1, a bundle for v2, and the bus events collected.
  clock = new SimClock(100_000);
  faults = new FaultBook();
  const s3 = new S3Store();
  s3.createBucket('artifacts');
  s3.put('artifacts', `retail-bank/${COMMIT}/app.zip`, Buffer.from('zip'), 'application/zip', {
    'commit-sha': COMMIT,
  });
  emitted = [];
  beanstalk = new BeanstalkSimulator({
    clock,
    s3,
    faults,
    region: 'us-east-1',
    account: '123456789012',
    onEvent: (entry) => {
      const event = busEventOf(entry, 'us-east-1', '123456789012');
      if (event) emitted.push(event);
    },
  });
  beanstalk.createEnvironment('retail-bank', 'retail-bank-prod', { label: 'v1', commitSha: 'a'.repeat(40) });
  beanstalk.createVersion({
    ApplicationName: 'retail-bank',
    VersionLabel: 'v2',
    SourceBundle: { S3Bucket: 'artifacts', S3Key: `retail-bank/${COMMIT}/app.zip` },
    Process: 'true',
  });
  emitted.length = 0;
});
afterEach(() => {
  beanstalk.reset();
  clock.stop();
});

const canary = () =>
  beanstalk.update({
    EnvironmentName: 'retail-bank-prod',
    VersionLabel: 'v2',
    OptionSettings: [
      {
        Namespace: 'aws:elasticbeanstalk:command',
        OptionName: 'DeploymentPolicy',
        Value: 'TrafficSplitting',
      },
      { Namespace: 'aws:elasticbeanstalk:trafficsplitting', OptionName: 'EvaluationTime', Value: '5' },
    ],
  });
const until = async (check: () => boolean) => {
  for (let i = 0; i < 2000 && !check(); i++) await new Promise((r) => setTimeout(r, 2));
};
const statuses = () => emitted.map((e) => `${e.detailType}: ${e.detail.Status}`);

describe('Elastic Beanstalk events on the bus', () => {
  it('a canary that passes: update started, then update successful when the environment is Ready on v2', async () => {
    // Prepare: the version is processed (15 simulated seconds).
    await until(() => beanstalk.applications.get('retail-bank')!.get('v2')!.status === 'PROCESSED');

    // Act
    canary();
    await until(() => emitted.length >= 2);

    // Assess
    expect(statuses()).toEqual([
      'Elastic Beanstalk resource status change: Environment update started',
      'Elastic Beanstalk resource status change: Environment update successful',
    ]);
    expect(beanstalk.environments.get('retail-bank-prod')).toMatchObject({
      status: 'Ready',
      versionLabel: 'v2',
    });
    const done = emitted[1]!;
    expect(done).toEqual({
      source: 'aws.elasticbeanstalk',
      detailType: 'Elastic Beanstalk resource status change',
      resources: ['arn:aws:elasticbeanstalk:us-east-1:123456789012:environment/retail-bank/retail-bank-prod'],
      detail: {
        Status: 'Environment update successful',
        EventDate: expect.any(Number),
        ApplicationName: 'retail-bank',
        Message: 'Environment update completed successfully.',
        EnvironmentName: 'retail-bank-prod',
        Severity: 'INFO',
      },
    });
  });

  it('a canary that fails its evaluation: health changes, then update failed (ERROR) once Beanstalk moved traffic back', async () => {
    // Prepare
    faults.setCommit(COMMIT, {
      pipeline: 'retail-bank',
      scenario: 'canary',
      faults: { canaryRegression: true },
    });
    await until(() => beanstalk.applications.get('retail-bank')!.get('v2')!.status === 'PROCESSED');

    // Act
    canary();
    await until(() => emitted.some((e) => e.detail.Status === 'Environment update failed'));

    // Assess
    expect(statuses()).toEqual([
      'Elastic Beanstalk resource status change: Environment update started',
      'Health status change: Environment health changed',
      'Elastic Beanstalk resource status change: Environment update failed',
      'Health status change: Environment health changed',
    ]);
    const failed = emitted[2]!;
    expect(failed.detail).toMatchObject({ Severity: 'ERROR', Message: 'Failed to deploy application.' });
    expect(emitted[1]!.detail.Message).toMatch(
      /^Environment health has transitioned from Info to Degraded\./,
    );
    // The router's rule matches the update outcomes of the environment, not its health changes.
    const pattern = beanstalkEnvironmentEventPattern(['retail-bank-prod']);
    const envelope = (e: BeanstalkBusEvent) => ({
      source: e.source,
      'detail-type': e.detailType,
      detail: e.detail,
    });
    expect(emitted.map((e) => matchesPattern(pattern, envelope(e)))).toEqual([true, false, true, false]);
  });

  it('entries that mark no state change, or no environment, make no bus event', () => {
    const entry = (message: string, environment?: string): EbEvent => ({
      EventDate: new Date('2026-11-20T10:00:00Z'),
      Message: message,
      ApplicationName: 'retail-bank',
      ...(environment && { EnvironmentName: environment }),
      RequestId: 'r',
      Severity: 'INFO',
    });
    expect(
      busEventOf(entry('Created temporary auto scaling group x.', 'retail-bank-prod'), 'us-east-1', '1'),
    ).toBe(undefined);
    expect(busEventOf(entry('createApplicationVersion is starting.'), 'us-east-1', '1')).toBe(undefined);
  });
});
