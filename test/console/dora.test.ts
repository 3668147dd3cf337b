/** DORA arithmetic over DeployHistory records: definitions, empty history and bad input. */
import type { DeploymentRecord } from '../../functions/deploy-history/history-record';
import { DAY_MS, doraMetrics, isChange, isFailedChange, median } from '../../local/console/dora';

const NOW = new Date('2026-11-29T12:00:00.000Z');
const at = (daysAgo: number, hours = 0) =>
  new Date(NOW.getTime() - daysAgo * DAY_MS + hours * 3600_000).toISOString();

let n = 0;
function rec(over: { [K in keyof DeploymentRecord]?: DeploymentRecord[K] | undefined }): DeploymentRecord {
  n += 1;
  const record = {
    pipeline: 'retail-bank',
    executionArn: `arn:aws:states:us-east-1:123456789012:execution:deploy-retail-bank:run-${n}`,
    startedAt: over.endedAt ?? at(1),
    outcome: 'succeeded',
    versionLabel: `v${n}`,
    ...over,
  };
  for (const key of Object.keys(record) as (keyof typeof record)[])
    if (record[key] === undefined) delete record[key];
  return record as DeploymentRecord;
}

describe('DORA metrics', () => {
  test('an empty history has no rates, no lead time and 30 empty days', () => {
    const m = doraMetrics([], NOW);
    expect(m).toMatchObject({
      windowDays: 30,
      deployments: 0,
      deploymentsPerDay: 0,
      leadTimeMs: null,
      changes: 0,
      changeFailureRate: null,
      timeToRestoreMs: null,
      unrestored: 0,
      skipped: 0,
    });
    expect(m.days).toHaveLength(30);
    expect(m.days.at(-1)).toEqual({ date: '2026-11-29', succeeded: 0, failed: 0 });
    expect(m.days.every((d) => d.succeeded === 0 && d.failed === 0)).toBe(true);
  });

  test('frequency counts successful deployments per day of the window', () => {
    const records = [rec({ endedAt: at(1) }), rec({ endedAt: at(2) }), rec({ endedAt: at(3) })];
    const m = doraMetrics(records, NOW);
    expect(m.deployments).toBe(3);
    expect(m.deploymentsPerDay).toBeCloseTo(3 / 30);
  });

  test('records outside the window and running ones do not count', () => {
    const m = doraMetrics(
      [rec({ endedAt: at(31) }), rec({ endedAt: at(-1) }), rec({ outcome: 'running', endedAt: undefined })],
      NOW,
    );
    expect(m.deployments).toBe(0);
    expect(m.skipped).toBe(0);
  });

  test('lead time is the median from commit to the end of the successful deployment', () => {
    const records = [
      rec({ commitTimestamp: at(2), endedAt: at(2, 1) }), // 1 h
      rec({ commitTimestamp: at(3), endedAt: at(3, 3) }), // 3 h
      rec({ commitTimestamp: at(4), endedAt: at(4, 2) }), // 2 h
      rec({ endedAt: at(5) }), // no commit time: left out of the lead time only
      rec({ outcome: 'failed', commitTimestamp: at(6), endedAt: at(6, 9) }), // not a success
    ];
    const m = doraMetrics(records, NOW);
    expect(m.leadTimeMs).toBe(2 * 3600_000);
    expect(m.deployments).toBe(4);
  });

  test('change failure rate: rolled back or failed after changing the target, over all changes', () => {
    const records = [
      rec({ endedAt: at(5) }),
      rec({ endedAt: at(4) }),
      rec({ outcome: 'rolled-back', endedAt: at(3) }),
      rec({ outcome: 'failed', rolledBack: true, endedAt: at(2) }),
      // Not changes: a build failure (no version), superseded, rejected, expired.
      rec({ outcome: 'failed', versionLabel: undefined, endedAt: at(2) }),
      rec({ outcome: 'superseded', endedAt: at(2) }),
      rec({ outcome: 'rejected', endedAt: at(2) }),
      rec({ outcome: 'approval-expired', endedAt: at(2) }),
    ];
    const m = doraMetrics(records, NOW);
    expect(m.changes).toBe(4);
    expect(m.failedChanges).toBe(2);
    expect(m.changeFailureRate).toBe(0.5);
  });

  test('time to restore runs from the first failure of a streak to the next success', () => {
    const records = [
      rec({ outcome: 'rolled-back', endedAt: at(10) }),
      rec({ outcome: 'failed', rolledBack: true, endedAt: at(10, 2) }), // same streak
      rec({ endedAt: at(10, 4) }), // restored after 4 h
      rec({ outcome: 'rolled-back', endedAt: at(5) }),
      rec({ endedAt: at(5, 2) }), // restored after 2 h
      rec({ outcome: 'rolled-back', endedAt: at(1) }), // still open
    ];
    const m = doraMetrics(records, NOW);
    expect(m.timeToRestoreMs).toBe(3 * 3600_000);
    expect(m.unrestored).toBe(1);
  });

  test('the chart counts successes and failed changes on the UTC day they ended', () => {
    const m = doraMetrics(
      [
        rec({ endedAt: at(0, -1) }),
        rec({ endedAt: at(0, -2) }),
        rec({ outcome: 'rolled-back', endedAt: at(1) }),
      ],
      NOW,
    );
    expect(m.days.at(-1)).toEqual({ date: '2026-11-29', succeeded: 2, failed: 0 });
    expect(m.days.at(-2)).toEqual({ date: '2026-11-28', succeeded: 0, failed: 1 });
  });

  test('records with unreadable dates are skipped and counted, never thrown on', () => {
    const bad = [
      rec({ endedAt: 'yesterday', startedAt: 'not a date' }),
      { pipeline: 'x', executionArn: 'y' } as unknown as DeploymentRecord,
      rec({ endedAt: at(1), commitTimestamp: 'garbage' }),
      rec({ endedAt: at(1), commitTimestamp: at(-1) }), // commit after deploy: no lead time
    ];
    const m = doraMetrics(bad, NOW);
    expect(m.skipped).toBe(2);
    expect(m.deployments).toBe(2);
    expect(m.leadTimeMs).toBeNull();
  });

  test('a bad window or clock is refused with a clear error', () => {
    expect(() => doraMetrics([], NOW, 0)).toThrow(/windowDays must be a whole number from 1 to 366, got 0/);
    expect(() => doraMetrics([], NOW, 2.5)).toThrow(RangeError);
    expect(() => doraMetrics([], new Date(NaN))).toThrow(/now must be a valid date/);
  });

  test('median, change and failed change', () => {
    expect(median([])).toBeNull();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(isChange(rec({ outcome: 'superseded' }))).toBe(false);
    expect(isFailedChange(rec({ outcome: 'failed' }))).toBe(true); // it has a version label
    expect(isFailedChange(rec({ outcome: 'failed', versionLabel: '' }))).toBe(false);
  });
});
