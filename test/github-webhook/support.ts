/** Shared fixtures for the webhook tests: routes, signed requests, API Gateway events, log capture. */
import { Logger } from '@aws-lambda-powertools/logger';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';
import { signDelivery, type SignOptions } from '../../events/sign-delivery';
import type { WebhookDeps } from '../../functions/github-webhook/handle-webhook';
import { normaliseHeaders, type WebhookRequest } from '../../functions/github-webhook/read-request';
import type { Route } from '../../functions/github-webhook/routes';

export const SECRET = 'test-webhook-secret-0b7c1e';
export const ACCOUNT = '123456789012';
export const arnFor = (pipeline: string) =>
  `arn:aws:states:eu-west-1:${ACCOUNT}:stateMachine:deploy-${pipeline}`;

export const ROUTES: Route[] = [
  {
    pipeline: 'retail-bank',
    repository: 'example-org/retail-bank',
    branch: 'main',
    stateMachineArn: arnFor('retail-bank'),
  },
  {
    pipeline: 'microblog',
    repository: 'example-org/microblog',
    branch: 'main',
    stateMachineArn: arnFor('microblog'),
  },
];

/** A request whose headers are already lower-case strings (as tests build them). */
export type TestRequest = WebhookRequest & { headers: Record<string, string> };

/** A signed request for a sample in events/github/. */
export function signedRequest(sample: string, options: Partial<SignOptions> = {}): TestRequest {
  const { headers, body } = signDelivery(sample, { secret: SECRET, ...options });
  return {
    method: 'POST',
    path: '/webhooks/github',
    headers: normaliseHeaders(headers),
    body: Buffer.from(body),
  };
}

/** A logger whose lines can be captured (Powertools writes through process.stdout). */
export function testLogger(logLevel: 'DEBUG' | 'SILENT' = 'SILENT'): Logger {
  return new Logger({ serviceName: 'github-webhook-test', logLevel });
}

/** Deps with the test secret as a plain value, and a fixed clock. */
export function deps(overrides: Partial<WebhookDeps> = {}): WebhookDeps {
  return {
    routes: ROUTES,
    sfn: new SFNClient({ region: 'eu-west-1' }),
    logger: testLogger(),
    secret: { get: async () => SECRET, ageMs: () => 0 },
    now: () => new Date('2025-05-02T09:15:00.000Z'),
    ...overrides,
  };
}

/** Every line Powertools (or anything else) writes to stdout/stderr while `fn` runs. */
export async function captureOutput<T>(fn: () => Promise<T>): Promise<{ result: T; lines: string }> {
  const chunks: string[] = [];
  const grab = (chunk: unknown) => {
    chunks.push(String(chunk));
    return true;
  };
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(grab);
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(grab);
  try {
    return { result: await fn(), lines: chunks.join('') };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

/** API Gateway HTTP API (payload 2.0) event for a request. */
export function httpApiEvent(
  request: TestRequest,
  options: { base64?: boolean; stage?: string } = {},
): APIGatewayProxyEventV2 {
  const stage = options.stage ?? '$default';
  return {
    version: '2.0',
    routeKey: 'POST /webhooks/github',
    rawPath: stage === '$default' ? request.path : `/${stage}${request.path}`,
    rawQueryString: '',
    headers: request.headers,
    requestContext: {
      accountId: ACCOUNT,
      apiId: 'abcdef1234',
      domainName: 'abcdef1234.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'abcdef1234',
      http: {
        method: request.method,
        path: request.path,
        protocol: 'HTTP/1.1',
        sourceIp: '140.82.115.1',
        userAgent: 'GitHub-Hookshot/8f1c2ab',
      },
      requestId: 'JKJaXmPLvHcESHA=',
      routeKey: 'POST /webhooks/github',
      stage,
      time: '02/May/2025:09:15:00 +0000',
      timeEpoch: 1746177300000,
    },
    body: options.base64 ? request.body.toString('base64') : request.body.toString('utf8'),
    isBase64Encoded: Boolean(options.base64),
  };
}

/** API Gateway REST API (payload 1.0) event for a request; header names as GitHub sends them. */
export function restApiEvent(request: TestRequest, options: { base64?: boolean } = {}): APIGatewayProxyEvent {
  const headers = Object.fromEntries(
    Object.entries(request.headers).map(([k, v]) => [
      k.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase()),
      v,
    ]),
  );
  return {
    resource: '/webhooks/github',
    path: request.path,
    httpMethod: request.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    requestContext: {
      accountId: ACCOUNT,
      apiId: 'abcdef1234',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: request.method,
      identity: {
        sourceIp: '140.82.115.1',
        userAgent: 'GitHub-Hookshot/8f1c2ab',
      } as APIGatewayProxyEvent['requestContext']['identity'],
      path: `/prod${request.path}`,
      stage: 'prod',
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      requestTimeEpoch: 1746177300000,
      resourceId: 'abc123',
      resourcePath: '/webhooks/github',
    },
    body: options.base64 ? request.body.toString('base64') : request.body.toString('utf8'),
    isBase64Encoded: Boolean(options.base64),
  };
}
