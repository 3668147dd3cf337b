/**
 * The console where people open it: beside the webhook on the sandbox's HTTP port, and from
 * `deployctl console` (its own port). Real handlers, real SDK clients against the sandbox endpoint.
 */
import { createContext } from '../../local/cli/context';
import { consoleCommand } from '../../local/cli/commands/console';
import { memoryOutput } from '../../local/cli/output';
import { useConsoleSandbox, waitFor } from './support';

const box = useConsoleSandbox(1200);
const { consoleUrl } = box;

test('the sandbox serves the console at / with the approval pages security headers; other paths keep the JSON 404', async () => {
  const home = await fetch(consoleUrl('/'));
  expect(home.status).toBe(200);
  expect(home.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(home.headers.get('x-frame-options')).toBe('DENY');
  expect(home.headers.get('content-security-policy')).toContain("default-src 'none'");
  const html = await home.text();
  expect(html).toContain('<h2 id="p-retail-bank">retail-bank</h2>');
  expect(html).toContain('example-org/microblog branch main');
  const missing = await fetch(consoleUrl('/nope'));
  expect(missing.status).toBe(404);
  expect(await missing.json()).toMatchObject({ error: 'not found' });
  // The console only reads: a write to its paths gets the API's JSON answer, not a page.
  const post = await fetch(consoleUrl('/'), { method: 'POST' });
  expect(post.status).toBe(404);
  expect(post.headers.get('content-type')).toBe('application/json');
});

test('a waiting run is listed with its signed decision link, and the approval page links back to the console', async () => {
  const arn = await box.push();
  const link = await waitFor(async () => {
    const page = await (await fetch(consoleUrl('/approvals'))).text();
    return /href="(http:\/\/127\.0\.0\.1:\d+\/approvals\/[^"]+)"/.exec(page)?.[1]?.replace(/&amp;/g, '&');
  });
  const decision = await (await fetch(link)).text();
  expect(decision).toContain('Approve and deploy');
  expect(decision).toContain(`href="${consoleUrl(`/executions/${encodeURIComponent(arn)}`)}"`);
  const timeline = (await (
    await fetch(consoleUrl(`/executions/${encodeURIComponent(arn)}/timeline.json`))
  ).json()) as { status: string; rows: { name: string; status: string }[] };
  expect(timeline.status).toBe('RUNNING');
  expect(timeline.rows).toContainEqual(
    expect.objectContaining({ name: 'Wait for approval', status: 'waiting' }),
  );
  box.sandbox.engine.executions.get(arn)?.abort();
});

test('deployctl console serves the same pages on its own port and stops when asked', async () => {
  const out = memoryOutput();
  const ctx = createContext({ endpoint: box.sandbox.urls.aws }, { out, config: box.sandbox.config });
  let stop!: () => void;
  const until = new Promise<void>((resolve) => (stop = resolve));
  let url = '';
  const done = consoleCommand(ctx, { port: '0', until, onListening: (u) => (url = u) });
  await waitFor(async () => (url ? url : undefined));
  const page = await fetch(new URL('/dora', url));
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('Deployment frequency');
  expect((await fetch(new URL('/webhooks/github', url))).status).toBe(404);
  stop();
  await expect(done).resolves.toBe(0);
  expect(out.text()).toMatch(/^console on http:\/\/127\.0\.0\.1:\d+\/ {2}\(sandbox at http/);
});

test('a bad --port is refused with the fix', async () => {
  const ctx = createContext(
    { endpoint: box.sandbox.urls.aws },
    { out: memoryOutput(), config: box.sandbox.config },
  );
  await expect(consoleCommand(ctx, { port: '70000', until: Promise.resolve() })).rejects.toThrow(
    '--port must be a port number from 0 to 65535, got "70000".',
  );
});
