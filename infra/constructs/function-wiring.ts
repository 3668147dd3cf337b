/**
 * What each function may touch and how it finds it: environment variables (documented at the top
 * of each handler) and least-privilege grants. Pipeline state machine ARNs are formatted from
 * their fixed names (`deploy-<pipeline>`) rather than referenced, so a function the state machine
 * invokes never depends on that state machine (no circular dependency at synth).
 */
import type { Stack } from 'aws-cdk-lib';
import { ArnFormat, Fn } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { PipelinesConfig } from '../../functions/commons/config/schema';
import {
  ApprovalsTable,
  DeployHistoryTable,
  DeployLocksTable,
  type TableDesign,
} from '../../functions/commons/tables';
import { stateMachineName } from '../../functions/commons/types/pipeline-input';
import { buildRoutes } from '../../functions/github-webhook/routes';
import type { ControllerFunctions } from './functions';
import type { ControllerSecrets } from './secrets';
import type { Storage } from './storage';
import {
  addStatements,
  beanstalkDeployStatements,
  beanstalkReadStatements,
  beanstalkTargets,
  ssmHealthStatements,
  ssmReleaseStatements,
  ssmTargets,
} from './target-permissions';

/** The Notifications table design, when functions/commons/tables.ts has it. */
export const NOTIFICATIONS_TABLE_ID = 'Notifications';

