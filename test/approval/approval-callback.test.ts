import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import {
  DescribeExecutionCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  TaskTimedOut,
  TaskDoesNotExist,
  SFNServiceException,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { approvalStore } from '../../functions/approval-request/approval-store';
import { approvalCallback, callbackDeps } from '../../functions/approval-callback/handler';
import { retryCommand } from '../../functions/approval-callback/approval-callback';
import { signClaims, type LinkDecision } from '../../functions/commons/approval-links';
import { clearSecretCache } from '../../functions/commons/secrets';
import { KEY, TOKEN, record } from './fixtures';

const ddb = mockClient(DynamoDBDocumentClient);
const sfnMock = mockClient(SFNClient);
const ID = record().approvalId;
const FUTURE = Math.floor(Date.parse('2099-03-01T11:00:00Z') / 1000);

const fields = (decision: LinkDecision = 'approve', expires = FUTURE) => ({
  decision,
  expires: String(expires),
  sig: signClaims(KEY, { approvalId: ID, decision, expires }),
});

function request(
  method: string,
  options: {
    query?: Record<string, string>;
    form?: Record<string, string>;
    base64?: boolean;
    id?: string;
  } = {},
): APIGatewayProxyEventV2 {
  const id = options.id ?? ID;
  const body = options.form ? new URLSearchParams(options.form).toString() : undefined;
  return {
    version: '2.0',
    routeKey: `${method} /approvals/{approvalId}`,
    rawPath: `/approvals/${id}`,
    rawQueryString: new URLSearchParams(options.query ?? {}).toString(),
    headers: body ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
    queryStringParameters: options.query,
    pathParameters: { approvalId: id },
    requestContext: {
      http: { method, path: `/approvals/${id}` },
    } as APIGatewayProxyEventV2['requestContext'],
    body: body && options.base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: Boolean(options.base64),
  } as APIGatewayProxyEventV2;
}

const postSlack = jest.fn();
const deps = () =>
  callbackDeps({
    store: approvalStore(DynamoDBDocumentClient.from(new DynamoDBClient({})), 'approvals'),
    sfn: new SFNClient({}),
    postSlack,
  });
const call = (event: APIGatewayProxyEventV2) => approvalCallback(event, deps());
const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

beforeEach(() => {
  ddb.reset();
  sfnMock.reset();
  postSlack.mockReset().mockResolvedValue(undefined);
  clearSecretCache();
  process.env.APPROVAL_LINK_KEY = KEY;
});

describe('GET shows a confirmation page and never acts', () => {
  test('a valid link shows the decision, the commit (escaped) and a POST form with the signed fields', async () => {
    // Prepare
    ddb.on(GetCommand).resolves({ Item: record() });
    // Act
    const response = await call(request('GET', { query: fields('approve') }));
    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.body).toContain('<form method="post" action="./' + ID + '"');
    expect(response.body).toContain(`name="sig" value="${fields('approve').sig}"`);
    expect(response.body).toContain('Approve and deploy');
    expect(response.body).toContain('Fix &lt;b&gt;rates&lt;/b&gt; &amp; ping &lt;!channel&gt;');
    expect(response.body).not.toContain('<b>rates');
    expect(sfnMock).not.toHaveReceivedCommand(SendTaskSuccessCommand);
    expect(sfnMock).not.toHaveReceivedCommand(SendTaskFailureCommand);
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  });

  test.each([
    ['a tampered decision', () => ({ ...fields('approve'), decision: 'reject' }), 403],
    ['a tampered expiry', () => ({ ...fields('approve'), expires: String(FUTURE + 3600) }), 403],
    ['no signature', () => ({ decision: 'approve', expires: String(FUTURE) }), 403],
  ])('%s -> %i, without touching the table or Step Functions', async (_name, query, status) => {
    const response = await call(request('GET', { query: query() }));
    expect(response.statusCode).toBe(status);
    expect(response.body).not.toMatch(/at .*\.ts:\d+/);
    expect(ddb.calls()).toHaveLength(0);
    expect(sfnMock.calls()).toHaveLength(0);
  });

  test('an expired link -> 410, reading only its approval (never Step Functions)', async () => {
    ddb.on(GetCommand).resolves({ Item: record() });
    const response = await call(
      request('GET', { query: fields('approve', Math.floor(Date.now() / 1000) - 1) }),
    );
    expect(response.statusCode).toBe(410);
    expect(response.body).toContain('This approval has expired');
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
    expect(sfnMock.calls()).toHaveLength(0);
    // A second push of the same commit only finds the ended run: the page names the command that
    // starts it again, as it works against AWS.
    const name = record().executionArn.split(':').at(-1)!;
    expect(response.body).toContain(`start the same commit again with npx deployctl retry ${name} --aws`);
    expect(response.body).not.toContain('Push again');
    expect(response.body).toContain('See the run');
  });

  test('retryCommand names the run, with --aws only outside the sandbox', () => {
    const arn =
      'arn:aws:states:us-east-1:123456789012:execution:deploy-retail-bank:retail-bank-3f2a9c1b7d4e-1';
    expect(retryCommand(arn, {})).toBe('npx deployctl retry retail-bank-3f2a9c1b7d4e-1 --aws');
    expect(retryCommand(arn, { DEPLOY_CONTROLLER_SANDBOX: '1' })).toBe(
      'npx deployctl retry retail-bank-3f2a9c1b7d4e-1',
    );
  });

  test('a used link opened after its expiry -> 409 naming who decided, not "nobody decided in time"', async () => {
    ddb.on(GetCommand).resolves({ Item: record({ status: 'rejected', decidedBy: 'Grace' }) });
    const response = await call(
      request('GET', { query: fields('reject', Math.floor(Date.now() / 1000) - 1) }),
    );
    expect(response.statusCode).toBe(409);
    expect(response.body).toContain('already rejected by Grace');
    expect(response.body).not.toContain('Nobody decided in time');
  });

  test('a used link -> 409 naming who decided', async () => {
    ddb.on(GetCommand).resolves({ Item: record({ status: 'approved', decidedBy: 'Grace' }) });
    const response = await call(request('GET', { query: fields() }));
    expect(response.statusCode).toBe(409);
    expect(response.body).toContain('already approved by Grace');
  });

  test('an unknown approval -> 404; a malformed id -> 404', async () => {
    ddb.on(GetCommand).resolves({});
    expect((await call(request('GET', { query: fields() }))).statusCode).toBe(404);
    expect((await call(request('GET', { query: fields(), id: '..%2F..%2Fetc' }))).statusCode).toBe(404);
  });

  test('HEAD answers like GET with no body', async () => {
    ddb.on(GetCommand).resolves({ Item: record() });
    const response = await call(request('HEAD', { query: fields() }));
    expect(response).toMatchObject({ statusCode: 200, body: '' });
    expect(sfnMock).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });
});

