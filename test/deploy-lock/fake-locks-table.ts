/**
 * An in-memory DeployLocks table behind a mocked DocumentClient: GetCommand and PutCommand with the
 * two conditions lock-store.ts writes. Each call yields to the event loop first, so concurrent
 * callers interleave the way separate Lambda invocations would.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { LockItem } from '../../functions/deploy-lock/lock-state';

export const ddbMock = mockClient(DynamoDBDocumentClient);
export const items = new Map<string, LockItem>();

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Resets the mock and the table, then installs the fake behaviour. */
export function installFakeTable(): void {
  ddbMock.reset();
  items.clear();
  ddbMock.on(GetCommand).callsFake(async (input: { Key: { targetKey: string } }) => {
    await tick();
    const item = items.get(input.Key.targetKey);
    return { Item: item ? structuredClone(item) : undefined };
  });
  ddbMock
    .on(PutCommand)
    .callsFake(
      async (input: {
        Item: LockItem;
        ConditionExpression: string;
        ExpressionAttributeValues?: Record<string, unknown>;
      }) => {
        await tick();
        const current = items.get(input.Item.targetKey);
        const ok =
          input.ConditionExpression === 'attribute_not_exists(targetKey)'
            ? current === undefined
            : current?.version === input.ExpressionAttributeValues?.[':expected'];
        if (!ok)
          throw new ConditionalCheckFailedException({
            message: 'The conditional request failed',
            $metadata: {},
          });
        items.set(input.Item.targetKey, structuredClone(input.Item));
        return {};
      },
    );
}
