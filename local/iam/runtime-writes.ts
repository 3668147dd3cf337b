/**
 * What the Lambda and Step Functions services write with the caller's role around every
 * invocation and execution, beside the calls the code makes itself:
 * - Lambda sends the function's logs to its log group with the execution role: a log stream per
 *   execution environment (logs:CreateLogStream) and its events (logs:PutLogEvents). The group
 *   exists already (LoggingConfig names the stack's group), so logs:CreateLogGroup is not needed
 *   (Lambda developer guide, "Defining Lambda function permissions with an execution role" and
 *   "Sending Lambda function logs to CloudWatch Logs"; AWSLambdaBasicExecutionRole grants the
 *   three actions). The stream is named `YYYY/MM/DD/[$LATEST]<environment id>`.
 * - With active tracing, Lambda uploads the invocation's trace with the execution role:
 *   xray:PutTraceSegments and xray:PutTelemetryRecords, which have no resource types (Lambda
 *   developer guide, "Visualize Lambda function invocations using AWS X-Ray": add
 *   AWSXRayDaemonWriteAccess to the execution role).
 * - A state machine with tracing enabled sends its traces with its role: xray:PutTraceSegments,
 *   PutTelemetryRecords, GetSamplingRules, GetSamplingTargets on `*` (Step Functions developer
 *   guide, "IAM policies for AWS X-Ray").
 * None of these fails the invocation or the execution when refused: the logs or traces are lost.
 */
import { createHash } from 'node:crypto';
import type { IamRequest } from './operations';

const XRAY_UPLOAD = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'];

/** The log stream Lambda writes a function's logs to: one per execution environment. */
export function lambdaLogStream(functionName: string, now: Date): string {
  const day = now.toISOString().slice(0, 10).replace(/-/g, '/');
  const environment = createHash('sha256').update(functionName).digest('hex').slice(0, 32);
  return `${day}/[$LATEST]${environment}`;
}

/**
 * The requests Lambda makes with a function's role for one invocation: its log writes to
 * `logGroup` and, when `tracing` is active, its trace upload.
 */
export function lambdaRuntimeRequests(options: {
  region: string;
  account: string;
  functionName: string;
  logGroup: string;
  tracing: boolean;
  now: Date;
}): IamRequest[] {
  const { region, account, functionName, logGroup } = options;
  const stream = `arn:aws:logs:${region}:${account}:log-group:${logGroup}:log-stream:${lambdaLogStream(functionName, options.now)}`;
  return [
    { action: 'logs:CreateLogStream', resource: stream },
    { action: 'logs:PutLogEvents', resource: stream },
    ...(options.tracing ? XRAY_UPLOAD.map((action) => ({ action, resource: '*' })) : []),
  ];
}

/** The requests Step Functions makes with a traced state machine's role for an execution. */
export function stateMachineTracingRequests(): IamRequest[] {
  return [...XRAY_UPLOAD, 'xray:GetSamplingRules', 'xray:GetSamplingTargets'].map((action) => ({
    action,
    resource: '*',
  }));
}
