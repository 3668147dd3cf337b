import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { handler, maxBodyBytes } from '../../functions/github-webhook/handler';
import { arnFor, captureOutput, httpApiEvent, restApiEvent, ROUTES, SECRET, signedRequest } from './support';

const sfnMock = mockClient(SFNClient);

const context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'github-webhook',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:github-webhook',
  memoryLimitInMB: '256',
  awsRequestId: '6f1b2c3d-0000-4000-8000-000000000001',
  logGroupName: '/aws/lambda/github-webhook',
  logStreamName: '2025/05/02/[$LATEST]abcdef',
  getRemainingTimeInMillis: () => 10_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
} as Context;

const saved = { ...process.env };

beforeEach(() => {
  sfnMock.reset();
  sfnMock.on(StartExecutionCommand).callsFake((input: { stateMachineArn: string; name: string }) => ({
    executionArn: `${input.stateMachineArn.replace(':stateMachine:', ':execution:')}:${input.name}`,
    startDate: new Date(),
  }));
  process.env.PIPELINE_ROUTES = JSON.stringify(ROUTES);
  process.env.GITHUB_WEBHOOK_SECRET = SECRET;
  delete process.env.GITHUB_WEBHOOK_SECRET_ARN;
  delete process.env.MAX_BODY_BYTES;
});

afterAll(() => {
  process.env = saved;
});

const invoke = (event: Parameters<typeof handler>[0]) =>
  handler(event, context) as Promise<{ statusCode: number; headers: Record<string, string>; body: string }>;

describe.each([
  [
    'HTTP API payload 2.0',
    (base64: boolean) => httpApiEvent(signedRequest('push-retail-bank-main'), { base64 }),
  ],
  [
    'REST API payload 1.0',
    (base64: boolean) => restApiEvent(signedRequest('push-retail-bank-main'), { base64 }),
  ],
])('%s', (_name, eventFor) => {
  test.each([false, true])('base64 %s: a signed push starts the pipeline', async (base64) => {
    const response = await invoke(eventFor(base64));

    expect(response.statusCode).toBe(202);
    expect(response.headers['content-type']).toBe('application/json');
    expect(sfnMock).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: arnFor('retail-bank'),
    });
  });

  test('a body changed after signing is refused with 401', async () => {
    const event = eventFor(false);
    event.body = event.body!.replace('Add transfer limits', 'Add transfer limitz');

    const response = await invoke(event);

    expect(response.statusCode).toBe(401);
    expect(sfnMock).not.toHaveReceivedCommand(StartExecutionCommand);
  });
});

test('HTTP API on a named stage: the stage prefix is not part of the route', async () => {
  const event = httpApiEvent(signedRequest('ping'), { stage: 'prod' });
  expect(event.rawPath).toBe('/prod/webhooks/github');
  expect((await invoke(event)).statusCode).toBe(200);
});

test('REST API headers keep working whatever their case', async () => {
  const event = restApiEvent(signedRequest('ping'));
  event.multiValueHeaders = {};
  event.headers = Object.fromEntries(Object.entries(event.headers).map(([k, v]) => [k.toUpperCase(), v]));
  expect((await invoke(event)).statusCode).toBe(200);
});

test('MAX_BODY_BYTES limits the body (413)', async () => {
  process.env.MAX_BODY_BYTES = '2048';
  expect((await invoke(httpApiEvent(signedRequest('push-retail-bank-main')))).statusCode).toBe(413);
});

test('maxBodyBytes falls back to 5 MiB for missing or nonsense values', () => {
  expect(maxBodyBytes(undefined)).toBe(5 * 1024 * 1024);
  expect(maxBodyBytes('-1')).toBe(5 * 1024 * 1024);
  expect(maxBodyBytes('lots')).toBe(5 * 1024 * 1024);
  expect(maxBodyBytes('1000')).toBe(1000);
});

test('PIPELINE_ROUTES broken: 500 with a generic error, the problem in the log', async () => {
  // Prepare: a handler module whose logger was built at DEBUG (Powertools resets the level to
  // the one it started with on every warm invocation).
  process.env.PIPELINE_ROUTES = '[{"pipeline": "retail-bank"}]';
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
  let debugHandler: typeof handler | undefined;
  jest.isolateModules(() => {
    debugHandler = (
      jest.requireActual('../../functions/github-webhook/handler') as { handler: typeof handler }
    ).handler;
  });
  process.env.POWERTOOLS_LOG_LEVEL = saved.POWERTOOLS_LOG_LEVEL;

  // Act
  const { result, lines } = await captureOutput(
    () =>
      debugHandler!(httpApiEvent(signedRequest('push-retail-bank-main')), context) as ReturnType<
        typeof invoke
      >,
  );

  // Assess
  expect(result.statusCode).toBe(500);
  expect(JSON.parse(result.body)).toEqual({ error: 'webhook is not configured' });
  expect(sfnMock).not.toHaveReceivedCommand(StartExecutionCommand);
  expect(lines).toContain('PIPELINE_ROUTES[0].repository must be a GitHub repository');
  expect(lines).toContain('"function_request_id":"6f1b2c3d-0000-4000-8000-000000000001"');
  expect(lines).toContain('"deliveryId":"5c1e7a40-2731-11f0-8b6a-3d2f9e4c1a77"');
  expect(lines).not.toContain(SECRET);
});

test('no secret configured: 500 with a generic error', async () => {
  delete process.env.GITHUB_WEBHOOK_SECRET;

  const response = await invoke(httpApiEvent(signedRequest('push-retail-bank-main')));

  expect(response.statusCode).toBe(500);
  expect(JSON.parse(response.body)).toEqual({ error: 'webhook is not configured' });
});
