/**
 * Reads and writes DeployLocks items. Every write is conditional on the version that was read
 * (or on the item not existing yet), so two runs deciding at the same moment cannot both win:
 * the second write fails with ConditionalCheckFailedException and its run decides again.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DeployLocksTable, tableName } from '../commons/tables';
import type { LockItem } from './lock-state';

/** Storage the lock logic needs; `put` returns false when another writer got there first. */
export interface LockStore {
  get(targetKey: string): Promise<LockItem | undefined>;
  put(item: LockItem, expectedVersion: number | null): Promise<boolean>;
}

/** A LockStore on the DeployLocks table. */
export function dynamoLockStore(
  client: DynamoDBDocumentClient,
  table = tableName(DeployLocksTable),
): LockStore {
  return {
    async get(targetKey) {
      const out = await client.send(
        new GetCommand({ TableName: table, Key: { targetKey }, ConsistentRead: true }),
      );
      return out.Item as LockItem | undefined;
    },
    async put(item, expectedVersion) {
      const condition =
        expectedVersion === null
          ? { ConditionExpression: 'attribute_not_exists(targetKey)' }
          : {
              ConditionExpression: '#version = :expected',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':expected': expectedVersion },
            };
      try {
        await client.send(new PutCommand({ TableName: table, Item: item, ...condition }));
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },
  };
}

/** True for DynamoDB's "condition not met" (matched by name too: the error may cross SDK copies). */
export function isConditionalCheckFailed(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error as { name?: string } | null)?.name === 'ConditionalCheckFailedException'
  );
}
