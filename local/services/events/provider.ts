/** EventBridge's wire API (JSON 1.1, `X-Amz-Target: AWSEvents.<Operation>`). */
import { randomUUID } from 'node:crypto';
import type { JsonService } from '../../aws/server';
import { ServiceError } from '../../aws/service-error';
import type { PutEvent } from './model';

/** The EventBridge service; `onEvent` receives each accepted PutEvents entry. */
export function eventBridgeService(onEvent: (event: PutEvent) => void): JsonService {
  return {
    name: 'events',
    targetPrefix: 'AWSEvents',
    jsonVersion: '1.1',
    operations: {
      PutEvents: (input: {
        Entries?: {
          Source?: string;
          DetailType?: string;
          Detail?: string;
          EventBusName?: string;
          Resources?: string[];
          Time?: number;
        }[];
      }) => {
        const entries = input.Entries ?? [];
        if (entries.length < 1 || entries.length > 10)
          throw new ServiceError(
            'ValidationException',
            "1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and 10",
          );
        let failed = 0;
        const results = entries.map((entry) => {
          if (!entry.Source || !entry.DetailType || !entry.Detail) {
            failed++;
            return {
              ErrorCode: 'InvalidArgument',
              ErrorMessage: 'Parameters Source, DetailType and Detail are required.',
            };
          }
          let detail: unknown;
          try {
            detail = JSON.parse(entry.Detail);
          } catch {
            failed++;
            return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
          }
          const id = randomUUID();
          onEvent({
            id,
            source: entry.Source,
            detailType: entry.DetailType,
            detail,
            eventBusName: entry.EventBusName ?? 'default',
            resources: entry.Resources ?? [],
            time: entry.Time ? new Date(entry.Time * 1000) : new Date(),
          });
          return { EventId: id };
        });
        return { FailedEntryCount: failed, Entries: results };
      },
    },
  };
}
