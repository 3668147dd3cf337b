/**
 * CloudWatch's wire API: JSON 1.0 (`X-Amz-Target: GraniteServiceVersion20100801.<Operation>`, as
 * @aws-sdk/client-cloudwatch 3.11xx speaks it, query-compatible errors).
 */
import type { JsonService } from '../../aws/server';
import { ServiceError } from '../../aws/service-error';
import type { AlarmStore } from './model';

/** The CloudWatch service answering from `store`. */
export function cloudWatchService(store: AlarmStore): JsonService {
  return {
    name: 'cloudwatch',
    targetPrefix: 'GraniteServiceVersion20100801',
    jsonVersion: '1.0',
    queryCompatible: true,
    operations: {
      DescribeAlarms: (input: {
        AlarmNames?: string[];
        AlarmNamePrefix?: string;
        StateValue?: string;
        MaxRecords?: number;
      }) => {
        if (input.AlarmNames && input.AlarmNamePrefix)
          throw new ServiceError(
            'InvalidParameterCombination',
            'AlarmNames and AlarmNamePrefix cannot be used together',
          );
        let alarms = [...store.alarms.values()];
        if (input.AlarmNames) alarms = alarms.filter((a) => input.AlarmNames!.includes(a.AlarmName));
        if (input.AlarmNamePrefix)
          alarms = alarms.filter((a) => a.AlarmName.startsWith(input.AlarmNamePrefix!));
        if (input.StateValue) alarms = alarms.filter((a) => a.StateValue === input.StateValue);
        return { MetricAlarms: alarms.slice(0, input.MaxRecords ?? 100), CompositeAlarms: [] };
      },
    },
  };
}