describe('POST decides once', () => {
  test('approve: marks the item used, then SendTaskSuccess with the ApprovalDecision, then a Slack follow-up', async () => {
    // Prepare
    ddb.on(GetCommand).resolves({ Item: record() });
    ddb.on(UpdateCommand).resolves({ Attributes: record({ status: 'approved', decidedBy: 'Grace' }) });
    sfnMock.on(SendTaskSuccessCommand).resolves({});
    // Act
    const response = await call(request('POST', { form: { ...fields('approve'), by: 'Grace <script>' } }));
    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Approved by Grace script.');
    const update = ddb.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(update.ConditionExpression).toBe('attribute_exists(approvalId) AND #status = :pending');
    expect(update.ExpressionAttributeValues).toMatchObject({ ':status': 'approved', ':by': 'Grace script' });
    const sent = sfnMock.commandCalls(SendTaskSuccessCommand)[0]!.args[0].input;
    expect(sent.taskToken).toBe(TOKEN);
    expect(JSON.parse(sent.output!)).toEqual({
      decision: 'approved',
      by: 'Grace script',
      at: expect.any(String),
    });
    expect(postSlack).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(postSlack.mock.calls[0][0])).toContain('Approved');
  });

  test('reject: SendTaskFailure with ApprovalRejected and "rejected by <who>"', async () => {
    ddb.on(GetCommand).resolves({ Item: record() });
    ddb.on(UpdateCommand).resolves({ Attributes: record({ status: 'rejected' }) });
    sfnMock.on(SendTaskFailureCommand).resolves({});
    const response = await call(
      request('POST', { form: { ...fields('reject'), by: 'Linus' }, base64: true }),
    );
    expect(response.statusCode).toBe(200);
    expect(sfnMock).toHaveReceivedCommandWith(SendTaskFailureCommand, {
      taskToken: TOKEN,
      error: 'ApprovalRejected',
      cause: 'rejected by Linus',
    });
    expect(sfnMock).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });

  test('without a name the decision is attributed to the link', async () => {
    ddb.on(GetCommand).resolves({ Item: record() });
    ddb.on(UpdateCommand).resolves({ Attributes: record({ status: 'rejected' }) });
    sfnMock.on(SendTaskFailureCommand).resolves({});
    await call(request('POST', { form: fields('reject') }));
    expect(sfnMock).toHaveReceivedCommandWith(SendTaskFailureCommand, { cause: 'rejected by approval link' });
  });

  test('a reused link (lost the conditional write) -> 409 and no second SendTask', async () => {
    ddb
      .on(GetCommand)
      .resolvesOnce({ Item: record() })
      .resolvesOnce({ Item: record({ status: 'approved', decidedBy: 'Grace' }) });
    ddb.on(UpdateCommand).rejects(conditionFailed());
    const response = await call(request('POST', { form: fields('approve') }));
    expect(response.statusCode).toBe(409);
    expect(response.body).toContain('already approved by Grace');
    expect(sfnMock.calls()).toHaveLength(0);
  });

  test('a link for a decided approval -> 409 without any write', async () => {
    ddb.on(GetCommand).resolves({ Item: record({ status: 'rejected', decidedBy: 'Linus' }) });
    expect((await call(request('POST', { form: fields('approve') }))).statusCode).toBe(409);
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
    expect(sfnMock.calls()).toHaveLength(0);
  });

  test.each([
    ['TaskTimedOut', () => new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} })],
    ['TaskDoesNotExist', () => new TaskDoesNotExist({ message: 'Task does not exist', $metadata: {} })],
  ])(
    '%s from Step Functions -> 410 "this approval has expired" and the item is marked expired',
    async (_name, error) => {
      ddb.on(GetCommand).resolves({ Item: record() });
      ddb.on(UpdateCommand).resolves({ Attributes: record({ status: 'approved' }) });
      sfnMock.on(SendTaskSuccessCommand).rejects(error());
      const response = await call(request('POST', { form: fields('approve') }));
      expect(response.statusCode).toBe(410);
      expect(response.body).toContain('This approval has expired');
      expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
        ExpressionAttributeValues: { ':expired': 'expired' },
      });
    },
  );

  test('a transient Step Functions error -> 503 and the approval is reopened for another try', async () => {
    ddb.on(GetCommand).resolves({ Item: record() });
    ddb.on(UpdateCommand).resolves({ Attributes: record({ status: 'approved' }) });
    sfnMock.on(SendTaskSuccessCommand).rejects(
      new SFNServiceException({
        name: 'ThrottlingException',
        message: 'Rate exceeded',
        $fault: 'client',
        $metadata: {},
      }),
    );
    const response = await call(request('POST', { form: fields('approve') }));
    expect(response.statusCode).toBe(503);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      ConditionExpression: '#status = :from',
      ExpressionAttributeValues: { ':pending': 'pending', ':from': 'approved' },
    });
  });

  test('an item past its expiry (TTL not yet run) -> 410 without contacting Step Functions', async () => {
    ddb.on(GetCommand).resolves({ Item: record({ expiresAtEpoch: Math.floor(Date.now() / 1000) - 5 }) });
    expect((await call(request('POST', { form: fields('approve') }))).statusCode).toBe(410);
    expect(sfnMock.calls()).toHaveLength(0);
  });

  test('a forged POST -> 403 and nothing read or written', async () => {
    const response = await call(
      request('POST', { form: { ...fields('approve'), sig: fields('reject').sig } }),
    );
    expect(response.statusCode).toBe(403);
    expect(ddb.calls()).toHaveLength(0);
  });

  test('a Slack failure after deciding still answers 200', async () => {
    ddb.on(GetCommand).resolves({ Item: record() });
    ddb.on(UpdateCommand).resolves({ Attributes: record({ status: 'approved' }) });
    sfnMock.on(SendTaskSuccessCommand).resolves({});
    postSlack.mockRejectedValue(new Error('Slack webhook failed (HTTP 500)'));
    expect((await call(request('POST', { form: fields('approve') }))).statusCode).toBe(200);
  });
});

