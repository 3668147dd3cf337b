/**
 * The simulated CloudWatch's "CloudWatch Alarm State Change" events: one per state change, in the
 * shape of the user guide's single-metric example, and the router rule's pattern takes only ALARM.
 */
import { alarmStateEventPattern } from '../../../functions/wait-router/alarm-events';
import { alarmStateChangeEvent, type AlarmBusEvent } from '../../../local/services/cloudwatch/alarm-events';
import { AlarmStore } from '../../../local/services/cloudwatch/model';
import { matchesPattern } from '../../../local/services/events/pattern';

describe('alarm state change events', () => {
  it('each change of state is one event with the state before and after; a repeated state is none', () => {
    // Prepare
    const emitted: AlarmBusEvent[] = [];
    const store = new AlarmStore('us-east-1', '123456789012', (alarm, previous) =>
      emitted.push(alarmStateChangeEvent(alarm, previous)),
    );
    store.define('retail-bank-5xx');

    // Act
    store.setState(
      'retail-bank-5xx',
      'ALARM',
      'Threshold Crossed: 5 out of the last 5 datapoints were greater than the threshold (5.0).',
    );
    store.setState('retail-bank-5xx', 'ALARM', 'again');
    store.setState('retail-bank-5xx', 'OK', 'Threshold Crossed: no datapoints were breaching the threshold');

    // Assess
    expect(emitted).toHaveLength(2);
    expect(emitted[0]).toEqual({
      source: 'aws.cloudwatch',
      detailType: 'CloudWatch Alarm State Change',
      resources: ['arn:aws:cloudwatch:us-east-1:123456789012:alarm:retail-bank-5xx'],
      detail: {
        alarmName: 'retail-bank-5xx',
        configuration: {
          metrics: [
            {
              id: 'retail-bank-5xx-m1',
              metricStat: {
                metric: {
                  namespace: 'AWS/ApplicationELB',
                  name: 'HTTPCode_Target_5XX_Count',
                  dimensions: {},
                },
                period: 60,
                stat: 'Sum',
              },
              returnData: true,
            },
          ],
        },
        previousState: expect.objectContaining({ value: 'OK', timestamp: expect.stringMatching(/\+0000$/) }),
        state: expect.objectContaining({
          value: 'ALARM',
          reason: 'Threshold Crossed: 5 out of the last 5 datapoints were greater than the threshold (5.0).',
          timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/),
        }),
      },
    });
    const pattern = alarmStateEventPattern(['retail-bank-5xx']);
    const envelope = (e: AlarmBusEvent) => ({
      source: e.source,
      'detail-type': e.detailType,
      detail: e.detail,
    });
    expect(emitted.map((e) => matchesPattern(pattern, envelope(e)))).toEqual([true, false]);
    expect(matchesPattern(alarmStateEventPattern(['other']), envelope(emitted[0]!))).toBe(false);
  });
});
