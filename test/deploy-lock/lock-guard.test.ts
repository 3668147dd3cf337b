/**
 * The deploy lock's guard on a change to the target (functions/deploy-lock/lock-guard.ts): a run
 * holding the lock goes on with one read and no write; a redriven run whose lock was released takes
 * it again when free; it never changes the target while another run holds it, nor when a newer
 * commit is live or waiting.
 */
import { DeployLockNotHeldError, guardDeployLock } from '../../functions/deploy-lock/lock-guard';
import { decideRelease, type LockItem } from '../../functions/deploy-lock/lock-state';
import type { LockStore } from '../../functions/deploy-lock/lock-store';
import type { LockHolder } from '../../functions/commons/types/events/deploy-lock';

const KEY = 'eb:retail-bank/retail-bank-prod';
const NOW = new Date('2026-06-01T12:00:00.000Z');
const arn = (name: string) => `arn:aws:states:us-east-1:123456789012:execution:deploy-retail-bank:${name}`;

/** An in-memory DeployLocks item with the version condition lock-store.ts writes. */
function memoryStore(initial?: LockItem): LockStore & {
  item: LockItem | undefined;
  writes: number;
  reads: number;
} {
  const store = {
    item: initial ? structuredClone(initial) : undefined,
    writes: 0,
    reads: 0,
    async get() {
      store.reads += 1;
      return store.item ? structuredClone(store.item) : undefined;
    },
    async put(item: LockItem, expected: number | null) {
      const current = store.item?.version ?? null;
      if (current !== expected) return false;
      store.writes += 1;
      store.item = structuredClone(item);
      return true;
    },
  };
  return store;
}

const holder = (name: string, commitSha: string, receivedAt: string): LockHolder => ({
  executionArn: arn(name),
  commitSha,
  receivedAt,
});
const A = holder('run-a', 'a'.repeat(40), '2026-06-01T11:00:00.000Z');
const B = holder('run-b', 'b'.repeat(40), '2026-06-01T11:10:00.000Z');

function heldBy(run: LockHolder, extra: Partial<LockItem> = {}): LockItem {
  return {
    targetKey: KEY,
    version: 4,
    holderExecutionArn: run.executionArn,
    holderPipeline: 'retail-bank',
    holderCommitSha: run.commitSha,
    holderReceivedAt: run.receivedAt,
    acquiredAt: '2026-06-01T11:30:00.000Z',
    leaseExpiresAt: '2026-06-01T13:30:00.000Z',
    latestRequest: {
      executionArn: run.executionArn,
      pipeline: 'retail-bank',
      commitSha: run.commitSha,
      receivedAt: run.receivedAt,
    },
    updatedAt: '2026-06-01T11:30:00.000Z',
    ...extra,
  };
}
const options = (store: LockStore) => ({ store, now: () => NOW, leaseSeconds: 7200, compare: null });

test('the run holding the lock goes on after one read and no write', async () => {
  const store = memoryStore(heldBy(A));
  await expect(guardDeployLock(KEY, 'retail-bank', A, options(store))).resolves.toBe('held');
  expect({ reads: store.reads, writes: store.writes }).toEqual({ reads: 1, writes: 0 });
});

test('a sub-workflow started without a lock holder (deployctl rollback) is not guarded', async () => {
  const store = memoryStore(heldBy(B));
  await expect(guardDeployLock(KEY, 'retail-bank', undefined, options(store))).resolves.toBe('unguarded');
  await expect(guardDeployLock(KEY, 'retail-bank', null, options(store))).resolves.toBe('unguarded');
  expect(store.reads).toBe(0);
});

test('a redriven run whose lock the cleanup released takes it again (a conditional write)', async () => {
  // Prepare: A held the lock; the notifier's cleanup released it when A was stopped.
  const released = decideRelease(KEY, heldBy(A), A.executionArn, NOW).write!;
  const store = memoryStore(released);

  // Act
  const outcome = await guardDeployLock(KEY, 'retail-bank', A, options(store));

  // Assess
  expect(outcome).toBe('reacquired');
  expect(store.item).toMatchObject({ holderExecutionArn: A.executionArn, holderCommitSha: A.commitSha });
  expect(store.item!.version).toBe(released.version + 1);
});

