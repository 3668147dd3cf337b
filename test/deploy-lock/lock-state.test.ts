import {
  decideAcquire,
  decideRelease,
  isNewer,
  waitSecondsFor,
  type LockItem,
  type LockRequest,
  type Relation,
  type RelationTo,
} from '../../functions/deploy-lock/lock-state';
import { orderEvidence, relationFromPushes } from '../../functions/deploy-lock/commit-order';

const KEY = 'eb:retail-bank/retail-bank-prod';
const NOW = new Date('2025-06-01T12:00:00.000Z');
const LEASE = 7200;

function run(name: string, receivedAt: string): LockRequest {
  return {
    executionArn: `arn:aws:states:eu-west-1:1:execution:deploy-retail-bank:${name}`,
    pipeline: 'retail-bank',
    commitSha: `${name}sha`,
    receivedAt,
  };
}
const OLD = run('old', '2025-06-01T11:00:00.000Z');
const MID = run('mid', '2025-06-01T11:30:00.000Z');
const NEW = run('new', '2025-06-01T11:50:00.000Z');

function heldBy(
  holder: LockRequest,
  options: { acquiredAt?: string; leaseExpiresAt?: string; latest?: LockRequest } = {},
): LockItem & { leaseExpiresAt: string } {
  return {
    targetKey: KEY,
    version: 3,
    holderExecutionArn: holder.executionArn,
    holderPipeline: holder.pipeline,
    holderCommitSha: holder.commitSha,
    holderReceivedAt: holder.receivedAt,
    acquiredAt: options.acquiredAt ?? '2025-06-01T11:59:00.000Z',
    leaseExpiresAt: options.leaseExpiresAt ?? '2025-06-01T13:59:00.000Z',
    latestRequest: options.latest ?? holder,
    updatedAt: '2025-06-01T11:59:00.000Z',
  };
}

