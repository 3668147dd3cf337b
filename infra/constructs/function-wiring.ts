/**
 * What each function may touch and how it finds it: the environment variables and least-privilege
 * grants its manifest declares (functions/<name>/manifest.ts), resolved against this deployment. Pipeline state machine ARNs are formatted from
 * their fixed names (`deploy-<pipeline>`) rather than referenced, so a function the state machine
 * invokes never depends on that state machine (no circular dependency at synth).
 */
import type { Stack } from 'aws-cdk-lib';
import { ArnFormat, Fn } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { PipelinesConfig } from '../../functions/commons/config/schema';
import type { DeploymentValue, EnvironmentSource, Grant } from '../../functions/commons/manifest';
import { stateMachineName } from '../../functions/commons/types/pipeline-input';
import { buildRoutes } from '../../functions/github-webhook/routes';
import { BUILDSPEC_FILES, buildProjectNames, readBuildspec, reportGroupKeys } from './build-projects';
import { FUNCTION_MANIFESTS } from './function-catalog';
import type { ControllerFunctions } from './functions';
import type { ControllerSecrets } from './secrets';
import type { Storage } from './storage';
import {
  addStatements,
  attachManagedStatements,
  beanstalkDeployStatements,
  beanstalkReadStatements,
  beanstalkTargets,
  ssmHealthStatements,
  ssmReleaseStatements,
  ssmTargets,
} from './target-permissions';

/** Item reads and writes, as aws-cdk-lib's DynamoDB grants name them (aws-dynamodb/lib/perms). */
const TABLE_READ_ACTIONS = [
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:GetItem',
  'dynamodb:Scan',
  'dynamodb:ConditionCheckItem',
];
const TABLE_WRITE_ACTIONS = [
  'dynamodb:BatchWriteItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
];

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

/** Statements of a target policy (target-permissions.ts), scoped to the configured targets. */
function targetStatements(
  stack: Stack,
  props: WiringProps,
  policy: Extract<Grant, { kind: 'targets' }>['policy'],
): PolicyStatement[] {
  const { config, storage } = props;
  switch (policy) {
    case 'beanstalkRead':
      return beanstalkReadStatements(stack, beanstalkTargets(config));
    case 'ssmHealth':
      return ssmHealthStatements(stack, ssmTargets(config));
    case 'beanstalkDeploy': {
      // The release bundles of the Beanstalk pipelines in the artifacts bucket.
      const prefixes = config.pipelines
        .filter((p) => p.target.kind === 'elastic-beanstalk')
        .map((p) => storage.artifactsBucket.arnForObjects(`${p.name}/*`));
      return beanstalkDeployStatements(stack, beanstalkTargets(config), prefixes);
    }
    case 'ssmRelease':
      return ssmReleaseStatements(stack, ssmTargets(config), props.releaseDocumentName);
  }
}

/** The value of an environment variable the stack sets, or undefined when it leaves it unset. */
function environmentValue(
  props: WiringProps,
  variable: string,
  source: EnvironmentSource,
): string | undefined {
  switch (source.kind) {
    case 'secretArn':
      return props.secrets[source.secret].secretArn;
    case 'tableName':
      if (variable !== source.table.envVar)
        throw new Error(
          `the ${source.table.id} table name goes in ${source.table.envVar}, not ${variable} (functions/commons/tables.ts)`,
        );
      return props.storage.table(source.table).tableName;
    case 'value':
      return source.value;
    case 'deployment':
      return deploymentValue(props, source.value);
    case 'optional':
      return undefined;
  }
}

function deploymentValue(props: WiringProps, value: DeploymentValue): string {
  switch (value) {
    case 'pipelineRoutes':
      return pipelineRoutesValue(props.config);
    case 'releaseDocumentName':
      return props.releaseDocumentName;
    case 'commandOutputLogGroupName':
      return props.commandOutputLogGroupName;
    case 'approvalBaseUrl':
      return props.approvalBaseUrl;
  }
}

