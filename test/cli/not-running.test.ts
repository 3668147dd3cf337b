/**
 * Without a sandbox: one clear line and exit code 2 for every command that needs it, and the
 * global options checked before anything is called.
 */
import { createServer } from 'node:net';
import { deployctl } from './support';

/** A port that was free a moment ago: nothing listens there. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let env: NodeJS.ProcessEnv;
let port: number;

beforeAll(async () => {
  port = await closedPort();
  env = { SANDBOX_PORT: String(port), PORT: String(port) };
});

describe('when the sandbox is not running', () => {
  it.each([
    ['executions'],
    ['show', 'retail-bank-abc'],
    ['approve', 'retail-bank-abc'],
    ['rollback', 'microblog'],
    ['scenario', 'list'],
    ['scenario', 'run', 'happy'],
    ['slack'],
  ])('%j says so in one line and exits 2', async (...argv) => {
    const run = await deployctl(env, ...argv);
    expect(run).toEqual({
      code: 2,
      out: '',
      err: `The local sandbox is not running on http://127.0.0.1:${port}. Start it with \`npm start\` in another shell, or pass --aws. If it runs on another port, pass --endpoint <url> or set SANDBOX_PORT.`,
    });
  });

  it('push names the webhook URL it could not reach', async () => {
    const run = await deployctl(env, 'push', 'retail-bank');
    expect(run).toEqual({
      code: 2,
      out: '',
      err: `The local sandbox is not running on http://127.0.0.1:${port}/webhooks/github. Start it with \`npm start\` in another shell, or pass --aws. If it runs on another port, pass --webhook-url <its webhook URL> or set PORT (npm start prints both).`,
    });
  });

  it('--endpoint overrides SANDBOX_PORT', async () => {
    const run = await deployctl(env, '--endpoint', `http://127.0.0.1:${port}/`, 'executions');
    expect(run.err).toBe(
      `The local sandbox is not running on http://127.0.0.1:${port}. Start it with \`npm start\` in another shell, or pass --aws. If it runs on another port, pass --endpoint <url> or set SANDBOX_PORT.`,
    );
  });
});

describe('global options and usage errors', () => {
  it('--help shows the default webhook URL and endpoint', async () => {
    const run = await deployctl({}, '--help');
    expect(run.out.replace(/\s+/g, ' ')).toContain(
      '--webhook-url <url> GitHub webhook URL for push (default: http://127.0.0.1:$PORT/webhooks/github, PORT default 3000; with --aws: $WEBHOOK_URL)',
    );
    expect(run.out.replace(/\s+/g, ' ')).toContain('(default: http://127.0.0.1:$SANDBOX_PORT or :4566)');
  });

  it.each([
    [
      ['--endpoint', 'localhost:4566', 'executions'],
      '--endpoint must be an http:// or https:// URL, got "localhost:4566"',
    ],
    [
      ['--endpoint', 'not a url', 'executions'],
      '--endpoint must be a URL such as http://127.0.0.1:4566, got "not a url"',
    ],
    [
      ['--aws', '--endpoint', 'http://127.0.0.1:4566', 'executions'],
      '--aws and --endpoint cannot be used together: --aws talks to the real account, --endpoint to a sandbox.',
    ],
    [
      ['--aws', 'slack'],
      'This command works with the local sandbox only (it uses the sandbox control API); drop --aws.',
    ],
    [
      ['--aws', 'push', 'microblog'],
      "With --aws, push needs --webhook-url (your API's https://.../webhooks/github URL) or WEBHOOK_URL.",
    ],
  ])('%j', async (argv, message) => {
    const run = await deployctl(env, ...argv);
    expect(run).toEqual({ code: 1, out: '', err: message });
  });

  it('an unknown command or a missing argument is a usage error with a pointer to --help', async () => {
    const unknown = await deployctl(env, 'deploy');
    expect(unknown.code).toBe(1);
    // commander suggests the nearest command; `deploy` is close to `redeploy`.
    expect(unknown.err).toBe(
      "error: unknown command 'deploy'\n(Did you mean redeploy?)\n(run with --help for usage)",
    );
    const missing = await deployctl(env, 'show');
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^error: missing required argument 'execution'/);
  });

  it('--help for a command shows its examples and exits 0', async () => {
    const run = await deployctl(env, 'rollback', '--help');
    expect(run.code).toBe(0);
    expect(run.out).toContain('Examples:\n  $ deployctl rollback retail-bank');
    expect(run.out).toContain('marked rolled-back in the deploy history');
  });
});