describe('decideAcquire', () => {
  test('a free target (no item) is acquired with a lease and the run recorded as latest', () => {
    // Act
    const { result, write } = decideAcquire(KEY, undefined, MID, NOW, LEASE);

    // Assess
    expect(result).toEqual({
      status: 'acquired',
      targetKey: KEY,
      leaseExpiresAt: '2025-06-01T14:00:00.000Z',
      waitSeconds: 0,
    });
    expect(write).toMatchObject({
      targetKey: KEY,
      version: 1,
      holderExecutionArn: MID.executionArn,
      holderCommitSha: 'midsha',
      holderReceivedAt: MID.receivedAt,
      acquiredAt: NOW.toISOString(),
      latestRequest: MID,
    });
  });

  test('acquiring again while holding is idempotent: same lease, nothing written', () => {
    // Prepare
    const item = heldBy(MID);

    // Act
    const { result, write } = decideAcquire(KEY, item, MID, NOW, LEASE);

    // Assess
    expect(result).toEqual({
      status: 'acquired',
      targetKey: KEY,
      leaseExpiresAt: item.leaseExpiresAt,
      waitSeconds: 0,
    });
    expect(write).toBeNull();
  });

  test('the holder is not superseded by a newer waiting run', () => {
    const { result } = decideAcquire(KEY, heldBy(MID, { latest: NEW }), MID, NOW, LEASE);
    expect(result.status).toBe('acquired');
  });

  test('a newer run waits for the holder and registers itself as latest', () => {
    // Act
    const { result, write } = decideAcquire(KEY, heldBy(OLD), NEW, NOW, LEASE);

    // Assess
    expect(result).toEqual({ status: 'waiting', targetKey: KEY, heldBy: OLD.executionArn, waitSeconds: 15 });
    expect(write).toMatchObject({ version: 4, holderExecutionArn: OLD.executionArn, latestRequest: NEW });
  });

  test('a waiting run that is already the latest polls without writing', () => {
    const { result, write } = decideAcquire(KEY, heldBy(OLD, { latest: NEW }), NEW, NOW, LEASE);
    expect(result.status).toBe('waiting');
    expect(write).toBeNull();
  });

  test('an older waiting run is superseded by a newer request', () => {
    const { result, write } = decideAcquire(KEY, heldBy(OLD, { latest: NEW }), MID, NOW, LEASE);
    expect(result).toEqual({
      status: 'superseded',
      targetKey: KEY,
      supersededBy: NEW.executionArn,
      supersededByCommitSha: 'newsha',
      reason: 'older than newsha, which is waiting to deploy',
      waitSeconds: 0,
    });
    expect(write).toBeNull();
  });

  test('an older run is superseded even once the lock is free (the newer commit went or goes first)', () => {
    // Prepare: released lock that remembers NEW as the latest request
    const item: LockItem = { targetKey: KEY, version: 7, latestRequest: NEW, updatedAt: NOW.toISOString() };

    // Act
    const { result } = decideAcquire(KEY, item, MID, NOW, LEASE);

    // Assess
    expect(result).toMatchObject({ status: 'superseded', supersededBy: NEW.executionArn });
  });

  test('a newer run is never superseded by an older one: it acquires a free lock and stays latest', () => {
    const item: LockItem = { targetKey: KEY, version: 7, latestRequest: OLD, updatedAt: NOW.toISOString() };
    const { result, write } = decideAcquire(KEY, item, NEW, NOW, LEASE);
    expect(result.status).toBe('acquired');
    expect(write?.latestRequest).toEqual(NEW);
  });

  test('an expired lease is taken over', () => {
    // Prepare
    const item = heldBy(OLD, { leaseExpiresAt: '2025-06-01T11:59:59.000Z' });

    // Act
    const { result, write } = decideAcquire(KEY, item, NEW, NOW, LEASE);

    // Assess
    expect(result.status).toBe('acquired');
    expect(write).toMatchObject({ holderExecutionArn: NEW.executionArn, version: 4 });
  });

  test('equal receivedAt is ordered by execution ARN, the same way for everyone', () => {
    const a = run('a', '2025-06-01T11:00:00Z');
    const b = run('b', '2025-06-01T11:00:00.000Z');
    expect(isNewer(b, a)).toBe(true);
    expect(isNewer(a, b)).toBe(false);
  });
});

describe('waitSecondsFor', () => {
  test('waits 10 s right after the holder started, grows with its run time, stops at 60 s', () => {
    expect(waitSecondsFor(heldBy(OLD, { acquiredAt: '2025-06-01T11:59:50.000Z' }), NOW)).toBe(10);
    expect(waitSecondsFor(heldBy(OLD, { acquiredAt: '2025-06-01T11:58:00.000Z' }), NOW)).toBe(30);
    expect(waitSecondsFor(heldBy(OLD, { acquiredAt: '2025-06-01T10:00:00.000Z' }), NOW)).toBe(60);
  });

  test('does not sleep past the lease end, but never below 10 s', () => {
    expect(
      waitSecondsFor(
        heldBy(OLD, { acquiredAt: '2025-06-01T10:00:00.000Z', leaseExpiresAt: '2025-06-01T12:00:25.000Z' }),
        NOW,
      ),
    ).toBe(25);
    expect(
      waitSecondsFor(
        heldBy(OLD, { acquiredAt: '2025-06-01T10:00:00.000Z', leaseExpiresAt: '2025-06-01T12:00:02.000Z' }),
        NOW,
      ),
    ).toBe(10);
  });
});

describe('decideRelease', () => {
  test('the holder releases and the latest request is kept for supersede checks', () => {
    const { result, write } = decideRelease(KEY, heldBy(OLD, { latest: NEW }), OLD.executionArn, NOW);
    expect(result).toEqual({ released: true, targetKey: KEY });
    expect(write).toEqual({ targetKey: KEY, version: 4, updatedAt: NOW.toISOString(), latestRequest: NEW });
  });

  test('anyone else gets released:false and nothing is written', () => {
    expect(decideRelease(KEY, heldBy(OLD), NEW.executionArn, NOW)).toEqual({
      result: { released: false, targetKey: KEY },
      write: null,
    });
    expect(decideRelease(KEY, undefined, NEW.executionArn, NOW)).toEqual({
      result: { released: false, targetKey: KEY },
      write: null,
    });
  });
});

