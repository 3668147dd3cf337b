/**
 * The TaskWaits table (commons/tables.ts) for waits on a resource that changes again and again (an
 * Elastic Beanstalk environment goes through one update after another): each item keeps the
 * newest event of its resource and the token of the task waiting on it, if any. An event ends at
 * most one wait (it is claimed), and only a wait registered `since` a time at or before the event,
 * so neither a late event of an older update nor one event seen twice (the safety poll found the
 * update still running) resumes a wait by mistake. Whichever of token and event comes last finds
 * the other half, so an environment that settled before the task registered is not missed.
 */
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tableName, TaskWaitsTable } from '../commons/tables';

/** Items live a day: longer than any deploy sub-workflow runs (deploy-beanstalk TimeoutSeconds, 4 h). */
const TTL_SECONDS = 24 * 60 * 60;

/** One watched resource: the waiting task (if any) and its newest event (if any). */
export interface WatchItem {
  waitKey: string;
  taskToken?: string;
  /** ISO time: only events at or after it end the waiting task's wait. */
  since?: string;
  eventStatus?: string;
  /** ISO time the newest event was written by the service. */
  eventAt?: string;
  eventId?: string;
  /** The event that already ended a wait. */
  claimedEventId?: string;
}

/** True when the item's newest event is unclaimed and recent enough to end the registered wait. */
export function pendingEvent(item: WatchItem): boolean {
  return (
    item.taskToken !== undefined &&
    item.eventId !== undefined &&
    item.eventId !== item.claimedEventId &&
    item.eventAt !== undefined &&
    Date.parse(item.eventAt) >= Date.parse(item.since ?? '')
  );
}

const isConditionFailed = (error: unknown) =>
  (error as { name?: string }).name === 'ConditionalCheckFailedException';

/** Watch items over a DocumentClient (injected, so tests mock it). */
export function watchStore(
  client: DynamoDBDocumentClient,
  options: { table?: string; now?: () => Date } = {},
) {
  const table = options.table ?? tableName(TaskWaitsTable);
  const now = options.now ?? (() => new Date());
  const expires = () => Math.floor(now().getTime() / 1000) + TTL_SECONDS;
  const update = async (
    waitKey: string,
    expression: string,
    values: Record<string, unknown>,
    condition?: string,
  ): Promise<WatchItem | undefined> => {
    try {
      const out = await client.send(
        new UpdateCommand({
          TableName: table,
          Key: { waitKey },
          UpdateExpression: expression,
          ExpressionAttributeValues: values,
          ...(condition && { ConditionExpression: condition }),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return (out.Attributes ?? { waitKey }) as WatchItem;
    } catch (error) {
      if (condition && isConditionFailed(error)) return undefined;
      throw error;
    }
  };
  return {
    /** Stores the waiting task's token (a newer wait replaces an older one); returns the item. */
    async register(waitKey: string, taskToken: string, since: string): Promise<WatchItem> {
      const item = await update(
        waitKey,
        'SET taskToken = :token, since = :since, registeredAt = :at, expiresAtEpoch = :expires',
        { ':token': taskToken, ':since': since, ':at': now().toISOString(), ':expires': expires() },
      );
      return item ?? { waitKey };
    },

    /**
     * Records an event unless a newer one is already recorded (events can arrive out of order);
     * returns the item, or undefined for an event older than the recorded one.
     */
    recordEvent(waitKey: string, status: string, at: Date, eventId: string): Promise<WatchItem | undefined> {
      return update(
        waitKey,
        'SET eventStatus = :status, eventAt = :eventAt, eventId = :id, expiresAtEpoch = :expires',
        { ':status': status, ':eventAt': at.toISOString(), ':id': eventId, ':expires': expires() },
        'attribute_not_exists(eventAt) OR eventAt <= :eventAt',
      );
    },

    /**
     * Claims the event `eventId` for the task `taskToken` (and forgets the token): true for the
     * one caller that wins when the event and the registration race.
     */
    async claim(waitKey: string, taskToken: string, eventId: string): Promise<boolean> {
      const item = await update(
        waitKey,
        'SET claimedEventId = :id REMOVE taskToken',
        { ':token': taskToken, ':id': eventId },
        'taskToken = :token AND (attribute_not_exists(claimedEventId) OR claimedEventId <> :id)',
      );
      return item !== undefined;
    },

    /** Gives a claimed event back (its task no longer waited), for the next wait to find. */
    async unclaim(waitKey: string, eventId: string): Promise<void> {
      await update(waitKey, 'REMOVE claimedEventId', { ':id': eventId }, 'claimedEventId = :id');
    },

    /** The item of `waitKey` (strongly consistent). */
    async get(waitKey: string): Promise<WatchItem> {
      const out = await client.send(
        new GetCommand({ TableName: table, Key: { waitKey }, ConsistentRead: true }),
      );
      return (out.Item ?? { waitKey }) as WatchItem;
    },
  };
}

export type WatchStore = ReturnType<typeof watchStore>;
