/**
 * The local stand-in for API Gateway's HTTP API: `POST /webhooks/github` runs the real webhook
 * Lambda handler and `GET|POST /approvals/{approvalId}` the real approval-callback handler, each
 * with a payload-2.0 event built from the raw request (body as base64, so the signed bytes are
 * exactly the bytes received). The local console's pages (local/console/router.ts) answer their
 * own paths (`/`, `/executions/...`, `/approvals`, `/failures`, `/dora`). Anything else is a JSON 404.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { ConsoleHandler } from './console/router';
import type { LambdaRuntime } from './services/lambda/runtime';

export interface HttpApiOptions {
  lambda: LambdaRuntime;
  account: string;
  /** Called after each request (live log). */
  onRequest?: (line: { method: string; path: string; status: number; function: string }) => void;
  maxBodyBytes?: number;
  /** The local console's pages (paths no route above claims). */
  console?: ConsoleHandler;
}

interface Route {
  method: RegExp;
  path: RegExp;
  functionName: string;
  routeKey: string;
}

const ROUTES: Route[] = [
  {
    method: /^POST$/,
    path: /^\/webhooks\/github\/?$/,
    functionName: 'github-webhook',
    routeKey: 'POST /webhooks/github',
  },
  {
    method: /^(GET|POST)$/,
    path: /^\/approvals\/([^/]+)\/?$/,
    functionName: 'approval-callback',
    routeKey: 'ANY /approvals/{approvalId}',
  },
];

function read(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The console's answer for a path, a 500 page when it throws, undefined when not its path. */
async function answerConsole(handler: ConsoleHandler | undefined, method: string, path: string) {
  // The console only reads: other methods keep the API's JSON 404/405 answers.
  if (!handler || (method !== 'GET' && method !== 'HEAD')) return undefined;
  try {
    return await handler({ method, path });
  } catch {
    return {
      statusCode: 500,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
      body: 'The console failed to render this page.',
    };
  }
}

/** Starts the HTTP API server (not listening yet). */
export function createHttpApi(options: HttpApiOptions): Server {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    const reply = (status: number, headers: Record<string, string>, body: string | Buffer, fn = '-') => {
      res.writeHead(status, { 'content-length': String(Buffer.byteLength(body)), ...headers });
      res.end(body);
      options.onRequest?.({ method, path: url.pathname, status, function: fn });
    };
    const route = ROUTES.find((r) => r.path.test(url.pathname));
    const page = route ? undefined : await answerConsole(options.console, method, url.pathname);
    if (page) return reply(page.statusCode, page.headers, page.body, 'console');
    if (!route)
      return reply(
        404,
        { 'content-type': 'application/json' },
        JSON.stringify({ error: 'not found', routes: ROUTES.map((r) => r.routeKey) }),
      );
    if (!route.method.test(method))
      return reply(
        405,
        {
          'content-type': 'application/json',
          allow: route.routeKey.startsWith('POST') ? 'POST' : 'GET, POST',
        },
        JSON.stringify({ error: 'method not allowed' }),
      );
    // API Gateway refuses payloads over 10 MB before the function sees them.
    const body = await read(req, options.maxBodyBytes ?? 10 * 1024 * 1024);
    if (!body)
      return reply(
        413,
        { 'content-type': 'application/json' },
        JSON.stringify({ message: 'Request Entity Too Large' }),
      );
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers))
      if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
    const now = new Date();
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
    const approvalId =
      route.functionName === 'approval-callback'
        ? decodeURIComponent(route.path.exec(url.pathname)![1]!)
        : undefined;
    const event = {
      version: '2.0',
      routeKey: route.routeKey,
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      headers,
      ...(Object.keys(query).length && { queryStringParameters: query }),
      ...(approvalId && { pathParameters: { approvalId } }),
      requestContext: {
        accountId: options.account,
        apiId: 'sandbox',
        domainName: headers.host ?? '127.0.0.1',
        domainPrefix: 'sandbox',
        http: {
          method,
          path: url.pathname,
          protocol: 'HTTP/1.1',
          sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
          userAgent: headers['user-agent'] ?? '',
        },
        requestId: randomUUID(),
        routeKey: route.routeKey,
        stage: '$default',
        time: now.toUTCString(),
        timeEpoch: now.getTime(),
      },
      ...(body.length && { body: body.toString('base64') }),
      isBase64Encoded: body.length > 0,
    };
    const result = await options.lambda.invoke(route.functionName, event);
    if ('errorType' in result) {
      // API Gateway's answer when the integration fails.
      return reply(
        500,
        { 'content-type': 'application/json' },
        JSON.stringify({ message: 'Internal Server Error' }),
        route.functionName,
      );
    }
    const answer = result.payload as
      | { statusCode?: number; headers?: Record<string, string>; body?: string; isBase64Encoded?: boolean }
      | string
      | null;
    if (typeof answer === 'string' || answer === null || answer.statusCode === undefined) {
      // Payload 2.0 without a statusCode: the body is the JSON of the result.
      return reply(
        200,
        { 'content-type': 'application/json' },
        typeof answer === 'string' ? answer : JSON.stringify(answer),
        route.functionName,
      );
    }
    const out = answer.isBase64Encoded ? Buffer.from(answer.body ?? '', 'base64') : (answer.body ?? '');
    return reply(answer.statusCode, answer.headers ?? {}, out, route.functionName);
  });
  server.keepAliveTimeout = 1000;
  return server;
}