test('while another run holds the lock, a redriven run of an older commit changes nothing and is superseded', async () => {
  // Prepare: A was stopped (lock released); B, the next commit (before = A), took the lock.
  const store = memoryStore(heldBy(B, { parents: { [B.commitSha]: A.commitSha } }));
  const before = structuredClone(store.item);

  // Act
  const refused = guardDeployLock(KEY, 'retail-bank', A, options(store));

  // Assess
  await expect(refused).rejects.toThrow(DeployLockNotHeldError);
  await expect(guardDeployLock(KEY, 'retail-bank', A, options(store))).rejects.toThrow(
    /no longer holds the deploy lock on eb:retail-bank\/retail-bank-prod .* superseded: older than bbbbbbbbbbbb, which is being deployed/,
  );
  expect(store.item).toEqual(before);
});

test('while another run of unknown order holds the lock, a redriven run waits: refused, naming the holder', async () => {
  // B arrived first and git cannot order the two: A, arrived later, would deploy after B, not now.
  const late = holder('run-late', 'c'.repeat(40), '2026-06-01T11:20:00.000Z');
  const item = heldBy(B);
  delete item.latestRequest;
  const store = memoryStore(item);
  const error = await guardDeployLock(KEY, 'retail-bank', late, options(store)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DeployLockNotHeldError);
  expect((error as Error).name).toBe('DeployLockNotHeldError');
  expect((error as Error).message).toContain(`${B.executionArn} holds it`);
  expect(store.item?.holderExecutionArn).toBe(B.executionArn);
});

test('with the lock free, a redriven run of a commit older than the live one never deploys', async () => {
  // B deployed (live) and released; A, redriven afterwards, is older.
  const released = decideRelease(
    KEY,
    heldBy(B, { parents: { [B.commitSha]: A.commitSha } }),
    B.executionArn,
    NOW,
    true,
  ).write!;
  const store = memoryStore(released);
  await expect(guardDeployLock(KEY, 'retail-bank', A, options(store))).rejects.toThrow(
    /superseded: older than bbbbbbbbbbbb, which is live/,
  );
  expect(store.item?.holderExecutionArn).toBeUndefined();
});

test('an expired lease of its own is taken again, not trusted', async () => {
  const store = memoryStore(heldBy(A, { leaseExpiresAt: '2026-06-01T11:59:59.000Z' }));
  await expect(guardDeployLock(KEY, 'retail-bank', A, options(store))).resolves.toBe('reacquired');
  expect(store.item!.leaseExpiresAt).toBe('2026-06-01T14:00:00.000Z');
});

test("a redriven redeploy keeps its own request's flags from the item: it may deploy the live commit again", async () => {
  // A (deployctl redeploy of the live commit) took the lock, was stopped, and its lock released.
  const ownRequest = {
    executionArn: A.executionArn,
    pipeline: 'retail-bank',
    commitSha: A.commitSha,
    receivedAt: A.receivedAt,
    redeploy: true,
  };
  const released = decideRelease(
    KEY,
    heldBy(A, { latestRequest: ownRequest, liveCommitSha: A.commitSha, liveExecutionArn: arn('earlier') }),
    A.executionArn,
    NOW,
  ).write!;
  const store = memoryStore(released);
  await expect(guardDeployLock(KEY, 'retail-bank', A, options(store))).resolves.toBe('reacquired');

  // Without its own request in the item (a newer one replaced it), it is a plain push: already live.
  const replaced = memoryStore({
    ...released,
    latestRequest: { ...ownRequest, executionArn: arn('other'), redeploy: false },
  });
  await expect(guardDeployLock(KEY, 'retail-bank', A, options(replaced))).rejects.toThrow(/is already live/);
});
