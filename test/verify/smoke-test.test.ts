import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verify } from '../../functions/verify/handler';
import { runSmokeTest, smokeTestUrl, type SmokeTestSettings } from '../../functions/verify/smoke-test';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';

interface Reply {
  status: number;
  body: string;
  delayMs?: number;
}

let server: Server;
let baseUrl: string;
let replies: Reply[];
let requests: string[];

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const reply = replies.shift() ?? { status: 200, body: 'ok' };
    const timer = setTimeout(() => {
      res.writeHead(reply.status, { 'content-type': 'text/plain' });
      res.end(reply.body);
    }, reply.delayMs ?? 0);
    res.on('close', () => clearTimeout(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  replies = [];
  requests = [];
  delete process.env.SMOKE_TEST_URL_OVERRIDE_RETAIL_BANK;
  delete process.env.SMOKE_TEST_BACKOFF_MS;
});

const settings = (overrides: Partial<SmokeTestSettings> = {}): SmokeTestSettings => ({
  url: 'unused',
  expectStatus: 200,
  attempts: 3,
  timeoutSeconds: 5,
  ...overrides,
});
const recordSleeps = () => {
  const sleeps: number[] = [];
  return { sleeps, sleep: async (ms: number) => void sleeps.push(ms) };
};
const deps = (sleep: (ms: number) => Promise<void>) => ({ cloudWatch: new CloudWatchClient({}), sleep });

describe('smoke test against a real HTTP server', () => {
  test('the handler tests the override URL with the pipeline settings (status 200, body contains "ok")', async () => {
    // Prepare
    process.env.SMOKE_TEST_URL_OVERRIDE_RETAIL_BANK = `${baseUrl}/health`;
    replies = [{ status: 200, body: '{"status":"ok"}' }];

    // Act
    const result = await verify(
      { action: 'smokeTest', pipeline: 'retail-bank' },
      deps(async () => {}),
    );

    // Assess
    expect(result).toEqual({
      passed: true,
      url: `${baseUrl}/health`,
      attempts: [{ status: 200, latencyMs: expect.any(Number) }],
    });
    expect(requests).toEqual(['GET /health']);
  });

  test('retries after a bad status, pausing with the configured backoff', async () => {
    // Prepare
    process.env.SMOKE_TEST_URL_OVERRIDE_RETAIL_BANK = `${baseUrl}/health`;
    process.env.SMOKE_TEST_BACKOFF_MS = '250';
    replies = [
      { status: 503, body: 'starting' },
      { status: 200, body: 'ok' },
    ];
    const { sleeps, sleep } = recordSleeps();

    // Act
    const result = await verify({ action: 'smokeTest', pipeline: 'retail-bank' }, deps(sleep));

    // Assess
    expect(result).toMatchObject({
      passed: true,
      attempts: [{ status: 503, error: 'expected status 200, got 503' }, { status: 200 }],
    });
    expect(sleeps).toEqual([250]);
  });

  test('every attempt failing is SmokeTestFailedError summarising each attempt', async () => {
    // Prepare
    replies = [
      { status: 500, body: 'boom' },
      { status: 200, body: 'degraded' },
      { status: 404, body: 'gone' },
    ];

    // Act
    const error = await runSmokeTest(`${baseUrl}/`, settings({ bodyContains: 'ok' }), {
      sleep: async () => {},
    }).catch((e: Error) => e);

    // Assess
    expect(error).toMatchObject({ name: 'SmokeTestFailedError' });
    expect((error as Error).message).toMatch(
      new RegExp(
        `^smoke test of ${baseUrl}/ failed after 3 attempt\\(s\\): #1 500 in \\d+ ms: expected status 200, got 500; #2 200 in \\d+ ms: body does not contain "ok"; #3 404 in \\d+ ms: expected status 200, got 404$`,
      ),
    );
  });

  test('a slow answer is a timed-out attempt', async () => {
    replies = [{ status: 200, body: 'ok', delayMs: 3000 }];
    const error = await runSmokeTest(`${baseUrl}/slow`, settings({ attempts: 1, timeoutSeconds: 1 })).catch(
      (e: Error) => e,
    );
    expect((error as Error).message).toMatch(/#1 no response in \d+ ms: timed out after 1 s/);
  });

  test('a refused connection is reported by its code', async () => {
    // Prepare: a port that was just free
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    // Act
    const error = await runSmokeTest(`http://127.0.0.1:${port}/`, settings({ attempts: 2 }), {
      sleep: async () => {},
    }).catch((e: Error) => e);

    // Assess
    expect((error as Error).message).toMatch(
      /#1 no response in \d+ ms: request failed: ECONNREFUSED; #2 no response/,
    );
  });

  test('the pause doubles between attempts and stops growing at 10 s', async () => {
    replies = Array.from({ length: 7 }, () => ({ status: 502, body: '' }));
    const { sleeps, sleep } = recordSleeps();
    await expect(
      runSmokeTest(`${baseUrl}/`, settings({ attempts: 7 }), { backoffMs: 1000, sleep }),
    ).rejects.toMatchObject({ name: 'SmokeTestFailedError' });
    expect(sleeps).toEqual([1000, 2000, 4000, 8000, 10000, 10000]);
  });

  test('the override variable is named after the pipeline in upper snake case', () => {
    expect(
      smokeTestUrl('retail-bank', 'https://a', {
        SMOKE_TEST_URL_OVERRIDE_RETAIL_BANK: 'http://127.0.0.1:9/x',
      }),
    ).toBe('http://127.0.0.1:9/x');
    expect(smokeTestUrl('retail-bank', 'https://a', { SMOKE_TEST_URL_OVERRIDE_MICROBLOG: 'http://x' })).toBe(
      'https://a',
    );
  });

  test('a bad SMOKE_TEST_BACKOFF_MS is a clear error', async () => {
    process.env.SMOKE_TEST_BACKOFF_MS = 'soon';
    await expect(
      verify(
        { action: 'smokeTest', pipeline: 'retail-bank' },
        deps(async () => {}),
      ),
    ).rejects.toThrow('SMOKE_TEST_BACKOFF_MS must be a whole number from 0 to 10000, got "soon"');
  });
});
