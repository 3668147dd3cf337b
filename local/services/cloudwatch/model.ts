/** CloudWatch's state: the metric alarms the pipelines watch, with their current state. */
export interface Alarm {
  AlarmName: string;
  AlarmArn: string;
  StateValue: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  StateReason: string;
  StateUpdatedTimestamp: Date;
  MetricName: string;
  Namespace: string;
  Statistic: string;
  Period: number;
  EvaluationPeriods: number;
  Threshold: number;
  ComparisonOperator: string;
  ActionsEnabled: boolean;
}

export class AlarmStore {
  readonly alarms = new Map<string, Alarm>();
  constructor(
    private readonly region: string,
    private readonly account: string,
    /** Told of every state change, with the state before it (the bus event is made from both). */
    private readonly onStateChange?: (
      alarm: Alarm,
      previous: Pick<Alarm, 'StateValue' | 'StateReason' | 'StateUpdatedTimestamp'>,
    ) => void,
  ) {}

  define(name: string): void {
    if (this.alarms.has(name)) return;
    this.alarms.set(name, {
      AlarmName: name,
      AlarmArn: `arn:aws:cloudwatch:${this.region}:${this.account}:alarm:${name}`,
      StateValue: 'OK',
      StateReason: 'Threshold Crossed: no datapoints were breaching the threshold',
      StateUpdatedTimestamp: new Date(),
      MetricName: /latency/i.test(name) ? 'TargetResponseTime' : 'HTTPCode_Target_5XX_Count',
      Namespace: 'AWS/ApplicationELB',
      Statistic: /latency/i.test(name) ? 'Average' : 'Sum',
      Period: 60,
      EvaluationPeriods: 5,
      Threshold: /latency/i.test(name) ? 1.5 : 5,
      ComparisonOperator: 'GreaterThanThreshold',
      ActionsEnabled: true,
    });
  }

  setState(name: string, state: Alarm['StateValue'], reason: string): void {
    this.define(name);
    const alarm = this.alarms.get(name)!;
    if (alarm.StateValue === state) return;
    const previous = {
      StateValue: alarm.StateValue,
      StateReason: alarm.StateReason,
      StateUpdatedTimestamp: alarm.StateUpdatedTimestamp,
    };
    Object.assign(alarm, { StateValue: state, StateReason: reason, StateUpdatedTimestamp: new Date() });
    this.onStateChange?.(alarm, previous);
  }
}
