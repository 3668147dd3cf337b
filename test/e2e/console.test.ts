/**
 * The console and the approval pages in a real browser: playwright-core driving Debian's Chromium
 * (`/usr/bin/chromium`, headless, fresh temporary profile) against an in-process sandbox on free
 * ports. Each case saves a full-page screenshot under test-output/screenshots/<case>.png.
 * Assertions are on what a person sees (text, roles, accessible names), not on markup.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { signDelivery } from '../../events/sign-delivery';
import { startSandbox, type Sandbox } from '../../local/sandbox';

const SCREENSHOTS = join(__dirname, '../../test-output/screenshots');
/** Real milliseconds a page may take to show what it should (the pages poll every second). */
const SEE = 60_000;

let sandbox: Sandbox;
let browser: Browser;
let context: BrowserContext;
let sfn: SFNClient;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // x240: a run takes about half a minute, and a 60-minute approval link stays valid 15 real seconds.
  sandbox = await startSandbox({ sandboxPort: 0, port: 0, speedup: 240, log: false });
  sfn = new SFNClient({
    endpoint: sandbox.urls.aws,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDE2ECONSOLE', secretAccessKey: 'test' },
  });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  // A new context is a fresh, empty profile: no cookies, cache or storage from anywhere else.
  // Tokyo, so times rewritten into the reader's zone differ from the server's UTC text.
  context = await browser.newContext({
    viewport: { width: 1200, height: 900 },
    timezoneId: 'Asia/Tokyo',
    locale: 'en-GB',
  });
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  sfn?.destroy();
  await sandbox?.stop();
});

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

const consoleUrl = (path: string) => new URL(path, sandbox.urls.console).toString();

/** Pushes a new retail-bank commit through the signed webhook; resolves with its execution ARN. */
async function pushRetailBank(): Promise<string> {
  const response = await fetch(sandbox.urls.webhook, {
    method: 'POST',
    ...signDelivery('push-retail-bank-main', {
      secret: sandbox.webhookSecret,
      sha: randomBytes(20).toString('hex'),
      deliveryId: randomUUID(),
      // Committed just now (the sandbox's clock: Date follows it in this process), for the lead time.
      edit: (body) => {
        const head = body.head_commit as { timestamp?: string };
        head.timestamp = new Date().toISOString();
      },
    }),
  });
  expect(response.status).toBe(202);
  return ((await response.json()) as { executions: { executionArn: string }[] }).executions[0]!.executionArn;
}

