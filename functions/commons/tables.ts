/**
 * DynamoDB table designs, in one place: the CDK stack creates the tables from these constants,
 * the local sandbox's DynamoDB creates the same tables from them, and the functions read the
 * physical table names from the environment variables named here.
 *
 * All tables are on-demand, keys are strings. Items are written with the lib-dynamodb
 * DocumentClient (functions/commons/clients/dynamodb.ts).
 *
 * The DynamoDB subset the controller uses (the local sandbox implements exactly this):
 * - operations: GetItem (ConsistentRead), PutItem, UpdateItem, DeleteItem, Query with
 *   KeyConditionExpression, IndexName, ScanIndexForward, Limit and ExclusiveStartKey
 *   (no Scan, no FilterExpression, no transactions, no batch operations);
 * - condition and key expressions: comparisons `= <> < <= > >=`, `AND`, `OR`, `NOT`,
 *   parentheses, `attribute_exists(a)`, `attribute_not_exists(a)`, `begins_with(a, :v)`;
 * - update expressions: `SET a = :v, b = if_not_exists(b, :w)` and `REMOVE a, b`;
 * - ExpressionAttributeNames (`#n`) and ExpressionAttributeValues (`:v`);
 * - ReturnValues ALL_NEW / ALL_OLD; errors ConditionalCheckFailedException and
 *   ResourceNotFoundException.
 */

/** One key attribute of a table or index. */
export interface KeyAttribute {
  name: string;
  type: 'S';
}

/** Everything needed to create a table and find it at run time. */
export interface TableDesign {
  /** CDK construct id and human name. */
  readonly id: string;
  /** Environment variable that holds the physical table name. */
  readonly envVar: string;
  /** Name used when the variable is not set (the local sandbox creates tables with these names). */
  readonly localName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly localSecondaryIndexes?: readonly { indexName: string; sortKey: KeyAttribute }[];
  /** Attribute holding an epoch-seconds expiry; DynamoDB deletes expired items. */
  readonly timeToLiveAttribute?: string;
}

/**
 * One item per deploy target (`targetKeyOf(settings)`): the lease holder and the newest run that
 * asked for the target. Writes are optimistic: each write checks the `version` it read.
 */
export const DeployLocksTable = {
  id: 'DeployLocks',
  envVar: 'DEPLOY_LOCKS_TABLE',
  localName: 'deploy-locks',
  partitionKey: { name: 'targetKey', type: 'S' },
} as const satisfies TableDesign;

/**
 * One item per pipeline execution: commit, who pushed, start/end, outcome, version, rollback.
 * `byStartedAt` lists a pipeline's deployments newest first (last good version, dashboard, CLI).
 */
export const DeployHistoryTable = {
  id: 'DeployHistory',
  envVar: 'DEPLOY_HISTORY_TABLE',
  localName: 'deploy-history',
  partitionKey: { name: 'pipeline', type: 'S' },
  sortKey: { name: 'executionArn', type: 'S' },
  localSecondaryIndexes: [{ indexName: 'byStartedAt', sortKey: { name: 'startedAt', type: 'S' } }],
} as const satisfies TableDesign;

/** Name of DeployHistory's index sorted by start time. */
export const HISTORY_BY_STARTED_AT = DeployHistoryTable.localSecondaryIndexes[0].indexName;

/**
 * One item per approval request: the task token and the single-use state of its links.
 * Expired requests disappear through TTL on `expiresAtEpoch`.
 */
export const ApprovalsTable = {
  id: 'Approvals',
  envVar: 'APPROVALS_TABLE',
  localName: 'approvals',
  partitionKey: { name: 'approvalId', type: 'S' },
  timeToLiveAttribute: 'expiresAtEpoch',
} as const satisfies TableDesign;

/**
 * One item per notice the notifier sent (`<executionArn>#<status>`): claimed with a conditional
 * put before Slack is called, so a redelivered EventBridge event sends nothing twice.
 * Items expire through TTL on `expiresAtEpoch`.
 */
export const NotificationsTable = {
  id: 'Notifications',
  envVar: 'NOTIFICATIONS_TABLE',
  localName: 'notifications',
  partitionKey: { name: 'notificationId', type: 'S' },
  timeToLiveAttribute: 'expiresAtEpoch',
} as const satisfies TableDesign;

/**
 * One item per awaited thing of an event-driven wait (`ssm-command/<command id>`): the token of
 * the task waiting on it and the final status its event reported, whichever came first
 * (functions/wait-router). Items expire through TTL on `expiresAtEpoch`.
 */
export const TaskWaitsTable = {
  id: 'TaskWaits',
  envVar: 'TASK_WAITS_TABLE',
  localName: 'task-waits',
  partitionKey: { name: 'waitKey', type: 'S' },
  timeToLiveAttribute: 'expiresAtEpoch',
} as const satisfies TableDesign;

/** Every table the controller owns. */
export const TABLES: readonly TableDesign[] = [
  DeployLocksTable,
  DeployHistoryTable,
  ApprovalsTable,
  NotificationsTable,
  TaskWaitsTable,
];

/** Physical table name: the table's environment variable, else its local name. */
export function tableName(design: TableDesign, env: NodeJS.ProcessEnv = process.env): string {
  return env[design.envVar] || design.localName;
}
