import { AlarmStore } from '../../../local/services/cloudwatch/model';
import { cloudWatchQueryService, cloudWatchService } from '../../../local/services/cloudwatch/provider';

const ctx = { requestId: 'r', region: 'us-east-1' };

it('DescribeAlarms answers the same alarms over JSON and awsQuery, filtered and paged', () => {
  // Prepare
  const store = new AlarmStore('us-east-1', '123456789012');
  for (const name of ['microblog-5xx', 'microblog-latency', 'retail-bank-5xx']) store.define(name);
  store.setState('microblog-5xx', 'ALARM', 'Threshold Crossed');
  const json = cloudWatchService(store).operations.DescribeAlarms!;
  const query = cloudWatchQueryService(store);
  // Act / Assess
  expect(query.version).toBe('2010-08-01');
  const viaQuery = query.operations.DescribeAlarms!(
    { AlarmNamePrefix: 'microblog', MaxRecords: '1' },
    ctx,
  ) as {
    MetricAlarms: { AlarmName: string }[];
    NextToken?: string;
  };
  expect(viaQuery.MetricAlarms.map((a) => a.AlarmName)).toEqual(['microblog-5xx']);
  const next = json({ AlarmNamePrefix: 'microblog', MaxRecords: 1, NextToken: viaQuery.NextToken }, ctx) as {
    MetricAlarms: { AlarmName: string }[];
    NextToken?: string;
  };
  expect(next.MetricAlarms.map((a) => a.AlarmName)).toEqual(['microblog-latency']);
  expect(next.NextToken).toBeUndefined();
  expect((json({ StateValue: 'ALARM' }, ctx) as { MetricAlarms: unknown[] }).MetricAlarms).toHaveLength(1);
  expect(() => json({ AlarmNames: ['a'], AlarmNamePrefix: 'b' }, ctx)).toThrow(
    expect.objectContaining({ code: 'InvalidParameterCombination' }),
  );
});
