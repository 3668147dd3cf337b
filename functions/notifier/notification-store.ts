/**
 * "Exactly one message per execution and status" on top of at-least-once EventBridge delivery.
 * Before anything is sent, the notifier claims `<executionArn>#<status>` with a conditional put
 * (`attribute_not_exists`); a second delivery finds the claim and sends nothing. If sending fails,
 * the claim is deleted again so Lambda's retry (or a replay from the dead-letter queue) can send.
 *
 * Trade-off: between the claim and the send the notice exists only in this invocation. If the
 * process dies in that window (crash, function timeout) the claim stays and the notice is lost
 * until the TTL removes the claim. We accept that rare at-most-once window over duplicate
 * pages; the function timeout is set well above the bounded Slack retries so our own code always
 * reaches the release. Only `attribute_not_exists` is used: the local sandbox implements
 * DynamoDB itself.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NotificationsTable, tableName } from '../commons/tables';
import type { ExecutionStatus } from './status-event';

/** Claims live 15 days: longer than SQS keeps a dead letter (14 days), so a replay is still de-duplicated. */
export const CLAIM_TTL_SECONDS = 15 * 24 * 3600;

export interface NotificationStore {
  /** True when this caller won the claim; false when it was already taken. */
  claim(notificationId: string, details: { pipeline: string; eventId: string }): Promise<boolean>;
  /** Gives the claim back (sending failed). */
  release(notificationId: string): Promise<void>;
}

/** `<executionArn>#<status>`; a redriven execution (same ARN) gets `#redrive-<n>` so its new outcome is announced too. */
export function notificationId(executionArn: string, status: ExecutionStatus, redriveCount = 0): string {
  return redriveCount > 0 ? `${executionArn}#${status}#redrive-${redriveCount}` : `${executionArn}#${status}`;
}

/** A NotificationStore on the Notifications table. */
export function dynamoNotificationStore(
  client: DynamoDBDocumentClient,
  options: { table?: string; now?: () => number } = {},
): NotificationStore {
  const table = options.table ?? tableName(NotificationsTable);
  const now = options.now ?? Date.now;
  return {
    async claim(id, details) {
      const at = now();
      try {
        await client.send(
          new PutCommand({
            TableName: table,
            Item: {
              notificationId: id,
              pipeline: details.pipeline,
              eventId: details.eventId,
              claimedAt: new Date(at).toISOString(),
              expiresAtEpoch: Math.floor(at / 1000) + CLAIM_TTL_SECONDS,
            },
            ConditionExpression: 'attribute_not_exists(notificationId)',
          }),
        );
        return true;
      } catch (error) {
        if (
          error instanceof ConditionalCheckFailedException ||
          (error as Error).name === 'ConditionalCheckFailedException'
        )
          return false;
        throw error;
      }
    },
    async release(id) {
      await client.send(new DeleteCommand({ TableName: table, Key: { notificationId: id } }));
    },
  };
}