/** ARN of a pipeline's state machine, from its fixed name. */
export function pipelineStateMachineArn(stack: Stack, pipeline: string): string {
  return stack.formatArn({
    service: 'states',
    resource: 'stateMachine',
    resourceName: stateMachineName(pipeline),
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/** ARN pattern of a pipeline's executions. */
export function pipelineExecutionsArn(stack: Stack, pipeline: string): string {
  return stack.formatArn({
    service: 'states',
    resource: 'execution',
    resourceName: `${stateMachineName(pipeline)}:*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

const SENTINEL_PREFIX = 'arn:aws:states:us-east-1:123456789012:stateMachine:';

/**
 * `PIPELINE_ROUTES` for the webhook: `buildRoutes` validates the routes (with a placeholder ARN
 * of the right shape), then partition, region and account are filled in at deploy time.
 */
export function pipelineRoutesValue(config: PipelinesConfig): string {
  const routes = buildRoutes(config, (pipeline) => `${SENTINEL_PREFIX}${stateMachineName(pipeline)}`);
  const json = JSON.stringify(routes);
  if (json.includes('${')) throw new Error('route values must not contain "${"');
  return Fn.sub(
    json
      .split(SENTINEL_PREFIX)
      .join('arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:'),
  );
}

export interface WiringProps {
  config: PipelinesConfig;
  functions: ControllerFunctions;
  storage: Storage;
  secrets: ControllerSecrets;
  releaseDocumentName: string;
  /** Log group the SSM agent writes release output to (SendCommand CloudWatchOutputConfig). */
  commandOutputLogGroupName: string;
  /** The API's root URL (approval-request builds `<base>/approvals/<id>` links). */
  approvalBaseUrl: string;
}

function setTable(
  fn: NodejsFunction,
  storage: Storage,
  design: TableDesign,
  access: 'read' | 'readWrite',
): void {
  const table = storage.table(design);
  fn.addEnvironment(design.envVar, table.tableName);
  if (access === 'read') table.grantReadData(fn);
  else table.grantReadWriteData(fn);
}

/** Wires environment and permissions of every function. */
export function wireFunctions(stack: Stack, props: WiringProps): void {
  const { config, functions, storage, secrets } = props;
  const pipelines = config.pipelines.map((p) => p.name);
  const machineArns = pipelines.map((p) => pipelineStateMachineArn(stack, p));
  const executionArns = pipelines.map((p) => pipelineExecutionsArn(stack, p));
  const notifications = storage.tables.has(NOTIFICATIONS_TABLE_ID)
    ? storage.tables.get(NOTIFICATIONS_TABLE_ID)
    : undefined;

  // github-webhook: start the pipeline of a push (a redelivery gets ExecutionAlreadyExists: no read needed).
  const webhook = functions.get('github-webhook');
  webhook.addEnvironment('PIPELINE_ROUTES', pipelineRoutesValue(config));
  webhook.addEnvironment('GITHUB_WEBHOOK_SECRET_ARN', secrets.githubWebhookSecret.secretArn);
  webhook.addEnvironment('MAX_BODY_BYTES', String(5 * 1024 * 1024));
  secrets.githubWebhookSecret.grantRead(webhook);
  addStatements(webhook, [
    new PolicyStatement({ actions: ['states:StartExecution'], resources: machineArns }),
  ]);

  // deploy-lock: the lease table.
  const lock = functions.get('deploy-lock');
  setTable(lock, storage, DeployLocksTable, 'readWrite');

  // health-gate: Beanstalk describe calls; SSM agent status and a read-only resource check.
  const health = functions.get('health-gate');
  addStatements(health, [
    ...beanstalkReadStatements(stack, beanstalkTargets(config)),
    ...ssmHealthStatements(stack, ssmTargets(config)),
  ]);

  // beanstalk-deploy: application versions and the canary deployment.
  const beanstalk = functions.get('beanstalk-deploy');
  const beanstalkPrefixes = config.pipelines
    .filter((p) => p.target.kind === 'elastic-beanstalk')
    .map((p) => storage.artifactsBucket.arnForObjects(`${p.name}/*`));
  addStatements(beanstalk, beanstalkDeployStatements(stack, beanstalkTargets(config), beanstalkPrefixes));

  // ssm-deploy: the project's Command document on the tagged instances (the instances fetch the
  // release from the artifacts bucket with their own role and write the output to the log group).
  const ssmDeploy = functions.get('ssm-deploy');
  ssmDeploy.addEnvironment('SSM_DOCUMENT_NAME', props.releaseDocumentName);
  ssmDeploy.addEnvironment('SSM_LOG_GROUP', props.commandOutputLogGroupName);
  addStatements(ssmDeploy, ssmReleaseStatements(stack, ssmTargets(config), props.releaseDocumentName));

  // verify: the alarms named in pipelines.yaml, nothing else.
  const verify = functions.get('verify');
  const alarmNames = [...new Set(config.pipelines.flatMap((p) => p.verify.alarms))];
  if (alarmNames.length > 0) {
    addStatements(verify, [
      new PolicyStatement({
        actions: ['cloudwatch:DescribeAlarms'],
        resources: alarmNames.map((name) =>
          stack.formatArn({
            service: 'cloudwatch',
            resource: 'alarm',
            resourceName: name,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ),
      }),
    ]);
  }

  // approval-request: signed links, the approvals table, Slack.
  const request = functions.get('approval-request');
  setTable(request, storage, ApprovalsTable, 'readWrite');
  request.addEnvironment('APPROVAL_LINK_KEY_SECRET_ARN', secrets.approvalLinkKey.secretArn);
  request.addEnvironment('APPROVAL_BASE_URL', props.approvalBaseUrl);
  request.addEnvironment('SLACK_WEBHOOK_SECRET_ARN', secrets.slackWebhookSecret.secretArn);
  secrets.approvalLinkKey.grantRead(request);
  secrets.slackWebhookSecret.grantRead(request);

  // approval-callback: checks the link, answers the waiting task.
  const callback = functions.get('approval-callback');
  setTable(callback, storage, ApprovalsTable, 'readWrite');
  callback.addEnvironment('APPROVAL_LINK_KEY_SECRET_ARN', secrets.approvalLinkKey.secretArn);
  callback.addEnvironment('SLACK_WEBHOOK_SECRET_ARN', secrets.slackWebhookSecret.secretArn);
  secrets.approvalLinkKey.grantRead(callback);
  secrets.slackWebhookSecret.grantRead(callback);
  addStatements(callback, [
    new PolicyStatement({
      actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
      resources: machineArns,
    }),
  ]);

  // deploy-history: the audit trail.
  setTable(functions.get('deploy-history'), storage, DeployHistoryTable, 'readWrite');

  // notifier: reads the execution that changed, de-duplicates, posts to Slack and GitHub.
  const notifier = functions.get('notifier');
  notifier.addEnvironment('SLACK_WEBHOOK_SECRET_ARN', secrets.slackWebhookSecret.secretArn);
  notifier.addEnvironment('GITHUB_TOKEN_SECRET_ARN', secrets.githubTokenSecret.secretArn);
  secrets.slackWebhookSecret.grantRead(notifier);
  secrets.githubTokenSecret.grantRead(notifier);
  if (notifications) {
    notifier.addEnvironment('NOTIFICATIONS_TABLE', notifications.tableName);
    notifications.grantReadWriteData(notifier);
  }
  addStatements(notifier, [
    new PolicyStatement({
      actions: ['states:DescribeExecution', 'states:GetExecutionHistory'],
      resources: executionArns,
    }),
    // Time to restore: the pipeline's recent executions.
    new PolicyStatement({ actions: ['states:ListExecutions'], resources: machineArns }),
  ]);
}
