/**
 * Fuzzed deliveries through the sandbox's HTTP API (the local API Gateway in front of the real
 * webhook Lambda handler), on loopback: random methods, paths, headers, bodies and encodings.
 * No request gets a 5xx; nothing without a valid signature starts an execution; every error
 * answer is JSON with an `error` field. (Handler-level fuzzing lives in test/github-webhook.)
 */
import fc from 'fast-check';
import { signatureFor, signDelivery } from '../../events/sign-delivery';
import { startSandbox, type Sandbox } from '../../local/sandbox';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ sandboxPort: 0, port: 0, speedup: 1000, log: false });
});

afterAll(async () => {
  await sandbox?.stop();
});

const executions = () => sandbox.engine.executions.size;

async function send(
  method: string,
  path: string,
  headers: Record<string, string>,
  body: Uint8Array | string | undefined,
) {
  const url = new URL(path, sandbox.urls.webhook);
  const response = await fetch(url, {
    method,
    headers,
    ...(body !== undefined && method !== 'GET' && method !== 'HEAD' ? { body } : {}),
  });
  const text = await response.text();
  return { status: response.status, text, type: response.headers.get('content-type') ?? '' };
}

const headerValue = fc.string({ maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e]/g, ''));
const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/x-www-form-urlencoded',
  'text/plain',
  'multipart/form-data; boundary=x',
  '',
  'application/json; charset=latin1',
);
const event = fc.oneof(
  fc.constantFrom(
    'push',
    'ping',
    'pull_request',
    'PUSH',
    '',
    'push\u0000'.replace('\u0000', ''),
    'workflow_run',
  ),
  headerValue,
);
const path = fc.constantFrom(
  '/webhooks/github',
  '/webhooks/github/',
  '/webhooks/GitHub',
  '/webhooks/github?x=1',
  '/',
  '/webhooks',
  '/approvals/abc',
  '/approvals/../webhooks/github',
  '/%2e%2e/webhooks/github',
);
const method = fc.constantFrom('POST', 'GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD');
const body = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc.string({ maxLength: 300 }),
  fc.json({ maxDepth: 3 }),
  fc.constantFrom(
    'payload=%7B%7D',
    'payload=',
    'payload=%7B&payload=%7D',
    '{"ref":"refs/heads/main"}',
    '\ufeff{}',
    '[]',
    'null',
  ),
);

/** Never a 5xx; webhook refusals are JSON (approval pages are HTML for people, by design). */
function expectJsonAnswer(
  answer: { status: number; text: string; type: string },
  method: string,
  path = '/webhooks/github',
): void {
  expect(answer.status).toBeLessThan(500);
  if (
    answer.status >= 400 &&
    method !== 'HEAD' &&
    !new URL(path, 'http://x').pathname.startsWith('/approvals/')
  ) {
    expect(answer.type).toMatch(/application\/json/);
    expect(JSON.parse(answer.text)).toHaveProperty('error');
  }
}

describe('fuzzed deliveries over HTTP', () => {
  test('unsigned (or wrongly signed) random requests: never a 5xx, never an execution', async () => {
    await fc.assert(
      fc.asyncProperty(
        method,
        path,
        contentType,
        event,
        body,
        fc.option(fc.oneof(headerValue, fc.constant(`sha256=${'0'.repeat(64)}`))),
        async (m, p, type, e, b, signature) => {
          const before = executions();
          const headers: Record<string, string> = {
            'content-type': type,
            'x-github-event': e,
            'x-github-delivery': 'fuzz-0001',
          };
          if (signature !== null) headers['x-hub-signature-256'] = signature;
          const answer = await send(m, p, headers, b);
          expectJsonAnswer(answer, m, p);
          expect(executions()).toBe(before);
        },
      ),
      { numRuns: 150 },
    );
  });

  test('correctly signed random bodies and headers: never a 5xx; only real pushes to main start anything', async () => {
    await fc.assert(
      fc.asyncProperty(
        contentType,
        event,
        body,
        fc.constantFrom('fuzz-1', 'fuzz-2', '', 'x'.repeat(120), '../../etc'),
        async (type, e, b, delivery) => {
          const bytes = typeof b === 'string' ? Buffer.from(b) : Buffer.from(b);
          const headers = {
            'content-type': type,
            'x-github-event': e,
            'x-github-delivery': delivery,
            'x-hub-signature-256': signatureFor(sandbox.webhookSecret, bytes),
          };
          const before = executions();
          const answer = await send('POST', '/webhooks/github', headers, bytes);
          expectJsonAnswer(answer, 'POST');
          if (answer.status !== 202 || !answer.text.includes('"started"')) expect(executions()).toBe(before);
        },
      ),
      { numRuns: 150 },
    );
  });

  test('encodings: latin1 bytes, a BOM, a form body, base64 text, gzip headers', async () => {
    const secret = sandbox.webhookSecret;
    const sample = signDelivery('push-feature-branch', { secret, message: 'Café déjà vu ✓' });
    const latin1 = Buffer.from(sample.body, 'latin1');
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(sample.body)]);
    const cases: { name: string; headers: Record<string, string>; body: Buffer; expected: number[] }[] = [
      {
        name: 'non-UTF-8 bytes, signed',
        headers: { ...sample.headers, 'X-Hub-Signature-256': signatureFor(secret, latin1) },
        body: latin1,
        expected: [401],
      },
      {
        name: 'UTF-8 with a BOM, signed',
        headers: { ...sample.headers, 'X-Hub-Signature-256': signatureFor(secret, bom) },
        body: bom,
        expected: [202, 400],
      },
      {
        name: 'form encoded',
        headers: signDelivery('push-feature-branch', { secret, encoding: 'form' }).headers,
        body: Buffer.from(signDelivery('push-feature-branch', { secret, encoding: 'form' }).body),
        expected: [202],
      },
      {
        name: 'base64 text of a delivery, signed as sent',
        headers: {
          ...sample.headers,
          'X-Hub-Signature-256': signatureFor(secret, Buffer.from(sample.body).toString('base64')),
        },
        body: Buffer.from(Buffer.from(sample.body).toString('base64')),
        expected: [400],
      },
      {
        name: 'claims gzip but is plain',
        headers: { ...sample.headers, 'Content-Encoding': 'gzip' },
        body: Buffer.from(sample.body),
        expected: [202, 400, 415],
      },
    ];
    for (const c of cases) {
      const before = executions();
      const answer = await send('POST', '/webhooks/github', c.headers, c.body);
      expect({ name: c.name, allowed: c.expected.includes(answer.status), status: answer.status }).toEqual({
        name: c.name,
        allowed: true,
        status: answer.status,
      });
      expect(executions()).toBe(before);
    }
  });
});
