/**
 * The EventBridge "Step Functions Execution Status Change" event, validated. Only the fields the
 * notifier reads are checked; anything else in `detail` is ignored. Dates arrive as epoch
 * milliseconds; `input` is null when the event would be too large (then DescribeExecution).
 */
import * as z from 'zod/mini';
import { parseEvent } from '../commons/parse-event';

export const STATUS_CHANGE_DETAIL_TYPE = 'Step Functions Execution Status Change';
export const EXECUTION_STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];
export type FailureStatus = Extract<ExecutionStatus, 'FAILED' | 'TIMED_OUT' | 'ABORTED'>;

const EXECUTION_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$/;
const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[^:]+$/;

const detailSchema = z.object({
  executionArn: z.string().check(z.regex(EXECUTION_ARN, { error: 'must be a Step Functions execution ARN' })),
  stateMachineArn: z
    .string()
    .check(z.regex(STATE_MACHINE_ARN, { error: 'must be a Step Functions state machine ARN' })),
  name: z.string().check(z.minLength(1)),
  status: z.enum(EXECUTION_STATUSES, { error: `must be one of ${EXECUTION_STATUSES.join(', ')}` }),
  startDate: z.number({ error: 'must be epoch milliseconds' }),
  stopDate: z.nullish(z.number()),
  input: z.nullish(z.string()),
  output: z.nullish(z.string()),
  error: z.nullish(z.string()),
  cause: z.nullish(z.string()),
  // z.int() used as a check, as classic zod's .int() does.
  redriveCount: z.nullish(z.number().check(z.int(), z.gte(0))),
});

const eventSchema = z.object({
  'detail-type': z.literal(STATUS_CHANGE_DETAIL_TYPE, { error: `must be "${STATUS_CHANGE_DETAIL_TYPE}"` }),
  source: z.literal('aws.states', { error: 'must be "aws.states"' }),
  id: z.string(),
  detail: detailSchema,
});

/** What the notifier knows about an execution from its status-change event. */
export interface StatusChange {
  eventId: string;
  executionArn: string;
  stateMachineArn: string;
  executionName: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate: Date | null;
  /** Execution input JSON, or null when EventBridge left it out. */
  input: string | null;
  output: string | null;
  error: string | null;
  cause: string | null;
  redriveCount: number;
}

/** The event is not a Step Functions status change we can read; `problems` names the fields. */
export class InvalidStatusEventError extends Error {
  override readonly name = 'InvalidStatusEventError';
}

const parseEventBridgeEvent = parseEvent(eventSchema, 'notifier', {
  error: InvalidStatusEventError,
  summary: 'not a Step Functions status change event',
  root: '(event)',
});

/** Validates the raw EventBridge event; throws InvalidStatusEventError naming every bad field. */
export function parseStatusChange(event: unknown): StatusChange {
  const { id, detail } = parseEventBridgeEvent(event);
  return {
    eventId: id,
    executionArn: detail.executionArn,
    stateMachineArn: detail.stateMachineArn,
    executionName: detail.name,
    status: detail.status,
    startDate: new Date(detail.startDate),
    stopDate: detail.stopDate ? new Date(detail.stopDate) : null,
    input: detail.input ?? null,
    output: detail.output ?? null,
    error: detail.error ?? null,
    cause: detail.cause ?? null,
    redriveCount: detail.redriveCount ?? 0,
  };
}

/** FAILED, TIMED_OUT and ABORTED are failures; SUCCEEDED and RUNNING are not. */
export function isFailureStatus(status: ExecutionStatus): status is FailureStatus {
  return status === 'FAILED' || status === 'TIMED_OUT' || status === 'ABORTED';
}

/** True for a SUCCEEDED run whose output says it was superseded by a newer commit. */
export function isSuperseded(change: Pick<StatusChange, 'status' | 'output'>): boolean {
  if (change.status !== 'SUCCEEDED' || !change.output) return false;
  try {
    const output = JSON.parse(change.output) as unknown;
    return (
      typeof output === 'object' &&
      output !== null &&
      (output as { status?: unknown }).status === 'superseded'
    );
  } catch {
    return false;
  }
}

/** `deploy-retail-bank` from the state machine ARN, or null when it is not a pipeline's. */
export function pipelineFromStateMachineArn(stateMachineArn: string): string | null {
  const name = stateMachineArn.split(':').at(-1) ?? '';
  return name.startsWith('deploy-') ? name.slice('deploy-'.length) : null;
}
