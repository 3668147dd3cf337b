/**
 * A tiny local AWS endpoint for the notifier tests: Step Functions (JSON 1.0: DescribeExecution,
 * GetExecutionHistory with reverseOrder and pagination, ListExecutions) and DynamoDB (PutItem
 * with `attribute_not_exists`, DeleteItem). The real SDK clients talk to it over HTTP, so the
 * fixtures in events/sfn-history are read exactly as the API returns them.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An execution as the fake knows it; dates in epoch seconds like the wire format. */
export interface FakeExecution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: string;
  startDate: number;
  stopDate?: number;
  input?: string;
  output?: string;
  /** GetExecutionHistory `events`, oldest first. */
  history?: unknown[];
}

export interface FakeAws {
  url: string;
  executions: Map<string, FakeExecution>;
  /** DynamoDB items by table, then by the partition key value. */
  tables: Map<string, Map<string, Record<string, unknown>>>;
  calls: { target: string; body: Record<string, unknown> }[];
  close(): Promise<void>;
}

type Reply = { status: number; body: unknown };
const error = (type: string, message: string): Reply => ({ status: 400, body: { __type: type, message } });

function sfn(fake: FakeAws, op: string, body: Record<string, unknown>): Reply {
  const execution =
    typeof body.executionArn === 'string' ? fake.executions.get(body.executionArn) : undefined;
  switch (op) {
    case 'DescribeExecution': {
      if (!execution) return error('ExecutionDoesNotExist', 'Execution Does Not Exist');
      const rest = { ...execution };
      delete rest.history;
      return { status: 200, body: rest };
    }
    case 'GetExecutionHistory': {
      if (!execution) return error('ExecutionDoesNotExist', 'Execution Does Not Exist');
      const events = [...(execution.history ?? [])];
      if (body.reverseOrder) events.reverse();
      const size = Number(body.maxResults) || 100;
      const start = typeof body.nextToken === 'string' ? Number(body.nextToken) : 0;
      const page = events.slice(start, start + size);
      const next = start + size < events.length ? String(start + size) : undefined;
      return { status: 200, body: { events: page, ...(next ? { nextToken: next } : {}) } };
    }
    case 'ListExecutions': {
      const list = [...fake.executions.values()]
        .filter((e) => e.stateMachineArn === body.stateMachineArn)
        .sort((a, b) => b.startDate - a.startDate)
        .slice(0, Number(body.maxResults) || 100)
        .map(({ history: _h, input: _i, output: _o, ...rest }) => rest);
      return { status: 200, body: { executions: list } };
    }
    default:
      return error('UnknownOperationException', `fake does not implement ${op}`);
  }
}

/** DynamoDB attribute values <-> plain values (S, N, BOOL only: all the notifier writes). */
function plain(item: Record<string, Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(item).map(([k, v]) => [k, 'S' in v ? v.S : 'N' in v ? Number(v.N) : v.BOOL]),
  );
}

function dynamo(fake: FakeAws, op: string, body: Record<string, unknown>): Reply {
  const tableName = String(body.TableName);
  const table = fake.tables.get(tableName);
  if (!table)
    return error(
      'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException',
      'Requested resource not found',
    );
  if (op === 'PutItem') {
    const item = plain(body.Item as Record<string, Record<string, unknown>>);
    const key = String(item.notificationId);
    const condition = body.ConditionExpression as string | undefined;
    if (condition && condition !== 'attribute_not_exists(notificationId)')
      return error('ValidationException', `fake supports only attribute_not_exists, got ${condition}`);
    if (condition && table.has(key))
      return error(
        'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
        'The conditional request failed',
      );
    table.set(key, item);
    return { status: 200, body: {} };
  }
  if (op === 'DeleteItem') {
    table.delete(String(plain(body.Key as Record<string, Record<string, unknown>>).notificationId));
    return { status: 200, body: {} };
  }
  return error('UnknownOperationException', `fake does not implement ${op}`);
}

export async function startFakeAws(tableNames: string[] = ['notifications']): Promise<FakeAws> {
  const fake: FakeAws = {
    url: '',
    executions: new Map(),
    tables: new Map(tableNames.map((t) => [t, new Map()])),
    calls: [],
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      fake.calls.push({ target, body });
      const [service, op = ''] = target.split('.');
      const reply =
        service === 'AWSStepFunctions'
          ? sfn(fake, op, body)
          : service === 'DynamoDB_20120810'
            ? dynamo(fake, op, body)
            : error('UnknownService', target);
      res.writeHead(reply.status, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
