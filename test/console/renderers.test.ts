/** The console's pure renderers and its router: escaping, headers, live script, links, errors. */
import { createHash } from 'node:crypto';
import type { CliContext } from '../../local/cli/context';
import type { ExecutionTree } from '../../local/cli/history';
import { approvalsPage } from '../../local/console/approvals-page';
import { deploymentsChart } from '../../local/console/chart';
import { doraPage, frequencyText, metricCards } from '../../local/console/dora-page';
import { doraMetrics } from '../../local/console/dora';
import { executionPage, LIVE_SCRIPT, timelineView } from '../../local/console/execution-page';
import { failuresPage, messageText, mrkdwnToText } from '../../local/console/failures-page';
import { layout } from '../../local/console/layout';
import { consoleHandler, matchConsolePath } from '../../local/console/router';

const ARN = 'arn:aws:states:us-east-1:123456789012:execution:deploy-retail-bank:retail-bank-3f2a9c1b7d4e-1';
const EVIL = '<script>alert(1)</script>';

function tree(over: Partial<ExecutionTree['timeline']> = {}): ExecutionTree {
  const start = new Date('2026-11-29T10:00:00.000Z');
  return {
    executionArn: ARN,
    children: new Map(),
    timeline: {
      status: 'RUNNING',
      startedAt: start,
      steps: [
        {
          id: 2,
          name: 'Build and unit tests',
          type: 'Task',
          enteredAt: start,
          endedAt: new Date(start.getTime() + 65_000),
          status: 'succeeded',
          attempts: 1,
          depth: 0,
        },
        {
          id: 9,
          name: 'Wait for approval',
          type: 'Task',
          enteredAt: new Date(start.getTime() + 70_000),
          status: 'waiting',
          attempts: 1,
          depth: 0,
          waitingUntil: '2026-11-29T11:01:10.000Z',
          approveUrl: 'http://127.0.0.1:3000/approvals/abc?decision=approve&expires=1&sig=x',
        },
      ],
      ...over,
    },
  };
}

describe('layout', () => {
  test('sends the approval pages security headers and allows each script by its hash only', () => {
    const page = layout(EVIL, '<p>x</p>', { scripts: ['var a=1;'], connect: true, current: '/dora' });
    expect(page.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    });
    const csp = page.headers['content-security-policy']!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain(`'sha256-${createHash('sha256').update('var a=1;').digest('base64')}'`);
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(page.body).not.toContain(EVIL);
    expect(page.body).toContain('&lt;script&gt;');
    expect(page.body).toContain('<a href="/dora" aria-current="page">');
  });
});

describe('execution page', () => {
  test('shows the same rows as deployctl show, and the waiting approval link', () => {
    const view = timelineView(tree());
    expect(view).toMatchObject({
      name: 'retail-bank-3f2a9c1b7d4e-1',
      stateMachine: 'deploy-retail-bank',
      status: 'RUNNING',
    });
    expect(view.rows.map((r) => [r.offset, r.duration, r.status, r.name])).toEqual([
      ['+0:00', '1m05s', 'succeeded', 'Build and unit tests'],
      ['+1:10', '', 'waiting', 'Wait for approval'],
    ]);
    expect(view.rows[1]!.note).toContain('waiting for a decision until 2026-11-29 11:01:10 UTC');
    expect(view.approveUrl).toContain('/approvals/abc');
    const page = executionPage(view);
    expect(page.body).toContain('This page updates while the run goes on.');
    expect(page.headers['content-security-policy']).toContain(
      `'sha256-${createHash('sha256').update(LIVE_SCRIPT).digest('base64')}'`,
    );
    expect(page.body).toContain('data-src="/executions/arn%3Aaws%3Astates');
  });

  test('an ended run shows its outcome and no approval link; a script URL is never linked', () => {
    const ended = tree({
      status: 'FAILED',
      endedAt: new Date('2026-11-29T10:02:00.000Z'),
      error: 'ApprovalRejected',
      cause: `rejected by ${EVIL}`,
    });
    const view = timelineView(ended);
    expect(view.outcome).toMatch(/^FAILED after 2m00s - ApprovalRejected: rejected by/);
    expect(view.approveUrl).toBeUndefined();
    const page = executionPage(view);
    expect(page.body).not.toContain(EVIL);
    expect(page.body).toContain('<p id="approve" hidden>');
    const sneaky = tree();
    sneaky.timeline.steps[1]!.approveUrl = 'javascript:alert(1)';
    expect(timelineView(sneaky).approveUrl).toBeUndefined();
  });
});

