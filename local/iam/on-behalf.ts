/**
 * Calls AWS makes on a caller's behalf, with the caller's permissions, each from AWS's own
 * documentation or source:
 * - Step Functions' service integrations run with the state machine's role; `.sync` integrations
 *   need the EventBridge rule Step Functions manages for them (Step Functions developer guide,
 *   "IAM policies for AWS CodeBuild" / "IAM policies for AWS Step Functions": events:PutTargets,
 *   PutRule, DescribeRule on `rule/StepFunctionsGetEventForCodeBuildStartBuildRule` and
 *   `rule/StepFunctionsGetEventsForStepFunctionsExecutionRule`; a role without them gets
 *   "'<role arn>' is not authorized to create managed-rule.", e.g. nasa/cumulus#2693).
 * - Elastic Beanstalk performs UpdateEnvironment and CreateApplicationVersion with the caller's
 *   credentials: the resources of its CloudFormation stack (`awseb-<env id>-stack`, and for a
 *   TrafficSplitting or Immutable deployment the temporary `awseb-<env id>-immutable-stack`),
 *   what AWS's managed policy AWSElasticBeanstalkManagedUpdatesCustomerRolePolicy grants for them
 *   (AWS Managed Policy reference; document v8 as mirrored by zoph-io/MAMIP): CloudFormation on
 *   `stack/awseb-*`, EC2 launch templates, security groups and RunInstances from a launch template,
 *   Auto Scaling groups `awseb-e-*`, ELB target registration, iam:PassRole to the downstream
 *   services, CloudWatch Logs groups `/aws/elasticbeanstalk/*` (instance log streaming), and its
 *   `elasticbeanstalk-<region>-<account>` bucket; the source bundle is read with s3:GetObject.
 *   A refusal answers InsufficientPrivilegesException (403), as botocore's elasticbeanstalk model
 *   lists for both operations.
 * - The SSM agent runs commands with the instance role: the release script's `aws s3 cp` of the
 *   artifact (s3:GetObject), and CloudWatch output (amazon-ssm-agent,
 *   agent/framework/processor/executer/iohandler/iohandler.go: CreateLogGroup before streaming,
 *   and on error, agent/agentlogstocloudwatch/cloudwatchlogspublisher/cloudwatchlogsservice.go:
 *   DescribeLogGroups to see whether the group exists; if neither works streaming is turned off),
 *   then CreateLogStream and PutLogEvents.
 * - CodeBuild writes logs, reports and artifacts with the project's service role (CodeBuild user
 *   guide, "Allow CodeBuild to interact with other AWS services": logs:CreateLogStream,
 *   logs:PutLogEvents, codebuild:CreateReport/UpdateReport/BatchPutTestCases, s3:PutObject).
 */
import type { AwsCall } from '../aws/server';
import { ServiceError } from '../aws/service-error';
import type { Authorizer } from './authorizer';
import type { Caller } from './caller';
import type { IamRequest } from './operations';

type Params = Record<string, unknown>;

/** Rules Step Functions creates on first use of a `.sync` integration, by service. */
export const MANAGED_RULES: Record<string, string> = {
  codebuild: 'StepFunctionsGetEventForCodeBuildStartBuildRule',
  states: 'StepFunctionsGetEventsForStepFunctionsExecutionRule',
};

/** A Step Functions Task's resource, as the sandbox parses it. */
export interface TaskResourceRef {
  kind: 'lambda-arn' | 'integration' | 'wait';
  functionName?: string;
  service?: string;
  action?: string;
  pattern?: string;
}

const arnOf = (region: string, account: string) => (service: string, resource: string) =>
  `arn:aws:${service}:${region}:${account}:${resource}`;