describe('order from git, not from arrival', () => {
  const A = { ...run('a', '2025-06-01T11:40:00.000Z'), commitSha: 'a'.repeat(40) };
  const B = { ...run('b', '2025-06-01T11:39:00.000Z'), commitSha: 'b'.repeat(40), beforeSha: 'a'.repeat(40) };
  const gitSays =
    (relations: Record<string, Relation>): RelationTo =>
    (sha) =>
      relations[sha] ?? 'unknown';

  test('a commit older than the one being deployed ends superseded, whatever its arrival', () => {
    // Prepare: B holds the target; A (B's parent) arrives later
    const item = heldBy(B);

    // Act
    const { result, write } = decideAcquire(KEY, item, A, NOW, LEASE, gitSays({ [B.commitSha]: 'older' }));

    // Assess
    expect(result).toEqual({
      status: 'superseded',
      targetKey: KEY,
      supersededBy: B.executionArn,
      supersededByCommitSha: B.commitSha,
      reason: `older than ${'b'.repeat(12)}, which is being deployed`,
      waitSeconds: 0,
    });
    expect(write).toBeNull();
  });

  test('a commit older than the live one ends superseded: "older than <sha12>, which is live"', () => {
    const item: LockItem = {
      targetKey: KEY,
      version: 9,
      liveCommitSha: B.commitSha,
      liveExecutionArn: B.executionArn,
      liveReceivedAt: B.receivedAt,
      updatedAt: NOW.toISOString(),
    };
    const { result } = decideAcquire(KEY, item, A, NOW, LEASE, gitSays({ [B.commitSha]: 'older' }));
    expect(result).toMatchObject({
      status: 'superseded',
      reason: `older than ${'b'.repeat(12)}, which is live`,
    });
  });

  test('the live commit again is a duplicate, unless it is a redeploy on purpose', () => {
    const item: LockItem = {
      targetKey: KEY,
      version: 9,
      liveCommitSha: A.commitSha,
      liveExecutionArn: 'arn:first-run',
      updatedAt: NOW.toISOString(),
    };
    const same = gitSays({ [A.commitSha]: 'same' });
    expect(decideAcquire(KEY, item, A, NOW, LEASE, same).result).toMatchObject({
      status: 'superseded',
      supersededBy: 'arn:first-run',
      reason: `${'a'.repeat(12)} is already live`,
    });
    expect(decideAcquire(KEY, item, { ...A, redeploy: true }, NOW, LEASE, same).result.status).toBe(
      'acquired',
    );
  });

  test('a commit in flight is not deployed twice', () => {
    const other = { ...A, executionArn: `${A.executionArn}-second` };
    const { result } = decideAcquire(KEY, heldBy(A), other, NOW, LEASE, gitSays({ [A.commitSha]: 'same' }));
    expect(result).toMatchObject({ status: 'superseded', supersededBy: A.executionArn });
  });

  test('a force-push that rewinds deploys: someone asked for that commit', () => {
    const item: LockItem = {
      targetKey: KEY,
      version: 9,
      liveCommitSha: B.commitSha,
      liveExecutionArn: B.executionArn,
      liveReceivedAt: B.receivedAt,
      updatedAt: NOW.toISOString(),
    };
    const rewind = { ...A, forced: true, receivedAt: '2025-06-01T11:55:00.000Z' };
    const { result } = decideAcquire(KEY, item, rewind, NOW, LEASE, gitSays({ [B.commitSha]: 'older' }));
    expect(result.status).toBe('acquired');
  });

  test('after a force-push, a waiting run of a commit no longer on the branch is superseded', () => {
    const rewind = { ...A, forced: true, receivedAt: '2025-06-01T11:55:00.000Z' };
    const waiting = { ...run('c', '2025-06-01T11:50:00.000Z'), beforeSha: B.commitSha };
    const item = heldBy(B, { latest: rewind });
    const { result } = decideAcquire(KEY, item, waiting, NOW, LEASE, gitSays({ [A.commitSha]: 'newer' }));
    expect(result).toMatchObject({
      status: 'superseded',
      reason: `the branch was force-pushed to ${'a'.repeat(12)}`,
    });
  });

  test('records each push as after -> before, and keeps the chain and the live commit on release', () => {
    const { write } = decideAcquire(KEY, undefined, B, NOW, LEASE);
    expect(write?.parents).toEqual({ [B.commitSha]: A.commitSha });
    const released = decideRelease(KEY, write!, B.executionArn, NOW, true).write!;
    expect(released).toMatchObject({
      liveCommitSha: B.commitSha,
      liveExecutionArn: B.executionArn,
      parents: { [B.commitSha]: A.commitSha },
    });
    expect(released.holderExecutionArn).toBeUndefined();
    // A failed run's release keeps the previous live commit.
    const again = decideAcquire(
      KEY,
      released,
      { ...run('c', B.receivedAt), beforeSha: B.commitSha },
      NOW,
      LEASE,
    );
    const failed = decideRelease(KEY, again.write!, run('c', B.receivedAt).executionArn, NOW, false).write!;
    expect(failed.liveCommitSha).toBe(B.commitSha);
  });
});

