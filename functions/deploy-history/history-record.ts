/**
 * The DeployHistory item and the pure rules around it: what a start records, how long texts are
 * cut, and which deployment counts as the last good one. No I/O here (see history-store.ts).
 */
import type { DeploymentOutcome, HistoryStartInput, LastGoodResult } from '../commons/types/tasks';
import { cutText } from '../commons/text';

/** One deployment (one pipeline execution) as stored in DeployHistory. */
export interface DeploymentRecord {
  pipeline: string;
  executionArn: string;
  /** ISO 8601; the sort key of the `byStartedAt` index. */
  startedAt: string;
  outcome: DeploymentOutcome | 'running';
  commitSha?: string;
  /** First line of the head commit message. */
  commitMessage?: string;
  author?: string;
  pusher?: string;
  repository?: string;
  branch?: string;
  commitTimestamp?: string;
  receivedAt?: string;
  endedAt?: string;
  versionLabel?: string;
  error?: string;
  cause?: string;
  rolledBack?: boolean;
}

/** Longest error cause kept (Step Functions causes can be 32 KB of stack trace). */
export const MAX_CAUSE_LENGTH = 1000;
/** Longest commit subject kept. */
export const MAX_SUBJECT_LENGTH = 200;

/** First line of a commit message, trimmed. */
export function firstLine(message: string): string {
  const line = message.split(/\r?\n/, 1)[0]?.trim() ?? '';
  return cutText(line, MAX_SUBJECT_LENGTH, { ellipsis: '...' });
}

/** A cause cut to MAX_CAUSE_LENGTH characters, marked when cut. */
export function trimCause(cause: string): string {
  return cutText(cause, MAX_CAUSE_LENGTH, { ellipsis: '...' });
}

/** Fields a start records about the commit and who pushed it. */
export function startFields(
  input: HistoryStartInput,
): Omit<DeploymentRecord, 'pipeline' | 'executionArn' | 'startedAt' | 'outcome'> {
  return {
    commitSha: input.commitSha,
    commitMessage: firstLine(input.commitMessage),
    author: input.commitAuthor,
    pusher: input.pusher,
    repository: input.repository,
    branch: input.branch,
    commitTimestamp: input.commitTimestamp,
    receivedAt: input.receivedAt,
  };
}

/** Whether a deployment can be rolled back to: it succeeded and left a version behind. */
export function isGood(record: DeploymentRecord): boolean {
  return (
    record.outcome === 'succeeded' &&
    typeof record.versionLabel === 'string' &&
    record.versionLabel.length > 0
  );
}

/** The first good record of a newest-first list, as the lastGood task answers. */
export function lastGoodOf(newestFirst: readonly DeploymentRecord[]): LastGoodResult {
  const good = newestFirst.find(isGood);
  return good
    ? { found: true, versionLabel: good.versionLabel ?? null, commitSha: good.commitSha ?? null }
    : { found: false, versionLabel: null, commitSha: null };
}
