import {
  SFNClient,
  StartExecutionCommand,
  ExecutionAlreadyExists,
  StateMachineDoesNotExist,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { signDelivery } from '../../events/sign-delivery';
import type { PipelineInput } from '../../functions/commons/types/pipeline-input';
import { handleWebhook } from '../../functions/github-webhook/handle-webhook';
import { normaliseHeaders, type WebhookRequest } from '../../functions/github-webhook/read-request';
import { arnFor, captureOutput, deps, ROUTES, SECRET, signedRequest, testLogger } from './support';

const sfnMock = mockClient(SFNClient);
const RETAIL_SHA = '7d2e9f1a3b5c7e9d1f3a5b7c9e1d3f5a7b9c1e3d';

beforeEach(() => {
  sfnMock.reset();
  sfnMock.on(StartExecutionCommand).callsFake((input: { stateMachineArn: string; name: string }) => ({
    executionArn: `${input.stateMachineArn.replace(':stateMachine:', ':execution:')}:${input.name}`,
    startDate: new Date(),
  }));
});

const body = (response: { body: string }) => JSON.parse(response.body) as Record<string, unknown>;

describe('pushes that start a pipeline', () => {
  test('push to main of retail-bank starts deploy-retail-bank with the exact PipelineInput', async () => {
    // Prepare
    const request = signedRequest('push-retail-bank-main');

    // Act
    const response = await handleWebhook(request, deps());

    // Assess
    expect(response.statusCode).toBe(202);
    expect(response.headers['content-type']).toBe('application/json');
    const started = body(response);
    expect(started.status).toBe('started');
    expect(sfnMock).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
    const call = sfnMock.commandCalls(StartExecutionCommand)[0]!.args[0].input;
    expect(call.stateMachineArn).toBe(arnFor('retail-bank'));
    expect(call.name).toMatch(/^retail-bank-7d2e9f1a3b5c-[0-9a-f]{16}$/);
    const input = JSON.parse(call.input!) as PipelineInput;
    expect(input).toStrictEqual({
      pipeline: 'retail-bank',
      repository: 'example-org/retail-bank',
      commitSha: RETAIL_SHA,
      ref: 'refs/heads/main',
      branch: 'main',
      commitMessage:
        'Add transfer limits endpoint\n\nValidates the daily limit per account and returns 422 with a reason.',
      commitAuthor: 'Alice Developer',
      commitTimestamp: '2025-05-02T11:13:58+02:00',
      pusher: 'alice-dev',
      compareUrl: 'https://github.com/example-org/retail-bank/compare/4a1f0c2e9b7d...7d2e9f1a3b5c',
      deliveryId: '5c1e7a40-2731-11f0-8b6a-3d2f9e4c1a77',
      receivedAt: '2025-05-02T09:15:00.000Z',
      beforeSha: '4a1f0c2e9b7d3a5c8e6f1b0d2c4a6e8f0b1d3c5e',
    });
    expect(started.executions).toStrictEqual([
      {
        pipeline: 'retail-bank',
        name: call.name,
        executionArn: `arn:aws:states:eu-west-1:123456789012:execution:deploy-retail-bank:${call.name}`,
      },
    ]);
  });

  test('push to main of microblog starts deploy-microblog', async () => {
    const response = await handleWebhook(signedRequest('push-microblog-main'), deps());

    expect(response.statusCode).toBe(202);
    expect(sfnMock).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: arnFor('microblog'),
    });
  });

  test('a form-encoded delivery (payload=) is parsed like JSON', async () => {
    const request = signedRequest('push-form-encoded');
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');

    const response = await handleWebhook(request, deps());

    expect(response.statusCode).toBe(202);
    const input = JSON.parse(
      sfnMock.commandCalls(StartExecutionCommand)[0]!.args[0].input.input!,
    ) as PipelineInput;
    expect(input.commitMessage).toBe('Fix avatar size on the user page');
  });

  test('the sample JSON push sent form-encoded starts the same pipeline', async () => {
    const response = await handleWebhook(
      signedRequest('push-retail-bank-main', { encoding: 'form' }),
      deps(),
    );
    expect(response.statusCode).toBe(202);
  });

  test('repository match is case-insensitive', async () => {
    const request = signedRequest('push-retail-bank-main', {
      edit: (b) => ((b.repository as Record<string, unknown>).full_name = 'Example-Org/Retail-Bank'),
    });
    const response = await handleWebhook(request, deps());
    expect(response.statusCode).toBe(202);
  });

  test('one repository feeding two pipelines starts both', async () => {
    const routes = [
      ...ROUTES,
      {
        pipeline: 'retail-bank-eu',
        repository: 'example-org/retail-bank',
        branch: 'main',
        stateMachineArn: arnFor('retail-bank-eu'),
      },
    ];

    const response = await handleWebhook(signedRequest('push-retail-bank-main'), deps({ routes }));

    expect(response.statusCode).toBe(202);
    expect(sfnMock).toHaveReceivedCommandTimes(StartExecutionCommand, 2);
    expect((body(response).executions as { pipeline: string }[]).map((e) => e.pipeline).sort()).toEqual([
      'retail-bank',
      'retail-bank-eu',
    ]);
  });

  test('a long commit message is trimmed to 1000 characters', async () => {
    const response = await handleWebhook(
      signedRequest('push-retail-bank-main', { message: `Subject\n\n${'x'.repeat(5000)}` }),
      deps(),
    );
    expect(response.statusCode).toBe(202);
    const input = JSON.parse(
      sfnMock.commandCalls(StartExecutionCommand)[0]!.args[0].input.input!,
    ) as PipelineInput;
    expect(input.commitMessage).toHaveLength(1000);
  });

  test('routes given as a function are read per request', async () => {
    const response = await handleWebhook(
      signedRequest('push-retail-bank-main'),
      deps({ routes: () => ROUTES }),
    );
    expect(response.statusCode).toBe(202);
  });
});

