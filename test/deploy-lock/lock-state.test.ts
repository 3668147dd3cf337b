import {
  decideAcquire,
  decideRelease,
  isNewer,
  waitSecondsFor,
  type LockItem,
  type LockRequest,
} from '../../functions/deploy-lock/lock-state';

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
