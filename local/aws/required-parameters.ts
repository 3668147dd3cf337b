/**
 * Required request members, the one place the sandbox refuses a call for a missing parameter
 * (only "required": other constraints come from the generated constraints of the limits work).
 * Members are the `required` lists of each operation's input shape in botocore's service models
 * (`awscli/botocore/data/<service>/<version>/service-2.json`: ssm 2014-11-06, codebuild
 * 2016-10-06, elasticbeanstalk 2010-12-01, secretsmanager 2017-10-17, events 2015-10-07,
 * stepfunctions 2016-11-23, cloudwatch 2010-08-01). DynamoDB is validated by dynalite itself.
 *
 * Answers, by protocol (AWS "Common Errors" pages, e.g.
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/CommonErrors.html):
 * - JSON protocols: `ValidationException` (HTTP 400) with the service's validation message
 *   "1 validation error detected: Value null at '<member>' failed to satisfy constraint: Member
 *   must not be null";
 * - awsQuery: `MissingParameter` (HTTP 400) "A required parameter for the specified action is
 *   not supplied."
 */
import type { AwsCall, CallCheck } from './server';
import { ServiceError } from './service-error';

/** Sandbox service name -> operation -> required top-level members (botocore `required`). */
export const REQUIRED_MEMBERS: Record<string, Record<string, readonly string[]>> = {
  ssm: { SendCommand: ['DocumentName'], GetCommandInvocation: ['CommandId', 'InstanceId'] },
  codebuild: {
    StartBuild: ['projectName'],
    BatchGetBuilds: ['ids'],
    BatchGetReports: ['reportArns'],
    StopBuild: ['id'],
    ListBuildsForProject: ['projectName'],
  },
  elasticbeanstalk: {
    CreateApplicationVersion: ['ApplicationName', 'VersionLabel'],
    DeleteApplicationVersion: ['ApplicationName', 'VersionLabel'],
  },
  secretsmanager: { GetSecretValue: ['SecretId'], PutSecretValue: ['SecretId'] },
  events: { PutEvents: ['Entries'] },
  sfn: {
    DescribeStateMachine: ['stateMachineArn'],
    DescribeExecution: ['executionArn'],
    StartExecution: ['stateMachineArn'],
    GetExecutionHistory: ['executionArn'],
    StopExecution: ['executionArn'],
    SendTaskSuccess: ['taskToken', 'output'],
    SendTaskFailure: ['taskToken'],
    SendTaskHeartbeat: ['taskToken'],
  },
};

/** Services answered in awsQuery (their refusals are MissingParameter). */
const QUERY_SERVICES = new Set(['elasticbeanstalk', 'cloudwatch']);

const lowerFirst = (name: string) => name[0]!.toLowerCase() + name.slice(1);

/** The refusal for a call that lacks a required member, or undefined. */
export function missingParameter(
  call: Pick<AwsCall, 'service' | 'operation' | 'input'>,
): ServiceError | undefined {
  const required = REQUIRED_MEMBERS[call.service]?.[call.operation];
  if (!required) return undefined;
  const input = (call.input ?? {}) as Record<string, unknown>;
  const missing = required.filter((name) => input[name] === undefined || input[name] === null);
  if (!missing.length) return undefined;
  if (QUERY_SERVICES.has(call.service))
    return new ServiceError(
      'MissingParameter',
      'A required parameter for the specified action is not supplied.',
    );
  const details = missing.map(
    (name) => `Value null at '${lowerFirst(name)}' failed to satisfy constraint: Member must not be null`,
  );
  return new ServiceError(
    'ValidationException',
    `${missing.length} validation error${missing.length > 1 ? 's' : ''} detected: ${details.join('; ')}`,
  );
}

/** The check for the request pipeline. */
export const requiredParameters: CallCheck = (call) => missingParameter(call);
