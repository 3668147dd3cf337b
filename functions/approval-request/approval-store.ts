/**
 * The Approvals table (commons/tables.ts): one item per approval request holding the task token
 * and the single-use state of its links. Status moves pending -> approved | rejected | expired
 * exactly once, through conditional writes.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ApprovalsTable, tableName } from '../commons/tables';
import type { ReleaseContext } from './release-context';

export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'expired';

export interface ApprovalRecord {
  approvalId: string;
  /** Secret-like: whoever holds it can decide. Never logged, never shown. */
  taskToken: string;
  executionArn: string;
  pipeline: string;
  repository: string;
  branch: string;
  commitSha: string;
  commitTitle: string;
  pusher: string;
  compareUrl: string;
  status: ApprovalStatus;
  createdAt: string;
  /** When the links stop working (ISO). */
  expiresAt: string;
  /** The same instant in epoch seconds: the table's TTL attribute. */
  expiresAtEpoch: number;
  decidedBy?: string;
  decidedAt?: string;
  /** Live version and build/test/scan results when the run started waiting (approval page). */
  context?: ReleaseContext;
}

const isConditionFailure = (error: unknown) =>
  error instanceof ConditionalCheckFailedException ||
  (error as { name?: string })?.name === 'ConditionalCheckFailedException';

/** Approvals table access over a DocumentClient (injected, so tests mock it). */
export function approvalStore(client: DynamoDBDocumentClient, table = tableName(ApprovalsTable)) {
  return {
    /**
     * Stores a pending request. A retried task gets a new token, so a pending item is overwritten;
     * a decided one is not (returns false).
     */
    async putPending(record: ApprovalRecord): Promise<boolean> {
      try {
        await client.send(
          new PutCommand({
            TableName: table,
            Item: record,
            ConditionExpression: 'attribute_not_exists(approvalId) OR #status = :pending',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':pending': 'pending' },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    async get(approvalId: string): Promise<ApprovalRecord | undefined> {
      const out = await client.send(
        new GetCommand({ TableName: table, Key: { approvalId }, ConsistentRead: true }),
      );
      return out.Item as ApprovalRecord | undefined;
    },

    /** pending -> `status`, once. Returns the updated record, or undefined when it was not pending. */
    async decide(
      approvalId: string,
      status: Exclude<ApprovalStatus, 'pending'>,
      by: string,
      at: string,
    ): Promise<ApprovalRecord | undefined> {
      try {
        const out = await client.send(
          new UpdateCommand({
            TableName: table,
            Key: { approvalId },
            UpdateExpression: 'SET #status = :status, decidedBy = :by, decidedAt = :at',
            ConditionExpression: 'attribute_exists(approvalId) AND #status = :pending',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':status': status, ':by': by, ':at': at, ':pending': 'pending' },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return out.Attributes as ApprovalRecord | undefined;
      } catch (error) {
        if (isConditionFailure(error)) return undefined;
        throw error;
      }
    },

    /** Undoes `decide` when the decision could not be delivered, so the link can be used again. */
    async reopen(approvalId: string, from: ApprovalStatus): Promise<void> {
      try {
        await client.send(
          new UpdateCommand({
            TableName: table,
            Key: { approvalId },
            UpdateExpression: 'SET #status = :pending REMOVE decidedBy, decidedAt',
            ConditionExpression: '#status = :from',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':pending': 'pending', ':from': from },
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    },

    /** Marks an approval whose task is gone (timed out) as expired, whatever its state. */
    async expire(approvalId: string): Promise<void> {
      await client
        .send(
          new UpdateCommand({
            TableName: table,
            Key: { approvalId },
            UpdateExpression: 'SET #status = :expired',
            ConditionExpression: 'attribute_exists(approvalId)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':expired': 'expired' },
          }),
        )
        .catch((error: unknown) => {
          if (!isConditionFailure(error)) throw error;
        });
    },
  };
}

export type ApprovalStore = ReturnType<typeof approvalStore>;