/** The requests a Task state makes with the state machine's role. */
export function taskRequests(
  resource: TaskResourceRef,
  params: Params,
  region: string,
  account: string,
): { requests: IamRequest[]; managedRule?: IamRequest[] } {
  const arn = arnOf(region, account);
  const lambda = (name: string): IamRequest[] => [
    {
      action: 'lambda:InvokeFunction',
      resource: name.startsWith('arn:') ? name : arn('lambda', `function:${name}`),
    },
  ];
  if (resource.kind === 'lambda-arn') return { requests: lambda(resource.functionName ?? '') };
  if (resource.kind !== 'integration') return { requests: [] };
  const sync = resource.pattern === 'sync' || resource.pattern === 'sync2';
  // The rule is created before its target is added (PutTargets needs an existing rule:
  // ResourceNotFoundException otherwise, EventBridge API reference "PutTargets").
  const rule = (service: string): IamRequest[] =>
    ['events:PutRule', 'events:PutTargets', 'events:DescribeRule'].map((action) => ({
      action,
      resource: arn('events', `rule/${MANAGED_RULES[service]}`),
    }));
  switch (`${resource.service}:${resource.action}`) {
    case 'lambda:invoke':
      return { requests: lambda(String(params.FunctionName ?? '')) };
    case 'codebuild:startBuild': {
      const project = arn('codebuild', `project/${String(params.ProjectName ?? '')}`);
      const requests: IamRequest[] = [{ action: 'codebuild:StartBuild', resource: project }];
      // .sync: Step Functions reads the finished build (BatchGetBuilds) after the rule's event.
      if (sync) requests.push({ action: 'codebuild:BatchGetBuilds', resource: project });
      return sync ? { requests, managedRule: rule('codebuild') } : { requests };
    }
    case 'states:startExecution': {
      const machine = String(params.StateMachineArn ?? '');
      const requests: IamRequest[] = [{ action: 'states:StartExecution', resource: machine }];
      if (sync) {
        const name = machine.split(':').pop() ?? '';
        requests.push({
          action: 'states:DescribeExecution',
          resource: arn('states', `execution:${name}:sandbox`),
        });
      }
      return sync ? { requests, managedRule: rule('states') } : { requests };
    }
    case 'events:putEvents':
      return {
        requests: [
          {
            action: 'events:PutEvents',
            resource: arn(
              'events',
              `event-bus/${String((params.Entries as Params[] | undefined)?.[0]?.EventBusName ?? 'default')}`,
            ),
          },
        ],
      };
    default: {
      // DynamoDB item integrations: dynamodb:<Action> on the table.
      const operation = (resource.action ?? '').replace(/^./, (c) => c.toUpperCase());
      return {
        requests: [
          {
            action: `dynamodb:${operation}`,
            resource: arn('dynamodb', `table/${String(params.TableName ?? '')}`),
          },
        ],
      };
    }
  }
}

/** Option value of an awsQuery OptionSettings list. */
function option(input: Params, namespace: string, name: string): string | undefined {
  const settings = (input.OptionSettings as Params[] | undefined) ?? [];
  const found = settings.find((s) => s.Namespace === namespace && s.OptionName === name);
  return typeof found?.Value === 'string' ? found.Value : undefined;
}

