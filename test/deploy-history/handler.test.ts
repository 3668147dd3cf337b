import { DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { deployHistory } from '../../functions/deploy-history/handler';
import {
  firstLine,
  lastGoodOf,
  trimCause,
  type DeploymentRecord,
} from '../../functions/deploy-history/history-record';
import { listRecentDeployments } from '../../functions/deploy-history/history-store';
import { documentClient } from '../../functions/commons/clients/dynamodb';
import type { PipelineInput } from '../../functions/commons/types/pipeline-input';

const ddbMock = mockClient(DynamoDBDocumentClient);
const table = new Map<string, Record<string, unknown>>();

/** Applies the `SET #f = :v, #g = if_not_exists(#g, :w)` updates history-store writes, like DynamoDB would. */
function installFakeUpdate(): void {
  ddbMock
    .on(UpdateCommand)
    .callsFake(
      (input: {
        Key: { pipeline: string; executionArn: string };
        UpdateExpression: string;
        ExpressionAttributeNames: Record<string, string>;
        ExpressionAttributeValues: Record<string, unknown>;
      }) => {
        const id = `${input.Key.pipeline}|${input.Key.executionArn}`;
        const item: Record<string, unknown> = { ...(table.get(id) ?? input.Key) };
        for (const clause of input.UpdateExpression.replace(/^SET /, '').split(/, (?=#)/)) {
          const plain = /^(#\w+) = (:\w+)$/.exec(clause);
          const ifMissing = /^(#\w+) = if_not_exists\(\1, (:\w+)\)$/.exec(clause);
          const match = plain ?? ifMissing;
          if (!match) throw new Error(`unexpected clause ${clause}`);
          const field = input.ExpressionAttributeNames[match[1]!]!;
          if (plain || item[field] === undefined) item[field] = input.ExpressionAttributeValues[match[2]!];
        }
        table.set(id, item);
        return { Attributes: item };
      },
    );
}

const INPUT: PipelineInput = {
  pipeline: 'retail-bank',
  repository: 'example-org/retail-bank',
  commitSha: 'a'.repeat(40),
  ref: 'refs/heads/main',
  branch: 'main',
  commitMessage: 'Add transfer limits\n\nLong body that should not be kept',
  commitAuthor: 'Ada',
  commitTimestamp: '2025-06-01T09:59:00Z',
  pusher: 'ada',
  compareUrl: 'https://github.com/example-org/retail-bank/compare/x...y',
  deliveryId: 'd-1',
  receivedAt: '2025-06-01T10:00:00Z',
};
const ARN = 'arn:aws:states:eu-west-1:1:execution:deploy-retail-bank:run-1';

beforeEach(() => {
  ddbMock.reset();
  table.clear();
  installFakeUpdate();
  delete process.env.DEPLOY_HISTORY_TABLE;
});

describe('recordStart and recordOutcome', () => {
  test('start records commit, subject line, author, pusher, repository and running', async () => {
    // Prepare
    process.env.DEPLOY_HISTORY_TABLE = 'history-prod';

    // Act
    const result = await deployHistory({ action: 'recordStart', executionArn: ARN, input: INPUT });

    // Assess
    expect(result).toEqual({ recorded: true, startedAt: expect.any(String) });
    expect(ddbMock).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: 'history-prod',
      Key: { pipeline: 'retail-bank', executionArn: ARN },
    });
    expect(table.get(`retail-bank|${ARN}`)).toMatchObject({
      outcome: 'running',
      commitSha: INPUT.commitSha,
      commitMessage: 'Add transfer limits',
      author: 'Ada',
      pusher: 'ada',
      repository: 'example-org/retail-bank',
    });
  });

  test('outcome records end, version, error, trimmed cause and rollback, keeping the start', async () => {
    // Prepare
    await deployHistory({ action: 'recordStart', executionArn: ARN, input: INPUT });
    const startedAt = table.get(`retail-bank|${ARN}`)?.startedAt;

    // Act
    const result = await deployHistory({
      action: 'recordOutcome',
      pipeline: 'retail-bank',
      executionArn: ARN,
      outcome: 'rolled-back',
      versionLabel: 'v-abc',
      error: 'SmokeTestFailedError',
      cause: 'x'.repeat(5000),
      rolledBack: true,
    });

    // Assess
    expect(result).toEqual({ recorded: true, outcome: 'rolled-back' });
    const item = table.get(`retail-bank|${ARN}`)!;
    expect(item).toMatchObject({
      outcome: 'rolled-back',
      versionLabel: 'v-abc',
      error: 'SmokeTestFailedError',
      rolledBack: true,
      startedAt,
      commitSha: INPUT.commitSha,
    });
    expect((item.cause as string).length).toBe(1000);
    expect(item.endedAt).toEqual(expect.any(String));
  });

  test('outcome without a recorded start still creates a listable record (startedAt, rolledBack false)', async () => {
    // Act
    await deployHistory({
      action: 'recordOutcome',
      pipeline: 'microblog',
      executionArn: ARN,
      outcome: 'superseded',
      versionLabel: null,
      error: null,
      cause: null,
    });

    // Assess
    const item = table.get(`microblog|${ARN}`)!;
    expect(item).toMatchObject({ outcome: 'superseded', rolledBack: false });
    expect(item.startedAt).toBe(item.endedAt);
    expect(item).not.toHaveProperty('versionLabel');
    expect(item).not.toHaveProperty('error');
  });

  test('a start arriving after the outcome (or retried) does not reset the outcome', async () => {
    await deployHistory({
      action: 'recordOutcome',
      pipeline: 'retail-bank',
      executionArn: ARN,
      outcome: 'succeeded',
      versionLabel: 'v1',
    });
    await deployHistory({ action: 'recordStart', executionArn: ARN, input: INPUT });
    expect(table.get(`retail-bank|${ARN}`)).toMatchObject({
      outcome: 'succeeded',
      versionLabel: 'v1',
      commitSha: INPUT.commitSha,
    });
  });
});

describe('lastGood', () => {
  const rec = (n: number, outcome: DeploymentRecord['outcome'], versionLabel?: string): DeploymentRecord => ({
    pipeline: 'retail-bank',
    executionArn: `arn:${n}`,
    startedAt: `2025-06-0${n}T00:00:00Z`,
    outcome,
    commitSha: `sha${n}`,
    ...(versionLabel ? { versionLabel } : {}),
  });

  test('queries byStartedAt newest first and answers the first succeeded deployment with a version', async () => {
    // Prepare
    ddbMock.on(QueryCommand).resolves({
      Items: [
        rec(5, 'running'),
        rec(4, 'rolled-back', 'v4'),
        rec(3, 'succeeded'),
        rec(2, 'succeeded', 'v2'),
        rec(1, 'succeeded', 'v1'),
      ],
    });

    // Act
    const result = await deployHistory({ action: 'lastGood', pipeline: 'retail-bank' });

    // Assess
    expect(result).toEqual({ found: true, versionLabel: 'v2', commitSha: 'sha2' });
    expect(ddbMock).toHaveReceivedCommandWith(QueryCommand, {
      IndexName: 'byStartedAt',
      ScanIndexForward: false,
      KeyConditionExpression: '#p = :p',
      ExpressionAttributeValues: { ':p': 'retail-bank' },
    });
  });

  test('follows pages until it finds one', async () => {
    // Prepare
    ddbMock
      .on(QueryCommand)
      .resolvesOnce({
        Items: [rec(3, 'failed')],
        LastEvaluatedKey: { pipeline: 'retail-bank', executionArn: 'arn:3', startedAt: 'x' },
      })
      .resolvesOnce({ Items: [rec(1, 'succeeded', 'v1')] });

    // Act
    const result = await deployHistory({ action: 'lastGood', pipeline: 'retail-bank' });

    // Assess
    expect(result).toEqual({ found: true, versionLabel: 'v1', commitSha: 'sha1' });
    expect(ddbMock).toHaveReceivedNthSpecificCommandWith(2, QueryCommand, {
      ExclusiveStartKey: { pipeline: 'retail-bank', executionArn: 'arn:3', startedAt: 'x' },
    });
  });

  test('found:false when there is no good deployment', async () => {
    ddbMock.on(QueryCommand).resolves({ Items: [rec(1, 'failed', 'v1')] });
    await expect(deployHistory({ action: 'lastGood', pipeline: 'retail-bank' })).resolves.toEqual({
      found: false,
      versionLabel: null,
      commitSha: null,
    });
  });

  test('found:false for a pipeline with no history at all', async () => {
    ddbMock.on(QueryCommand).resolves({});
    await expect(deployHistory({ action: 'lastGood', pipeline: 'retail-bank' })).resolves.toEqual({
      found: false,
      versionLabel: null,
      commitSha: null,
    });
  });
});

describe('helpers for the CLI and dashboard', () => {
  test('listRecentDeployments pages with a cursor', async () => {
    ddbMock.on(QueryCommand).resolves({
      Items: [{ pipeline: 'microblog', executionArn: 'a', startedAt: 's', outcome: 'succeeded' }],
      LastEvaluatedKey: { k: 1 },
    });
    const page = await listRecentDeployments('microblog', {
      client: documentClient,
      limit: 1,
      cursor: { k: 0 },
    });
    expect(page).toEqual({ items: [expect.objectContaining({ executionArn: 'a' })], cursor: { k: 1 } });
    expect(ddbMock).toHaveReceivedCommandWith(QueryCommand, { Limit: 1, ExclusiveStartKey: { k: 0 } });
  });

  test('firstLine, trimCause and lastGoodOf', () => {
    expect(firstLine('  Fix login\r\nbody')).toBe('Fix login');
    expect(firstLine('y'.repeat(300))).toHaveLength(200);
    expect(trimCause('short')).toBe('short');
    expect(trimCause('z'.repeat(1001))).toMatch(/\.\.\.$/);
    expect(lastGoodOf([])).toEqual({ found: false, versionLabel: null, commitSha: null });
  });
});

describe('bad events', () => {
  test.each([
    [{ action: 'forget' }, 'action must be "recordStart", "recordOutcome" or "lastGood"'],
    [{ action: 'recordStart', executionArn: ARN }, 'input:'],
    [
      { action: 'recordStart', executionArn: ARN, input: { ...INPUT, commitSha: '' } },
      'input.commitSha: must be a non-empty string',
    ],
    [
      { action: 'recordOutcome', pipeline: 'p', executionArn: ARN, outcome: 'exploded' },
      'outcome: must be one of succeeded',
    ],
    [
      { action: 'recordOutcome', pipeline: 'p', executionArn: ARN, outcome: 'failed', rolledBack: 'yes' },
      'rolledBack: must be true or false',
    ],
    [{ action: 'lastGood' }, 'pipeline: must be a non-empty string'],
  ])('%j is rejected with InvalidEventError', async (event, message) => {
    await expect(deployHistory(event)).rejects.toMatchObject({
      name: 'InvalidEventError',
      message: expect.stringContaining(message),
    });
    expect(ddbMock.calls()).toHaveLength(0);
  });

  test('DynamoDB errors propagate for the task Retry', async () => {
    ddbMock
      .on(QueryCommand)
      .rejects(Object.assign(new Error('no table'), { name: 'ResourceNotFoundException' }));
    await expect(deployHistory({ action: 'lastGood', pipeline: 'retail-bank' })).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });
});