/** The statements (or CDK grant) of one manifest grant. */
function applyGrant(stack: Stack, props: WiringProps, fn: NodejsFunction, grant: Grant): void {
  const pipelines = props.config.pipelines.map((p) => p.name);
  const statement = (actions: readonly string[], resources: string[]): PolicyStatement[] =>
    resources.length > 0 ? [new PolicyStatement({ actions: [...actions], resources })] : [];
  switch (grant.kind) {
    case 'table': {
      // The table's own data actions, on the table and its indexes (Table.grant). CDK's
      // grantReadData / grantReadWriteData would add dynamodb:GetRecords and GetShardIterator for a
      // table stream; the tables have none and no function reads one (test/iam/mutation.test.ts).
      const table = props.storage.table(grant.table);
      table.grant(
        fn,
        ...TABLE_READ_ACTIONS,
        ...(grant.access === 'readWrite' ? TABLE_WRITE_ACTIONS : []),
        'dynamodb:DescribeTable',
      );
      return;
    }
    case 'secret':
      props.secrets[grant.secret].grantRead(fn);
      return;
    case 'pipelineStateMachines':
      addStatements(
        fn,
        statement(
          grant.actions,
          pipelines.map((p) => pipelineStateMachineArn(stack, p)),
        ),
      );
      return;
    case 'pipelineExecutions':
      addStatements(
        fn,
        statement(
          grant.actions,
          pipelines.map((p) => pipelineExecutionsArn(stack, p)),
        ),
      );
      return;
    case 'configuredAlarms': {
      const alarmNames = [...new Set(props.config.pipelines.flatMap((p) => p.verify.alarms))];
      addStatements(
        fn,
        statement(
          grant.actions,
          alarmNames.map((name) =>
            stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: name,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          ),
        ),
      );
      return;
    }
    case 'pipelineBuildResults':
      // Service Authorization Reference, AWS CodeBuild: BatchGetBuilds on `project`,
      // BatchGetReports on `report-group` (named <project>-<reports key>, as PipelineBuildProjects makes them).
      addStatements(fn, [
        ...statement(
          ['codebuild:BatchGetBuilds'],
          pipelines.flatMap((p) =>
            Object.values(buildProjectNames(p)).map((name) =>
              stack.formatArn({ service: 'codebuild', resource: 'project', resourceName: name }),
            ),
          ),
        ),
        ...statement(
          ['codebuild:BatchGetReports'],
          props.config.pipelines.flatMap((p) =>
            (p.build.buildspec ? ['unit-tests'] : reportGroupKeys(readBuildspec(BUILDSPEC_FILES.build))).map(
              (key) =>
                stack.formatArn({
                  service: 'codebuild',
                  resource: 'report-group',
                  resourceName: `${buildProjectNames(p.name).build}-${key}`,
                }),
            ),
          ),
        ),
      ]);
      return;
    case 'anyResource':
      addStatements(fn, statement(grant.actions, ['*']));
      return;
    case 'targets':
      // The Beanstalk update policy is large: its own managed policy keeps the role's inline
      // policy under IAM's size limit (CDK would otherwise split it at synth time).
      if (grant.policy === 'beanstalkDeploy')
        attachManagedStatements(fn, 'BeanstalkUpdatePolicy', targetStatements(stack, props, grant.policy));
      else addStatements(fn, targetStatements(stack, props, grant.policy));
      return;
  }
}

/**
 * Wires environment and permissions of every function from its manifest
 * (functions/<name>/manifest.ts): variables first, then grants, each in the order declared.
 */
export function wireFunctions(stack: Stack, props: WiringProps): void {
  for (const manifest of FUNCTION_MANIFESTS) {
    const fn = props.functions.get(manifest.name);
    for (const [variable, source] of Object.entries(manifest.environment)) {
      const value = environmentValue(props, variable, source);
      if (value !== undefined) fn.addEnvironment(variable, value);
    }
    for (const grant of manifest.grants) applyGrant(stack, props, fn, grant);
  }
}
