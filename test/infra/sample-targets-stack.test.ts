/** The optional sample targets: network, Beanstalk environment, microblog fleet (no bundling, fast). */
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { loadConfig } from '../../functions/commons/config/load-config';
import { buildApp, contextFlag } from '../../infra/build-app';
import { DEFAULT_SOLUTION_STACK } from '../../infra/sample-targets/beanstalk';
import { microblogUserData, NGINX_SITE, systemdUnit } from '../../infra/sample-targets/microblog-user-data';
import { SampleTargetsStack } from '../../infra/sample-targets-stack';
import { cdkJsonContext, resourcesOf } from './support/synth';

const config = loadConfig();
const make = (props: Partial<ConstructorParameters<typeof SampleTargetsStack>[2]> = {}) => {
  const app = new App({ context: cdkJsonContext() });
  const stack = new SampleTargetsStack(app, 'Samples', {
    config,
    controllerStackName: 'DeployController',
    ...props,
  });
  return Template.fromStack(stack);
};

let template: Template;
beforeAll(() => {
  template = make();
});

describe('network', () => {
  test('two AZs of public subnets, no NAT gateway, flow logs on', () => {
    expect(resourcesOf(template, 'AWS::EC2::Subnet')).toHaveLength(2);
    expect(resourcesOf(template, 'AWS::EC2::NatGateway')).toHaveLength(0);
    template.hasResourceProperties('AWS::EC2::FlowLog', {
      TrafficType: 'ALL',
      LogDestinationType: 'cloud-watch-logs',
    });
  });

  test('no security group opens SSH or anything but HTTP inbound', () => {
    for (const [, sg] of resourcesOf(template, 'AWS::EC2::SecurityGroup')) {
      for (const rule of sg.SecurityGroupIngress ?? [])
        expect([rule.FromPort, rule.ToPort]).toEqual([80, 80]);
    }
    for (const [, rule] of resourcesOf(template, 'AWS::EC2::SecurityGroupIngress'))
      expect(rule.FromPort).not.toBe(22);
  });

  test('ingress can be narrowed, and a malformed CIDR is refused', () => {
    const narrowed = make({ ingressCidr: '203.0.113.0/24' });
    for (const [, sg] of resourcesOf(narrowed, 'AWS::EC2::SecurityGroup')) {
      for (const rule of sg.SecurityGroupIngress ?? []) expect(rule.CidrIp).toBe('203.0.113.0/24');
    }
    expect(() => make({ ingressCidr: '0.0.0.0/0; rm -rf /' })).toThrow(/ingressCidr must be an IPv4 CIDR/);
    expect(() => make({ ingressCidr: '300.1.1.1/8' })).toThrow(/ingressCidr/);
  });
});

describe('microblog fleet', () => {
  test('three t4g.small instances, tagged for the pipeline, IMDSv2 only, encrypted gp3, detailed monitoring', () => {
    const instances = resourcesOf(template, 'AWS::EC2::Instance');
    expect(instances).toHaveLength(3);
    for (const [, instance] of instances) {
      expect(instance.InstanceType).toBe('t4g.small');
      expect(instance.Tags).toEqual(expect.arrayContaining([{ Key: 'App', Value: 'microblog' }]));
      expect(instance.BlockDeviceMappings).toEqual([
        { DeviceName: '/dev/xvda', Ebs: { Encrypted: true, VolumeSize: 20, VolumeType: 'gp3' } },
      ]);
      expect(instance.Monitoring).toBe(true);
      expect(instance.KeyName).toBeUndefined();
    }
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: { MetadataOptions: { HttpTokens: 'required' } },
    });
    // Amazon Linux 2023 on arm64, from the public SSM parameter.
    expect(JSON.stringify(template.toJSON().Parameters)).toMatch(/al2023-ami-kernel-[0-9.a-z-]*arm64/);
  });

  test("the instance role: SSM core, this pipeline's releases, the command-output log group", () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'ec2.amazonaws.com' } })],
      },
      ManagedPolicyArns: [
        {
          'Fn::Join': [
            '',
            ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AmazonSSMManagedInstanceCore'],
          ],
        },
      ],
    });
    const policy = JSON.stringify(resourcesOf(template, 'AWS::IAM::Policy').map(([, p]) => p.PolicyDocument));
    expect(policy).toContain('{"Fn::ImportValue":"DeployController-ArtifactsBucketArn"},"/microblog/*"');
    expect(policy).toContain('DeployController-SsmCommandOutputLogGroup');
  });

  test('user data installs Python, nginx on :80 in front of gunicorn, and the microblog unit', () => {
    const target = config.pipelines.find((p) => p.name === 'microblog')!.target;
    if (target.kind !== 'ec2-ssm') throw new Error('microblog deploys through SSM');
    const lines = microblogUserData(target, '3.11').join('\n');
    expect(lines).toContain('dnf install -y python3.11 python3.11-pip nginx');
    expect(lines).toContain(NGINX_SITE.trimEnd());
    expect(NGINX_SITE).toContain('proxy_pass http://127.0.0.1:5000;');
    const unit = systemdUnit(target);
    expect(unit).toContain('ExecStart=/opt/microblog/current/venv/bin/gunicorn -b :5000 -w 4 microblog:app');
    expect(unit).toContain('Environment=FLASK_APP=microblog.py');
    expect(unit).toContain('WorkingDirectory=/opt/microblog/current');
    expect(unit).toContain('User=microblog');
    const userData = JSON.stringify(resourcesOf(template, 'AWS::EC2::Instance')[0]![1].UserData);
    expect(userData).toContain('microblog.service');
  });
});

