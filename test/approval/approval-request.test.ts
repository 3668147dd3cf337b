import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { approvalStore } from '../../functions/approval-request/approval-store';
import { approvalRequest } from '../../functions/approval-request/handler';
import { approvalRequestMessage } from '../../functions/approval-request/slack-message';
import { verifyLink, type LinkDecision } from '../../functions/commons/approval-links';
import { clearSecretCache } from '../../functions/commons/secrets';
import type { ApprovalLinks } from '../../functions/commons/types/tasks';
import { EXECUTION_ARN, KEY, TOKEN, input, record } from './fixtures';

const ddb = mockClient(DynamoDBDocumentClient);
const store = approvalStore(DynamoDBDocumentClient.from(new DynamoDBClient({})), 'approvals');

beforeEach(() => {
  ddb.reset();
  clearSecretCache();
  process.env.APPROVAL_LINK_KEY = KEY;
  process.env.APPROVAL_BASE_URL = 'https://approvals.example.com/';
});
afterAll(() => {
  delete process.env.APPROVAL_LINK_KEY;
  delete process.env.APPROVAL_BASE_URL;
});

describe('prepare', () => {
  test("returns a fresh id and signed links expiring after the pipeline's approval timeout", async () => {
    // Act
    const before = Date.now();
    const links = (await approvalRequest({
      action: 'prepare',
      pipeline: 'retail-bank',
      executionArn: EXECUTION_ARN,
      input,
    })) as ApprovalLinks;
    // Assess: retail-bank waits 60 minutes
    const expiresMs = Date.parse(links.expiresAt);
    expect(expiresMs).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 59 * 60_000);
    expect(expiresMs).toBeLessThanOrEqual(Date.now() + 60 * 60_000);
    for (const [url, decision] of [
      [links.approveUrl, 'approve'],
      [links.rejectUrl, 'reject'],
    ] as [string, LinkDecision][]) {
      expect(url.startsWith(`https://approvals.example.com/approvals/${links.approvalId}?`)).toBe(true);
      const query = Object.fromEntries(new URL(url).searchParams);
      expect(verifyLink(KEY, { approvalId: links.approvalId, ...query })).toMatchObject({
        ok: true,
        claims: { decision },
      });
    }
    expect(ddb.calls()).toHaveLength(0);
  });

  test('two prepares never share an id', async () => {
    const a = (await approvalRequest({
      action: 'prepare',
      pipeline: 'retail-bank',
      executionArn: EXECUTION_ARN,
      input,
    })) as ApprovalLinks;
    const b = (await approvalRequest({
      action: 'prepare',
      pipeline: 'retail-bank',
      executionArn: EXECUTION_ARN,
      input,
    })) as ApprovalLinks;
    expect(a.approvalId).not.toBe(b.approvalId);
  });
});

describe('request', () => {
  const links: ApprovalLinks = {
    approvalId: record().approvalId,
    approveUrl: 'https://approvals.example.com/approvals/x?decision=approve',
    rejectUrl: 'https://approvals.example.com/approvals/x?decision=reject',
    expiresAt: '2099-03-01T11:00:00.000Z',
  };
  const event = {
    action: 'request',
    taskToken: TOKEN,
    pipeline: 'retail-bank',
    executionArn: EXECUTION_ARN,
    input,
    links,
  };

  test('stores the pending token with a conditional put, then posts the approval message', async () => {
    // Prepare
    ddb.on(PutCommand).resolves({});
    const postSlack = jest.fn().mockResolvedValue(undefined);
    // Act
    const result = await approvalRequest(event, { store, postSlack });
    // Assess
    expect(result).toEqual({ approvalId: links.approvalId, notified: true });
    const put = ddb.commandCalls(PutCommand)[0]!.args[0].input;
    expect(put.ConditionExpression).toBe('attribute_not_exists(approvalId) OR #status = :pending');
    expect(put.Item).toMatchObject({
      approvalId: links.approvalId,
      taskToken: TOKEN,
      executionArn: EXECUTION_ARN,
      status: 'pending',
      commitTitle: 'Fix <b>rates</b> & ping <!channel>',
      expiresAtEpoch: Date.parse(links.expiresAt) / 1000,
    });
    expect(postSlack).toHaveBeenCalledTimes(1);
  });

  test("stores the release context read from the run's builds and the history with the approval", async () => {
    ddb.on(PutCommand).resolves({});
    const send = jest.fn().mockResolvedValue({
      builds: [{ id: 'b1', buildStatus: 'SUCCEEDED' }],
    });
    const lastGood = jest
      .fn()
      .mockResolvedValue({ found: true, versionLabel: 'a1b2c3d4e5f6', commitSha: null });
    await approvalRequest(
      { ...event, build: { buildId: 'b1', scanBuildId: 's1' } },
      {
        store,
        postSlack: jest.fn().mockResolvedValue(undefined),
        context: { codebuild: { send }, lastGood },
      },
    );
    expect(send).toHaveBeenCalledTimes(1);
    expect(send.mock.calls[0][0].input).toEqual({ ids: ['b1', 's1'] });
    expect(ddb.commandCalls(PutCommand)[0]!.args[0].input.Item).toMatchObject({
      context: { live: { versionLabel: 'a1b2c3d4e5f6' }, build: { status: 'SUCCEEDED' } },
    });
  });

  test('a Slack failure does not fail the approval', async () => {
    ddb.on(PutCommand).resolves({});
    const postSlack = jest.fn().mockRejectedValue(new Error('Slack webhook failed (ECONNREFUSED)'));
    await expect(approvalRequest(event, { store, postSlack })).resolves.toEqual({
      approvalId: links.approvalId,
      notified: false,
    });
  });

  test('a request for an approval already decided fails without posting', async () => {
    ddb
      .on(PutCommand)
      .rejects(
        new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
      );
    const postSlack = jest.fn();
    await expect(approvalRequest(event, { store, postSlack })).rejects.toMatchObject({
      name: 'ApprovalAlreadyDecidedError',
    });
    expect(postSlack).not.toHaveBeenCalled();
  });

  test('a malformed event names the field but never echoes the token', async () => {
    const error = await approvalRequest(
      { ...event, links: { ...links, approvalId: 'x' } },
      { store, postSlack: jest.fn() },
    ).catch((e: Error) => e);
    expect(error).toMatchObject({
      name: 'InvalidEventError',
      message: expect.stringContaining('links.approvalId'),
    });
    expect(String((error as Error).message)).not.toContain(TOKEN);
  });
});

describe('Slack approval message', () => {
  test('says who pushed what, escapes the commit text, links changes and execution, has both buttons and the expiry', () => {
    // Act
    const message = approvalRequestMessage(record(), {
      approvalId: record().approvalId,
      approveUrl: 'https://a.example/approve',
      rejectUrl: 'https://a.example/reject',
      expiresAt: '2099-03-01T11:00:00.000Z',
    });
    const json = JSON.stringify(message);
    // Assess
    expect(json).toContain('*ada* pushed `3f2a9c1` to `main` of example-org/retail-bank');
    expect(json).toContain('Fix &lt;b&gt;rates&lt;/b&gt; &amp; ping &lt;!channel&gt;');
    expect(json).not.toContain('<!channel>');
    expect(json).toContain('|Compare changes>');
    expect(json).toContain(
      'https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/',
    );
    expect(json).toContain('"url":"https://a.example/approve"');
    expect(json).toContain('"url":"https://a.example/reject"');
    expect(json).toContain(`<!date^${Date.parse('2099-03-01T11:00:00.000Z') / 1000}^`);
  });
});
