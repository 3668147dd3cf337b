/** The two steps of an approval request: prepare signed links, then store the token and tell Slack. */
import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import { buildApprovalLinks } from '../commons/approval-links';
import type { SlackMessage } from '../commons/slack/post-message';
import type { ApprovalLinks, PrepareApprovalEvent, RequestApprovalEvent } from '../commons/types/tasks';
import type { ApprovalRecord, ApprovalStore } from './approval-store';
import type { ReleaseContext } from './release-context';
import { approvalRequestMessage, commitTitle } from './slack-message';

/** A decided approval was asked for again (a stale retry): nothing to wait for. */
export class ApprovalAlreadyDecidedError extends Error {
  override readonly name = 'ApprovalAlreadyDecidedError';
}

/** New approval id and links expiring `timeoutMinutes` from now. */
export function prepareApproval(options: {
  key: string;
  baseUrl: string;
  timeoutMinutes: number;
  now?: Date;
  newId?: () => string;
}): ApprovalLinks {
  const now = options.now ?? new Date();
  const approvalId = (options.newId ?? randomUUID)();
  return buildApprovalLinks(
    options.key,
    options.baseUrl,
    approvalId,
    new Date(now.getTime() + options.timeoutMinutes * 60_000),
  );
}

/** The item stored for a request. */
export function approvalRecord(
  event: RequestApprovalEvent,
  now = new Date(),
  context?: ReleaseContext,
): ApprovalRecord {
  const { input, links } = event;
  return {
    ...(context ? { context } : {}),
    approvalId: links.approvalId,
    taskToken: event.taskToken,
    executionArn: event.executionArn,
    pipeline: event.pipeline,
    repository: input.repository,
    branch: input.branch,
    commitSha: input.commitSha,
    commitTitle: commitTitle(input.commitMessage),
    pusher: input.pusher,
    compareUrl: input.compareUrl,
    status: 'pending',
    createdAt: now.toISOString(),
    expiresAt: links.expiresAt,
    expiresAtEpoch: Math.floor(Date.parse(links.expiresAt) / 1000),
  };
}

export interface RequestDeps {
  store: ApprovalStore;
  postSlack: (message: SlackMessage) => Promise<void>;
  logger: Pick<Logger, 'info' | 'warn'>;
  now?: Date;
  /** Live version and build results for the approval page (best effort). */
  context?: (event: RequestApprovalEvent) => Promise<ReleaseContext>;
}

/**
 * Stores the token (conditional put), then posts the Slack message. Slack failing must not fail
 * the approval: the links are in the task input in the console, and the CLI works without them.
 */
export async function requestApproval(
  event: RequestApprovalEvent,
  deps: RequestDeps,
): Promise<{ approvalId: string; notified: boolean }> {
  const context = deps.context ? await deps.context(event) : undefined;
  const record = approvalRecord(event, deps.now, context);
  if (!(await deps.store.putPending(record))) {
    throw new ApprovalAlreadyDecidedError(`approval ${record.approvalId} was already decided`);
  }
  deps.logger.info('approval stored', { approvalId: record.approvalId, expiresAt: record.expiresAt });
  try {
    await deps.postSlack(approvalRequestMessage(record, event.links));
    return { approvalId: record.approvalId, notified: true };
  } catch (error) {
    deps.logger.warn('Slack approval message failed; the links are in the task input', {
      approvalId: record.approvalId,
      error: (error as Error).message,
    });
    return { approvalId: record.approvalId, notified: false };
  }
}

export type { PrepareApprovalEvent };