describe('other requests', () => {
  test('PUT -> 405 with Allow', async () => {
    const response = await call(request('PUT'));
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe('GET, HEAD, POST');
  });

  test('a table outage -> a plain 500 page, no stack trace, no secret', async () => {
    ddb.on(GetCommand).rejects(new Error('socket hang up'));
    const response = await call(request('GET', { query: fields() }));
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('socket hang up');
    expect(response.body).not.toContain(KEY);
    expect(response.body).not.toContain(TOKEN);
  });
});

describe('the decision screen', () => {
  const waiting = () =>
    record({
      context: {
        live: { versionLabel: 'a1b2c3d4e5f6', commitSha: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678' },
        build: {
          status: 'SUCCEEDED',
          durationSeconds: 241,
          tests: { total: 48, passed: 48, failed: 0, skipped: 0 },
        },
        scan: { status: 'SUCCEEDED', durationSeconds: 120, highestSeverity: 'medium', findings: 2 },
      },
    });

  test('shows what will happen, live -> proposed, the diff of the pushed commit, results, the run, and both decisions', async () => {
    // Prepare
    ddb.on(GetCommand).resolves({ Item: waiting() });
    sfnMock.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' });
    // Act
    const response = await call(request('GET', { query: fields('approve') }));
    // Assess
    const body = response.body;
    expect(response.statusCode).toBe(200);
    expect(body).toContain('retail-bank-prod');
    expect(body).toContain('canary 10 % of traffic for');
    expect(body).toMatch(/\d+ min bake watching/);
    expect(body).toContain('a1b2c3d4e5f6 → 3f2a9c1b7d4e');
    expect(body).toContain(
      'href="https://github.com/example-org/retail-bank/compare/a1b2c3d4e5f6...3f2a9c1b7d4e"',
    );
    expect(body).toContain('48 passed, 0 failed (48 in all)');
    expect(body).toContain('highest finding: medium (2 findings); the gate fails on high and above');
    expect(body).toContain('retail-bank-3f2a9c1-abc');
    expect(body).toContain('ada to main of example-org/retail-bank');
    // Both decisions, each with its own valid signature; the reject form asks for a reason.
    expect(body).toContain(`name="sig" value="${fields('reject').sig}"`);
    expect(body).toContain('Reject this release');
    expect(body).toMatch(/<textarea[^>]*name="reason"[^>]*required/);
    // Expiry: relative text, a <time> with the ISO instant and UTC fallback text, and the script allowed by hash.
    expect(body).toMatch(/expires in (\d+ (h|days)|\d+ min)/);
    expect(body).toContain(
      '<time datetime="2099-03-01T11:00:00.000Z" data-local>1 Mar 2099 11:00 UTC</time>',
    );
    const script = /<script>(.*?)<\/script>/.exec(body)![1]!;
    const hash = createHash('sha256').update(script).digest('base64');
    expect(response.headers['content-security-policy']).toContain(`script-src 'sha256-${hash}'`);
    expect(response.headers['x-frame-options']).toBe('DENY');
  });

  test('without a recorded live version or build results the page says so', async () => {
    ddb.on(GetCommand).resolves({ Item: record() });
    sfnMock.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' });
    const body = (await call(request('GET', { query: fields('reject') }))).body;
    expect(body).toContain('none recorded yet → 3f2a9c1b7d4e');
    expect(body).toContain('<dt>Build</dt><dd>not available</dd>');
    // The opened link's decision comes first and takes the focus.
    expect(body.indexOf('Reject this release')).toBeLessThan(body.indexOf('Approve and deploy'));
    expect(body).toMatch(/class="reject" autofocus/);
  });

  test.each([
    [{ status: 'ABORTED' }, 'was stopped'],
    [{ status: 'FAILED' }, 'failed'],
    [{ status: 'SUCCEEDED', output: '{"status":"superseded"}' }, 'was superseded by a newer commit'],
    [{ status: 'ABORTED', cause: 'superseded by retail-bank-9f' }, 'was superseded by a newer commit'],
  ])('a run that is %j -> "no longer waiting" with no buttons', async (state, text) => {
    ddb.on(GetCommand).resolves({ Item: record() });
    sfnMock.on(DescribeExecutionCommand).resolves(state as never);
    const response = await call(request('GET', { query: fields('approve') }));
    expect(response.statusCode).toBe(409);
    expect(response.body).toContain('This run is no longer waiting');
    expect(response.body).toContain(text);
    expect(response.body).not.toContain('<button');
    expect(response.body).toContain('See the run');
  });

  test('a used link names who decided, when, and links to the run', async () => {
    ddb.on(GetCommand).resolves({
      Item: record({ status: 'approved', decidedBy: 'Grace', decidedAt: '2099-03-01T10:05:00.000Z' }),
    });
    const response = await call(request('GET', { query: fields() }));
    expect(response.statusCode).toBe(409);
    expect(response.body).toContain('1 Mar 2099 10:05 UTC');
    expect(response.body).toContain('Follow the deploy');
    expect(response.body).not.toContain('<button');
  });

  test('after approving, the page links to the run', async () => {
    ddb.on(GetCommand).resolves({ Item: record() });
    ddb.on(UpdateCommand).resolves({ Attributes: record({ status: 'approved' }) });
    sfnMock.on(SendTaskSuccessCommand).resolves({});
    const body = (await call(request('POST', { form: fields('approve') }))).body;
    expect(body).toContain(
      '<a href="https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/',
    );
    expect(body).toContain('Follow the deploy');
  });

  test('the sandbox links the run to its local console', async () => {
    process.env.CONSOLE_BASE_URL = 'http://127.0.0.1:3000';
    try {
      ddb.on(GetCommand).resolves({ Item: record() });
      ddb.on(UpdateCommand).resolves({ Attributes: record({ status: 'approved' }) });
      sfnMock.on(SendTaskSuccessCommand).resolves({});
      const body = (await call(request('POST', { form: fields('approve') }))).body;
      expect(body).toContain(
        `href="http://127.0.0.1:3000/executions/${encodeURIComponent(record().executionArn)}"`,
      );
    } finally {
      delete process.env.CONSOLE_BASE_URL;
    }
  });

  test('reject with a reason: the cause carries it, cleaned', async () => {
    ddb.on(GetCommand).resolves({ Item: record() });
    ddb.on(UpdateCommand).resolves({ Attributes: record({ status: 'rejected' }) });
    sfnMock.on(SendTaskFailureCommand).resolves({});
    const response = await call(
      request('POST', { form: { ...fields('reject'), by: 'Linus', reason: 'freeze until <Friday>' } }),
    );
    expect(response.body).toContain('Rejected by Linus: freeze until Friday.');
    expect(sfnMock).toHaveReceivedCommandWith(SendTaskFailureCommand, {
      cause: 'rejected by Linus: freeze until Friday',
    });
  });

  test('POST on a run stopped while it waited -> "no longer waiting", not "expired"', async () => {
    ddb.on(GetCommand).resolves({ Item: record() });
    ddb.on(UpdateCommand).resolves({ Attributes: record({ status: 'approved' }) });
    sfnMock
      .on(SendTaskSuccessCommand)
      .rejects(new TaskDoesNotExist({ message: 'Task does not exist', $metadata: {} }));
    sfnMock.on(DescribeExecutionCommand).resolves({ status: 'ABORTED' });
    const response = await call(request('POST', { form: fields('approve') }));
    expect(response.statusCode).toBe(409);
    expect(response.body).toContain('This run is no longer waiting');
    expect(response.body).toContain('was stopped');
  });
});
