/**
 * The deploy lock's rules as pure functions: given the lock item as read and a request, what is
 * the answer and what item must be written. No I/O here; deploy-lock.ts applies the write with
 * an optimistic condition on `version` and asks again when another run wrote first.
 */
import type { AcquireResult, ReleaseResult } from '../commons/types/tasks';

/** A run asking for the target. */
export interface LockRequest {
  executionArn: string;
  pipeline: string;
  commitSha: string;
  /** When the webhook accepted the push (ISO 8601): orders runs, newest wins. */
  receivedAt: string;
}

/** The DeployLocks item (see functions/commons/tables.ts). */
export interface LockItem {
  targetKey: string;
  /** Incremented by every write; each write is conditional on the version it read. */
  version: number;
  holderExecutionArn?: string;
  holderPipeline?: string;
  holderCommitSha?: string;
  holderReceivedAt?: string;
  acquiredAt?: string;
  leaseExpiresAt?: string;
  /** The newest run that asked for this target; older waiting runs are superseded by it. */
  latestRequest?: LockRequest;
  updatedAt: string;
}

/** An answer, and the item to write (null: nothing to write). */
export interface Decision<R> {
  result: R;
  write: LockItem | null;
}

export const MIN_WAIT_SECONDS = 10;
export const MAX_WAIT_SECONDS = 60;

/** True when `a` came after `b`; ties are broken by execution ARN so every reader agrees. */
export function isNewer(
  a: Pick<LockRequest, 'receivedAt' | 'executionArn'>,
  b: Pick<LockRequest, 'receivedAt' | 'executionArn'>,
): boolean {
  const ta = Date.parse(a.receivedAt);
  const tb = Date.parse(b.receivedAt);
  if (ta !== tb) return ta > tb;
  return a.executionArn > b.executionArn;
}

/** Whether someone holds an unexpired lease at `now`. */
export function isHeld(
  item: LockItem | undefined,
  now: Date,
): item is LockItem & { holderExecutionArn: string; leaseExpiresAt: string } {
  return (
    !!item?.holderExecutionArn && !!item.leaseExpiresAt && Date.parse(item.leaseExpiresAt) > now.getTime()
  );
}

/**
 * Seconds a waiting run should sleep: a quarter of the time the holder has held the lock (so the
 * delay a waiter adds stays a small share of a deploy's length), within 10-60 s, and no later
 * than the lease's end.
 */
export function waitSecondsFor(item: LockItem & { leaseExpiresAt: string }, now: Date): number {
  const heldFor = item.acquiredAt ? (now.getTime() - Date.parse(item.acquiredAt)) / 1000 : 0;
  const leaseLeft = (Date.parse(item.leaseExpiresAt) - now.getTime()) / 1000;
  const wait = Math.min(Math.max(Math.round(heldFor / 4), MIN_WAIT_SECONDS), MAX_WAIT_SECONDS);
  return Math.max(MIN_WAIT_SECONDS, Math.min(wait, Math.ceil(leaseLeft)));
}

/** The newer of the recorded latest request and this one. */
function latestOf(current: LockRequest | undefined, request: LockRequest): LockRequest {
  return current && isNewer(current, request) ? current : request;
}

/** Decides an acquire: acquired (also when already ours), superseded, or waiting. */
export function decideAcquire(
  targetKey: string,
  item: LockItem | undefined,
  request: LockRequest,
  now: Date,
  leaseSeconds: number,
): Decision<AcquireResult> {
  // Already ours (a retried acquire): same answer, same lease, no write.
  if (isHeld(item, now) && item.holderExecutionArn === request.executionArn) {
    return {
      result: { status: 'acquired', targetKey, leaseExpiresAt: item.leaseExpiresAt, waitSeconds: 0 },
      write: null,
    };
  }
  const latest = item?.latestRequest;
  if (latest && latest.executionArn !== request.executionArn && isNewer(latest, request)) {
    return {
      result: { status: 'superseded', targetKey, supersededBy: latest.executionArn, waitSeconds: 0 },
      write: null,
    };
  }
  const base = {
    targetKey,
    version: (item?.version ?? 0) + 1,
    updatedAt: now.toISOString(),
    latestRequest: latestOf(latest, request),
  };
  if (!isHeld(item, now)) {
    const leaseExpiresAt = new Date(now.getTime() + leaseSeconds * 1000).toISOString();
    const write: LockItem = {
      ...base,
      holderExecutionArn: request.executionArn,
      holderPipeline: request.pipeline,
      holderCommitSha: request.commitSha,
      holderReceivedAt: request.receivedAt,
      acquiredAt: now.toISOString(),
      leaseExpiresAt,
    };
    return { result: { status: 'acquired', targetKey, leaseExpiresAt, waitSeconds: 0 }, write };
  }
  const result: AcquireResult = {
    status: 'waiting',
    targetKey,
    heldBy: item.holderExecutionArn,
    waitSeconds: waitSecondsFor(item, now),
  };
  // Register as the newest request only when it changes something, to keep writes rare.
  const alreadyLatest = latest?.executionArn === request.executionArn;
  return { result, write: alreadyLatest ? null : { ...item, ...base } };
}

/** Decides a release: only the holder releases; the newest request is kept for supersede checks. */
export function decideRelease(
  targetKey: string,
  item: LockItem | undefined,
  executionArn: string,
  now: Date,
): Decision<ReleaseResult> {
  if (!item || item.holderExecutionArn !== executionArn)
    return { result: { released: false, targetKey }, write: null };
  const write: LockItem = { targetKey, version: item.version + 1, updatedAt: now.toISOString() };
  if (item.latestRequest) write.latestRequest = item.latestRequest;
  return { result: { released: true, targetKey }, write };
}