/** What Elastic Beanstalk does with the caller's permissions for an environment update. */
export function beanstalkUpdateRequests(
  environment: { name: string; id: string; instanceRoleArn?: string },
  deploymentPolicy: string | undefined,
  region: string,
  account: string,
): IamRequest[] {
  const arn = arnOf(region, account);
  const envTag = { 'aws:ResourceTag/elasticbeanstalk:environment-name': environment.name };
  const stack = arn('cloudformation', `stack/awseb-${environment.id}-stack/sandbox`);
  const requests: IamRequest[] = [
    ...['cloudformation:DescribeStacks', 'cloudformation:GetTemplate', 'cloudformation:UpdateStack'].map(
      (action) => ({
        action,
        resource: stack,
      }),
    ),
    // Its storage bucket: the environment's bundle and configuration under resources/environments.
    ...['s3:GetObject', 's3:PutObject'].map((action) => ({
      action,
      resource: `arn:aws:s3:::elasticbeanstalk-${region}-${account}/resources/environments/${environment.id}/_runtime/sandbox`,
    })),
    // Instance log streaming (the sample environment's StreamLogs=true): its log groups.
    {
      action: 'logs:CreateLogGroup',
      resource: arn('logs', `log-group:/aws/elasticbeanstalk/${environment.name}/var/log/eb-engine.log`),
    },
  ];
  if (deploymentPolicy !== 'TrafficSplitting' && deploymentPolicy !== 'Immutable') return requests;
  // The temporary immutable stack: its own launch template, security group, Auto Scaling group,
  // instances launched from the template, registered with the environment's target group.
  const temporary = arn('cloudformation', `stack/awseb-${environment.id}-immutable-stack/sandbox`);
  const launchTemplate = arn('ec2', `launch-template/lt-0${environment.id.slice(2)}`);
  const createTag = (createAction: string) => ({
    'aws:RequestTag/elasticbeanstalk:environment-name': environment.name,
    'ec2:CreateAction': createAction,
  });
  requests.push(
    ...['cloudformation:CreateStack', 'cloudformation:DescribeStacks', 'cloudformation:DeleteStack'].map(
      (action) => ({
        action,
        resource: temporary,
      }),
    ),
    {
      action: 'ec2:CreateLaunchTemplate',
      resource: launchTemplate,
      context: { 'aws:RequestTag/elasticbeanstalk:environment-name': environment.name },
    },
    { action: 'ec2:CreateTags', resource: launchTemplate, context: createTag('CreateLaunchTemplate') },
    {
      action: 'ec2:CreateSecurityGroup',
      resource: arn('ec2', `security-group/sg-0${environment.id.slice(2)}`),
      context: { 'aws:RequestTag/elasticbeanstalk:environment-name': environment.name },
    },
    {
      // In the environment's VPC: CreateSecurityGroup is authorised on the VPC too (Service
      // Authorization Reference, Amazon EC2: resource types security-group and vpc).
      action: 'ec2:CreateSecurityGroup',
      resource: arn('ec2', `vpc/vpc-0${environment.id.slice(2)}`),
      context: { 'aws:RequestTag/elasticbeanstalk:environment-name': environment.name },
    },
    // RunInstances is authorised on every resource the launch uses: the instance and its volume,
    // network interface, subnet, security group, launch template and AMI (Service Authorization
    // Reference, Amazon EC2: RunInstances requires image, instance, network-interface,
    // security-group and subnet, and volume and launch-template when used).
    ...[
      `instance/i-0${environment.id.slice(2)}`,
      `volume/vol-0${environment.id.slice(2)}`,
      `network-interface/eni-0${environment.id.slice(2)}`,
      `subnet/subnet-0${environment.id.slice(2)}`,
      `security-group/sg-0${environment.id.slice(2)}`,
    ]
      .map((resource) => arn('ec2', resource))
      .concat(launchTemplate, `arn:aws:ec2:${region}::image/ami-0${environment.id.slice(2)}`)
      .map((resource) => ({
        action: 'ec2:RunInstances',
        resource,
        context: {
          'ec2:LaunchTemplate': launchTemplate,
          'aws:RequestTag/elasticbeanstalk:environment-name': environment.name,
        },
      })),
    {
      action: 'ec2:CreateTags',
      resource: arn('ec2', `instance/i-0${environment.id.slice(2)}`),
      context: createTag('RunInstances'),
    },
    ...[
      'autoscaling:CreateAutoScalingGroup',
      'autoscaling:UpdateAutoScalingGroup',
      'autoscaling:DeleteAutoScalingGroup',
    ].map((action) => ({
      action,
      resource: arn(
        'autoscaling',
        `autoScalingGroup:sandbox:autoScalingGroupName/awseb-${environment.id}-immutable-stack-AWSEBAutoScalingGroup-SANDBOX`,
      ),
    })),
    ...['elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'].map((action) => ({
      action,
      resource: arn('elasticloadbalancing', `targetgroup/awseb-AWSEB-SANDBOX/${environment.id.slice(2)}`),
    })),
    {
      action: 'ec2:TerminateInstances',
      resource: arn('ec2', `instance/i-0${environment.id.slice(2)}`),
      context: envTag,
    },
  );
  if (environment.instanceRoleArn)
    for (const service of ['autoscaling.amazonaws.com', 'cloudformation.amazonaws.com', 'ec2.amazonaws.com'])
      requests.push({
        action: 'iam:PassRole',
        resource: environment.instanceRoleArn,
        context: { 'iam:PassedToService': service },
      });
  return requests;
}

