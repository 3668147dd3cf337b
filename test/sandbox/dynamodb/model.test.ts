import { TABLES } from '../../../functions/commons/tables';
import { ServiceError } from '../../../local/aws/service-error';
import { DynamoDb } from '../../../local/services/dynamodb/model';
import { dynamoDbProvider } from '../../../local/services/dynamodb/provider';
import { createTableInput } from '../../../local/services/dynamodb/tables';

let db: DynamoDb;
beforeAll(async () => {
  db = await DynamoDb.start(TABLES);
});
afterAll(() => db?.close());

describe('tables from functions/commons/tables.ts', () => {
  it('creates the five tables with their keys and the history index', async () => {
    // Act
    const listed = await db.call('ListTables', {});
    const history = (await db.call('DescribeTable', { TableName: 'deploy-history' })).Table as Record<
      string,
      unknown
    >;
    // Assess
    expect(listed.TableNames).toEqual([
      'approvals',
      'deploy-history',
      'deploy-locks',
      'notifications',
      'task-waits',
    ]);
    expect(history.TableStatus).toBe('ACTIVE');
    expect(history.KeySchema).toEqual([
      { AttributeName: 'pipeline', KeyType: 'HASH' },
      { AttributeName: 'executionArn', KeyType: 'RANGE' },
    ]);
    expect(history.LocalSecondaryIndexes).toEqual([
      expect.objectContaining({
        IndexName: 'byStartedAt',
        KeySchema: [
          { AttributeName: 'pipeline', KeyType: 'HASH' },
          { AttributeName: 'startedAt', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      }),
    ]);
  });

  it('writes one attribute definition per key attribute', () => {
    const input = createTableInput(TABLES.find((t) => t.localName === 'deploy-history')!);
    expect(input.AttributeDefinitions).toEqual([
      { AttributeName: 'pipeline', AttributeType: 'S' },
      { AttributeName: 'executionArn', AttributeType: 'S' },
      { AttributeName: 'startedAt', AttributeType: 'S' },
    ]);
  });
});

describe('operations through dynalite', () => {
  const lock = (version: string) => ({
    TableName: 'deploy-locks',
    Item: { targetKey: { S: 'ec2:microblog' }, version: { N: version } },
  });

  it('conditional writes refuse with ConditionalCheckFailedException', async () => {
    await db.call('PutItem', { ...lock('1'), ConditionExpression: 'attribute_not_exists(targetKey)' });
    const second = db.call('PutItem', {
      ...lock('2'),
      ConditionExpression: 'attribute_not_exists(targetKey)',
    });
    await expect(second).rejects.toBeInstanceOf(ServiceError);
    await expect(second).rejects.toMatchObject({ code: 'ConditionalCheckFailedException', status: 400 });
  });

  it('Scan pages through a table', async () => {
    const items = await db.scan('deploy-locks');
    expect(items).toEqual([{ targetKey: { S: 'ec2:microblog' }, version: { N: '1' } }]);
  });

  it('Query on the local secondary index, newest first', async () => {
    for (const [arn, startedAt] of [
      ['arn:1', '2026-01-01T00:00:00Z'],
      ['arn:2', '2026-01-02T00:00:00Z'],
    ])
      await db.call('PutItem', {
        TableName: 'deploy-history',
        Item: { pipeline: { S: 'microblog' }, executionArn: { S: arn! }, startedAt: { S: startedAt! } },
      });
    const page = await db.call('Query', {
      TableName: 'deploy-history',
      IndexName: 'byStartedAt',
      KeyConditionExpression: 'pipeline = :p',
      ExpressionAttributeValues: { ':p': { S: 'microblog' } },
      ScanIndexForward: false,
      Limit: 1,
    });
    expect(page.Items).toEqual([expect.objectContaining({ executionArn: { S: 'arn:2' } })]);
    expect(page.LastEvaluatedKey).toBeDefined();
  });

  it('a missing table is ResourceNotFoundException; a bad expression is dynalite\u2019s ValidationException', async () => {
    await expect(db.call('Scan', { TableName: 'nope' })).rejects.toMatchObject({
      code: 'ResourceNotFoundException',
    });
    await expect(
      db.call('UpdateItem', {
        TableName: 'deploy-locks',
        Key: { targetKey: { S: 'x' } },
        UpdateExpression: 'SET #a = :v',
        ExpressionAttributeValues: { ':v': { S: 'y' } },
      }),
    ).rejects.toMatchObject({ code: 'ValidationException' });
  });

  it('reset empties every table and keeps them', async () => {
    await db.reset();
    expect(await db.scan('deploy-locks')).toEqual([]);
    expect(await db.scan('deploy-history')).toEqual([]);
  });
});

describe('the DynamoDB provider', () => {
  it('serves every operation dynalite implements, Scan included, and nothing else', async () => {
    const service = dynamoDbProvider(db);
    expect(service.targetPrefix).toBe('DynamoDB_20120810');
    expect(Object.keys(service.operations)).toEqual(expect.arrayContaining(['Scan', 'Query', 'UpdateItem']));
    expect(service.operations.TransactWriteItems).toBeUndefined();
    await expect(
      service.operations.Scan!({ TableName: 'approvals' }, { requestId: 'r', region: 'us-east-1' }),
    ).resolves.toMatchObject({ Count: 0, Items: [] });
  });
});
