/**
 * Step Functions JSON 1.0 API (`AWSStepFunctions.<Op>`) over the engine: StartExecution,
 * DescribeExecution, StopExecution, RedriveExecution, ListStateMachines, DescribeStateMachine,
 * ListExecutions, GetExecutionHistory, SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat.
 * Shapes follow botocore's stepfunctions 2016-11-23 model (`…Input` / `…Output` shapes).
 */
import type { JsonService } from '../aws/server';
import { ServiceError } from '../aws/service-error';
import type { Execution, StepFunctionsEngine } from './engine';
import type { HistoryEvent } from './history';
import type { TaskTokens } from './task-tokens';
import { redriveStatus } from './redrive';
import { checkExecutionArn, checkStateMachineArn } from './arns';
import { omit } from '../omit';

const STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'];
/** Offset-based page tokens (opaque to callers, as AWS's are). */
function page<T>(
  items: T[],
  maxResults: unknown,
  nextToken: unknown,
  defaultMax: number,
  limit: number,
): { items: T[]; nextToken?: string } {
  const max = maxResults === undefined || maxResults === 0 ? defaultMax : Number(maxResults);
  if (!Number.isInteger(max) || max < 0 || max > limit)
    throw new ServiceError(
      'ValidationException',
      `1 validation error detected: Value '${String(maxResults)}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to ${limit}`,
    );
  let offset = 0;
  if (nextToken !== undefined) {
    const decoded = /^sandbox-page-(\d+)$/.exec(Buffer.from(String(nextToken), 'base64url').toString('utf8'));
    if (!decoded)
      throw new ServiceError('InvalidToken', 'Invalid Token: the nextToken was not issued by this API');
    offset = Number(decoded[1]);
  }
  const slice = items.slice(offset, offset + max);
  const more = offset + max < items.length;
  return {
    items: slice,
    ...(more && { nextToken: Buffer.from(`sandbox-page-${offset + max}`).toString('base64url') }),
  };
}

function describe(execution: Execution) {
  return {
    executionArn: execution.arn,
    stateMachineArn: execution.stateMachine.arn,
    name: execution.name,
    status: execution.status,
    startDate: execution.startDate,
    ...(execution.stopDate && { stopDate: execution.stopDate }),
    input: execution.input,
    inputDetails: { included: true },
    ...(execution.output !== undefined && { output: execution.output, outputDetails: { included: true } }),
    ...(execution.error !== undefined && { error: execution.error }),
    ...(execution.cause !== undefined && { cause: execution.cause }),
    // DescribeExecutionOutput: redriveCount (0 until redriven), redriveDate (the latest redrive),
    // redriveStatus and, when NOT_REDRIVABLE, redriveStatusReason (redrive.ts).
    redriveCount: execution.redriveCount,
    ...(execution.redriveDate && { redriveDate: execution.redriveDate }),
    ...redriveStatus(execution),
  };
}

function withoutData(event: HistoryEvent): HistoryEvent {
  const out: HistoryEvent = { ...event };
  for (const [key, value] of Object.entries(event)) {
    if (key.endsWith('EventDetails') && value && typeof value === 'object') {
      out[key] = omit(value as Record<string, unknown>, 'input', 'output', 'parameters');
    }
  }
  return out;
}

