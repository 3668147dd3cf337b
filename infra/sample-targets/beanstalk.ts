/**
 * The sample retail-bank target: an Elastic Beanstalk application and a load-balanced
 * (Application Load Balancer) Python environment with enhanced health, managed platform updates,
 * IMDSv2 only, and logs streamed to CloudWatch. The service and instance roles carry
 * "elasticbeanstalk" in their names: the controller's iam:PassRole is scoped to that pattern.
 */
import { Stack } from 'aws-cdk-lib';
import { CfnApplication, CfnEnvironment } from 'aws-cdk-lib/aws-elasticbeanstalk';
import { Peer, Port, SecurityGroup, type IVpc } from 'aws-cdk-lib/aws-ec2';
import {
  CfnInstanceProfile,
  ManagedPolicy,
  PolicyStatement,
  Role,
  ServicePrincipal,
} from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { ElasticBeanstalkTarget } from '../../functions/commons/config/schema';
import { acknowledge } from '../nag';

/** Python 3.11 on Amazon Linux 2023; override with `-c beanstalkSolutionStack=...` when AWS retires it. */
export const DEFAULT_SOLUTION_STACK = '64bit Amazon Linux 2023 v4.5.2 running Python 3.11';

export interface SampleBeanstalkProps {
  vpc: IVpc;
  target: ElasticBeanstalkTarget;
  solutionStackName: string;
  ingressCidr: string;
  /** Pipeline name: its prefix of the artifacts bucket holds the source bundles. */
  pipeline: string;
  artifactsBucket: IBucket;
}

export class SampleBeanstalk extends Construct {
  readonly environment: CfnEnvironment;

