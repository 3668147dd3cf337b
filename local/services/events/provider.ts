/** EventBridge's wire API (JSON 1.1, `X-Amz-Target: AWSEvents.<Operation>`). */
import type { JsonService } from '../../aws/server';
import { ServiceError } from '../../aws/service-error';
import { pageOf } from '../pagination';
import type { EventBridgeModel, PutEventsEntry } from './model';

/** The EventBridge service answering from `model`. */
export function eventBridgeService(model: EventBridgeModel): JsonService {
  return {
    name: 'events',
    targetPrefix: 'AWSEvents',
    jsonVersion: '1.1',
    operations: {
      PutEvents: (input: { Entries?: PutEventsEntry[] }) => model.put(input.Entries),
      /**
       * ListRules (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ListRules.html):
       * rules of a bus (default `default`) whose name starts with NamePrefix, Limit 1-100 per page.
       */
      ListRules: (input: {
        NamePrefix?: string;
        EventBusName?: string;
        NextToken?: string;
        Limit?: number;
      }) => {
        const bus = input.EventBusName ?? 'default';
        const busName = bus.startsWith('arn:') ? bus.slice(bus.lastIndexOf('/') + 1) : bus;
        if (busName !== 'default')
          throw new ServiceError('ResourceNotFoundException', `Event bus ${busName} does not exist.`);
        const rules = model.rules
          .filter((r) => !input.NamePrefix || r.Name.startsWith(input.NamePrefix))
          .sort((a, b) => a.Name.localeCompare(b.Name));
        const page = pageOf(rules, input.NextToken, input.Limit ?? 100, 'events:ListRules');
        return { Rules: page.items, ...(page.next && { NextToken: page.next }) };
      },
    },
  };
}
