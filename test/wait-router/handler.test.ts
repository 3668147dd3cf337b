/**
 * wait-router: the token and the final-status event meet in the TaskWaits table, in either order;
 * duplicate and late events are harmless; a rollback sent in batches resumes once all are final.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { waitRouter } from '../../functions/wait-router/handler';
import { SSM_COMMAND_STATUS_CHANGE } from '../../functions/wait-router/service-events';
import { waitStore } from '../../functions/wait-router/wait-store';
import { watchStore } from '../../functions/wait-router/watch-store';

const sfnMock = mockClient(SFNClient);
const ddbMock = mockClient(DynamoDBDocumentClient);
const table = new Map<string, Record<string, unknown>>();

const CMD_A = '11111111-2222-3333-4444-555555555555';
const CMD_B = '66666666-7777-8888-9999-000000000000';

/** An SSM final-status event as EventBridge hands it to the rule's target. */
function ssmEvent(commandId: string, status: string) {
  return {
    version: '0',
    id: 'e-1',
    'detail-type': SSM_COMMAND_STATUS_CHANGE,
    source: 'aws.ssm',
    account: '123456789012',
    time: '2026-11-20T10:20:00Z',
    region: 'us-east-1',
    resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-0a1b2c3d4e5f60000'],
    detail: {
      'command-id': commandId,
      'document-name': 'deploy-controller-release',
      'expire-after': '2026-11-20T11:20:00.000Z',
      parameters: { action: ['release'] },
      'requested-date-time': '2026-11-20T10:19:00.000Z',
      status,
    },
  };
}
const register = (id: string, taskToken: string) => ({
  action: 'register',
  kind: 'ssm-command',
  id,
  taskToken,
  pipeline: 'microblog',
});

const deps = () => ({
  sfn: new SFNClient({ region: 'us-east-1' }),
  store: waitStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })), {
    table: 'task-waits',
    now: () => new Date('2026-11-20T10:20:00Z'),
  }),
  // Beanstalk waits are covered in beanstalk-waits.test.ts against a real table engine.
  watches: watchStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })), {
    table: 'task-waits',
  }),
});

beforeEach(() => {
  // Prepare: an in-memory table behind UpdateItem (SET a = :x, ...; ALL_NEW) and GetItem.
  table.clear();
  sfnMock.reset();
  ddbMock.reset();
  sfnMock.on(SendTaskSuccessCommand).resolves({});
  ddbMock
    .on(UpdateCommand)
    .callsFake(
      (input: {
        Key: { waitKey: string };
        UpdateExpression: string;
        ExpressionAttributeValues: Record<string, unknown>;
      }) => {
        const item = { ...(table.get(input.Key.waitKey) ?? { waitKey: input.Key.waitKey }) };
        for (const assignment of input.UpdateExpression.replace(/^SET /, '').split(', ')) {
          const [name, value] = assignment.split(' = ') as [string, string];
          item[name] = input.ExpressionAttributeValues[value];
        }
        table.set(input.Key.waitKey, item);
        return { Attributes: structuredClone(item) };
      },
    );
  ddbMock.on(GetCommand).callsFake((input: { Key: { waitKey: string } }) => ({
    Item: table.has(input.Key.waitKey) ? structuredClone(table.get(input.Key.waitKey)) : undefined,
  }));
});

