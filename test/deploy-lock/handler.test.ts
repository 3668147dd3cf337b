import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { deployLock } from '../../functions/deploy-lock/handler';
import { LockContentionError, MAX_WRITE_ATTEMPTS } from '../../functions/deploy-lock/deploy-lock';
import type { AcquireResult, ReleaseResult } from '../../functions/commons/types/tasks';
import { ddbMock, installFakeTable, items } from './fake-locks-table';

const EB_KEY = 'eb:retail-bank/retail-bank-prod';

function acquire(name: string, receivedAt: string, pipeline = 'retail-bank') {
  return {
    action: 'acquire',
    pipeline,
    commitSha: `${name}0000000`,
    executionArn: `arn:exec:${name}`,
    receivedAt,
  };
}
const release = (name: string, pipeline = 'retail-bank') => ({
  action: 'release',
  pipeline,
  executionArn: `arn:exec:${name}`,
});

beforeEach(() => {
  installFakeTable();
  delete process.env.LOCK_LEASE_SECONDS;
  delete process.env.DEPLOY_LOCKS_TABLE;
});

describe('deploy-lock handler against the DeployLocks table', () => {
  test('acquire writes the lock item under the pipeline target key with a version condition', async () => {
    // Prepare
    process.env.DEPLOY_LOCKS_TABLE = 'locks-prod';

    // Act
    const result = (await deployLock(acquire('a', '2025-06-01T10:00:00Z'))) as AcquireResult;

    // Assess
    expect(result).toMatchObject({ status: 'acquired', targetKey: EB_KEY, waitSeconds: 0 });
    expect(ddbMock).toHaveReceivedCommandWith(GetCommand, {
      TableName: 'locks-prod',
      Key: { targetKey: EB_KEY },
      ConsistentRead: true,
    });
    expect(ddbMock).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'locks-prod',
      ConditionExpression: 'attribute_not_exists(targetKey)',
    });
    expect(items.get(EB_KEY)).toMatchObject({
      holderExecutionArn: 'arn:exec:a',
      holderCommitSha: 'a0000000',
      version: 1,
    });
  });

  test('the lease length comes from LOCK_LEASE_SECONDS', async () => {
    process.env.LOCK_LEASE_SECONDS = '600';
    const before = Date.now();
    const result = (await deployLock(acquire('a', '2025-06-01T10:00:00Z'))) as Extract<
      AcquireResult,
      { status: 'acquired' }
    >;
    const lease = (Date.parse(result.leaseExpiresAt) - before) / 1000;
    expect(lease).toBeGreaterThanOrEqual(599);
    expect(lease).toBeLessThanOrEqual(601);
  });

  test('a bad LOCK_LEASE_SECONDS is a clear error', async () => {
    process.env.LOCK_LEASE_SECONDS = '5';
    await expect(deployLock(acquire('a', '2025-06-01T10:00:00Z'))).rejects.toThrow(
      'LOCK_LEASE_SECONDS must be a whole number of seconds from 60 to 86400, got "5"',
    );
  });

  test('full story: holder, a waiting older run superseded by a newer one, release, newer acquires', async () => {
    // Act
    const first = await deployLock(acquire('holder', '2025-06-01T10:00:00Z'));
    const older = await deployLock(acquire('older', '2025-06-01T10:05:00Z'));
    const newer = await deployLock(acquire('newer', '2025-06-01T10:10:00Z'));
    const olderAgain = await deployLock(acquire('older', '2025-06-01T10:05:00Z'));
    const wrongRelease = await deployLock(release('older'));
    const released = await deployLock(release('holder'));
    const releasedTwice = await deployLock(release('holder'));
    const newerAgain = await deployLock(acquire('newer', '2025-06-01T10:10:00Z'));

    // Assess
    expect(first).toMatchObject({ status: 'acquired' });
    expect(older).toMatchObject({ status: 'waiting', heldBy: 'arn:exec:holder' });
    expect(newer).toMatchObject({ status: 'waiting', heldBy: 'arn:exec:holder' });
    expect(olderAgain).toMatchObject({ status: 'superseded', supersededBy: 'arn:exec:newer' });
    expect(wrongRelease).toEqual({ released: false, targetKey: EB_KEY });
    expect(released).toEqual({ released: true, targetKey: EB_KEY });
    expect(releasedTwice).toEqual({ released: false, targetKey: EB_KEY });
    expect(newerAgain).toMatchObject({ status: 'acquired' });
  });

  test('pipelines on different targets do not share a lock', async () => {
    await deployLock(acquire('bank', '2025-06-01T10:00:00Z'));
    const blog = await deployLock(acquire('blog', '2025-06-01T10:00:00Z', 'microblog'));
    expect(blog).toMatchObject({ status: 'acquired', targetKey: 'ec2:App=microblog' });
  });

  test('two runs racing for a free lock: exactly one acquires, the other waits on it', async () => {
    // Act
    const results = (await Promise.all([
      deployLock(acquire('r1', '2025-06-01T10:00:00Z')),
      deployLock(acquire('r2', '2025-06-01T10:00:01Z')),
    ])) as AcquireResult[];

    // Assess
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual(['acquired', 'waiting']);
    const winner = results.findIndex((r) => r.status === 'acquired');
    expect(items.get(EB_KEY)?.holderExecutionArn).toBe(`arn:exec:r${winner + 1}`);
    expect(results[1 - winner]).toMatchObject({ heldBy: `arn:exec:r${winner + 1}` });
    expect(items.get(EB_KEY)?.latestRequest?.executionArn).toBe('arn:exec:r2');
  });

  test('many concurrent runs: one holder, the newest is latest, all older waiters are later superseded', async () => {
    // Prepare
    const names = Array.from({ length: 6 }, (_, i) => `c${i}`);
    const at = (i: number) => `2025-06-01T10:00:0${i}Z`;

    // Act
    const first = (await Promise.all(names.map((n, i) => deployLock(acquire(n, at(i)))))) as AcquireResult[];
    const holder = first.find((r) => r.status === 'acquired');
    const holderName = names[first.indexOf(holder!)]!;
    await deployLock(release(holderName));
    const second = (await Promise.all(
      names.filter((n) => n !== holderName).map((n) => deployLock(acquire(n, at(names.indexOf(n))))),
    )) as AcquireResult[];

    // Assess
    expect(first.filter((r) => r.status === 'acquired')).toHaveLength(1);
    expect(items.get(EB_KEY)?.holderExecutionArn).toBe('arn:exec:c5');
    const newestResult = second.at(-1)!;
    if (holderName !== 'c5') expect(newestResult.status).toBe('acquired');
    expect(second.filter((r) => r.status === 'acquired')).toHaveLength(holderName === 'c5' ? 0 : 1);
    expect(second.filter((r) => r.status === 'superseded')).toHaveLength(holderName === 'c5' ? 5 : 4);
  });

  test('a lost conditional write makes the run decide again on fresh state', async () => {
    // Prepare: the first Put loses to another writer that took the lock
    ddbMock
      .on(GetCommand)
      .resolvesOnce({ Item: undefined })
      .resolves({
        Item: {
          targetKey: EB_KEY,
          version: 1,
          holderExecutionArn: 'arn:exec:other',
          leaseExpiresAt: '2999-01-01T00:00:00Z',
          acquiredAt: new Date().toISOString(),
          latestRequest: {
            executionArn: 'arn:exec:other',
            pipeline: 'retail-bank',
            commitSha: 'x',
            receivedAt: '2025-06-01T09:00:00Z',
          },
          updatedAt: 'x',
        },
      });
    ddbMock
      .on(PutCommand)
      .rejectsOnce(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }))
      .resolves({});

    // Act
    const result = await deployLock(acquire('me', '2025-06-01T10:00:00Z'));

    // Assess
    expect(result).toMatchObject({ status: 'waiting', heldBy: 'arn:exec:other', waitSeconds: 10 });
    expect(ddbMock).toHaveReceivedCommandTimes(GetCommand, 2);
    expect(ddbMock).toHaveReceivedNthSpecificCommandWith(2, PutCommand, {
      ConditionExpression: '#version = :expected',
      ExpressionAttributeValues: { ':expected': 1 },
    });
  });

  test('endless contention ends with LockContentionError for the task Retry', async () => {
    ddbMock.on(GetCommand).resolves({});
    ddbMock.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }));
    await expect(deployLock(acquire('me', '2025-06-01T10:00:00Z'))).rejects.toThrow(LockContentionError);
    expect(ddbMock).toHaveReceivedCommandTimes(PutCommand, MAX_WRITE_ATTEMPTS);
  });

  test('other DynamoDB errors propagate unchanged', async () => {
    ddbMock
      .on(GetCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' }));
    await expect(deployLock(release('me'))).rejects.toMatchObject({
      name: 'ProvisionedThroughputExceededException',
    });
  });

  test.each([
    [{ action: 'lock', pipeline: 'retail-bank', executionArn: 'a' }, 'action must be "acquire" or "release"'],
    [
      { action: 'acquire', pipeline: 'retail-bank', executionArn: 'a', commitSha: 'c' },
      'receivedAt: must be a non-empty string',
    ],
    [
      {
        action: 'acquire',
        pipeline: 'retail-bank',
        executionArn: 'a',
        commitSha: 'c',
        receivedAt: 'yesterday',
      },
      'receivedAt: must be an ISO 8601 timestamp',
    ],
    [{ action: 'release', pipeline: '', executionArn: 'a' }, 'pipeline: must be a non-empty string'],
    [null, 'deploy-lock event is not valid'],
  ])('bad event %j is rejected with InvalidEventError', async (event, message) => {
    await expect(deployLock(event)).rejects.toMatchObject({
      name: 'InvalidEventError',
      message: expect.stringContaining(message),
    });
  });

  test('an unknown pipeline is a ConfigError naming the known ones', async () => {
    await expect(deployLock(release('x', 'nope'))).rejects.toMatchObject({
      name: 'ConfigError',
      message: expect.stringContaining('known: retail-bank, microblog'),
    });
  });
});

describe('deploy-lock properties', () => {
  test('whatever the order of acquires and releases: one holder at a time, and acquisitions only go forward in commit order', async () => {
    const runs = ['p', 'q', 'r', 's'];
    const step = fc.record({
      run: fc.integer({ min: 0, max: 3 }),
      op: fc.constantFrom('acquire', 'release'),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 30 }), async (steps) => {
        installFakeTable();
        let lastAcquired = -1;
        const holders = new Set<string>();
        for (const { run, op } of steps) {
          const name = runs[run]!;
          if (op === 'release') {
            const result = (await deployLock(release(name))) as ReleaseResult;
            if (result.released) holders.delete(name);
            continue;
          }
          const result = (await deployLock(acquire(name, `2025-06-01T10:00:0${run}Z`))) as AcquireResult;
          if (result.status === 'acquired' && !holders.has(name)) {
            expect(holders.size).toBe(0);
            expect(run).toBeGreaterThanOrEqual(lastAcquired);
            lastAcquired = run;
            holders.add(name);
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});
