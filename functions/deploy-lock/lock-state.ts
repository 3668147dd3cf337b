/**
 * The deploy lock's rules as pure functions: given the lock item as read and a request, what is
 * the answer and what item must be written. No I/O here; deploy-lock.ts applies the write with
 * an optimistic condition on `version` and asks again when another run wrote first.
 *
 * Order comes from git, not from arrival (commit-order.ts says how one commit relates to
 * another): a run never deploys a commit older than the one live or in flight on its target, and
 * a commit already live or in flight is not deployed twice. Only when git cannot tell are runs
 * ordered by when the webhook received them. A force-push deploys even when it rewinds.
 */
import type { AcquireResult, ReleaseResult } from '../commons/types/tasks';

/** A run asking for the target. */
export interface LockRequest {
  executionArn: string;
  pipeline: string;
  commitSha: string;
  /** When the webhook accepted the push (ISO 8601): orders runs only when git cannot. */
  receivedAt: string;
  /** The push's `before` (the commit the branch was on), recorded as the parent of commitSha. */
  beforeSha?: string | null;
  /** A force-push: someone asked for exactly this commit, so it deploys even when it rewinds. */
  forced?: boolean;
  /** `deployctl redeploy` / `retry`: deploy this commit although it is live. */
  redeploy?: boolean;
}

/** How the request's commit relates to another commit: what git says, or unknown. */
export type Relation = 'newer' | 'older' | 'same' | 'unknown';
/** The request's relation to another commit (precomputed by commit-order.ts). */
export type RelationTo = (otherCommitSha: string) => Relation;

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
  /** The commit the last successful run deployed (set by its release with `deployed: true`). */
  liveCommitSha?: string;
  liveExecutionArn?: string;
  liveReceivedAt?: string;
  /** Pushes' `after` -> `before`, newest MAX_PARENTS: the chain that orders commits without GitHub. */
  parents?: Record<string, string>;
  updatedAt: string;
}

/** Parent links kept per target (a push chain longer than this falls back to GitHub or arrival). */
export const MAX_PARENTS = 200;

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

const sha12 = (sha: string | undefined | null) => (sha ?? 'unknown').slice(0, 12);

/** `parents` with the request's own link added (oldest links dropped beyond MAX_PARENTS). */
function withParent(parents: Record<string, string> | undefined, request: LockRequest) {
  if (!request.beforeSha || request.beforeSha === request.commitSha) return parents;
  if (parents?.[request.commitSha] === request.beforeSha) return parents;
  const entries = Object.entries(parents ?? {}).filter(([after]) => after !== request.commitSha);
  entries.push([request.commitSha, request.beforeSha]);
  return Object.fromEntries(entries.slice(-MAX_PARENTS));
}

/**
 * True when the request's commit must not deploy after `other`'s: git says it is older, or git
 * cannot tell and it arrived first. A force-push is ordered by arrival only: it rewinds on purpose.
 */
function isOlder(request: LockRequest, relation: Relation, otherReceivedAt: string | undefined): boolean {
  const arrivedFirst = !!otherReceivedAt && Date.parse(request.receivedAt) < Date.parse(otherReceivedAt);
  if (request.forced) return arrivedFirst;
  return relation === 'older' || (relation === 'unknown' && arrivedFirst);
}

type Superseded = Extract<AcquireResult, { status: 'superseded' }>;
const superseded = (
  targetKey: string,
  by: string,
  byCommitSha: string | null,
  reason: string,
): Decision<AcquireResult> => ({
  result: {
    status: 'superseded',
    targetKey,
    supersededBy: by,
    supersededByCommitSha: byCommitSha,
    reason,
    waitSeconds: 0,
  } satisfies Superseded,
  write: null,
});

/**
 * Why the request must not deploy, measured against the live commit and the run holding the
 * target, or null when it may go on. A redeploy may repeat a live commit; a force-push may rewind.
 */
