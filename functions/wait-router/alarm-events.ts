/**
 * CloudWatch's alarm state changes, as far as the bake window needs them. Pure: no AWS client.
 *
 * Amazon CloudWatch User Guide, "Alarm events and EventBridge": CloudWatch sends an event "whenever
 * a CloudWatch alarm ... changes alarm state": source `aws.cloudwatch`, detail-type "CloudWatch
 * Alarm State Change", the alarm's ARN as the resource, and a `detail` with `alarmName`,
 * `configuration`, `previousState` and `state` (`value` OK | ALARM | INSUFFICIENT_DATA, `reason`,
 * `reasonData`, `timestamp`). "CloudWatch guarantees the delivery of alarm state change events to
 * EventBridge"; the delivery to a rule's target is still retried and can fail, so the bake's own
 * final check stays.
 */

/** detail-type of an alarm's state change. */
export const ALARM_STATE_CHANGE = 'CloudWatch Alarm State Change';

/** The wait key of an alarm: `cloudwatch-alarm/<alarm name>`. */
export function alarmWaitKey(alarmName: string): string {
  return `cloudwatch-alarm/${alarmName}`;
}

/**
 * The rule pattern for `alarms` (every pipeline's verify.alarms) going to ALARM: the infra rule and
 * the sandbox's rule use the same one.
 */
export function alarmStateEventPattern(alarms: readonly string[]): {
  source: string[];
  'detail-type': string[];
  detail: { alarmName: string[]; state: { value: string[] } };
} {
  return {
    source: ['aws.cloudwatch'],
    'detail-type': [ALARM_STATE_CHANGE],
    detail: { alarmName: [...alarms], state: { value: ['ALARM'] } },
  };
}

/** An alarm that went to ALARM, from one event. */
export interface AlarmFired {
  waitKey: string;
  status: 'ALARM';
  /** When the alarm changed state (detail.state.timestamp, else the event's time). */
  at: Date;
  /** The EventBridge event id: each event ends at most one wait. */
  eventId: string;
}

/** The alarm an event reports going to ALARM, or undefined (another event, another state, malformed). */
export function alarmFiredOfEvent(event: unknown): AlarmFired | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const e = event as {
    id?: unknown;
    time?: unknown;
    source?: unknown;
    'detail-type'?: unknown;
    detail?: unknown;
  };
  if (e.source !== 'aws.cloudwatch' || e['detail-type'] !== ALARM_STATE_CHANGE) return undefined;
  const detail = (e.detail ?? {}) as {
    alarmName?: unknown;
    state?: { value?: unknown; timestamp?: unknown };
  };
  const name = detail.alarmName;
  if (typeof name !== 'string' || name === '' || detail.state?.value !== 'ALARM') return undefined;
  const stamp = typeof detail.state.timestamp === 'string' ? detail.state.timestamp : e.time;
  const at = new Date(typeof stamp === 'string' ? stamp : Number.NaN);
  if (Number.isNaN(at.getTime())) return undefined;
  return {
    waitKey: alarmWaitKey(name),
    status: 'ALARM',
    at,
    eventId: typeof e.id === 'string' && e.id !== '' ? e.id : `${name}@${at.toISOString()}`,
  };
}
