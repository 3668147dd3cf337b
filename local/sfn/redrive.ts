/**
 * Whether an execution can be redriven, and RedriveExecution's idempotency.
 *
 * Conditions (Step Functions API reference, RedriveExecution; botocore stepfunctions 2016-11-23
 * model, operation RedriveExecution): the status isn't SUCCEEDED; the execution ended less than
 * 14 days ago ("redrivable period … starts from the day a state machine completes its
 * execution"); it has not exceeded the maximum open time of one year; its history has fewer than
 * 24,999 events ("to accommodate the ExecutionRedriven history event and at least one other
 * history event"). A RUNNING execution is not redrivable either.
 *
 * The reasons are the `redriveStatusReason` texts DescribeExecution documents for STANDARD
 * executions (Step Functions API reference, DescribeExecution, redriveStatusReason), and the
 * message of the ExecutionNotRedrivable error the sandbox answers.
 */
import type { Execution } from './engine';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Redrivable period: 14 days after the execution ended. */
export const REDRIVABLE_PERIOD_MS = 14 * DAY_MS;
/** Maximum open time of an execution: one year (Step Functions quotas, "Maximum execution time"). */
export const MAX_OPEN_TIME_MS = 365 * DAY_MS;
/** The history must have fewer events than this to be redriven. */
export const REDRIVE_HISTORY_LIMIT = 24_999;

/** Why the execution cannot be redriven now, or undefined when it can (epoch ms `now`). */
export function notRedrivableReason(execution: Execution, now: number): string | undefined {
  if (execution.status === 'RUNNING') return 'Execution is RUNNING and cannot be redriven.';
  if (execution.status === 'SUCCEEDED') return 'Execution is SUCCEEDED and cannot be redriven.';
  if (execution.history.events.length >= REDRIVE_HISTORY_LIMIT)
    return 'Execution history event limit exceeded.';
  if (now - execution.startDate.getTime() > MAX_OPEN_TIME_MS)
    return 'Execution has exceeded the max execution time.';
  if (execution.stopDate && now - execution.stopDate.getTime() > REDRIVABLE_PERIOD_MS)
    return 'Execution redrivable period exceeded.';
  return undefined;
}

/** DescribeExecution's `redriveStatus` and, when NOT_REDRIVABLE, `redriveStatusReason`. */
export function redriveStatus(
  execution: Execution,
  now = Date.now(),
): { redriveStatus: 'REDRIVABLE' | 'NOT_REDRIVABLE'; redriveStatusReason?: string } {
  const reason = notRedrivableReason(execution, now);
  return reason === undefined
    ? { redriveStatus: 'REDRIVABLE' }
    : { redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: reason };
}

/** A client token of a successful redrive. */
export interface RedriveToken {
  token: string;
  /** Epoch ms of its first use. */
  usedAt: number;
  redriveDate: Date;
}

/**
 * "The API will return idempotent responses for the last 10 client tokens used to successfully
 * redrive the execution. These client tokens are valid for up to 15 minutes after they are first
 * used." (RedriveExecution, request parameter clientToken.)
 */
const TOKENS_KEPT = 10;
const TOKEN_VALID_MS = 15 * 60 * 1000;

/** The redrive date a repeated client token answers with, or undefined for a new request. */
export function redriveTokenAnswer(
  execution: Execution,
  clientToken: string | undefined,
  now: number,
): Date | undefined {
  if (!clientToken) return undefined;
  const seen = execution.redriveTokens.find((t) => t.token === clientToken);
  return seen && now - seen.usedAt <= TOKEN_VALID_MS ? seen.redriveDate : undefined;
}

/** Records the client token of a successful redrive (the latest 10 are kept). */
export function rememberRedriveToken(
  execution: Execution,
  clientToken: string | undefined,
  now: number,
): void {
  if (!clientToken || !execution.redriveDate) return;
  execution.redriveTokens.push({ token: clientToken, usedAt: now, redriveDate: execution.redriveDate });
  if (execution.redriveTokens.length > TOKENS_KEPT) execution.redriveTokens.shift();
}
