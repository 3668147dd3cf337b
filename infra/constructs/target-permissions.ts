/**
 * IAM of the functions that touch the deploy targets, scoped to the applications, environments
 * and instance tags named in pipelines.yaml. Where AWS offers no resource-level permission the
 * statement uses Resource "*" and says why (test/infra/iam-audit.test.ts keeps the list honest).
 */
import type { Stack } from 'aws-cdk-lib';
import { Effect, ManagedPolicy, PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import type {
  PipelinesConfig,
  Ec2SsmTarget,
  ElasticBeanstalkTarget,
} from '../../functions/commons/config/schema';

/** Elastic Beanstalk targets of the configuration. */
/**
 * Describe/List calls Elastic Beanstalk makes with the caller's permissions during an update.
 * They have no resource-level permissions in EC2, Auto Scaling and ELB, so they take `*`.
 */
export const BEANSTALK_UPDATE_DESCRIBE_ACTIONS: readonly string[] = [
  'ec2:DescribeInstances',
  'ec2:DescribeImages',
  'ec2:DescribeSubnets',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeLaunchTemplates',
  'ec2:DescribeLaunchTemplateVersions',
  'ec2:DescribeAccountAttributes',
  'ec2:DescribeVpcs',
  'ec2:DescribeKeyPairs',
  'ec2:DescribeAvailabilityZones',
  'autoscaling:DescribeAutoScalingGroups',
  'autoscaling:DescribeLaunchConfigurations',
  'autoscaling:DescribeScalingActivities',
  'autoscaling:DescribePolicies',
  'autoscaling:DescribeNotificationConfigurations',
  'elasticloadbalancing:DescribeLoadBalancers',
  'elasticloadbalancing:DescribeTargetGroups',
  'elasticloadbalancing:DescribeTargetHealth',
  'elasticloadbalancing:DescribeListeners',
  'elasticloadbalancing:DescribeRules',
  'elasticloadbalancing:DescribeTargetGroupAttributes',
];

export function beanstalkTargets(config: PipelinesConfig): ElasticBeanstalkTarget[] {
  return config.pipelines.flatMap((p) => (p.target.kind === 'elastic-beanstalk' ? [p.target] : []));
}

/** EC2 (SSM) targets of the configuration. */
export function ssmTargets(config: PipelinesConfig): Ec2SsmTarget[] {
  return config.pipelines.flatMap((p) => (p.target.kind === 'ec2-ssm' ? [p.target] : []));
}

const unique = <T>(values: T[]): T[] => [...new Set(values)];

function arn(stack: Stack, service: string, resource: string, account = stack.account): string {
  return `arn:${stack.partition}:${service}:${stack.region}:${account}:${resource}`;
}

/** Describe calls of the health gate and the deploy status checks (read only, per environment). */
export function beanstalkReadStatements(stack: Stack, targets: ElasticBeanstalkTarget[]): PolicyStatement[] {
  if (targets.length === 0) return [];
  return [
    new PolicyStatement({
      actions: [
        'elasticbeanstalk:DescribeEnvironments',
        'elasticbeanstalk:DescribeEnvironmentHealth',
        'elasticbeanstalk:DescribeInstancesHealth',
        'elasticbeanstalk:DescribeEvents',
        'elasticbeanstalk:DescribeEnvironmentResources',
        'elasticbeanstalk:DescribeApplicationVersions',
      ],
      resources: unique(
        targets.flatMap((t) => [
          arn(stack, 'elasticbeanstalk', `environment/${t.application}/${t.environment}`),
          arn(stack, 'elasticbeanstalk', `application/${t.application}`),
          arn(stack, 'elasticbeanstalk', `applicationversion/${t.application}/*`),
        ]),
      ),
    }),
  ];
}

/**
 * Everything a TrafficSplitting deployment (and its Immutable rollback) needs. Elastic Beanstalk
 * runs UpdateEnvironment with the caller's permissions: it updates its CloudFormation stack
 * (`awseb-e-*-stack`) and builds a temporary `awseb-e-*-immutable-stack` (launch template,
 * security group, Auto Scaling group, instances registered with the environment's target group),
 * passes the instance role on, creates the environment's log groups (instance log streaming) and
 * reads and writes its `elasticbeanstalk-<region>-<account>` bucket. The actions are those of AWS's
 * managed policy AWSElasticBeanstalkManagedUpdatesCustomerRolePolicy (AWS Managed Policy
 * reference, v8), scoped here to Beanstalk's own names (`awseb-*`), the configured environments'
 * tag `elasticbeanstalk:environment-name` (Beanstalk tags the resources it creates with it:
 * Elastic Beanstalk developer guide, "Tagging Elastic Beanstalk environments") and log groups;
 * only Describe calls, which have no resource-level permissions, use "*". local/iam/on-behalf.ts
 * models the same calls in the sandbox.
 */
export function beanstalkDeployStatements(
  stack: Stack,
  targets: ElasticBeanstalkTarget[],
  artifactObjectArns: string[],
): PolicyStatement[] {
  if (targets.length === 0) return [];
  const environments = unique(targets.map((t) => t.environment));
  const envArns = unique(
    targets.map((t) => arn(stack, 'elasticbeanstalk', `environment/${t.application}/${t.environment}`)),
  );
  const versionArns = unique(
    targets.map((t) => arn(stack, 'elasticbeanstalk', `applicationversion/${t.application}/*`)),
  );
  const appArns = unique(targets.map((t) => arn(stack, 'elasticbeanstalk', `application/${t.application}`)));
  const ebBucket = `arn:${stack.partition}:s3:::elasticbeanstalk-${stack.region}-${stack.account}`;
  return [
    ...beanstalkReadStatements(stack, targets),
    new PolicyStatement({
      actions: [
        'elasticbeanstalk:CreateApplicationVersion',
        'elasticbeanstalk:UpdateApplicationVersion',
        'elasticbeanstalk:DeleteApplicationVersion',
      ],
      resources: [...versionArns, ...appArns],
    }),
    new PolicyStatement({
      actions: ['elasticbeanstalk:UpdateEnvironment', 'elasticbeanstalk:AbortEnvironmentUpdate'],
      resources: [
        ...envArns,
        ...versionArns,
        ...appArns,
        `arn:${stack.partition}:elasticbeanstalk:${stack.region}::solutionstack/*`,
        `arn:${stack.partition}:elasticbeanstalk:${stack.region}::platform/*`,
      ],
    }),
    // CreateApplicationVersion reads the source bundle with the caller's credentials.
    new PolicyStatement({ actions: ['s3:GetObject', 's3:GetObjectVersion'], resources: artifactObjectArns }),
    // Beanstalk's own storage bucket (environment templates, logs) used during the update.
    new PolicyStatement({
      actions: [
        's3:GetObject',
        's3:GetObjectVersion',
        's3:PutObject',
        's3:DeleteObject',
        's3:GetObjectAcl',
        's3:PutObjectAcl',
      ],
      resources: [`${ebBucket}/*`],
    }),
    new PolicyStatement({
      actions: ['s3:ListBucket', 's3:GetBucketLocation', 's3:GetBucketPolicy'],
      resources: [ebBucket],
    }),
    new PolicyStatement({
      actions: [
        'cloudformation:DescribeStacks',
        'cloudformation:DescribeStackEvents',
        'cloudformation:DescribeStackResource',
        'cloudformation:DescribeStackResources',
        'cloudformation:GetTemplate',
        'cloudformation:ListStackResources',
        'cloudformation:UpdateStack',
        'cloudformation:CancelUpdateStack',
        // The temporary immutable stack of a TrafficSplitting or Immutable deployment.
        'cloudformation:CreateStack',
        'cloudformation:DeleteStack',
      ],
      resources: [arn(stack, 'cloudformation', 'stack/awseb-e-*/*')],
    }),
    new PolicyStatement({
      actions: [
        'autoscaling:CreateAutoScalingGroup',
        'autoscaling:UpdateAutoScalingGroup',
        'autoscaling:DeleteAutoScalingGroup',
        'autoscaling:SuspendProcesses',
        'autoscaling:ResumeProcesses',
        'autoscaling:SetDesiredCapacity',
        'autoscaling:AttachInstances',
        'autoscaling:DetachInstances',
        'autoscaling:TerminateInstanceInAutoScalingGroup',
        'autoscaling:CreateOrUpdateTags',
        'autoscaling:PutScalingPolicy',
        'autoscaling:DeletePolicy',
        'autoscaling:PutNotificationConfiguration',
      ],
      resources: [
        arn(stack, 'autoscaling', 'autoScalingGroup:*:autoScalingGroupName/awseb-e-*'),
        arn(stack, 'autoscaling', 'launchConfiguration:*:launchConfigurationName/awseb-e-*'),
      ],
    }),
    new PolicyStatement({
      actions: [
        'elasticloadbalancing:RegisterTargets',
        'elasticloadbalancing:DeregisterTargets',
        'elasticloadbalancing:CreateTargetGroup',
        'elasticloadbalancing:ModifyTargetGroup',
        'elasticloadbalancing:ModifyTargetGroupAttributes',
        'elasticloadbalancing:DeleteTargetGroup',
        'elasticloadbalancing:ModifyListener',
        'elasticloadbalancing:ModifyRule',
        'elasticloadbalancing:AddTags',
      ],
      resources: [
        arn(stack, 'elasticloadbalancing', 'targetgroup/awseb-*/*'),
        arn(stack, 'elasticloadbalancing', 'loadbalancer/app/awseb-*/*'),
        arn(stack, 'elasticloadbalancing', 'listener/app/awseb-*/*'),
        arn(stack, 'elasticloadbalancing', 'listener-rule/app/awseb-*/*'),
      ],
    }),
    // The canary's instances: launched from Beanstalk's launch template, only with the environment tag.
    new PolicyStatement({
      actions: ['ec2:RunInstances'],
      resources: [arn(stack, 'ec2', 'instance/*'), arn(stack, 'ec2', 'volume/*')],
      conditions: { StringEquals: { 'aws:RequestTag/elasticbeanstalk:environment-name': environments } },
    }),
    new PolicyStatement({
      actions: ['ec2:RunInstances'],
      resources: [
        arn(stack, 'ec2', 'network-interface/*'),
        arn(stack, 'ec2', 'subnet/*'),
        arn(stack, 'ec2', 'security-group/*'),
        arn(stack, 'ec2', 'launch-template/*'),
        arn(stack, 'ec2', 'key-pair/*'),
        `arn:${stack.partition}:ec2:${stack.region}::image/*`,
      ],
    }),
    new PolicyStatement({
      actions: [
        'ec2:TerminateInstances',
        'ec2:CreateLaunchTemplateVersion',
        'ec2:ModifyLaunchTemplate',
        'ec2:DeleteLaunchTemplate',
        'ec2:DeleteLaunchTemplateVersions',
        'ec2:DeleteSecurityGroup',
        'ec2:AuthorizeSecurityGroupIngress',
        'ec2:AuthorizeSecurityGroupEgress',
        'ec2:RevokeSecurityGroupIngress',
        'ec2:RevokeSecurityGroupEgress',
      ],
      resources: [
        arn(stack, 'ec2', 'instance/*'),
        arn(stack, 'ec2', 'launch-template/*'),
        arn(stack, 'ec2', 'security-group/*'),
      ],
      conditions: { StringEquals: { 'aws:ResourceTag/elasticbeanstalk:environment-name': environments } },
    }),
    // The immutable stack's own launch template and security group, created with the environment tag.
    new PolicyStatement({
      actions: ['ec2:CreateLaunchTemplate', 'ec2:CreateSecurityGroup'],
      resources: [arn(stack, 'ec2', 'launch-template/*'), arn(stack, 'ec2', 'security-group/*')],
      conditions: { StringEquals: { 'aws:RequestTag/elasticbeanstalk:environment-name': environments } },
    }),
    new PolicyStatement({
      actions: ['ec2:CreateSecurityGroup'],
      resources: [arn(stack, 'ec2', 'vpc/*')],
    }),
    // Tags only as part of creating the launch template and the instances (ec2:CreateAction).
    new PolicyStatement({
      actions: ['ec2:CreateTags'],
      resources: [
        arn(stack, 'ec2', 'instance/*'),
        arn(stack, 'ec2', 'volume/*'),
        arn(stack, 'ec2', 'launch-template/*'),
        arn(stack, 'ec2', 'security-group/*'),
      ],
      conditions: {
        StringEquals: {
          'ec2:CreateAction': ['CreateLaunchTemplate', 'CreateSecurityGroup', 'RunInstances'],
          'aws:RequestTag/elasticbeanstalk:environment-name': environments,
        },
      },
    }),
    // Instance log streaming: the environment's log groups.
    new PolicyStatement({
      actions: ['logs:CreateLogGroup', 'logs:PutRetentionPolicy', 'logs:DeleteLogGroup'],
      resources: environments.map((e) => arn(stack, 'logs', `log-group:/aws/elasticbeanstalk/${e}/*`)),
    }),
    new PolicyStatement({
      actions: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms'],
      resources: [arn(stack, 'cloudwatch', 'alarm:awseb-e-*')],
    }),
    // Beanstalk passes its roles on: the instance role to the launch template (ec2), the Auto
    // Scaling group and the CloudFormation stack that create them.
    new PolicyStatement({
      actions: ['iam:PassRole'],
      resources: [`arn:${stack.partition}:iam::${stack.account}:role/*elasticbeanstalk*`],
      conditions: {
        StringEquals: {
          'iam:PassedToService': [
            'ec2.amazonaws.com',
            'elasticbeanstalk.amazonaws.com',
            'autoscaling.amazonaws.com',
            'cloudformation.amazonaws.com',
          ],
        },
      },
    }),
    new PolicyStatement({
      effect: Effect.ALLOW,
      // Describe/List calls of EC2, Auto Scaling and ELB have no resource-level permissions.
      actions: [...BEANSTALK_UPDATE_DESCRIBE_ACTIONS],
      resources: ['*'],
    }),
  ];
}

/** Instance ARNs for SendCommand, limited by the target tag (a condition, since ids change). */
function taggedInstanceStatements(
  stack: Stack,
  targets: Ec2SsmTarget[],
  documentArn: string,
): PolicyStatement[] {
  const byKey = new Map<string, string[]>();
  for (const t of targets)
    byKey.set(t.instanceTag.key, unique([...(byKey.get(t.instanceTag.key) ?? []), t.instanceTag.value]));
  return [
    new PolicyStatement({ actions: ['ssm:SendCommand'], resources: [documentArn] }),
    ...[...byKey].map(
      ([key, values]) =>
        new PolicyStatement({
          actions: ['ssm:SendCommand'],
          resources: [arn(stack, 'ec2', 'instance/*')],
          conditions: { StringEquals: { [`ssm:resourceTag/${key}`]: values } },
        }),
    ),
  ];
}

/** Reading the results of commands: GetCommandInvocation and the List calls have no resource type. */
const commandResults = () =>
  new PolicyStatement({
    actions: ['ssm:GetCommandInvocation', 'ssm:ListCommandInvocations', 'ssm:ListCommands'],
    resources: ['*'],
  });

/** The rolling release: SendCommand with the project's document on the tagged instances. */
export function ssmReleaseStatements(
  stack: Stack,
  targets: Ec2SsmTarget[],
  documentName: string,
): PolicyStatement[] {
  if (targets.length === 0) return [];
  return [
    ...taggedInstanceStatements(stack, targets, arn(stack, 'ssm', `document/${documentName}`)),
    commandResults(),
  ];
}

/**
 * The EC2 health gate: which instances have an online SSM agent (DescribeInstanceInformation has
 * no resource-level permission; the handler filters by the target tag), and a read-only resource
 * check (CPU, memory, disk) through AWS-RunShellScript on the tagged instances only.
 */
export function ssmHealthStatements(stack: Stack, targets: Ec2SsmTarget[]): PolicyStatement[] {
  if (targets.length === 0) return [];
  return [
    new PolicyStatement({ actions: ['ssm:DescribeInstanceInformation'], resources: ['*'] }),
    ...taggedInstanceStatements(
      stack,
      targets,
      `arn:${stack.partition}:ssm:${stack.region}::document/AWS-RunShellScript`,
    ),
    commandResults(),
  ];
}

/**
 * Statements in a customer managed policy of their own, attached to the function's role (a child
 * of the role, so its findings are acknowledged with the role's).
 */
export function attachManagedStatements(fn: IFunction, id: string, statements: PolicyStatement[]): void {
  const role = fn.role;
  if (!role) throw new Error(`${fn.node.path} has no role to attach ${id} to`);
  new ManagedPolicy(role as unknown as Construct, id, { statements, roles: [role] });
}

/** Things the grants need from the stack (kept for call sites that only hold a construct). */
export function addStatements(grantee: IGrantable, statements: PolicyStatement[]): void {
  for (const statement of statements) grantee.grantPrincipal.addToPrincipalPolicy(statement);
}
