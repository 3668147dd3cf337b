/**
 * Delivering a person's decision to the waiting execution, once. Used by the HTTP callback and
 * by the CLI (`deployctl approve|reject`): the Approvals item goes pending -> approved/rejected
 * first (single use), then SendTaskSuccess / SendTaskFailure; a task that timed out or no longer
 * exists turns the approval into "expired"; a transient failure reopens it so it can be retried.
 */
import {
  GetExecutionHistoryCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  type HistoryEvent,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { ApprovalRecord, ApprovalStore } from '../approval-request/approval-store';
import { approvalDecidedMessage } from '../approval-request/slack-message';
import type { SlackMessage } from '../commons/slack/post-message';
import { ErrorNames, type ApprovalDecision } from '../commons/types/tasks';

export type Decision = 'approve' | 'reject';

export type DecisionOutcome =
  | { kind: 'decided'; decision: Decision; by: string; record: ApprovalRecord }
  | { kind: 'unknown' }
  | { kind: 'used'; status: string; decidedBy?: string | undefined }
  | { kind: 'expired' }
  | { kind: 'unavailable' };

export interface DecideDeps {
  store: ApprovalStore;
  sfn: SFNClient;
  postSlack?: (message: SlackMessage) => Promise<void>;
  logger?: Pick<Logger, 'info' | 'warn' | 'error'>;
  now?: () => Date;
}

/** Step Functions errors that mean the waiting task is gone: the approval can no longer act. */
const TASK_GONE = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

/** Makes a free-text "who" safe for Slack, HTML and a task cause: letters, digits, a little punctuation, 64 chars. */
export function cleanActor(raw: unknown, fallback = 'approval link'): string {
  const text =
    typeof raw === 'string'
      ? raw
          .normalize('NFKC')
          .replace(/[^\p{L}\p{N} ._@'-]/gu, '')
          .replace(/\s+/g, ' ')
          .trim()
          .slice(0, 64)
      : '';
  return text || fallback;
}

/** A rejection's reason made safe like cleanActor, up to 200 characters; undefined when empty. */
export function cleanReason(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const text = raw
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N} .,:;!?()_@'/-]/gu, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
  return text || undefined;
}

/**
 * SendTaskSuccess (ApprovalDecision) or SendTaskFailure (ApprovalRejected, "rejected by <who>",
 * then ": <reason>" when one was given) for a token.
 */
export async function sendDecision(
  sfn: SFNClient,
  taskToken: string,
  decision: Decision,
  by: string,
  at = new Date(),
  reason?: string,
): Promise<void> {
  if (decision === 'approve') {
    const output: ApprovalDecision = { decision: 'approved', by, at: at.toISOString() };
    await sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
  } else {
    await sfn.send(
      new SendTaskFailureCommand({
        taskToken,
        error: ErrorNames.ApprovalRejected,
        cause: reason ? `rejected by ${by}: ${reason}` : `rejected by ${by}`,
      }),
    );
  }
}

async function notify(
  deps: DecideDeps,
  record: ApprovalRecord,
  outcome: 'approved' | 'rejected' | 'expired',
  by?: string,
): Promise<void> {
  if (!deps.postSlack) return;
  try {
    await deps.postSlack(approvalDecidedMessage(record, outcome, by));
  } catch (error) {
    deps.logger?.warn('Slack follow-up failed', {
      approvalId: record.approvalId,
      error: (error as Error).message,
    });
  }
}

/** Decides approval `approvalId` once; see DecisionOutcome for every way it can end. */
export async function decideApproval(
  request: { approvalId: string; decision: Decision; by: string; reason?: string },
  deps: DecideDeps,
): Promise<DecisionOutcome> {
  const now = deps.now?.() ?? new Date();
  const existing = await deps.store.get(request.approvalId);
  if (!existing) return { kind: 'unknown' };
  if (existing.status === 'expired') return { kind: 'expired' };
  if (existing.status !== 'pending')
    return { kind: 'used', status: existing.status, decidedBy: existing.decidedBy };
  if (existing.expiresAtEpoch * 1000 <= now.getTime()) return { kind: 'expired' };

  const status = request.decision === 'approve' ? 'approved' : 'rejected';
  const record = await deps.store.decide(request.approvalId, status, request.by, now.toISOString());
  if (!record) {
    const winner = await deps.store.get(request.approvalId);
    return { kind: 'used', status: winner?.status ?? 'decided', decidedBy: winner?.decidedBy };
  }
  try {
    await sendDecision(deps.sfn, record.taskToken, request.decision, request.by, now, request.reason);
  } catch (error) {
    const name = (error as { name?: string }).name ?? '';
    if (TASK_GONE.has(name)) {
      await deps.store.expire(request.approvalId);
      deps.logger?.info('approval task is gone', { approvalId: request.approvalId, error: name });
      await notify(deps, record, 'expired');
      return { kind: 'expired' };
    }
    await deps.store.reopen(request.approvalId, status);
    deps.logger?.error('decision not delivered; approval reopened', {
      approvalId: request.approvalId,
      error: name,
    });
    return { kind: 'unavailable' };
  }
  deps.logger?.info('approval decided', { approvalId: request.approvalId, decision: status, by: request.by });
  await notify(deps, record, status, request.by);
  return { kind: 'decided', decision: request.decision, by: request.by, record };
}

/** The approval request a waiting execution is blocked on, from its history (newest first). */
export async function findWaitingApproval(
  sfn: SFNClient,
  executionArn: string,
): Promise<{ approvalId: string; taskToken: string } | undefined> {
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new GetExecutionHistoryCommand({
        executionArn,
        reverseOrder: true,
        maxResults: 100,
        ...(nextToken ? { nextToken } : {}),
      }),
    );
    for (const event of page.events ?? []) {
      const found = approvalRequestIn(event);
      if (found) return found;
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return undefined;
}

/** The `request` payload of a TaskScheduled event (lambda:invoke.waitForTaskToken wraps it in Payload). */
export function approvalRequestIn(
  event: HistoryEvent,
): { approvalId: string; taskToken: string } | undefined {
  const parameters = event.taskScheduledEventDetails?.parameters;
  if (event.type !== 'TaskScheduled' || !parameters) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(parameters);
  } catch {
    return undefined;
  }
  const payload = ((parsed as { Payload?: unknown }).Payload ?? parsed) as {
    action?: unknown;
    taskToken?: unknown;
    links?: { approvalId?: unknown };
  };
  if (
    payload.action !== 'request' ||
    typeof payload.taskToken !== 'string' ||
    typeof payload.links?.approvalId !== 'string'
  )
    return undefined;
  return { approvalId: payload.links.approvalId, taskToken: payload.taskToken };
}

/**
 * For the CLI: approve or reject the approval an execution is waiting on, with the same
 * single-use guarantee as the links. `unknown` when the execution is not waiting for one.
 */
export async function decideByExecution(
  request: { executionArn: string; decision: Decision; by: string },
  deps: DecideDeps,
): Promise<DecisionOutcome> {
  const waiting = await findWaitingApproval(deps.sfn, request.executionArn);
  if (!waiting) return { kind: 'unknown' };
  return decideApproval(
    { approvalId: waiting.approvalId, decision: request.decision, by: cleanActor(request.by, 'deployctl') },
    deps,
  );
}
