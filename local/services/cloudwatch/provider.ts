/**
 * CloudWatch's wire API in both protocols it speaks: awsQuery (form `Action=…&Version=2010-08-01`,
 * XML answers: what AWS CLI v2 2.9's botocore uses) and JSON 1.0
 * (`X-Amz-Target: GraniteServiceVersion20100801.<Operation>`, query-compatible errors: what
 * @aws-sdk/client-cloudwatch 3.11xx uses). Both answer from the same alarms.
 */
import type { JsonService, Operation, QueryService } from '../../aws/server';
import { ServiceError } from '../../aws/service-error';
import { pageOf } from '../pagination';
import type { AlarmStore } from './model';

/** CloudWatch's answer to a token it did not issue (API reference, DescribeAlarms: InvalidNextToken). */
const badToken = () => new ServiceError('InvalidNextToken', 'The next token specified is invalid.');

interface DescribeAlarmsInput {
  AlarmNames?: string[];
  AlarmNamePrefix?: string;
  StateValue?: string;
  AlarmTypes?: string[];
  /** A number in JSON, a string in awsQuery. */
  MaxRecords?: number | string;
  NextToken?: string;
}

/**
 * DescribeAlarms (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html):
 * metric alarms by name, prefix or state, MaxRecords 1-100 (default 50) with NextToken; AlarmNames
 * and AlarmNamePrefix together are InvalidParameterCombination.
 */
function describeAlarms(store: AlarmStore): Operation {
  return (input: DescribeAlarmsInput) => {
    if (input.AlarmNames?.length && input.AlarmNamePrefix)
      throw new ServiceError(
        'InvalidParameterCombination',
        'AlarmNames and AlarmNamePrefix cannot be used together',
      );
    // Range checks on MaxRecords belong to the request-constraint check (botocore's min/max).
    const max = input.MaxRecords === undefined ? 50 : Number(input.MaxRecords);
    const wantMetric = !input.AlarmTypes?.length || input.AlarmTypes.includes('MetricAlarm');
    const alarms = [...store.alarms.values()]
      .filter(() => wantMetric)
      .filter((a) => !input.AlarmNames?.length || input.AlarmNames.includes(a.AlarmName))
      .filter((a) => !input.AlarmNamePrefix || a.AlarmName.startsWith(input.AlarmNamePrefix))
      .filter((a) => !input.StateValue || a.StateValue === input.StateValue)
      .sort((a, b) => a.AlarmName.localeCompare(b.AlarmName));
    const page = pageOf(alarms, input.NextToken, max, 'cloudwatch:DescribeAlarms', badToken);
    return {
      MetricAlarms: page.items.map((a) => ({ ...a, Dimensions: [], AlarmActions: [], OKActions: [] })),
      CompositeAlarms: [],
      ...(page.next && { NextToken: page.next }),
    };
  };
}

/** CloudWatch over JSON 1.0. */
export function cloudWatchService(store: AlarmStore): JsonService {
  return {
    name: 'cloudwatch',
    targetPrefix: 'GraniteServiceVersion20100801',
    jsonVersion: '1.0',
    queryCompatible: true,
    operations: { DescribeAlarms: describeAlarms(store) },
  };
}

/** CloudWatch over awsQuery (Version 2010-08-01). */
export function cloudWatchQueryService(store: AlarmStore): QueryService {
  return {
    name: 'cloudwatch',
    version: '2010-08-01',
    xmlns: 'http://monitoring.amazonaws.com/doc/2010-08-01/',
    operations: { DescribeAlarms: describeAlarms(store) },
  };
}