/** The agent's calls for one command on one instance (instance role). */
export function agentRequests(
  region: string,
  account: string,
  command: {
    artifactBucket?: string;
    artifactKey?: string;
    logGroup?: string;
    commandId: string;
    instanceId: string;
  },
): { download: IamRequest[]; createGroup: IamRequest[]; describeGroups: IamRequest[]; stream: IamRequest[] } {
  const arn = arnOf(region, account);
  const group = command.logGroup ?? '';
  const stream = `${command.commandId}/${command.instanceId}/aws-runShellScript/stdout`;
  return {
    download:
      command.artifactBucket && command.artifactKey
        ? [
            {
              action: 's3:GetObject',
              resource: `arn:aws:s3:::${command.artifactBucket}/${command.artifactKey}`,
            },
          ]
        : [],
    createGroup: [{ action: 'logs:CreateLogGroup', resource: arn('logs', `log-group:${group}`) }],
    describeGroups: [{ action: 'logs:DescribeLogGroups', resource: '*' }],
    stream: ['logs:CreateLogStream', 'logs:PutLogEvents'].map((action) => ({
      action,
      resource: arn('logs', `log-group:${group}:log-stream:${stream}`),
    })),
  };
}

/** A build's own calls (project role): its log group, its report group, its artifact. */
export function buildRequests(
  region: string,
  account: string,
  build: {
    projectName: string;
    logGroup: string;
    buildId: string;
    reportGroup?: string;
    artifact?: { bucket: string; key: string };
  },
): IamRequest[] {
  const arn = arnOf(region, account);
  const stream = build.buildId.split(':')[1] ?? build.buildId;
  const requests: IamRequest[] = ['logs:CreateLogStream', 'logs:PutLogEvents'].map((action) => ({
    action,
    resource: arn('logs', `log-group:${build.logGroup}:log-stream:${stream}`),
  }));
  if (build.reportGroup)
    for (const action of ['codebuild:CreateReport', 'codebuild:UpdateReport', 'codebuild:BatchPutTestCases'])
      requests.push({ action, resource: arn('codebuild', `report-group/${build.reportGroup}`) });
  if (build.artifact)
    requests.push({
      action: 's3:PutObject',
      resource: `arn:aws:s3:::${build.artifact.bucket}/${build.artifact.key}`,
    });
  return requests;
}

/**
 * Elastic Beanstalk's calls with the caller's permissions, checked before the operation runs:
 * undefined, or InsufficientPrivilegesException naming the missing permission.
 */
export async function onBehalfOfCaller(
  authorizer: Authorizer,
  caller: Caller,
  call: AwsCall,
): Promise<ServiceError | undefined> {
  if (call.service !== 'elasticbeanstalk') return undefined;
  const input = (call.input ?? {}) as Params;
  const { account } = authorizer.model;
  let requests: IamRequest[] = [];
  if (call.operation === 'CreateApplicationVersion') {
    const bundle = (input.SourceBundle ?? {}) as Params;
    if (typeof bundle.S3Bucket === 'string' && typeof bundle.S3Key === 'string')
      requests = [{ action: 's3:GetObject', resource: `arn:aws:s3:::${bundle.S3Bucket}/${bundle.S3Key}` }];
  } else if (call.operation === 'UpdateEnvironment' && typeof input.EnvironmentName === 'string') {
    const environment = authorizer.world.beanstalkEnvironment(input.EnvironmentName);
    if (environment)
      requests = beanstalkUpdateRequests(
        environment,
        option(input, 'aws:elasticbeanstalk:command', 'DeploymentPolicy'),
        call.region,
        account,
      );
  }
  if (!requests.length) return undefined;
  const denial = await authorizer.authorize(
    caller,
    requests,
    `elasticbeanstalk.${call.operation} (on the caller's behalf)`,
  );
  return denial ? new ServiceError('InsufficientPrivilegesException', denial.message, 403) : undefined;
}
