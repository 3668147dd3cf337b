/**
 * Property and fuzz tests: a signed delivery changed in any way is refused with 401 and starts
 * nothing; random deliveries (headers, bodies, encodings, API Gateway shapes) never get a 5xx;
 * no response or log line ever carries the secret.
 */
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { verify } from '@octokit/webhooks-methods';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { signatureFor } from '../../events/sign-delivery';
import { handleWebhook } from '../../functions/github-webhook/handle-webhook';
import { readApiGatewayEvent } from '../../functions/github-webhook/read-request';
import { checkSignature } from '../../functions/github-webhook/verify-signature';
import {
  captureOutput,
  deps,
  httpApiEvent,
  restApiEvent,
  SECRET,
  signedRequest,
  testLogger,
  type TestRequest,
} from './support';

const sfnMock = mockClient(SFNClient);

beforeEach(() => {
  sfnMock.reset();
  sfnMock.on(StartExecutionCommand).resolves({
    executionArn: 'arn:aws:states:eu-west-1:123456789012:execution:deploy-retail-bank:x',
    startDate: new Date(),
  });
});

const SAMPLES = [
  'push-retail-bank-main',
  'push-microblog-main',
  'push-form-encoded',
  'push-feature-branch',
  'push-tag',
  'push-branch-deleted',
  'push-skip-ci',
  'ping',
] as const;
const signed = fc
  .record({
    sample: fc.constantFrom(...SAMPLES),
    encoding: fc.constantFrom('json' as const, 'form' as const),
  })
  .map(({ sample, encoding }) => signedRequest(sample, { encoding }));

describe("GitHub's published test vector", () => {
  const secret = "It's a Secret to Everybody";
  const signature = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';

  test('verifies with the webhook check and with octokit directly', async () => {
    await expect(checkSignature(secret, Buffer.from('Hello, World!'), signature)).resolves.toEqual({
      valid: true,
      text: 'Hello, World!',
    });
    await expect(verify(secret, 'Hello, World!', signature)).resolves.toBe(true);
  });

  test('the sample signer produces the same signature', () => {
    expect(signatureFor(secret, 'Hello, World!')).toBe(signature);
  });

  test('a different payload or secret does not verify', async () => {
    await expect(checkSignature(secret, Buffer.from('Hello, World?'), signature)).resolves.toEqual({
      valid: false,
      reason: 'mismatch',
    });
    await expect(
      checkSignature("It's a secret to everybody", Buffer.from('Hello, World!'), signature),
    ).resolves.toEqual({ valid: false, reason: 'mismatch' });
  });
});

describe('tampering', () => {
  const bodyEdit = fc.oneof(
    fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
    fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
    }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 16 }) }),
    fc.record({ kind: fc.constant('whitespace' as const), at: fc.nat() }),
  );

  type BodyEdit = { kind: string; at: number; byte?: number; bytes?: Uint8Array; count?: number };

  function applyEdit(body: Buffer, edit: BodyEdit): Buffer {
    const at = edit.at % (body.length + 1);
    switch (edit.kind) {
      case 'set': {
        const copy = Buffer.from(body);
        if (at < copy.length) copy[at] = edit.byte!;
        return copy;
      }
      case 'insert':
        return Buffer.concat([body.subarray(0, at), Buffer.from(edit.bytes!), body.subarray(at)]);
      case 'delete':
        return Buffer.concat([body.subarray(0, at), body.subarray(at + edit.count!)]);
      default:
        return Buffer.concat([body.subarray(0, at), Buffer.from(' '), body.subarray(at)]);
    }
  }

  test('any change to the body of a signed delivery is refused with 401 and starts nothing', async () => {
    await fc.assert(
      fc.asyncProperty(signed, bodyEdit, async (request, edit) => {
        const body = applyEdit(request.body, edit);
        fc.pre(!body.equals(request.body));

        const response = await handleWebhook({ ...request, body }, deps());

        expect(response.statusCode).toBe(401);
        expect(sfnMock).not.toHaveReceivedCommand(StartExecutionCommand);
      }),
    );
  });

  const signatureEdit = fc.oneof(
    fc
      .record({ at: fc.nat(), char: fc.constantFrom(...'0123456789abcdefABCDEF=xs ') })
      .map(({ at, char }) => (s: string) => {
        const i = at % s.length;
        return s.slice(0, i) + char + s.slice(i + 1);
      }),
    fc.nat().map((n) => (s: string) => s.slice(0, n % s.length)),
    fc.string({ minLength: 1, maxLength: 4 }).map((extra) => (s: string) => s + extra),
    fc.constant((s: string) => s.toUpperCase()),
    fc.constant((s: string) => s.replace('sha256=', 'sha1=')),
    fc.constant((s: string) => s.replace('sha256=', '')),
    fc.string({ maxLength: 80 }).map((other) => () => other),
  );

  test('any change to the signature is refused with 401 and starts nothing', async () => {
    await fc.assert(
      fc.asyncProperty(signed, signatureEdit, async (request, edit) => {
        const original = request.headers['x-hub-signature-256']!;
        const changed = edit(original);
        fc.pre(changed.trim() !== original);

        const response = await handleWebhook(
          { ...request, headers: { ...request.headers, 'x-hub-signature-256': changed } },
          deps(),
        );

        expect(response.statusCode).toBe(401);
        expect(sfnMock).not.toHaveReceivedCommand(StartExecutionCommand);
      }),
    );
  });
});

