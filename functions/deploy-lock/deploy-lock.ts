/**
 * Acquire and release the per-target deploy lock: read, decide (lock-state.ts), write
 * conditionally, and decide again when another run wrote in between.
 */
import type { AcquireResult, ReleaseResult } from '../commons/types/tasks';
import { orderEvidence, type CompareFn, type OrderEvidence } from './commit-order';
import { decideAcquire, decideRelease, type Decision, type LockItem, type LockRequest } from './lock-state';
import type { LockStore } from './lock-store';

/** Default lease: long enough for build-to-verify of one release, short enough to heal a lost run. */
export const DEFAULT_LEASE_SECONDS = 7200;
/** Conflicting writes tolerated per call before giving up (each conflict means someone else progressed). */
export const MAX_WRITE_ATTEMPTS = 8;

/** Too many runs wrote the lock item at once; the task's Retry will ask again. */
export class LockContentionError extends Error {
  override readonly name = 'LockContentionError';
}

export interface LockOptions {
  store: LockStore;
  now?: () => Date;
  leaseSeconds?: number;
}

async function decideAndWrite<R>(
  store: LockStore,
  targetKey: string,
  decide: (item: LockItem | undefined, now: Date) => Decision<R> | Promise<Decision<R>>,
  now: () => Date,
): Promise<R> {
  for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt += 1) {
    const item = await store.get(targetKey);
    const { result, write } = await decide(item, now());
    if (!write) return result;
    if (await store.put(write, item ? item.version : null)) return result;
  }
  throw new LockContentionError(
    `the lock for ${targetKey} changed ${MAX_WRITE_ATTEMPTS} times while deciding; try again`,
  );
}

export interface AcquireOptions extends LockOptions {
  /** GitHub's compare API for this repository, or null (no token): see commit-order.ts. */
  compare?: CompareFn | null;
  /** Told how each comparison was decided (the handler logs arrival-order decisions). */
  onEvidence?: (evidence: Map<string, OrderEvidence>) => void;
}

/**
 * Acquires the lock for `request`, or says why not (waiting, superseded by a newer commit or as a
 * duplicate of a commit live or in flight). Idempotent.
 */
export function acquireLock(
  targetKey: string,
  request: LockRequest,
  options: AcquireOptions,
): Promise<AcquireResult> {
  const leaseSeconds = options.leaseSeconds ?? DEFAULT_LEASE_SECONDS;
  return decideAndWrite(
    options.store,
    targetKey,
    async (item, now) => {
      const evidence = await orderEvidence(item, request, options.compare ?? null);
      options.onEvidence?.(evidence);
      return decideAcquire(
        targetKey,
        item,
        request,
        now,
        leaseSeconds,
        (sha) => evidence.get(sha)?.relation ?? 'unknown',
      );
    },
    options.now ?? (() => new Date()),
  );
}

/**
 * Releases the lock if `executionArn` holds it; released:false otherwise (never an error).
 * `deployed`: the holder's commit went out and becomes the target's live commit.
 */
export function releaseLock(
  targetKey: string,
  executionArn: string,
  options: LockOptions & { deployed?: boolean },
): Promise<ReleaseResult> {
  return decideAndWrite(
    options.store,
    targetKey,
    (item, now) => decideRelease(targetKey, item, executionArn, now, options.deployed ?? false),
    options.now ?? (() => new Date()),
  );
}

/** Lease length from LOCK_LEASE_SECONDS (60 s to 24 h), else the default. */
export function leaseSecondsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.LOCK_LEASE_SECONDS;
  if (raw === undefined || raw === '') return DEFAULT_LEASE_SECONDS;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 60 || value > 86_400) {
    throw new RangeError(
      `LOCK_LEASE_SECONDS must be a whole number of seconds from 60 to 86400, got "${raw}"`,
    );
  }
  return value;
}
