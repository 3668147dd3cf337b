/**
 * Delivery metrics (the four DORA numbers) as CloudWatch Embedded Metric Format through
 * Powertools. The notifier emits them from the pipelines' status changes; the CDK dashboard and
 * alarms read them with exactly these names, this namespace and this single dimension.
 *
 * | metric                 | unit    | emitted when                                             |
 * |------------------------|---------|----------------------------------------------------------|
 * | DeploymentStarted      | Count   | an execution starts (RUNNING)                            |
 * | DeploymentSucceeded    | Count   | an execution succeeds (superseded runs excluded)         |
 * | DeploymentFailed       | Count   | an execution ends FAILED, TIMED_OUT or ABORTED           |
 * | DeploymentRolledBack   | Count   | a failed run was rolled back and the rollback held       |
 * | LeadTimeSeconds        | Seconds | success: head commit timestamp -> execution stop         |
 * | TimeToRestoreSeconds   | Seconds | success after failures: first failure's stop -> this stop |
 *
 * Deployment frequency = SUM(DeploymentSucceeded) per day; change failure rate =
 * DeploymentFailed / (DeploymentSucceeded + DeploymentFailed). Dimensions are exactly
 * `{Pipeline}` (the Powertools `service` default dimension is cleared so the dashboard's
 * metric math does not have to know the function's service name).
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricUnit as MetricUnitValue } from '@aws-lambda-powertools/metrics/types';

export const METRICS_NAMESPACE = 'DeployController';
export const PIPELINE_DIMENSION = 'Pipeline';

/** Metric names, shared by the notifier and the CDK dashboard. */
export const MetricNames = {
  DeploymentStarted: 'DeploymentStarted',
  DeploymentSucceeded: 'DeploymentSucceeded',
  DeploymentFailed: 'DeploymentFailed',
  DeploymentRolledBack: 'DeploymentRolledBack',
  LeadTimeSeconds: 'LeadTimeSeconds',
  TimeToRestoreSeconds: 'TimeToRestoreSeconds',
} as const;
export type MetricName = (typeof MetricNames)[keyof typeof MetricNames];

/** Unit of each metric (counts are 1 per event, durations in seconds). */
export const MetricUnits: Record<MetricName, MetricUnitValue> = {
  DeploymentStarted: MetricUnit.Count,
  DeploymentSucceeded: MetricUnit.Count,
  DeploymentFailed: MetricUnit.Count,
  DeploymentRolledBack: MetricUnit.Count,
  LeadTimeSeconds: MetricUnit.Seconds,
  TimeToRestoreSeconds: MetricUnit.Seconds,
};

/** One data point for one pipeline. */
export interface MetricPoint {
  name: MetricName;
  value: number;
}

/** A Powertools Metrics instance in our namespace with no default dimensions. */
export function createDeliveryMetrics(): Metrics {
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'deploy-controller' });
  metrics.clearDefaultDimensions();
  return metrics;
}

/** Writes the points for one pipeline as one EMF record (stdout), then clears the buffer. */
export function publishDeliveryMetrics(
  metrics: Metrics,
  pipeline: string,
  points: readonly MetricPoint[],
): void {
  if (points.length === 0) return;
  metrics.addDimension(PIPELINE_DIMENSION, pipeline);
  for (const point of points) metrics.addMetric(point.name, MetricUnits[point.name], point.value);
  metrics.publishStoredMetrics();
}