describe('redeliveries', () => {
  test('ExecutionAlreadyExists answers 202 duplicate naming the existing execution', async () => {
    sfnMock
      .on(StartExecutionCommand)
      .rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }));

    const response = await handleWebhook(signedRequest('push-retail-bank-main'), deps());

    expect(response.statusCode).toBe(202);
    const answer = body(response);
    expect(answer.status).toBe('duplicate');
    const [execution] = answer.executions as { executionArn: string; name: string; pipeline: string }[];
    expect(execution!.executionArn).toBe(
      `arn:aws:states:eu-west-1:123456789012:execution:deploy-retail-bank:${execution!.name}`,
    );
  });

  test('one execution name per commit: a redelivery and another hook delivering the same push share it', async () => {
    await handleWebhook(signedRequest('push-retail-bank-main'), deps());
    await handleWebhook(signedRequest('push-retail-bank-main'), deps());
    await handleWebhook(
      signedRequest('push-retail-bank-main', { deliveryId: 'c0ffee00-0000-11f0-8000-000000000001' }),
      deps(),
    );

    const names = sfnMock.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name);
    expect(names[0]).toBe(names[1]);
    expect(names[2]).toBe(names[0]);
  });

  test('a redelivery after a partial failure starts the rest and flags the existing one', async () => {
    const routes = [
      ...ROUTES,
      {
        pipeline: 'retail-bank-eu',
        repository: 'example-org/retail-bank',
        branch: 'main',
        stateMachineArn: arnFor('retail-bank-eu'),
      },
    ];
    sfnMock
      .on(StartExecutionCommand, { stateMachineArn: arnFor('retail-bank') })
      .rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));

    const response = await handleWebhook(signedRequest('push-retail-bank-main'), deps({ routes }));

    expect(response.statusCode).toBe(202);
    const executions = body(response).executions as { pipeline: string; duplicate?: boolean }[];
    expect(executions.find((e) => e.pipeline === 'retail-bank')?.duplicate).toBe(true);
    expect(executions.find((e) => e.pipeline === 'retail-bank-eu')?.duplicate).toBeUndefined();
  });
});

describe('Step Functions failures', () => {
  test('throttling answers 503 so GitHub shows a failure that can be redelivered', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 400 },
    });
    sfnMock.on(StartExecutionCommand).rejects(throttled);

    const response = await handleWebhook(signedRequest('push-retail-bank-main'), deps());

    expect(response.statusCode).toBe(503);
    expect(body(response).error).toMatch(/redeliver/);
  });

  test('a network failure answers 503', async () => {
    sfnMock
      .on(StartExecutionCommand)
      .rejects(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4566'), { code: 'ECONNREFUSED' }));
    expect((await handleWebhook(signedRequest('push-retail-bank-main'), deps())).statusCode).toBe(503);
  });

  test('a missing state machine answers 502 with a generic message', async () => {
    sfnMock.on(StartExecutionCommand).rejects(
      new StateMachineDoesNotExist({
        message: `State Machine Does Not Exist: '${arnFor('retail-bank')}'`,
        $metadata: { httpStatusCode: 400 },
      }),
    );

    const response = await handleWebhook(signedRequest('push-retail-bank-main'), deps());

    expect(response.statusCode).toBe(502);
    expect(response.body).not.toContain('arn:');
    expect(body(response).error).toBe('could not start the pipeline');
  });

  test('a Step Functions 500 answers 503', async () => {
    sfnMock.on(StartExecutionCommand).rejects(
      Object.assign(new Error('internal'), {
        name: 'InternalServerError',
        $metadata: { httpStatusCode: 500 },
      }),
    );
    expect((await handleWebhook(signedRequest('push-retail-bank-main'), deps())).statusCode).toBe(503);
  });
});