describe('approvals, failures and DORA pages', () => {
  test('waiting approvals link to the signed decision page; none says so', () => {
    expect(approvalsPage([]).body).toContain('Nothing is waiting for an approval.');
    const page = approvalsPage([
      {
        pipeline: 'retail-bank',
        executionArn: ARN,
        name: 'retail-bank-3f2a9c1b7d4e-1',
        step: 'Wait for approval',
        waitingSince: '2026-11-29T10:01:10.000Z',
        expiresAt: '2026-11-29T11:01:10.000Z',
        approveUrl: 'http://127.0.0.1:3000/approvals/abc?decision=approve&expires=1&sig=x',
        commit: `commit 3f2a9c1 "${EVIL}" pushed by ada`,
      },
    ]);
    expect(page.body).toContain(
      'href="http://127.0.0.1:3000/approvals/abc?decision=approve&amp;expires=1&amp;sig=x"',
    );
    expect(page.body).toContain('Review and decide');
    expect(page.body).not.toContain(EVIL);
  });

  test('failure notices read as plain text, links spelled out', () => {
    expect(mrkdwnToText('<https://x.test/a|Open it> &amp; `code` &lt;b&gt;')).toBe(
      'Open it (https://x.test/a) & code <b>',
    );
    expect(mrkdwnToText(':x: retail-bank: deployment failed')).toBe('retail-bank: deployment failed');
    expect(mrkdwnToText('*Cause*\n```\nboom\n```')).toBe('Cause: boom');
    const text = messageText({
      text: 'fallback',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'retail-bank failed' } },
        { type: 'section', fields: [{ type: 'mrkdwn', text: '*Pipeline*\nretail-bank' }] },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'run 1' }] },
      ],
    });
    expect(text).toBe('retail-bank failed\nPipeline: retail-bank\nrun 1');
    expect(messageText({ text: 'only text' })).toBe('only text');
    const page = failuresPage([
      { pipeline: 'retail-bank', executionArn: ARN, name: 'r1', status: 'FAILED', notice: `cause ${EVIL}` },
    ]);
    expect(page.body).toContain('role="note"');
    expect(page.body).not.toContain(EVIL);
    expect(failuresPage([]).body).toContain('No failed runs.');
  });

  test('DORA cards and chart name every key; empty history reads as no data', () => {
    const empty = doraMetrics([], new Date('2026-11-29T12:00:00.000Z'));
    expect(metricCards(empty).map((c) => `${c.label}: ${c.value}`)).toEqual([
      'Deployment frequency: none',
      'Lead time for changes: no data',
      'Change failure rate: no changes',
      'Time to restore: nothing to restore',
    ]);
    expect(frequencyText(2.5)).toBe('2.5 per day');
    expect(frequencyText(2 / 7)).toBe('2.0 per week');
    expect(frequencyText(1 / 30)).toBe('1.0 per 30 days');
    expect(frequencyText(Number.NaN)).toBe('none');
    const chart = deploymentsChart(
      [
        { date: '2026-11-28', succeeded: 2, failed: 1 },
        { date: '2026-11-29', succeeded: 0, failed: 0 },
      ],
      `x ${EVIL}`,
    );
    expect(chart).toContain('role="img"');
    expect(chart).toContain('2 successful and 1 failed deployments over 2 days');
    expect(chart).not.toContain(EVIL);
    expect(chart.match(/<rect x=/g)).toHaveLength(2);
    expect(doraPage([{ pipeline: 'retail-bank', metrics: empty }]).body).toContain('Deployments per day');
  });
});

describe('router', () => {
  test('claims only console paths; execution ARNs are checked', () => {
    expect(matchConsolePath('/')).toEqual({ page: '/' });
    expect(matchConsolePath('/dora/')).toEqual({ page: '/dora' });
    expect(matchConsolePath('/webhooks/github')).toBeUndefined();
    expect(matchConsolePath('/approvals/abc')).toBeUndefined();
    expect(matchConsolePath(`/executions/${encodeURIComponent(ARN)}`)).toEqual({
      executionArn: ARN,
      json: false,
    });
    expect(matchConsolePath(`/executions/${encodeURIComponent(ARN)}/timeline.json`)).toEqual({
      executionArn: ARN,
      json: true,
    });
    expect(matchConsolePath('/executions/not-an-arn')).toEqual({ badExecution: 'not-an-arn' });
    expect(matchConsolePath('/executions/%E0%A4%A')).toEqual({ badExecution: '%E0%A4%A' });
  });

  test('unknown executions are a 404, AWS errors a 502 without a stack, writes a 405', async () => {
    const failing = (name: string) =>
      ({
        mode: 'sandbox',
        sfn: {
          send: () => Promise.reject(Object.assign(new Error(`${name} happened`), { name })),
        },
      }) as unknown as CliContext;
    const handle = consoleHandler(failing('ExecutionDoesNotExist'));
    const missing = await handle({ method: 'GET', path: `/executions/${encodeURIComponent(ARN)}` });
    expect(missing?.statusCode).toBe(404);
    expect(missing?.body).toContain('No such execution');
    const json = await handle({
      method: 'GET',
      path: `/executions/${encodeURIComponent(ARN)}/timeline.json`,
    });
    expect(json?.statusCode).toBe(404);
    expect(JSON.parse(json!.body)).toEqual({ error: 'ExecutionDoesNotExist' });
    const throttled = await consoleHandler(failing('ThrottlingException'))({
      method: 'GET',
      path: '/approvals',
    });
    expect(throttled?.statusCode).toBe(502);
    expect(throttled?.body).toContain('ThrottlingException: ThrottlingException happened');
    expect(throttled?.body).not.toMatch(/at .*\.ts:\d+/);
    const post = await handle({ method: 'POST', path: '/' });
    expect(post?.statusCode).toBe(405);
    expect(post?.headers.allow).toBe('GET, HEAD');
    expect(await handle({ method: 'GET', path: '/nope' })).toBeUndefined();
    const head = await handle({ method: 'HEAD', path: '/executions/x' });
    expect(head?.body).toBe('');
  });
});
