/**
 * Every IAM wildcard the stacks grant, with the reason it is needed. cdk-nag's AwsSolutions-IAM5
 * reports each wildcard resource as its own finding; `acknowledgeWildcards` computes those findings
 * with cdk-nag's own rule and acknowledges exactly the ones a rule below explains, on the policy
 * that holds them. A new wildcard without a rule here stays a finding and fails the synth and the
 * nag test. (Resource "*" is further pinned to an action allow-list by test/infra/iam-audit.test.ts.)
 */
import { CfnResource } from 'aws-cdk-lib';
import { rules } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { acknowledge } from './nag';

export interface WildcardRule {
  /** Matches the construct path of the policy. */
  path: RegExp;
  /** Matches the finding as cdk-nag prints it, e.g. `Resource::<FunctionsVerify.Arn>:*`. */
  finding: RegExp;
  reason: string;
}

const LOGICAL = '<[A-Za-z0-9]+(\\.Arn)?>';
const ARN = 'arn:<AWS::Partition>:';
const REGION_ACCOUNT = '<AWS::Region>:<AWS::AccountId>:';
const re = (source: string) => new RegExp(`^Resource::${source}$`);

export const WILDCARD_RULES: WildcardRule[] = [
  {
    path: /./,
    finding: /^Resource::\*$/,
    reason:
      'Only actions without resource-level permissions: X-Ray trace upload (tracing on every function and state machine), ' +
      'CloudWatch Logs vended-log delivery of Step Functions, logs:DescribeLogGroups of the SSM agent (it looks the output group up when it may not create it), ' +
      'SSM DescribeInstanceInformation and command results, Step Functions SendTaskSuccess/SendTaskFailure (no resource types: a task token names its execution), ' +
      'CloudWatch DescribeAlarms of verify (composite alarms are returned only when it is granted on *: DescribeAlarms API reference), ' +
      'and the EC2/Auto Scaling/ELB Describe calls of a Beanstalk deployment. test/infra/policies.test.ts pins the exact action list.',
  },
  {
    path: /\/StateMachines\//,
    finding: re(`${LOGICAL}:\\*`),
    reason:
      'lambda:InvokeFunction on the versions and aliases of a function this state machine names in its ASL (the unqualified ARN is granted too).',
  },
  {
    path: /\/(StateMachines|Functions)\//,
    finding: re(`${ARN}states:${REGION_ACCOUNT}execution:deploy-[a-z0-9-]+:\\*`),
    reason:
      'Executions of one named state machine; execution names are made at run time (one per push or per deployment).',
  },
  {
    path: /\/Build-[a-z0-9-]+\/(Build|Scan)\//,
    finding: re(
      `${ARN}(codebuild:${REGION_ACCOUNT}report-group/${LOGICAL}-\\*|logs:${REGION_ACCOUNT}log-group:/aws/codebuild/${LOGICAL}:\\*)`,
    ),
    reason:
      "CodeBuild's own grants for this project: its report groups (<project>-<name>) and its default log group's streams.",
  },
  {
    path: /\/(Build-[a-z0-9-]+\/Build|Functions\/BeanstalkDeployRole|Fleet-[a-z0-9-]+\/InstanceRole|Beanstalk-[a-z0-9-]+\/InstanceRole)\//,
    finding: re(`(${LOGICAL}|[A-Za-z0-9-]+-ArtifactsBucketArn)/[a-z0-9-]+/\\*`),
    reason:
      "Objects under one pipeline's prefix of the artifacts bucket (keys are <pipeline>/<commit>/<file>).",
  },
  {
    path: /\/Fleet-[a-z0-9-]+\/InstanceRole\//,
    finding: re(`${ARN}logs:${REGION_ACCOUNT}log-group:[A-Za-z0-9-]+-SsmCommandOutputLogGroup:\\*`),
    reason:
      "Log streams of the controller's SSM command-output log group; the agent makes one stream per command and instance.",
  },
  {
    path: /\/Functions\/[A-Za-z]+Role\//,
    finding: re(`${LOGICAL}/index/\\*`),
    reason:
      "DynamoDB data grant of a table includes its indexes (DeployHistory's byStartedAt local secondary index).",
  },
  {
    path: /\/Functions\/(HealthGate|SsmDeploy)Role\//,
    finding: re(`${ARN}ec2:${REGION_ACCOUNT}instance/\\*`),
    reason:
      'ssm:SendCommand on instances is limited by the condition ssm:resourceTag/<key> = <value> from pipelines.yaml; instance ids change with the fleet.',
  },
  {
    path: /\/Functions\/(HealthGate|BeanstalkDeploy)Role\//,
    finding: re(`${ARN}elasticbeanstalk:${REGION_ACCOUNT}applicationversion/[^/]+/\\*`),
    reason:
      'Application versions of the configured Beanstalk application; version labels are made per commit.',
  },
  {
    path: /\/Functions\/BeanstalkDeployRole\//,
    finding: re(`${ARN}elasticbeanstalk:<AWS::Region>::(solutionstack|platform)/\\*`),
    reason:
      'UpdateEnvironment is authorized against the platform of the environment, which Beanstalk managed updates change over time (AWS-owned, read only).',
  },
  {
    path: /\/Functions\/BeanstalkDeployRole\//,
    finding: re(
      `${ARN}(cloudformation:${REGION_ACCOUNT}stack/awseb-e-\\*/\\*|autoscaling:${REGION_ACCOUNT}(autoScalingGroup:\\*:autoScalingGroupName|launchConfiguration:\\*:launchConfigurationName)/awseb-e-\\*|elasticloadbalancing:${REGION_ACCOUNT}(targetgroup/awseb-\\*/\\*|(loadbalancer|listener|listener-rule)/app/awseb-\\*/\\*)|cloudwatch:${REGION_ACCOUNT}alarm:awseb-e-\\*)`,
    ),
    reason:
      "UpdateEnvironment (TrafficSplitting canary, Immutable rollback) runs with the caller's permissions: it updates Beanstalk's CloudFormation stack, " +
      "creates a temporary Auto Scaling group and target group and shifts listener weights. Scoped to Beanstalk's own resource names (awseb-*).",
  },
  {
    path: /\/Functions\/BeanstalkDeployRole\//,
    finding: re(
      `${ARN}ec2:(${REGION_ACCOUNT}(instance|volume|network-interface|subnet|security-group|launch-template|key-pair|vpc)|<AWS::Region>::image)/\\*`,
    ),
    reason:
      'The canary instances Beanstalk launches: RunInstances/CreateTags/TerminateInstances on instances and volumes only with the elasticbeanstalk:environment-name tag of a configured environment; ' +
      "the launch's subnets, security groups, launch template and AMI are the environment's own; the immutable stack's launch template and security group " +
      '(created in the environment VPC) carry the same tag (AWSElasticBeanstalkManagedUpdatesCustomerRolePolicy grants these on *).',
  },
  {
    path: /\/Functions\/BeanstalkDeployRole\//,
    finding: re(
      `${ARN}(iam::<AWS::AccountId>:role/\\*elasticbeanstalk\\*|s3:::elasticbeanstalk-<AWS::Region>-<AWS::AccountId>/\\*)`,
    ),
    reason:
      "iam:PassRole of Beanstalk's instance and service roles (name pattern, and only to ec2, elasticbeanstalk, autoscaling and cloudformation), and Beanstalk's own storage bucket in this region, which the update reads and writes.",
  },
  {
    path: /\/Functions\/BeanstalkDeployRole\//,
    finding: re(`${ARN}logs:${REGION_ACCOUNT}log-group:/aws/elasticbeanstalk/[^/]+/\\*`),
    reason:
      'The log groups Beanstalk creates for a configured environment when instance logs stream to CloudWatch Logs (/aws/elasticbeanstalk/<environment>/<log file>).',
  },
];

/** Acknowledges the IAM5 findings under `scope` that a rule explains; the rest stay findings. */
export function acknowledgeWildcards(
  scope: IConstruct,
  wildcardRules: WildcardRule[] = WILDCARD_RULES,
): void {
  for (const node of scope.node.findAll()) {
    if (!CfnResource.isCfnResource(node)) continue;
    const result = rules.iam.IAMNoWildcardPermissions(node);
    if (!Array.isArray(result)) continue;
    for (const finding of result) {
      const rule = wildcardRules.find((r) => r.path.test(node.node.path) && r.finding.test(finding));
      if (rule) acknowledge(node, { id: `AwsSolutions-IAM5[${finding}]`, reason: rule.reason });
    }
  }
}
