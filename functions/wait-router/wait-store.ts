/**
 * The TaskWaits table (commons/tables.ts) as a meeting point: the waiting task writes its token,
 * each service event writes a final status, under the key of what is awaited (one item per SSM
 * command). Whichever comes last finds the other half and resumes the task, so an event that
 * arrives before the token is registered (the command ended quickly) is not lost.
 *
 * A task may wait for several commands at once (a rollback sent in batches of 50 instances): its
 * token and the group's keys go on every member's item, and the task resumes once every member
 * has a final status.
 */
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tableName, TaskWaitsTable } from '../commons/tables';

/** Items live a day: longer than any deploy sub-workflow runs (deploy-ssm TimeoutSeconds, 4 h). */
const TTL_SECONDS = 24 * 60 * 60;

/** One awaited thing: the task waiting on it (if any yet) and its final status (if any yet). */
export interface WaitItem {
  waitKey: string;
  taskToken?: string;
  /** Every key the task waits for (this one included). */
  waitGroup?: string[];
  finalStatus?: string;
}

export interface WaitStoreOptions {
  table?: string;
  now?: () => Date;
}

/** TaskWaits access over a DocumentClient (injected, so tests mock it). */
export function waitStore(client: DynamoDBDocumentClient, options: WaitStoreOptions = {}) {
  const table = options.table ?? tableName(TaskWaitsTable);
  const now = options.now ?? (() => new Date());
  const stamp = () => {
    const at = now();
    return { ':at': at.toISOString(), ':expires': Math.floor(at.getTime() / 1000) + TTL_SECONDS };
  };
  const update = async (waitKey: string, set: string, values: Record<string, unknown>): Promise<WaitItem> => {
    const out = await client.send(
      new UpdateCommand({
        TableName: table,
        Key: { waitKey },
        UpdateExpression: `SET ${set}, expiresAtEpoch = :expires`,
        ExpressionAttributeValues: { ...values, ...stamp() },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return (out.Attributes ?? { waitKey }) as WaitItem;
  };
  return {
    /**
     * Stores the token of a task waiting for every key of `group` (a repeated wait overwrites the
     * older token). Returns each member's item as it now stands.
     */
    async register(group: string[], taskToken: string): Promise<WaitItem[]> {
      const items: WaitItem[] = [];
      for (const waitKey of group)
        items.push(
          await update(waitKey, 'taskToken = :token, waitGroup = :group, registeredAt = :at', {
            ':token': taskToken,
            ':group': group,
          }),
        );
      return items;
    },

    /** Records the final status of `waitKey`; returns its item (token and group, when a task waits). */
    recordOutcome(waitKey: string, status: string): Promise<WaitItem> {
      return update(waitKey, 'finalStatus = :status, eventAt = :at', { ':status': status });
    },

    /** The item of `waitKey` (strongly consistent), or one with no token and no status. */
    async get(waitKey: string): Promise<WaitItem> {
      const out = await client.send(
        new GetCommand({ TableName: table, Key: { waitKey }, ConsistentRead: true }),
      );
      return (out.Item ?? { waitKey }) as WaitItem;
    },
  };
}

export type WaitStore = ReturnType<typeof waitStore>;