async function waitFor<T>(read: () => T | undefined): Promise<T> {
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The approve and reject links of the Slack approval request for an execution (the sink's copy). */
async function slackLinks(executionArn: string): Promise<{ approve: string; reject: string }> {
  const name = executionArn.split(':').pop()!;
  return waitFor(() => {
    for (const message of sandbox.slack.messages) {
      const body = JSON.stringify(message.body);
      if (message.kind !== 'approval' || !body.includes(name)) continue;
      const urls = body.match(/http:\/\/127\.0\.0\.1:\d+\/approvals\/[^"\\|>]+/g) ?? [];
      const approve = urls.find((u) => u.includes('decision=approve'));
      const reject = urls.find((u) => u.includes('decision=reject'));
      if (approve && reject) return { approve, reject };
    }
    return undefined;
  });
}

/** Waits until a person could see it (pages are server-rendered; after a click, the next page). */
const see = (locator: Locator) => locator.waitFor({ state: 'visible', timeout: SEE });

/** The table row of a step, by its name. */
const stepRow = (page: Page, step: string) =>
  page.getByRole('row').filter({ has: page.getByRole('cell', { name: step, exact: true }) });

let followed: { page: Page; executionArn: string };

test('open the console: every pipeline with what it listens to, its target and its runs', async () => {
  const page = await context.newPage();
  await page.goto(consoleUrl('/'));
  await see(page.getByRole('heading', { level: 1, name: 'Pipelines' }));
  const nav = page.getByRole('navigation', { name: 'Console' });
  for (const link of ['Pipelines', 'Waiting approvals', 'Recent failures', 'DORA metrics'])
    await see(nav.getByRole('link', { name: link }));
  await see(page.getByRole('heading', { name: 'retail-bank' }));
  await see(page.getByRole('heading', { name: 'microblog' }));
  await see(page.getByText('example-org/retail-bank branch main'));
  await see(page.getByText(/canary 10 % of traffic for 5 min/));
  // Keyboard: the first Tab reaches the navigation.
  await page.keyboard.press('Tab');
  await expect(page.evaluate('document.activeElement && document.activeElement.textContent')).resolves.toBe(
    'Pipelines',
  );
  await nav.getByRole('link', { name: 'DORA metrics' }).click();
  await see(page.getByRole('heading', { level: 1, name: 'DORA metrics' }));
  await see(page.getByRole('img', { name: /retail-bank deployments per day: \d+ successful/ }));
  await page.goto(consoleUrl('/'));
  await shot(page, 'console');
  await page.close();
});

test('follow a push live: the execution page shows the steps as the run reaches them', async () => {
  const executionArn = await pushRetailBank();
  const page = await context.newPage();
  await page.goto(consoleUrl(`/executions/${encodeURIComponent(executionArn)}`));
  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
    `Execution ${executionArn.split(':').pop()}`,
  );
  // Without reloading: the page polls and the steps appear until the run waits for a person.
  await stepRow(page, 'Wait for approval').getByText('waiting', { exact: true }).waitFor({ timeout: SEE });
  await see(stepRow(page, 'Build and unit tests').getByText('ok', { exact: true }));
  await expect(page.getByRole('status').textContent()).resolves.toBe('RUNNING');
  await see(page.getByRole('link', { name: 'Review and decide the waiting approval' }));
  expect(await stepRow(page, 'Deployed').count()).toBe(0);
  // The start time reads in the reader's zone (the server writes UTC).
  await expect(page.locator('time').first().textContent()).resolves.toMatch(/GMT\+9/);
  await shot(page, 'follow-push-live');
  followed = { page, executionArn };
});

test('approve from the console: the decision page, then the followed run goes on to the end', async () => {
  const page = await context.newPage();
  await page.goto(consoleUrl('/'));
  await page.getByRole('link', { name: 'Waiting approvals' }).click();
  const name = followed.executionArn.split(':').pop()!;
  await page.getByRole('link', { name: `Review and decide ${name}` }).click();
  await see(page.getByRole('heading', { level: 1, name: 'Release retail-bank?' }));
  await see(page.getByText(/retail-bank-prod: canary 10 % of traffic for 5 min/));
  await see(page.getByText(/expires in/));
  await expect(page.locator('time').first().textContent()).resolves.toMatch(/GMT\+9/);
  const approve = page.getByRole('form', { name: 'Approve' });
  await approve.getByLabel('Your name (for the audit trail)').fill('Ada Lovelace');
  await approve.getByRole('button', { name: 'Approve and deploy' }).click();
  await see(page.getByRole('heading', { level: 1, name: 'Approved' }));
  await see(page.getByText('Approved by Ada Lovelace.', { exact: false }));
  await shot(page, 'approve-from-console');

  // The page opened before the decision, never reloaded, shows the rest of the run.
  const live = followed.page;
  await stepRow(live, 'Deployed').waitFor({ timeout: SEE });
  await live.getByRole('status').getByText('SUCCEEDED').waitFor({ timeout: SEE });
  await see(live.getByText(/^SUCCEEDED after/));
  await expect(
    live.getByRole('link', { name: 'Review and decide the waiting approval' }).count(),
  ).resolves.toBe(0);
  await shot(live, 'follow-push-live-succeeded');

  // "Follow the deploy" on the result page opens the same run in the console.
  await page.getByRole('link', { name: 'Follow the deploy' }).click();
  await see(page.getByRole('heading', { level: 1, name: `Execution ${name}` }));
  await live.close();
  await page.close();
});

let rejectLink: string;

test('open an approval link from Slack and reject with a reason', async () => {
  const executionArn = await pushRetailBank();
  const links = await slackLinks(executionArn);
  rejectLink = links.reject;
  const page = await context.newPage();
  await page.goto(rejectLink);
  await see(page.getByRole('heading', { level: 1, name: 'Release retail-bank?' }));
  const reject = page.getByRole('form', { name: 'Reject' });
  // The reject button of a reject link has the focus: a keyboard user starts there.
  await expect(page.evaluate('document.activeElement && document.activeElement.textContent')).resolves.toBe(
    'Reject this release',
  );
  await reject.getByLabel('Your name (for the audit trail)').fill('Grace Hopper');
  await reject.getByLabel(/Reason/).fill('release freeze until Monday');
  await reject.getByRole('button', { name: 'Reject this release' }).click();
  await see(page.getByRole('heading', { level: 1, name: 'Rejected' }));
  await see(page.getByText(/Rejected by Grace Hopper: release freeze until Monday/));
  await shot(page, 'reject-with-reason');
  const execution = sandbox.engine.executions.get(executionArn)!;
  await execution.done;
  expect({ status: execution.status, error: execution.error }).toEqual({
    status: 'FAILED',
    error: 'ApprovalRejected',
  });
  // The failure is on the console's failures page with its notice.
  await page.goto(consoleUrl('/failures'));
  const notice = page.getByRole('note', { name: `Notice sent for ${executionArn.split(':').pop()}` });
  await expect(notice.textContent()).resolves.toContain('ApprovalRejected');
  await shot(page, 'recent-failures');
  await page.close();
});

test('open a used link: it says who decided and acts no more', async () => {
  const page = await context.newPage();
  await page.goto(rejectLink);
  await see(page.getByRole('heading', { level: 1, name: 'This link was already used' }));
  await see(page.getByText(/already rejected by Grace Hopper/));
  await expect(page.getByRole('button').count()).resolves.toBe(0);
  await shot(page, 'used-link');
  await page.close();
});

test("open a stopped run's link: no longer waiting, nothing to press", async () => {
  const executionArn = await pushRetailBank();
  const links = await slackLinks(executionArn);
  await sfn.send(
    new StopExecutionCommand({ executionArn, error: 'Operator', cause: 'stopped from the test' }),
  );
  const execution = sandbox.engine.executions.get(executionArn)!;
  await execution.done;
  expect(execution.status).toBe('ABORTED');
  const page = await context.newPage();
  await page.goto(links.approve);
  await see(page.getByRole('heading', { level: 1, name: 'This run is no longer waiting' }));
  await see(page.getByText(/nothing to approve or reject/));
  await expect(page.getByRole('button', { name: 'Approve and deploy' }).count()).resolves.toBe(0);
  await shot(page, 'stopped-run-link');
  await page.getByRole('link', { name: 'See the run' }).click();
  await page.getByRole('status').getByText('ABORTED').waitFor({ timeout: SEE });
  // The front page now lists the runs of this suite, newest first, with the live version.
  await page.getByRole('link', { name: 'Pipelines' }).click();
  await see(page.getByRole('table', { name: 'Recent runs of retail-bank, newest first' }));
  await see(page.getByRole('cell', { name: 'ABORTED' }));
  await see(page.getByRole('cell', { name: 'SUCCEEDED' }));
  await shot(page, 'console-with-runs');
  // DORA: one successful deployment (the approved run); the rejected and stopped runs changed nothing.
  await page.getByRole('link', { name: 'DORA metrics' }).click();
  const retail = page.getByRole('region', { name: 'retail-bank' });
  await see(retail.getByText('1 successful deployment in 30 days'));
  await see(retail.getByText('0 of 1 changes failed or were rolled back'));
  // Lead time: from the commit to the end of its deployment, in sandbox time (the run took hours).
  await see(retail.getByText(/^\d+ (min|h)/));
  await see(retail.getByRole('img', { name: /retail-bank deployments per day: 1 successful and 0 failed/ }));
  await shot(page, 'dora');
  await page.close();
});