  constructor(scope: Construct, id: string, props: SampleBeanstalkProps) {
    super(scope, id);
    const { target, vpc } = props;
    const stack = Stack.of(this);
    const serviceRole = new Role(this, 'ServiceRole', {
      roleName: `${stack.stackName}-elasticbeanstalk-service`.slice(0, 64),
      assumedBy: new ServicePrincipal('elasticbeanstalk.amazonaws.com'),
      managedPolicies: [
        ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSElasticBeanstalkEnhancedHealth'),
        ManagedPolicy.fromAwsManagedPolicyName('AWSElasticBeanstalkManagedUpdatesCustomerRolePolicy'),
      ],
    });
    const instanceRole = new Role(this, 'InstanceRole', {
      roleName: `${stack.stackName}-elasticbeanstalk-ec2`.slice(0, 64),
      assumedBy: new ServicePrincipal('ec2.amazonaws.com'),
      managedPolicies: [
        ManagedPolicy.fromAwsManagedPolicyName('AWSElasticBeanstalkWebTier'),
        ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore'),
      ],
    });
    // Source bundles live in the controller's artifacts bucket, not in Beanstalk's own bucket.
    instanceRole.addToPolicy(
      new PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [props.artifactsBucket.arnForObjects(`${props.pipeline}/*`)],
      }),
    );
    const awsManaged = {
      id: 'AwsSolutions-IAM4',
      reason:
        'AWS-maintained Elastic Beanstalk and SSM policies follow the platform as it changes (enhanced health, managed updates, log streaming, agent); a hand-copied policy would drift.',
    };
    for (const policy of [
      'service-role/AWSElasticBeanstalkEnhancedHealth',
      'AWSElasticBeanstalkManagedUpdatesCustomerRolePolicy',
      'AWSElasticBeanstalkWebTier',
      'AmazonSSMManagedInstanceCore',
    ]) {
      acknowledge(this, {
        id: `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${policy}]`,
        reason: awsManaged.reason,
      });
    }
    const profile = new CfnInstanceProfile(this, 'InstanceProfile', { roles: [instanceRole.roleName] });

    const lbSecurityGroup = new SecurityGroup(this, 'LoadBalancerSecurityGroup', {
      vpc,
      description: 'retail-bank load balancer: HTTP from the allowed range',
      allowAllOutbound: true,
    });
    lbSecurityGroup.addIngressRule(Peer.ipv4(props.ingressCidr), Port.tcp(80), 'HTTP to the sample app');
    if (props.ingressCidr === '0.0.0.0/0') {
      acknowledge(lbSecurityGroup, {
        id: 'AwsSolutions-EC23',
        reason:
          'The sample web app is public by design (the pipeline smoke test calls it from outside); only port 80 is open. Narrow it with -c ingressCidr=<cidr>.',
      });
    }

    const application = new CfnApplication(this, 'Application', {
      applicationName: target.application,
      description: 'Sample target of the deploy controller (retail-bank)',
    });
    const subnets = vpc.publicSubnets.map((s) => s.subnetId).join(',');
    const option = (namespace: string, optionName: string, value: string) => ({
      namespace,
      optionName,
      value,
    });
    this.environment = new CfnEnvironment(this, 'Environment', {
      applicationName: target.application,
      environmentName: target.environment,
      solutionStackName: props.solutionStackName,
      tier: { name: 'WebServer', type: 'Standard' },
      optionSettings: [
        option('aws:elasticbeanstalk:environment', 'EnvironmentType', 'LoadBalanced'),
        option('aws:elasticbeanstalk:environment', 'LoadBalancerType', 'application'),
        option('aws:elasticbeanstalk:environment', 'ServiceRole', serviceRole.roleArn),
        option('aws:elbv2:loadbalancer', 'SecurityGroups', lbSecurityGroup.securityGroupId),
        option('aws:elbv2:loadbalancer', 'ManagedSecurityGroup', lbSecurityGroup.securityGroupId),
        option('aws:elasticbeanstalk:healthreporting:system', 'SystemType', 'enhanced'),
        option('aws:elasticbeanstalk:managedactions', 'ManagedActionsEnabled', 'true'),
        option('aws:elasticbeanstalk:managedactions', 'PreferredStartTime', 'Sun:03:00'),
        option('aws:elasticbeanstalk:managedactions:platformupdate', 'UpdateLevel', 'minor'),
        option('aws:elasticbeanstalk:cloudwatch:logs', 'StreamLogs', 'true'),
        option('aws:elasticbeanstalk:cloudwatch:logs', 'RetentionInDays', '30'),
        option('aws:elasticbeanstalk:cloudwatch:logs', 'DeleteOnTerminate', 'true'),
        option('aws:elasticbeanstalk:command', 'DeploymentPolicy', 'TrafficSplitting'),
        option('aws:elasticbeanstalk:trafficsplitting', 'NewVersionPercent', String(target.canary.percent)),
        option(
          'aws:elasticbeanstalk:trafficsplitting',
          'EvaluationTime',
          String(target.canary.evaluationMinutes),
        ),
        option('aws:elasticbeanstalk:application', 'Application Healthcheck URL', '/health'),
        option('aws:autoscaling:launchconfiguration', 'IamInstanceProfile', profile.ref),
        option('aws:autoscaling:launchconfiguration', 'DisableIMDSv1', 'true'),
        option('aws:autoscaling:launchconfiguration', 'RootVolumeType', 'gp3'),
        option('aws:autoscaling:asg', 'MinSize', '2'),
        option('aws:autoscaling:asg', 'MaxSize', '4'),
        option('aws:ec2:instances', 'InstanceTypes', 't4g.small'),
        option('aws:ec2:vpc', 'VPCId', vpc.vpcId),
        option('aws:ec2:vpc', 'Subnets', subnets),
        option('aws:ec2:vpc', 'ELBSubnets', subnets),
        option('aws:ec2:vpc', 'AssociatePublicIpAddress', 'true'),
      ],
    });
    this.environment.addResourceDependency(application);
    acknowledge(this.environment, {
      id: 'AwsSolutions-EB4',
      reason:
        'Instance logs stream to CloudWatch Logs (aws:elasticbeanstalk:cloudwatch:logs StreamLogs, 30 days) instead of S3 log rotation.',
    });
  }
}