describe('commit order evidence', () => {
  const a = 'a'.repeat(40);
  const b = 'b'.repeat(40);
  const c = 'c'.repeat(40);

  test('the pushes chain orders commits: an ancestor is older, a descendant newer', () => {
    const parents = { [b]: a, [c]: b };
    expect(relationFromPushes(parents, { commitSha: a }, c)).toBe('older');
    expect(relationFromPushes(parents, { commitSha: c }, a)).toBe('newer');
    expect(relationFromPushes({}, { commitSha: b, beforeSha: a }, a)).toBe('newer');
    expect(relationFromPushes({}, { commitSha: a }, b)).toBe('unknown');
    expect(relationFromPushes({}, { commitSha: a }, a)).toBe('same');
  });

  test('GitHub compare decides first: ahead is newer, behind older, identical same', async () => {
    const item: LockItem = {
      targetKey: KEY,
      version: 1,
      liveCommitSha: a,
      holderCommitSha: b,
      holderExecutionArn: 'arn:h',
      updatedAt: NOW.toISOString(),
    };
    const asked: string[] = [];
    const evidence = await orderEvidence(
      item,
      { ...run('c', NOW.toISOString()), commitSha: c },
      async (base, head) => {
        asked.push(`${base[0]}...${head[0]}`);
        return base === a ? 'ahead' : 'behind';
      },
    );
    expect(asked).toEqual(['a...c', 'b...c']);
    expect(evidence.get(a)).toEqual({ relation: 'newer', source: 'github' });
    expect(evidence.get(b)).toEqual({ relation: 'older', source: 'github' });
  });

  test('when GitHub cannot tell (diverged, error), the pushes decide; when nothing knows, arrival', async () => {
    const item: LockItem = {
      targetKey: KEY,
      version: 1,
      liveCommitSha: a,
      parents: { [b]: a },
      updatedAt: NOW.toISOString(),
    };
    const request = { ...run('b', NOW.toISOString()), commitSha: b };
    expect((await orderEvidence(item, request, async () => null)).get(a)).toEqual({
      relation: 'newer',
      source: 'pushes',
    });
    expect((await orderEvidence(item, { ...request, commitSha: c }, null)).get(a)).toEqual({
      relation: 'unknown',
      source: 'arrival',
    });
  });
});