describe('retail-bank on Elastic Beanstalk', () => {
  const option = (namespace: string, name: string) => {
    const [[, env]] = resourcesOf(template, 'AWS::ElasticBeanstalk::Environment') as [[string, any]];
    return env.OptionSettings.find((o: any) => o.Namespace === namespace && o.OptionName === name)?.Value;
  };

  test('application and environment named as in pipelines.yaml, Python 3.11 by default', () => {
    template.hasResourceProperties('AWS::ElasticBeanstalk::Application', { ApplicationName: 'retail-bank' });
    template.hasResourceProperties('AWS::ElasticBeanstalk::Environment', {
      ApplicationName: 'retail-bank',
      EnvironmentName: 'retail-bank-prod',
      SolutionStackName: DEFAULT_SOLUTION_STACK,
    });
    expect(DEFAULT_SOLUTION_STACK).toMatch(/Python 3\.11$/);
    const other = make({ solutionStackName: '64bit Amazon Linux 2023 v4.6.0 running Python 3.11' });
    other.hasResourceProperties('AWS::ElasticBeanstalk::Environment', {
      SolutionStackName: '64bit Amazon Linux 2023 v4.6.0 running Python 3.11',
    });
  });

  test('load-balanced with an ALB, enhanced health, service role, instance profile, IMDSv2, canary policy', () => {
    expect(option('aws:elasticbeanstalk:environment', 'EnvironmentType')).toBe('LoadBalanced');
    expect(option('aws:elasticbeanstalk:environment', 'LoadBalancerType')).toBe('application');
    expect(option('aws:elasticbeanstalk:healthreporting:system', 'SystemType')).toBe('enhanced');
    expect(option('aws:elasticbeanstalk:environment', 'ServiceRole')).toEqual({
      'Fn::GetAtt': [expect.stringContaining('ServiceRole'), 'Arn'],
    });
    expect(option('aws:autoscaling:launchconfiguration', 'IamInstanceProfile')).toEqual({
      Ref: expect.stringContaining('InstanceProfile'),
    });
    expect(option('aws:autoscaling:launchconfiguration', 'DisableIMDSv1')).toBe('true');
    expect(option('aws:elasticbeanstalk:command', 'DeploymentPolicy')).toBe('TrafficSplitting');
    expect(option('aws:elasticbeanstalk:trafficsplitting', 'NewVersionPercent')).toBe('10');
  });

  test('its roles carry "elasticbeanstalk" in their names (the controller may pass only those)', () => {
    const names = resourcesOf(template, 'AWS::IAM::Role').map(([, r]) => JSON.stringify(r.RoleName ?? ''));
    expect(names.filter((n) => n.includes('elasticbeanstalk'))).toHaveLength(2);
  });
});

describe('app context flags', () => {
  test('sampleTargets adds the stack; reservedConcurrency=false drops the caps; bad values are refused', () => {
    const app = new App({ context: { flag: 'true', off: false, bad: 'yes' } });
    expect(contextFlag(app, 'flag', false)).toBe(true);
    expect(contextFlag(app, 'off', true)).toBe(false);
    expect(contextFlag(app, 'missing', true)).toBe(true);
    expect(() => contextFlag(app, 'bad', false)).toThrow(/context bad must be true or false/);
    expect(typeof buildApp).toBe('function');
  });
});
