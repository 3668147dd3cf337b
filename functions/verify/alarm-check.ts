/**
 * Alarm check over the bake window: every configured alarm must exist and none may be in ALARM;
 * until the window has passed the answer is `baking` with the seconds that remain. The pipeline
 * waits that long for an alarm to go to ALARM (wait-router resumes it on CloudWatch's alarm state
 * change event, which ends the bake at once) and checks once more at the end.
 */
import { DescribeAlarmsCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { AlarmTriggeredError } from '../commons/errors';
import type { AlarmCheckResult } from '../commons/types/tasks';
import { AlarmNotFoundError } from './errors';

/** An alarm as this check needs it. */
export interface AlarmState {
  name: string;
  state: string;
  reason: string;
}

/** Throws AlarmNotFoundError for missing alarms, AlarmTriggeredError for alarms in ALARM. */
export function judgeAlarms(
  pipeline: string,
  expected: readonly string[],
  found: readonly AlarmState[],
): void {
  const names = new Set(found.map((a) => a.name));
  const missing = expected.filter((name) => !names.has(name));
  if (missing.length > 0) {
    throw new AlarmNotFoundError(
      `CloudWatch alarm(s) not found: ${missing.join(', ')}; check verify.alarms of pipeline ${pipeline} in pipelines.yaml`,
    );
  }
  const firing = found.filter((a) => expected.includes(a.name) && a.state === 'ALARM');
  if (firing.length > 0) {
    throw new AlarmTriggeredError(
      `alarm(s) in ALARM during the bake window: ${firing.map((a) => `${a.name} (${a.reason || 'no reason given'})`).join('; ')}`,
    );
  }
}

/** `baking` with waitSeconds = the whole seconds that remain (at least 1) before the window ends, else `passed`. */
export function bakeStatus(
  bakeStartedAt: string,
  bakeMinutes: number,
  alarms: readonly string[],
  now: Date,
): AlarmCheckResult {
  const remainingMs = Date.parse(bakeStartedAt) + bakeMinutes * 60_000 - now.getTime();
  if (remainingMs > 0)
    return {
      status: 'baking',
      alarmsChecked: [...alarms],
      waitSeconds: Math.ceil(remainingMs / 1000),
    };
  return { status: 'passed', alarmsChecked: [...alarms], waitSeconds: 0 };
}

/** Current state of the named metric and composite alarms (up to 100 names, one call). */
export async function describeAlarms(
  client: CloudWatchClient,
  names: readonly string[],
): Promise<AlarmState[]> {
  if (names.length === 0) return [];
  const out = await client.send(
    new DescribeAlarmsCommand({
      AlarmNames: [...names],
      AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
      MaxRecords: 100,
    }),
  );
  return [...(out.MetricAlarms ?? []), ...(out.CompositeAlarms ?? [])].map((a) => ({
    name: a.AlarmName ?? '',
    state: a.StateValue ?? 'INSUFFICIENT_DATA',
    reason: a.StateReason ?? '',
  }));
}
