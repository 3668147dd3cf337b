/**
 * Starts the pipeline executions a push asks for. A second delivery of a commit (a redelivery, or
 * the same push through another hook) maps to the same execution name, so Step Functions answers
 * `ExecutionAlreadyExists` and the existing execution is reported instead of a second one being
 * started. Source: StartExecution in the Step Functions API reference ("ExecutionAlreadyExists:
 * the execution has the same name as another execution (but a different input)"; names are
 * unique per state machine for 90 days).
 */
import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { PipelineStart } from './decide';
import { executionArn, executionName } from './execution-name';

/** An execution a delivery started, or found already started. */
export interface ExecutionRef {
  pipeline: string;
  executionArn: string;
  name: string;
}

export type StartOutcome =
  | { kind: 'started'; execution: ExecutionRef }
  | { kind: 'duplicate'; execution: ExecutionRef }
  /** `retryable`: throttling or an outage, worth a redelivery (503); otherwise 502. */
  | { kind: 'failed'; pipeline: string; errorName: string; retryable: boolean };

const RETRYABLE = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalServerError',
  'InternalFailure',
  'ExecutionLimitExceeded',
  'TimeoutError',
  'RequestTimeout',
]);

function classify(error: unknown): { errorName: string; retryable: boolean } {
  const e = error as {
    name?: unknown;
    $metadata?: { httpStatusCode?: number };
    $retryable?: unknown;
    code?: unknown;
  };
  const errorName = typeof e?.name === 'string' ? e.name : 'Error';
  const status = e?.$metadata?.httpStatusCode;
  // No HTTP status at all means the request never got an answer (network, DNS, timeout).
  const retryable =
    RETRYABLE.has(errorName) ||
    Boolean(e?.$retryable) ||
    (status !== undefined ? status >= 500 || status === 429 : typeof e?.code === 'string');
  return { errorName, retryable };
}

/** Starts one execution; never throws (the outcome says what happened). */
export async function startPipeline(sfn: SFNClient, start: PipelineStart): Promise<StartOutcome> {
  const { route, input } = start;
  const name = executionName(
    route.pipeline,
    input.commitSha,
    input.deliveryId,
    input.forced ? 'forced' : 'push',
  );
  try {
    const result = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: route.stateMachineArn,
        name,
        input: JSON.stringify(input),
      }),
    );
    return {
      kind: 'started',
      execution: {
        pipeline: route.pipeline,
        executionArn: result.executionArn ?? executionArn(route.stateMachineArn, name),
        name,
      },
    };
  } catch (error) {
    if ((error as { name?: unknown })?.name === 'ExecutionAlreadyExists') {
      return {
        kind: 'duplicate',
        execution: {
          pipeline: route.pipeline,
          executionArn: executionArn(route.stateMachineArn, name),
          name,
        },
      };
    }
    return { kind: 'failed', pipeline: route.pipeline, ...classify(error) };
  }
}

/** Starts every pipeline of a push at once. */
export function startPipelines(sfn: SFNClient, starts: readonly PipelineStart[]): Promise<StartOutcome[]> {
  return Promise.all(starts.map((start) => startPipeline(sfn, start)));
}
