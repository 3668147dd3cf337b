import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  GetExecutionHistoryCommand,
  SendTaskSuccessCommand,
  SFNClient,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { approvalStore } from '../../functions/approval-request/approval-store';
import {
  approvalRequestIn,
  decideByExecution,
  sendDecision,
} from '../../functions/approval-callback/handler';
import { EXECUTION_ARN, TOKEN, record } from './fixtures';

const ddb = mockClient(DynamoDBDocumentClient);
const sfnMock = mockClient(SFNClient);
const store = approvalStore(DynamoDBDocumentClient.from(new DynamoDBClient({})), 'approvals');
const ID = record().approvalId;

const scheduled = (payload: object): HistoryEvent => ({
  id: 7,
  timestamp: new Date(),
  type: 'TaskScheduled',
  taskScheduledEventDetails: {
    resourceType: 'lambda',
    resource: 'invoke.waitForTaskToken',
    region: 'eu-west-1',
    parameters: JSON.stringify({
      FunctionName: 'arn:aws:lambda:eu-west-1:123456789012:function:approval-request',
      Payload: payload,
    }),
  },
});

beforeEach(() => {
  ddb.reset();
  sfnMock.reset();
});

test('finds the waiting request in the history and approves it once, like a link would', async () => {
  // Prepare
  sfnMock.on(GetExecutionHistoryCommand).resolves({
    events: [
      { id: 9, timestamp: new Date(), type: 'TaskSubmitted' },
      scheduled({ action: 'request', taskToken: TOKEN, links: { approvalId: ID } }),
    ],
  });
  ddb.on(GetCommand).resolves({ Item: record() });
  ddb.on(UpdateCommand).resolves({ Attributes: record({ status: 'approved' }) });
  sfnMock.on(SendTaskSuccessCommand).resolves({});
  // Act
  const outcome = await decideByExecution(
    { executionArn: EXECUTION_ARN, decision: 'approve', by: 'ada (cli)' },
    { store, sfn: new SFNClient({}) },
  );
  // Assess
  expect(outcome).toMatchObject({ kind: 'decided', decision: 'approve', by: 'ada cli' });
  expect(sfnMock).toHaveReceivedCommandWith(GetExecutionHistoryCommand, {
    executionArn: EXECUTION_ARN,
    reverseOrder: true,
  });
  expect(sfnMock).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: TOKEN });
});

test('an execution that is not waiting for an approval -> unknown, nothing sent', async () => {
  sfnMock.on(GetExecutionHistoryCommand).resolves({ events: [scheduled({ action: 'acquire' })] });
  const outcome = await decideByExecution(
    { executionArn: EXECUTION_ARN, decision: 'reject', by: 'ada' },
    { store, sfn: new SFNClient({}) },
  );
  expect(outcome).toEqual({ kind: 'unknown' });
  expect(sfnMock).not.toHaveReceivedCommand(SendTaskSuccessCommand);
});

test('approvalRequestIn ignores other events and unparsable parameters', () => {
  expect(
    approvalRequestIn({
      id: 1,
      timestamp: new Date(),
      type: 'TaskScheduled',
      taskScheduledEventDetails: {
        resourceType: 'lambda',
        resource: 'invoke',
        region: 'x',
        parameters: '{not json',
      },
    }),
  ).toBeUndefined();
  expect(approvalRequestIn({ id: 1, timestamp: new Date(), type: 'ExecutionStarted' })).toBeUndefined();
});

test('sendDecision given a token: approve -> SendTaskSuccess with the ApprovalDecision', async () => {
  sfnMock.on(SendTaskSuccessCommand).resolves({});
  await sendDecision(new SFNClient({}), TOKEN, 'approve', 'ada', new Date('2025-03-01T10:30:00Z'));
  expect(sfnMock).toHaveReceivedCommandWith(SendTaskSuccessCommand, {
    taskToken: TOKEN,
    output: JSON.stringify({ decision: 'approved', by: 'ada', at: '2025-03-01T10:30:00.000Z' }),
  });
});
