/**
 * The four DORA keys of one pipeline over a window (default 30 days), from its DeployHistory
 * records. Pure arithmetic, no I/O. Definitions (see the README's console section):
 * - a **change** is a deployment that reached the target: `succeeded`, `rolled-back`, or `failed`
 *   after it changed the target (it has a version label or was rolled back). Superseded,
 *   rejected and expired runs, and failures before the deploy (build, tests, scan, health gate),
 *   changed nothing and are not changes;
 * - **deployment frequency**: successful deployments per day over the window;
 * - **lead time for changes**: median time from the commit to the end of its successful deployment;
 * - **change failure rate**: failed changes (rolled back, or failed after changing the target)
 *   divided by all changes;
 * - **time to restore**: median time from the end of the first failed change of a streak to the
 *   end of the next successful deployment (the notifier's streak rule, notifier/restore-time.ts).
 * Records with unreadable dates are left out and counted in `skipped`.
 */
import type { DeploymentRecord } from '../../functions/deploy-history/history-record';

export const DAY_MS = 86_400_000;

/** One day of the chart: successful and failed changes that ended that (UTC) day. */
export interface DoraDay {
  /** `YYYY-MM-DD` (UTC). */
  date: string;
  succeeded: number;
  failed: number;
}

export interface DoraMetrics {
  windowDays: number;
  /** Successful deployments in the window. */
  deployments: number;
  /** Successful deployments per day. */
  deploymentsPerDay: number;
  /** Median commit-to-deployed time (ms); null without a successful deployment with a commit time. */
  leadTimeMs: number | null;
  /** Changes (deployments that reached the target) in the window. */
  changes: number;
  failedChanges: number;
  /** failedChanges / changes (0-1); null without any change. */
  changeFailureRate: number | null;
  /** Median time to restore (ms); null when nothing was restored in the window. */
  timeToRestoreMs: number | null;
  /** Failure streaks still open (no success after them yet). */
  unrestored: number;
  /** Records left out (unreadable dates or outcome). */
  skipped: number;
  days: DoraDay[];
}

interface Dated {
  record: DeploymentRecord;
  ended: number;
}

const time = (iso: string | undefined): number | undefined => {
  if (typeof iso !== 'string') return undefined;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : undefined;
};

/** Whether a record changed the target and failed (rolled back, or failed after deploying). */
export function isFailedChange(record: DeploymentRecord): boolean {
  if (record.outcome === 'rolled-back') return true;
  return (
    record.outcome === 'failed' &&
    (record.rolledBack === true ||
      (typeof record.versionLabel === 'string' && record.versionLabel.length > 0))
  );
}

/** Whether a record is a change: it reached the target (successfully or not). */
export function isChange(record: DeploymentRecord): boolean {
  return record.outcome === 'succeeded' || isFailedChange(record);
}

/** Median of a list of numbers; null when empty. */
export function median(values: readonly number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The DORA keys of `records` (one pipeline, any order) for the `windowDays` days up to `now`.
 * Throws RangeError for a window that is not a whole number of days from 1 to 366 or an invalid `now`.
 */
export function doraMetrics(records: readonly DeploymentRecord[], now: Date, windowDays = 30): DoraMetrics {
  if (!Number.isInteger(windowDays) || windowDays < 1 || windowDays > 366)
    throw new RangeError(`windowDays must be a whole number from 1 to 366, got ${windowDays}`);
  if (Number.isNaN(now.getTime())) throw new RangeError('now must be a valid date');
  const end = now.getTime();
  const start = end - windowDays * DAY_MS;
  let skipped = 0;
  const dated: Dated[] = [];
  for (const record of records) {
    if (record.outcome === 'running') continue;
    const ended = time(record.endedAt) ?? time(record.startedAt);
    if (ended === undefined || typeof record.outcome !== 'string') {
      skipped += 1;
      continue;
    }
    if (ended > start && ended <= end) dated.push({ record, ended });
  }
  dated.sort((a, b) => a.ended - b.ended);

  const succeeded = dated.filter((d) => d.record.outcome === 'succeeded');
  const failedChanges = dated.filter((d) => isFailedChange(d.record));
  const leadTimes = succeeded.flatMap((d) => {
    const committed = time(d.record.commitTimestamp);
    return committed !== undefined && committed <= d.ended ? [d.ended - committed] : [];
  });

  const restores: number[] = [];
  let streakStart: number | undefined;
  for (const d of dated) {
    if (isFailedChange(d.record)) streakStart ??= d.ended;
    else if (d.record.outcome === 'succeeded' && streakStart !== undefined) {
      restores.push(d.ended - streakStart);
      streakStart = undefined;
    }
  }

  const changes = succeeded.length + failedChanges.length;
  return {
    windowDays,
    deployments: succeeded.length,
    deploymentsPerDay: succeeded.length / windowDays,
    leadTimeMs: median(leadTimes),
    changes,
    failedChanges: failedChanges.length,
    changeFailureRate: changes ? failedChanges.length / changes : null,
    timeToRestoreMs: median(restores),
    unrestored: streakStart === undefined ? 0 : 1,
    skipped,
    days: dailyCounts(dated, end, windowDays),
  };
}

function dailyCounts(dated: readonly Dated[], end: number, windowDays: number): DoraDay[] {
  const days: DoraDay[] = [];
  const index = new Map<string, DoraDay>();
  for (let i = windowDays - 1; i >= 0; i -= 1) {
    const date = new Date(end - i * DAY_MS).toISOString().slice(0, 10);
    const day = { date, succeeded: 0, failed: 0 };
    days.push(day);
    index.set(date, day);
  }
  for (const d of dated) {
    const day = index.get(new Date(d.ended).toISOString().slice(0, 10));
    if (!day) continue;
    if (d.record.outcome === 'succeeded') day.succeeded += 1;
    else if (isFailedChange(d.record)) day.failed += 1;
  }
  return days;
}