describe('wait-router', () => {
  test('registered first: the final-status event resumes the task with the status', async () => {
    // Act
    const registered = await waitRouter(register(CMD_A, 'token-1'), deps());
    const routed = await waitRouter(ssmEvent(CMD_A, 'Success'), deps());

    // Assess
    expect(registered).toEqual({ waitKey: `ssm-command/${CMD_A}`, resumed: false });
    expect(routed).toEqual({ waitKey: `ssm-command/${CMD_A}`, resumed: true });
    expect(sfnMock).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
    expect(sfnMock).toHaveReceivedCommandWith(SendTaskSuccessCommand, {
      taskToken: 'token-1',
      output: JSON.stringify({ waitKey: `ssm-command/${CMD_A}`, status: 'Success' }),
    });
    expect(table.get(`ssm-command/${CMD_A}`)).toMatchObject({
      expiresAtEpoch: Date.parse('2026-11-21T10:20:00Z') / 1000,
    });
  });

  test('the race: the command ended before the token was registered, so registering resumes at once', async () => {
    // Act
    const routed = await waitRouter(ssmEvent(CMD_A, 'Failed'), deps());
    const registered = await waitRouter(register(CMD_A, 'token-1'), deps());

    // Assess
    expect(routed.resumed).toBe(false);
    expect(registered.resumed).toBe(true);
    expect(sfnMock).toHaveReceivedCommandWith(SendTaskSuccessCommand, {
      taskToken: 'token-1',
      output: JSON.stringify({ waitKey: `ssm-command/${CMD_A}`, status: 'Failed' }),
    });
  });

  test('a duplicate or late event finds the task gone: TaskTimedOut is logged, not thrown', async () => {
    // Prepare
    await waitRouter(register(CMD_A, 'token-1'), deps());
    sfnMock
      .on(SendTaskSuccessCommand)
      .rejects(Object.assign(new Error('Task Timed Out'), { name: 'TaskTimedOut' }));

    // Act
    const routed = await waitRouter(ssmEvent(CMD_A, 'Success'), deps());

    // Assess
    expect(routed.resumed).toBe(false);
  });

  test('other SendTaskSuccess errors are thrown, so Lambda retries the event', async () => {
    // Prepare
    await waitRouter(register(CMD_A, 'token-1'), deps());
    sfnMock
      .on(SendTaskSuccessCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    // Act / Assess
    await expect(waitRouter(ssmEvent(CMD_A, 'Success'), deps())).rejects.toMatchObject({
      name: 'ThrottlingException',
    });
  });

  test('events that end no wait (not final, other source, malformed) change nothing', async () => {
    // Prepare
    await waitRouter(register(CMD_A, 'token-1'), deps());

    // Act
    const results = [
      await waitRouter(ssmEvent(CMD_A, 'InProgress'), deps()),
      await waitRouter({ ...ssmEvent(CMD_A, 'Success'), source: 'aws.ec2' }, deps()),
      await waitRouter({ ...ssmEvent(CMD_A, 'Success'), detail: { status: 'Success' } }, deps()),
    ];

    // Assess
    expect(results.every((r) => !r.resumed)).toBe(true);
    expect(sfnMock).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 0);
  });

  test('a repeated wait (after a safety poll) is resumed through its newest token', async () => {
    // Act
    await waitRouter(register(CMD_A, 'token-1'), deps());
    await waitRouter(register(CMD_A, 'token-2'), deps());
    await waitRouter(ssmEvent(CMD_A, 'Success'), deps());

    // Assess
    expect(sfnMock).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
    expect(sfnMock).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: 'token-2' });
  });

  test('a rollback in two batches resumes once both are final, with the failed status', async () => {
    // Act
    await waitRouter(register(`${CMD_A},${CMD_B}`, 'token-1'), deps());
    const first = await waitRouter(ssmEvent(CMD_B, 'Failed'), deps());
    const second = await waitRouter(ssmEvent(CMD_A, 'Success'), deps());

    // Assess
    expect(first.resumed).toBe(false);
    expect(second.resumed).toBe(true);
    expect(sfnMock).toHaveReceivedCommandWith(SendTaskSuccessCommand, {
      taskToken: 'token-1',
      output: JSON.stringify({ waitKey: `ssm-command/${CMD_A},ssm-command/${CMD_B}`, status: 'Failed' }),
    });
  });

  test('a bad register event is refused by name, without echoing the token', async () => {
    // Act / Assess
    const error = await waitRouter(register('not-a-command', 'secret-token'), deps()).catch(
      (e: unknown) => e as Error,
    );
    const unknownKind = await waitRouter({ ...register(CMD_A, 'secret-token'), kind: 'x' }, deps()).catch(
      (e: unknown) => e as Error,
    );
    expect(error).toMatchObject({ name: 'InvalidEventError' });
    expect((error as Error).message).toMatch(/id: must be an SSM command id/);
    expect((unknownKind as Error).message).toMatch(
      /kind must be ssm-command, eb-environment or cloudwatch-alarms/,
    );
    expect((unknownKind as Error).message).not.toContain('secret-token');
    expect((error as Error).message).not.toContain('secret-token');
  });
});