export function stepFunctionsService(engine: StepFunctionsEngine, tokens: TaskTokens): JsonService {
  return {
    name: 'sfn',
    targetPrefix: 'AWSStepFunctions',
    jsonVersion: '1.0',
    operations: {
      StartExecution: (input: { stateMachineArn?: string; name?: string; input?: string }) => {
        const { execution } = engine.start(String(input.stateMachineArn ?? ''), input.input, input.name);
        return { executionArn: execution.arn, startDate: execution.startDate };
      },
      DescribeExecution: (input: { executionArn?: string }) => describe(engine.execution(input.executionArn)),
      RedriveExecution: (input: { executionArn?: string; clientToken?: string }) => {
        // RedriveExecutionOutput: `redriveDate` (required). Errors: ExecutionDoesNotExist,
        // ExecutionNotRedrivable (engine.ts, redrive.ts). ExecutionLimitExceeded does not apply:
        // the sandbox sets no limit on open executions.
        const clientToken = typeof input.clientToken === 'string' ? input.clientToken : undefined;
        // clientToken's length and pattern, like every member constraint of the model, are
        // checked before the operation runs (local/limits, generated from botocore's model).
        checkExecutionArn(input.executionArn);
        return engine.redrive(input.executionArn, clientToken);
      },
      StopExecution: (input: { executionArn?: string; error?: string; cause?: string }) => {
        const execution = engine.execution(input.executionArn);
        execution.abort(input.error, input.cause);
        return { stopDate: execution.stopDate ?? new Date() };
      },
      ListStateMachines: (input: { maxResults?: number; nextToken?: string }) => {
        const all = [...engine.stateMachines.values()].map((m) => ({
          stateMachineArn: m.arn,
          name: m.name,
          type: 'STANDARD',
          creationDate: m.createdAt,
        }));
        const { items, nextToken } = page(all, input.maxResults, input.nextToken, 100, 1000);
        return { stateMachines: items, ...(nextToken && { nextToken }) };
      },
      DescribeStateMachine: (input: { stateMachineArn?: string; includedData?: string }) => {
        // DescribeStateMachineOutput (botocore model): the required members, logging and tracing
        // as the sandbox's machines have them (logging OFF, X-Ray off, its default), encryption
        // with an AWS owned key (EncryptionConfiguration, the default when none is given).
        // "If called with includedData = METADATA_ONLY, the returned definition will be {}".
        // Errors: InvalidArn for what is not a state machine ARN, StateMachineDoesNotExist.
        checkStateMachineArn(input.stateMachineArn);
        const machine = engine.stateMachine(input.stateMachineArn);
        return {
          stateMachineArn: machine.arn,
          name: machine.name,
          status: 'ACTIVE',
          definition: input.includedData === 'METADATA_ONLY' ? '{}' : machine.definitionText,
          roleArn: machine.roleArn,
          type: 'STANDARD',
          creationDate: machine.createdAt,
          loggingConfiguration: { level: 'OFF', includeExecutionData: false },
          tracingConfiguration: { enabled: false },
          encryptionConfiguration: { type: 'AWS_OWNED_KEY' },
        };
      },
      ListExecutions: (input: {
        stateMachineArn?: string;
        statusFilter?: string;
        redriveFilter?: string;
        maxResults?: number;
        nextToken?: string;
      }) => {
        const machine = engine.stateMachine(input.stateMachineArn);
        if (input.statusFilter !== undefined && !STATUSES.includes(input.statusFilter)) {
          throw new ServiceError(
            'ValidationException',
            `1 validation error detected: Value '${input.statusFilter}' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [${STATUSES.join(', ')}]`,
          );
        }
        // redriveFilter: REDRIVEN lists executions redriven at least once, NOT_REDRIVEN the others
        // (ListExecutions, request parameter redriveFilter).
        const redriven = (e: Execution) =>
          !input.redriveFilter || (input.redriveFilter === 'REDRIVEN') === e.redriveCount > 0;
        const all = [...engine.executions.values()]
          .filter(
            (e) =>
              e.stateMachine.arn === machine.arn &&
              (!input.statusFilter || e.status === input.statusFilter) &&
              redriven(e),
          )
          .sort((a, b) => b.startDate.getTime() - a.startDate.getTime())
          .map((e) => ({
            executionArn: e.arn,
            stateMachineArn: machine.arn,
            name: e.name,
            status: e.status,
            startDate: e.startDate,
            ...(e.stopDate && { stopDate: e.stopDate }),
            // ExecutionListItem: redriveCount and redriveDate.
            redriveCount: e.redriveCount,
            ...(e.redriveDate && { redriveDate: e.redriveDate }),
          }));
        const { items, nextToken } = page(all, input.maxResults, input.nextToken, 100, 1000);
        return { executions: items, ...(nextToken && { nextToken }) };
      },
      GetExecutionHistory: (input: {
        executionArn?: string;
        maxResults?: number;
        reverseOrder?: boolean;
        nextToken?: string;
        includeExecutionData?: boolean;
      }) => {
        const execution = engine.execution(input.executionArn);
        let events = [...execution.history.events];
        if (input.reverseOrder) events.reverse();
        if (input.includeExecutionData === false) events = events.map(withoutData);
        const { items, nextToken } = page(events, input.maxResults, input.nextToken, 100, 1000);
        return { events: items, ...(nextToken && { nextToken }) };
      },
      SendTaskSuccess: (input: { taskToken?: string; output?: string }) => {
        let output: unknown;
        try {
          output = JSON.parse(String(input.output));
        } catch {
          throw new ServiceError('InvalidOutput', 'Invalid Output: the output must be valid JSON');
        }
        tokens.succeed(input.taskToken, output);
        return {};
      },
      SendTaskFailure: (input: { taskToken?: string; error?: string; cause?: string }) => {
        if (input.error !== undefined && input.error.length > 256)
          throw new ServiceError(
            'ValidationException',
            "1 validation error detected: Value at 'error' failed to satisfy constraint: Member must have length less than or equal to 256",
          );
        tokens.fail(input.taskToken, input.error ?? '', input.cause ?? '');
        return {};
      },
      SendTaskHeartbeat: (input: { taskToken?: string }) => {
        tokens.heartbeat(input.taskToken);
        return {};
      },
    },
  };
}
