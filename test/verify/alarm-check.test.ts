import { CloudWatchClient, DescribeAlarmsCommand, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { describeAlarms } from '../../functions/verify/alarm-check';
import { verify } from '../../functions/verify/handler';

const cwMock = mockClient(CloudWatchClient);
const START = '2025-06-01T10:00:00.000Z';
const at = (seconds: number) => () => new Date(Date.parse(START) + seconds * 1000);
const alarm = (name: string, state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA', reason = ''): MetricAlarm => ({
  AlarmName: name,
  StateValue: state,
  StateReason: reason,
});
const deps = (now: () => Date) => ({ cloudWatch: new CloudWatchClient({}), now });
const check = { action: 'alarmCheck', pipeline: 'retail-bank', bakeStartedAt: START };

beforeEach(() => {
  cwMock.reset();
  cwMock.on(DescribeAlarmsCommand).resolves({
    MetricAlarms: [alarm('retail-bank-5xx', 'OK'), alarm('retail-bank-latency-p99', 'INSUFFICIENT_DATA')],
  });
});

describe('alarm check over the bake window (retail-bank: 10 minutes)', () => {
  test('early in the window: baking, for the rest of the window (the wait ends early on an ALARM event)', async () => {
    // Act
    const result = await verify(check, deps(at(120)));

    // Assess
    expect(result).toEqual({
      status: 'baking',
      alarmsChecked: ['retail-bank-5xx', 'retail-bank-latency-p99'],
      waitSeconds: 480,
    });
    expect(cwMock).toHaveReceivedCommandWith(DescribeAlarmsCommand, {
      AlarmNames: ['retail-bank-5xx', 'retail-bank-latency-p99'],
      AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
    });
  });

  test('near the end: waits only for what remains, rounded up to a whole second (TimeoutSecondsPath >= 1)', async () => {
    await expect(verify(check, deps(at(585)))).resolves.toMatchObject({ status: 'baking', waitSeconds: 15 });
    await expect(verify(check, deps(at(599.6)))).resolves.toMatchObject({ status: 'baking', waitSeconds: 1 });
  });

  test('after the window: passed', async () => {
    await expect(verify(check, deps(at(600)))).resolves.toEqual({
      status: 'passed',
      alarmsChecked: ['retail-bank-5xx', 'retail-bank-latency-p99'],
      waitSeconds: 0,
    });
  });

  test('an alarm in ALARM fails at once, naming the alarm and its reason', async () => {
    cwMock.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        alarm('retail-bank-5xx', 'ALARM', 'Threshold Crossed: 3 datapoints were greater than 5.0'),
        alarm('retail-bank-latency-p99', 'OK'),
      ],
    });
    await expect(verify(check, deps(at(30)))).rejects.toMatchObject({
      name: 'AlarmTriggeredError',
      message:
        'alarm(s) in ALARM during the bake window: retail-bank-5xx (Threshold Crossed: 3 datapoints were greater than 5.0)',
    });
  });

  test('composite alarms count too', async () => {
    cwMock.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [alarm('retail-bank-5xx', 'OK')],
      CompositeAlarms: [{ AlarmName: 'retail-bank-latency-p99', StateValue: 'ALARM' }],
    });
    await expect(verify(check, deps(at(30)))).rejects.toThrow('retail-bank-latency-p99 (no reason given)');
  });

  test('an alarm missing in CloudWatch is AlarmNotFoundError pointing at the configuration', async () => {
    cwMock.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [alarm('retail-bank-5xx', 'OK')] });
    await expect(verify(check, deps(at(30)))).rejects.toMatchObject({
      name: 'AlarmNotFoundError',
      message:
        'CloudWatch alarm(s) not found: retail-bank-latency-p99; check verify.alarms of pipeline retail-bank in pipelines.yaml',
    });
  });

  test('no alarms configured: nothing is asked of CloudWatch', async () => {
    await expect(describeAlarms(new CloudWatchClient({}), [])).resolves.toEqual([]);
    expect(cwMock.calls()).toHaveLength(0);
  });

  test('CloudWatch errors propagate for the task Retry', async () => {
    cwMock.on(DescribeAlarmsCommand).rejects(Object.assign(new Error('slow down'), { name: 'Throttling' }));
    await expect(verify(check, deps(at(30)))).rejects.toMatchObject({ name: 'Throttling' });
  });

  test.each([
    [{ ...check, bakeStartedAt: 'later' }, 'bakeStartedAt: must be an ISO 8601 timestamp'],
    [{ action: 'alarmCheck', pipeline: 'retail-bank' }, 'bakeStartedAt: must be a non-empty string'],
    [{ action: 'bake', pipeline: 'retail-bank' }, 'action must be "smokeTest" or "alarmCheck"'],
  ])('bad event %j is InvalidEventError', async (event, message) => {
    await expect(verify(event, deps(at(0)))).rejects.toMatchObject({
      name: 'InvalidEventError',
      message: expect.stringContaining(message),
    });
  });
});
