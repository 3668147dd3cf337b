/**
 * One request shape for the webhook, whichever door it came through: API Gateway HTTP API
 * (payload 2.0), REST API (payload 1.0) or the local sandbox's HTTP server. The body stays the
 * raw bytes as received, because the signature covers exactly those bytes.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';

/**
 * An HTTP request as the webhook sees it. Headers in any case, as Node's `IncomingMessage`
 * or API Gateway give them; the webhook lower-cases them itself.
 */
export interface WebhookRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Lower-cases header names; joins repeated headers the way HTTP does. */
export function normaliseHeaders(
  headers: Record<string, string | string[] | undefined> | null | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    const text = Array.isArray(value) ? value.join(', ') : String(value);
    out[key] = key in out ? `${out[key]}, ${text}` : text;
  }
  return out;
}

function decodeBody(body: string | null | undefined, isBase64Encoded: boolean | undefined): Buffer {
  if (!body) return Buffer.alloc(0);
  return isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
}

/** Drops a non-default stage prefix (`/prod/webhooks/github` -> `/webhooks/github`). */
function stripStage(path: string, stage: string | undefined): string {
  if (!stage || stage === '$default') return path;
  const prefix = `/${stage}`;
  return path === prefix ? '/' : path.startsWith(`${prefix}/`) ? path.slice(prefix.length) : path;
}

function isV2(event: APIGatewayProxyEvent | APIGatewayProxyEventV2): event is APIGatewayProxyEventV2 {
  return (event as { version?: string }).version === '2.0' || 'rawPath' in event;
}

/** Normalises an API Gateway proxy event (payload 1.0 or 2.0). */
export function readApiGatewayEvent(event: APIGatewayProxyEvent | APIGatewayProxyEventV2): WebhookRequest {
  if (isV2(event)) {
    return {
      method: (event.requestContext?.http?.method ?? 'GET').toUpperCase(),
      path: stripStage(event.rawPath ?? '/', event.requestContext?.stage),
      headers: event.headers ?? {},
      body: decodeBody(event.body, event.isBase64Encoded),
    };
  }
  // REST API: `path` already leaves the stage out (only HTTP API's rawPath carries it).
  const multi = event.multiValueHeaders as Record<string, string[] | undefined> | null | undefined;
  return {
    method: (event.httpMethod ?? 'GET').toUpperCase(),
    path: event.path ?? '/',
    headers: (multi && Object.keys(multi).length ? multi : event.headers) ?? {},
    body: decodeBody(event.body, event.isBase64Encoded),
  };
}
