/**
 * DeployHistory reads and writes, shared by the deploy-history task, the CLI and the dashboard.
 * Writes are UpdateItem with `if_not_exists` so that start and outcome can arrive in any order
 * (and be retried) without losing what the other recorded.
 */
import { QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DeployHistoryTable, HISTORY_BY_STARTED_AT, tableName } from '../commons/tables';
import type { DeploymentOutcome, HistoryStartInput, LastGoodResult } from '../commons/types/tasks';
import { lastGoodOf, startFields, trimCause, type DeploymentRecord } from './history-record';

/** Where and when to write; `table` defaults to DEPLOY_HISTORY_TABLE. */
export interface HistoryOptions {
  client: DynamoDBDocumentClient;
  table?: string;
  now?: () => Date;
}

export interface OutcomeUpdate {
  outcome: DeploymentOutcome;
  versionLabel?: string | null | undefined;
  error?: string | null | undefined;
  cause?: string | null | undefined;
  rolledBack?: boolean | undefined;
}

/** `SET #a = :a, #b = if_not_exists(#b, :b)` from plain field maps (every name aliased). */
function setExpression(set: Record<string, unknown>, setIfMissing: Record<string, unknown>) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const parts: string[] = [];
  Object.entries({ ...set, ...setIfMissing }).forEach(([field, value], index) => {
    if (value === undefined) return;
    names[`#f${index}`] = field;
    values[`:v${index}`] = value;
    parts.push(
      field in setIfMissing
        ? `#f${index} = if_not_exists(#f${index}, :v${index})`
        : `#f${index} = :v${index}`,
    );
  });
  return {
    UpdateExpression: `SET ${parts.join(', ')}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

async function update(
  options: HistoryOptions,
  key: { pipeline: string; executionArn: string },
  set: Record<string, unknown>,
  setIfMissing: Record<string, unknown>,
): Promise<DeploymentRecord> {
  const out = await options.client.send(
    new UpdateCommand({
      TableName: options.table ?? tableName(DeployHistoryTable),
      Key: key,
      ...setExpression(set, setIfMissing),
      ReturnValues: 'ALL_NEW',
    }),
  );
  return out.Attributes as DeploymentRecord;
}

/** Records that an execution started (idempotent; keeps an outcome recorded earlier). */
export function recordStart(
  executionArn: string,
  input: HistoryStartInput,
  options: HistoryOptions,
): Promise<DeploymentRecord> {
  const now = (options.now ?? (() => new Date()))().toISOString();
  return update(
    options,
    { pipeline: input.pipeline, executionArn },
    { ...startFields(input) },
    { startedAt: now, outcome: 'running' },
  );
}

/** Records how an execution ended; works even if its start was never recorded. */
export function recordOutcome(
  pipeline: string,
  executionArn: string,
  outcome: OutcomeUpdate,
  options: HistoryOptions,
): Promise<DeploymentRecord> {
  const now = (options.now ?? (() => new Date()))().toISOString();
  const set: Record<string, unknown> = {
    outcome: outcome.outcome,
    endedAt: now,
    versionLabel: outcome.versionLabel ?? undefined,
    error: outcome.error ?? undefined,
    cause: outcome.cause ? trimCause(outcome.cause) : undefined,
    rolledBack: outcome.rolledBack,
  };
  const setIfMissing = { startedAt: now, ...(outcome.rolledBack === undefined ? { rolledBack: false } : {}) };
  return update(options, { pipeline, executionArn }, set, setIfMissing);
}

/**
 * Records a failed outcome only when the execution has none yet (no item, or still `running`):
 * for a run that died before its own "Record failed outcome" state. False when one was there.
 */
export async function recordOutcomeIfOpen(
  pipeline: string,
  executionArn: string,
  outcome: { error: string; cause: string },
  options: HistoryOptions,
): Promise<boolean> {
  const now = (options.now ?? (() => new Date()))().toISOString();
  try {
    await options.client.send(
      new UpdateCommand({
        TableName: options.table ?? tableName(DeployHistoryTable),
        Key: { pipeline, executionArn },
        UpdateExpression:
          'SET #o = :failed, #e = :now, #err = :error, #c = :cause, #rb = if_not_exists(#rb, :false), #s = if_not_exists(#s, :now)',
        ConditionExpression: 'attribute_not_exists(#o) OR #o = :running',
        ExpressionAttributeNames: {
          '#o': 'outcome',
          '#e': 'endedAt',
          '#err': 'error',
          '#c': 'cause',
          '#rb': 'rolledBack',
          '#s': 'startedAt',
        },
        ExpressionAttributeValues: {
          ':failed': 'failed',
          ':running': 'running',
          ':now': now,
          ':error': outcome.error,
          ':cause': trimCause(outcome.cause),
          ':false': false,
        },
      }),
    );
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

/** One page of a pipeline's deployments, newest first; pass `cursor` back for the next page. */
export async function listRecentDeployments(
  pipeline: string,
  options: HistoryOptions & { limit?: number; cursor?: Record<string, unknown> | undefined },
): Promise<{ items: DeploymentRecord[]; cursor?: Record<string, unknown> }> {
  const out = await options.client.send(
    new QueryCommand({
      TableName: options.table ?? tableName(DeployHistoryTable),
      IndexName: HISTORY_BY_STARTED_AT,
      KeyConditionExpression: '#p = :p',
      ExpressionAttributeNames: { '#p': 'pipeline' },
      ExpressionAttributeValues: { ':p': pipeline },
      ScanIndexForward: false,
      Limit: options.limit ?? 20,
      ...(options.cursor ? { ExclusiveStartKey: options.cursor } : {}),
    }),
  );
  const items = (out.Items ?? []) as DeploymentRecord[];
  return out.LastEvaluatedKey ? { items, cursor: out.LastEvaluatedKey } : { items };
}

/** Pages read at most by lastGoodDeployment (25 each): a good version older than 1,000 runs is not a sane rollback. */
export const LAST_GOOD_MAX_PAGES = 40;

/** The newest succeeded deployment with a version, for rollback. */
export async function lastGoodDeployment(pipeline: string, options: HistoryOptions): Promise<LastGoodResult> {
  let cursor: Record<string, unknown> | undefined;
  for (let page = 0; page < LAST_GOOD_MAX_PAGES; page += 1) {
    const result = await listRecentDeployments(pipeline, { ...options, limit: 25, cursor });
    const good = lastGoodOf(result.items);
    if (good.found || !result.cursor) return good;
    cursor = result.cursor;
  }
  return lastGoodOf([]);
}