function refusal(
  targetKey: string,
  item: LockItem | undefined,
  request: LockRequest,
  now: Date,
  relationTo: RelationTo,
): Decision<AcquireResult> | null {
  const live = item?.liveCommitSha;
  if (live && item.liveExecutionArn !== request.executionArn && !request.redeploy) {
    const relation = relationTo(live);
    const by = item.liveExecutionArn ?? '';
    if (relation === 'same') return superseded(targetKey, by, live, `${sha12(live)} is already live`);
    if (isOlder(request, relation, item.liveReceivedAt))
      return superseded(targetKey, by, live, `older than ${sha12(live)}, which is live`);
  }
  if (isHeld(item, now) && item.holderExecutionArn !== request.executionArn && item.holderCommitSha) {
    const relation = relationTo(item.holderCommitSha);
    const holder = item.holderCommitSha;
    if (relation === 'same' && !request.redeploy)
      return superseded(
        targetKey,
        item.holderExecutionArn,
        holder,
        `${sha12(holder)} is already being deployed by that run`,
      );
    if (relation !== 'same' && isOlder(request, relation, item.holderReceivedAt))
      return superseded(
        targetKey,
        item.holderExecutionArn,
        holder,
        `older than ${sha12(holder)}, which is being deployed`,
      );
  }
  const latest = item?.latestRequest;
  if (latest && latest.executionArn !== request.executionArn) {
    const relation = relationTo(latest.commitSha);
    const forcedAfter = !!latest.forced && isNewer(latest, request);
    if (relation === 'same' && !request.redeploy && isNewer(request, latest))
      return superseded(
        targetKey,
        latest.executionArn,
        latest.commitSha,
        `${sha12(latest.commitSha)} is already waiting to deploy in that run`,
      );
    if (relation !== 'same' && (forcedAfter || isOlder(request, relation, latest.receivedAt)))
      return superseded(
        targetKey,
        latest.executionArn,
        latest.commitSha,
        forcedAfter
          ? `the branch was force-pushed to ${sha12(latest.commitSha)}`
          : `older than ${sha12(latest.commitSha)}, which is waiting to deploy`,
      );
  }
  return null;
}

/**
 * Decides an acquire: acquired (also when already ours), superseded, or waiting.
 * `relationTo` says how the request's commit relates to another (default: git unknown, arrival).
 */
export function decideAcquire(
  targetKey: string,
  item: LockItem | undefined,
  request: LockRequest,
  now: Date,
  leaseSeconds: number,
  relationTo: RelationTo = () => 'unknown',
): Decision<AcquireResult> {
  // Already ours (a retried acquire): same answer, same lease, no write.
  if (isHeld(item, now) && item.holderExecutionArn === request.executionArn) {
    return {
      result: { status: 'acquired', targetKey, leaseExpiresAt: item.leaseExpiresAt, waitSeconds: 0 },
      write: null,
    };
  }
  const refused = refusal(targetKey, item, request, now, relationTo);
  if (refused) {
    // A force-push to the commit in flight is that run's to finish, but it still moves the branch:
    // recorded as the latest request, it supersedes runs of commits the force-push removed.
    const inFlight = isHeld(item, now) && item.holderCommitSha === request.commitSha;
    if (request.forced && inFlight && item.latestRequest?.executionArn !== request.executionArn)
      return {
        result: refused.result,
        write: { ...item, version: item.version + 1, updatedAt: now.toISOString(), latestRequest: request },
      };
    return refused;
  }
  const latest = item?.latestRequest;
  const parents = withParent(item?.parents, request);
  const base = {
    targetKey,
    version: (item?.version ?? 0) + 1,
    updatedAt: now.toISOString(),
    latestRequest: request,
    ...(parents && { parents }),
  };
  if (!isHeld(item, now)) {
    const leaseExpiresAt = new Date(now.getTime() + leaseSeconds * 1000).toISOString();
    const write: LockItem = {
      ...item,
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
  const alreadyLatest = latest?.executionArn === request.executionArn && parents === item.parents;
  return { result, write: alreadyLatest ? null : { ...item, ...base } };
}

/**
 * Decides a release: only the holder releases; the newest request, the commit chain and the live
 * commit are kept. `deployed`: the holder's commit went out and is now the live one.
 */
export function decideRelease(
  targetKey: string,
  item: LockItem | undefined,
  executionArn: string,
  now: Date,
  deployed = false,
): Decision<ReleaseResult> {
  if (!item || item.holderExecutionArn !== executionArn)
    return { result: { released: false, targetKey }, write: null };
  const write: LockItem = { targetKey, version: item.version + 1, updatedAt: now.toISOString() };
  if (item.latestRequest) write.latestRequest = item.latestRequest;
  if (item.parents) write.parents = item.parents;
  if (deployed && item.holderCommitSha) {
    write.liveCommitSha = item.holderCommitSha;
    write.liveExecutionArn = executionArn;
    if (item.holderReceivedAt) write.liveReceivedAt = item.holderReceivedAt;
  } else if (item.liveCommitSha) {
    write.liveCommitSha = item.liveCommitSha;
    if (item.liveExecutionArn) write.liveExecutionArn = item.liveExecutionArn;
    if (item.liveReceivedAt) write.liveReceivedAt = item.liveReceivedAt;
  }
  return { result: { released: true, targetKey }, write };
}
