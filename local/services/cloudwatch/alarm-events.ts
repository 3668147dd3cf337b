/**
 * The event CloudWatch puts on the default EventBridge bus when a metric alarm changes state
 * (Amazon CloudWatch User Guide, "Alarm events and EventBridge", single metric alarm example):
 * source `aws.cloudwatch`, detail-type "CloudWatch Alarm State Change", the alarm's ARN as the
 * resource, and a detail with `alarmName`, `configuration` (the metric it watches), `previousState`
 * and `state` (`value`, `reason`, `reasonData`, `timestamp`).
 */
import type { Alarm } from './model';

/** The detail-type of an alarm's state change. */
export const ALARM_STATE_CHANGE = 'CloudWatch Alarm State Change';

/** The state part of the event (state and previousState). */
interface EventState {
  value: Alarm['StateValue'];
  reason: string;
  reasonData: string;
  timestamp: string;
}

/** An event for the bus: what EventBridgeModel.emit takes. */
export interface AlarmBusEvent {
  source: 'aws.cloudwatch';
  detailType: typeof ALARM_STATE_CHANGE;
  resources: string[];
  detail: {
    alarmName: string;
    configuration: {
      metrics: {
        id: string;
        metricStat: {
          metric: { namespace: string; name: string; dimensions: Record<string, string> };
          period: number;
          stat: string;
        };
        returnData: boolean;
      }[];
    };
    previousState: EventState;
    state: EventState;
  };
}

/** CloudWatch's timestamp form in these events: `2019-10-02T17:04:40.985+0000`. */
const stamp = (at: Date) => at.toISOString().replace(/Z$/, '+0000');

const reasonData = (alarm: Pick<Alarm, 'StateValue' | 'Threshold' | 'Statistic' | 'Period'>, at: Date) =>
  JSON.stringify({
    version: '1.0',
    queryDate: stamp(at),
    statistic: alarm.Statistic,
    period: alarm.Period,
    threshold: alarm.Threshold,
  });

/** The event for `alarm`'s change from `previous` to its current state. */
export function alarmStateChangeEvent(
  alarm: Alarm,
  previous: Pick<Alarm, 'StateValue' | 'StateReason' | 'StateUpdatedTimestamp'>,
): AlarmBusEvent {
  return {
    source: 'aws.cloudwatch',
    detailType: ALARM_STATE_CHANGE,
    resources: [alarm.AlarmArn],
    detail: {
      alarmName: alarm.AlarmName,
      configuration: {
        metrics: [
          {
            id: `${alarm.AlarmName}-m1`,
            metricStat: {
              metric: { namespace: alarm.Namespace, name: alarm.MetricName, dimensions: {} },
              period: alarm.Period,
              stat: alarm.Statistic,
            },
            returnData: true,
          },
        ],
      },
      previousState: {
        value: previous.StateValue,
        reason: previous.StateReason,
        reasonData: reasonData({ ...alarm, StateValue: previous.StateValue }, previous.StateUpdatedTimestamp),
        timestamp: stamp(previous.StateUpdatedTimestamp),
      },
      state: {
        value: alarm.StateValue,
        reason: alarm.StateReason,
        reasonData: reasonData(alarm, alarm.StateUpdatedTimestamp),
        timestamp: stamp(alarm.StateUpdatedTimestamp),
      },
    },
  };
}