describe('fuzzed deliveries', () => {
  const header = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.constantFrom('push', 'ping', 'issues', 'pull_request', '', ' push '),
  );
  const contentType = fc.option(
    fc.oneof(
      fc.constantFrom(
        'application/json',
        'application/json; charset=utf-8',
        'APPLICATION/JSON',
        'application/x-www-form-urlencoded',
        'text/plain',
        'multipart/form-data; boundary=x',
        '',
      ),
      fc.string({ maxLength: 30 }),
    ),
    { nil: undefined },
  );
  const rawBody = fc.oneof(
    fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
    fc.string({ maxLength: 300 }).map((s) => Buffer.from(s)),
    fc.json({ maxDepth: 4 }).map((s) => Buffer.from(s)),
    fc.json({ maxDepth: 3 }).map((s) => Buffer.from(new URLSearchParams({ payload: s }).toString())),
  );

  /** A push payload with random parts replaced: reaches decide() because it is signed. */
  const signedOddPush = fc
    .record({
      ref: fc.oneof(fc.constantFrom('refs/heads/main', 'refs/tags/v1', 'refs/heads/', 'main'), fc.anything()),
      after: fc.oneof(
        fc.constantFrom('7d2e9f1a3b5c7e9d1f3a5b7c9e1d3f5a7b9c1e3d', '0'.repeat(40), ''),
        fc.anything(),
      ),
      repository: fc.oneof(fc.constant({ full_name: 'example-org/retail-bank' }), fc.anything()),
      head_commit: fc.oneof(
        fc.constant({ id: 'x', message: 'msg', timestamp: '2025-05-02T11:13:58Z', author: { name: 'A' } }),
        fc.anything(),
      ),
      pusher: fc.anything(),
      deleted: fc.anything(),
      compare: fc.anything(),
    })
    .map((payload) => JSON.stringify(payload));

  const unsigned: fc.Arbitrary<TestRequest> = fc.record({
    method: fc.constantFrom('POST', 'POST', 'GET', 'PUT', 'post'),
    path: fc.constantFrom('/webhooks/github', '/webhooks/github', '/', '/webhooks/github/', '/x'),
    headers: fc
      .record(
        {
          'x-github-event': header,
          'x-github-delivery': fc.oneof(fc.uuid(), fc.string({ maxLength: 120 })),
          'x-hub-signature-256': fc.oneof(
            fc.string({ maxLength: 80 }),
            fc.stringMatching(/^sha256=[0-9a-f]{64}$/),
          ),
          'content-type': contentType,
        },
        { requiredKeys: [] },
      )
      .map(
        (h) =>
          Object.fromEntries(Object.entries(h).filter(([, v]) => v !== undefined)) as Record<string, string>,
      ),
    body: rawBody,
  });

  const signedFuzz: fc.Arbitrary<TestRequest> = fc
    .record({
      event: header,
      type: contentType,
      text: fc.oneof(
        signedOddPush,
        rawBody.map((b) => b.toString('utf8')),
      ),
      form: fc.boolean(),
    })
    .map(({ event, type, text, form }) => {
      const body = form ? new URLSearchParams({ payload: text }).toString() : text;
      const headers: Record<string, string> = {
        'x-github-event': event,
        'x-github-delivery': '5c1e7a40-2731-11f0-8b6a-3d2f9e4c1a77',
        'x-hub-signature-256': signatureFor(SECRET, body),
      };
      headers['content-type'] = type ?? (form ? 'application/x-www-form-urlencoded' : 'application/json');
      return { method: 'POST', path: '/webhooks/github', headers, body: Buffer.from(body) };
    });

  const expectSafe = (response: { statusCode: number; body: string; headers: Record<string, string> }) => {
    expect(response.statusCode).toBeGreaterThanOrEqual(200);
    expect(response.statusCode).toBeLessThan(500);
    expect(response.headers['content-type']).toBe('application/json');
    expect(() => JSON.parse(response.body)).not.toThrow();
    expect(response.body).not.toContain(SECRET);
  };

  test('unsigned random requests never get a 5xx and never start anything', async () => {
    await fc.assert(
      fc.asyncProperty(unsigned, async (request) => {
        expectSafe(await handleWebhook(request, deps()));
        expect(sfnMock).not.toHaveReceivedCommand(StartExecutionCommand);
      }),
      { numRuns: 300 },
    );
  });

  test('signed random payloads never get a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(signedFuzz, async (request) => {
        expectSafe(await handleWebhook(request, deps()));
      }),
      { numRuns: 300 },
    );
  });

  test('random API Gateway events (either payload version, any base64 flag) never get a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(unsigned, signedFuzz),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        async (request, v2, base64, garble) => {
          const event = v2 ? httpApiEvent(request, { base64 }) : restApiEvent(request, { base64 });
          // A body API Gateway marks as base64 but that is not: decoding must not throw.
          if (garble) event.body = `%%${event.body ?? ''}!!`;
          expectSafe(await handleWebhook(readApiGatewayEvent(event), deps()));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('the secret never leaves', () => {
  test('no response body or log line holds the secret or the commit message, whatever is sent', async () => {
    const logger = testLogger('DEBUG');
    const marker = 'Distinctive commit message 7f3a';
    const requests = [
      signedRequest('push-retail-bank-main', { message: marker }),
      signedRequest('push-retail-bank-main', { message: marker, secret: 'wrong' }),
      { ...signedRequest('push-retail-bank-main', { message: marker }), body: Buffer.from('{') },
      signedRequest('ping'),
      signedRequest('push-skip-ci'),
      {
        ...signedRequest('push-retail-bank-main'),
        headers: {
          ...signedRequest('push-retail-bank-main').headers,
          'x-hub-signature-256': `sha256=${SECRET}`,
        },
      },
    ];

    const { result, lines } = await captureOutput(async () => {
      const responses = [];
      for (const request of requests) responses.push(await handleWebhook(request, deps({ logger })));
      sfnMock
        .on(StartExecutionCommand)
        .rejects(Object.assign(new Error(`boom ${SECRET.slice(0, 3)}`), { name: 'ThrottlingException' }));
      responses.push(
        await handleWebhook(signedRequest('push-retail-bank-main', { message: marker }), deps({ logger })),
      );
      const failing = {
        get: async () => Promise.reject(new Error('GITHUB_WEBHOOK_SECRET is not set')),
        ageMs: () => 0,
      };
      responses.push(await handleWebhook(signedRequest('ping'), deps({ logger, secret: failing })));
      return responses;
    });

    expect(result.map((r) => r.statusCode)).toEqual([202, 401, 401, 200, 202, 401, 503, 500]);
    expect(lines.split('\n').filter(Boolean).length).toBeGreaterThanOrEqual(8);
    for (const text of [lines, ...result.map((r) => r.body)]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(marker);
    }
    // Correlation keys are on every line of a delivery.
    expect(lines).toContain('"deliveryId":"5c1e7a40-2731-11f0-8b6a-3d2f9e4c1a77"');
    expect(lines).toContain('"repository":"example-org/retail-bank"');
    expect(lines).toContain('"commitSha":"7d2e9f1a3b5c7e9d1f3a5b7c9e1d3f5a7b9c1e3d"');
  });
});