describe('deliveries that are ignored with a reason', () => {
  test.each([
    ['push-feature-branch', {}, 'branch is not configured for this repository'],
    ['push-tag', {}, 'tag push'],
    ['push-branch-deleted', {}, 'branch or tag deletion'],
    ['push-skip-ci', {}, 'head commit says [skip ci]'],
    ['push-retail-bank-main', { message: 'Bump version [CI SKIP]' }, 'head commit says [ci skip]'],
    ['push-retail-bank-main', { message: 'Docs [no ci]' }, 'head commit says [no ci]'],
    ['push-retail-bank-main', { message: 'Docs [skip actions]' }, 'head commit says [skip actions]'],
    ['push-retail-bank-main', { message: 'Docs [Actions Skip]' }, 'head commit says [actions skip]'],
    [
      'push-retail-bank-main',
      { message: 'Update docs\n\nMore words.\n\nskip-checks: true' },
      'head commit says skip-checks: true',
    ],
    [
      'push-retail-bank-main',
      { message: 'Update docs\n\n\nSKIP-CHECKS:TRUE\n' },
      'head commit says skip-checks: true',
    ],
  ] as const)('%s %j -> %s', async (sample, options, reason) => {
    const response = await handleWebhook(signedRequest(sample, options), deps());

    expect(response.statusCode).toBe(202);
    expect(body(response)).toEqual({ status: 'ignored', reason });
    expect(sfnMock).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  test('after all zeros without deleted:true is a deletion too', async () => {
    const request = signedRequest('push-retail-bank-main', { sha: '0'.repeat(40) });
    expect(body(await handleWebhook(request, deps()))).toEqual({
      status: 'ignored',
      reason: 'branch or tag deletion',
    });
  });

  test('skip-checks in the subject line is not a trailer', async () => {
    const response = await handleWebhook(
      signedRequest('push-retail-bank-main', { message: 'skip-checks: true' }),
      deps(),
    );
    expect(response.statusCode).toBe(202);
    expect(body(response).status).toBe('started');
  });

  test('an unknown repository', async () => {
    const request = signedRequest('push-retail-bank-main', {
      edit: (b) => ((b.repository as Record<string, unknown>).full_name = 'someone/else'),
    });
    expect(body(await handleWebhook(request, deps()))).toEqual({
      status: 'ignored',
      reason: 'repository is not configured',
    });
  });

  test('other events', async () => {
    const { headers, body: text } = signDelivery('ping', { secret: SECRET });
    const issues: WebhookRequest = {
      method: 'POST',
      path: '/webhooks/github',
      headers: { ...normaliseHeaders(headers), 'x-github-event': 'issues' },
      body: Buffer.from(text),
    };

    const response = await handleWebhook(issues, deps());

    expect(response.statusCode).toBe(202);
    expect(body(response)).toEqual({ status: 'ignored', reason: 'event "issues" is not handled' });
  });

  test('a non-branch ref', async () => {
    const request = signedRequest('push-retail-bank-main', { edit: (b) => (b.ref = 'refs/notes/commits') });
    expect(body(await handleWebhook(request, deps()))).toEqual({
      status: 'ignored',
      reason: 'not a branch push',
    });
  });
});

describe('ping', () => {
  test('answers 200 with the zen and hook id', async () => {
    const response = await handleWebhook(signedRequest('ping'), deps());

    expect(response.statusCode).toBe(200);
    expect(body(response)).toEqual({ status: 'pong', zen: 'Keep it logically awesome.', hookId: 512345678 });
    expect(sfnMock).not.toHaveReceivedCommand(StartExecutionCommand);
  });
});

describe('refusals', () => {
  test('401 when the signature header is missing', async () => {
    const request = signedRequest('push-retail-bank-main');
    delete request.headers['x-hub-signature-256'];

    const response = await handleWebhook(request, deps());

    expect(response.statusCode).toBe(401);
    expect(body(response)).toEqual({
      error: 'invalid signature',
      message: 'X-Hub-Signature-256 header is missing',
    });
  });

  test('401 when signed with another secret, before the body is parsed', async () => {
    const { headers } = signDelivery('push-retail-bank-main', { secret: 'another-secret' });
    const request: WebhookRequest = {
      method: 'POST',
      path: '/webhooks/github',
      headers: normaliseHeaders(headers),
      body: Buffer.from('{not json'),
    };

    const response = await handleWebhook(request, deps());

    expect(response.statusCode).toBe(401);
    expect(sfnMock).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  test('401 for the legacy sha1 signature alone', async () => {
    const request = signedRequest('push-retail-bank-main');
    delete request.headers['x-hub-signature-256'];
    expect(request.headers['x-hub-signature']).toMatch(/^sha1=/);
    expect((await handleWebhook(request, deps())).statusCode).toBe(401);
  });

  test('401 for a signature that is not sha256=<64 hex>', async () => {
    const request = signedRequest('push-retail-bank-main');
    request.headers['x-hub-signature-256'] = 'sha256=nothex';
    expect((await handleWebhook(request, deps())).statusCode).toBe(401);
  });

  test('401 for bytes that are not UTF-8 (GitHub never sends them)', async () => {
    const request = signedRequest('push-retail-bank-main');
    const bytes = Buffer.concat([request.body, Buffer.from([0xff])]);
    const { createHmac } = await import('node:crypto');
    request.headers['x-hub-signature-256'] =
      `sha256=${createHmac('sha256', SECRET).update(bytes).digest('hex')}`;
    expect((await handleWebhook({ ...request, body: bytes }, deps())).statusCode).toBe(401);
  });

  test('400 when X-GitHub-Event is missing', async () => {
    const request = signedRequest('push-retail-bank-main');
    delete request.headers['x-github-event'];

    const response = await handleWebhook(request, deps());

    expect(response.statusCode).toBe(400);
    expect(body(response).message).toMatch(/X-GitHub-Event/);
  });

  test('400 when X-GitHub-Delivery is missing', async () => {
    const request = signedRequest('push-retail-bank-main');
    delete request.headers['x-github-delivery'];
    expect((await handleWebhook(request, deps())).statusCode).toBe(400);
  });

  test.each([
    ['bad JSON', 'application/json', '{"ref": "refs/heads/main",', /not valid JSON/],
    ['a JSON array', 'application/json', '[1,2,3]', /JSON object/],
    ['a form body without payload', 'application/x-www-form-urlencoded', 'other=1', /exactly one payload/],
    [
      'a form payload that is not JSON',
      'application/x-www-form-urlencoded',
      'payload=%7Bnope',
      /payload field is not valid JSON/,
    ],
    ['an unsupported content type', 'text/plain', '{}', /unsupported content type/],
    ['no content type', undefined, '{}', /content-type header is missing/],
  ])('400 for %s', async (_what, contentType, text, message) => {
    const { headers } = signDelivery('push-retail-bank-main', { secret: SECRET });
    const normalised = normaliseHeaders({ ...headers, 'Content-Type': contentType });
    const { createHmac } = await import('node:crypto');
    normalised['x-hub-signature-256'] = `sha256=${createHmac('sha256', SECRET).update(text).digest('hex')}`;

    const response = await handleWebhook(
      { method: 'POST', path: '/webhooks/github', headers: normalised, body: Buffer.from(text) },
      deps(),
    );

    expect(response.statusCode).toBe(400);
    expect(body(response).message).toMatch(message);
  });

  test.each([
    ['ref', (b: Record<string, unknown>) => delete b.ref, /ref/],
    ['repository', (b: Record<string, unknown>) => delete b.repository, /repository.full_name/],
    ['after', (b: Record<string, unknown>) => (b.after = 42), /after/],
    ['head_commit', (b: Record<string, unknown>) => (b.head_commit = null), /head_commit/],
    ['a commit sha', (b: Record<string, unknown>) => (b.after = 'not-a-sha'), /commit sha/],
  ])('400 for a push without %s', async (_what, edit, message) => {
    const response = await handleWebhook(signedRequest('push-retail-bank-main', { edit }), deps());

    expect(response.statusCode).toBe(400);
    expect(body(response).message).toMatch(message);
    expect(sfnMock).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  test('413 over the body limit, before the signature is checked', async () => {
    const get = jest.fn(async () => SECRET);
    const response = await handleWebhook(
      signedRequest('push-retail-bank-main'),
      deps({ maxBodyBytes: 1024, secret: { get, ageMs: () => 0 } }),
    );

    expect(response.statusCode).toBe(413);
    expect(get).not.toHaveBeenCalled();
  });

  test.each(['GET', 'PUT', 'DELETE', 'get'])('405 for %s', async (method) => {
    const response = await handleWebhook({ ...signedRequest('ping'), method }, deps());
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe('POST');
  });

  test.each(['/', '/webhooks', '/webhooks/gitlab', '/webhooks/github/extra'])('404 for %s', async (path) => {
    const response = await handleWebhook({ ...signedRequest('ping'), path }, deps());
    expect(response.statusCode).toBe(404);
    expect(body(response)).toEqual({ error: 'not found' });
  });

  test('a trailing slash is the same path', async () => {
    expect(
      (await handleWebhook({ ...signedRequest('ping'), path: '/webhooks/github/' }, deps())).statusCode,
    ).toBe(200);
  });
});

describe('configuration mistakes', () => {
  test('no secret configured: 500 with a generic error', async () => {
    const secret = {
      get: async () =>
        Promise.reject(
          Object.assign(new Error('neither X nor Y is set'), { name: 'SecretUnavailableError' }),
        ),
      ageMs: () => 0,
    };

    const response = await handleWebhook(signedRequest('push-retail-bank-main'), deps({ secret }));

    expect(response.statusCode).toBe(500);
    expect(body(response)).toEqual({ error: 'webhook is not configured' });
  });

  test('broken routes: 500 with a generic error, nothing started', async () => {
    const routes = () => {
      throw new Error('PIPELINE_ROUTES is not set');
    };

    const response = await handleWebhook(signedRequest('push-retail-bank-main'), deps({ routes }));

    expect(response.statusCode).toBe(500);
    expect(body(response)).toEqual({ error: 'webhook is not configured' });
    expect(sfnMock).not.toHaveReceivedCommand(StartExecutionCommand);
  });
});

describe('called from a plain Node HTTP server (as the local sandbox does)', () => {
  test('raw headers of any case and the raw body bytes work as received', async () => {
    // Prepare
    const { createServer } = await import('node:http');
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        void handleWebhook(
          {
            method: req.method ?? 'GET',
            path: req.url ?? '/',
            headers: req.headers,
            body: Buffer.concat(chunks),
          },
          deps(),
        ).then((answer) => {
          res.writeHead(answer.statusCode, answer.headers).end(answer.body);
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const { headers, body: text } = signDelivery('push-microblog-main', { secret: SECRET });

    try {
      // Act
      const response = await fetch(`http://127.0.0.1:${port}/webhooks/github`, {
        method: 'POST',
        headers,
        body: text,
      });

      // Assess
      expect(response.status).toBe(202);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(((await response.json()) as { status: string }).status).toBe('started');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('header names in any case and repeated headers as arrays', async () => {
    const { headers, body: text } = signDelivery('ping', { secret: SECRET });
    const mixed = { ...headers, Accept: ['*/*', 'application/json'], 'X-GITHUB-EVENT': undefined };

    const response = await handleWebhook(
      { method: 'post', path: '/webhooks/github', headers: mixed, body: Buffer.from(text) },
      deps(),
    );

    expect(response.statusCode).toBe(200);
  });
});

describe('log lines of one delivery (a shared logger, as in a warm Lambda or the sandbox)', () => {
  test('each line carries its own delivery keys, even for deliveries handled at once', async () => {
    // Prepare: one logger for every delivery; a slow StartExecution so the two overlap.
    const logger = testLogger('DEBUG');
    const child = jest.spyOn(logger, 'createChild');
    sfnMock.on(StartExecutionCommand).callsFake(async (input: { stateMachineArn: string; name: string }) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return {
        executionArn: `${input.stateMachineArn.replace(':stateMachine:', ':execution:')}:${input.name}`,
      };
    });
    const first = signedRequest('push-retail-bank-main', { deliveryId: 'delivery-one' });
    const second = signedRequest('push-microblog-main', { deliveryId: 'delivery-two' });

    // Act
    const { lines } = await captureOutput(() =>
      Promise.all([handleWebhook(first, deps({ logger })), handleWebhook(second, deps({ logger }))]),
    );

    // Assess: no logger is built per delivery, and no line mixes the two deliveries' keys.
    expect(child).not.toHaveBeenCalled();
    const logged = lines
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.message === 'pipelines started');
    expect(
      logged
        .map(({ deliveryId, repository }) => ({ deliveryId, repository }))
        .sort((a, b) => String(a.deliveryId).localeCompare(String(b.deliveryId))),
    ).toEqual([
      { deliveryId: 'delivery-one', repository: 'example-org/retail-bank' },
      { deliveryId: 'delivery-two', repository: 'example-org/microblog' },
    ]);
    expect(logged.every((line) => typeof line.commitSha === 'string' && line.event === 'push')).toBe(true);
  });
});
