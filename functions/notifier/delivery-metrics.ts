/**
 * Which delivery metrics a status change yields (names in commons/metrics.ts). Pure: the caller
 * publishes them once the notice is handled, so a redelivered or retried event counts once.
 */
import { MetricNames, type MetricPoint } from '../commons/metrics';
import type { RollbackOutcome } from './failure-analysis';
import { isFailureStatus, type ExecutionStatus } from './status-event';

export interface OutcomeFacts {
  status: ExecutionStatus;
  superseded: boolean;
  /** A redrive re-runs the same deployment: it is not a new start. */
  redriveCount: number;
  rollbackOutcome?: RollbackOutcome | null;
  /** ISO 8601 head commit time (start of lead time). */
  commitTimestamp?: string | null;
  stopDate?: Date | null;
  timeToRestoreSeconds?: number | null;
}

/** Seconds from the commit to the stop of the run, or null when either is unknown or out of order. */
export function leadTimeSeconds(
  commitTimestamp: string | null | undefined,
  stopDate: Date | null | undefined,
): number | null {
  if (!commitTimestamp || !stopDate) return null;
  const committed = Date.parse(commitTimestamp);
  if (Number.isNaN(committed) || committed > stopDate.getTime()) return null;
  return Math.round((stopDate.getTime() - committed) / 1000);
}

/** The points to publish for one status change. */
export function deliveryPoints(facts: OutcomeFacts): MetricPoint[] {
  if (facts.status === 'RUNNING')
    return facts.redriveCount > 0 ? [] : [{ name: MetricNames.DeploymentStarted, value: 1 }];
  if (facts.status === 'SUCCEEDED') {
    if (facts.superseded) return [];
    const points: MetricPoint[] = [{ name: MetricNames.DeploymentSucceeded, value: 1 }];
    const lead = leadTimeSeconds(facts.commitTimestamp, facts.stopDate);
    if (lead !== null) points.push({ name: MetricNames.LeadTimeSeconds, value: lead });
    if (facts.timeToRestoreSeconds !== null && facts.timeToRestoreSeconds !== undefined) {
      points.push({ name: MetricNames.TimeToRestoreSeconds, value: facts.timeToRestoreSeconds });
    }
    return points;
  }
  if (isFailureStatus(facts.status)) {
    const points: MetricPoint[] = [{ name: MetricNames.DeploymentFailed, value: 1 }];
    if (facts.rollbackOutcome === 'held' || facts.rollbackOutcome === 'reverted-by-beanstalk') {
      points.push({ name: MetricNames.DeploymentRolledBack, value: 1 });
    }
    return points;
  }
  return [];
}
