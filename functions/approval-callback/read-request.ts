/** The parts of an API Gateway request (HTTP API 2.0 or REST 1.0) the approval routes need. */
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';

export interface ApprovalRequest {
  method: string;
  /** From the `{approvalId}` path parameter, else the last path segment after /approvals/. */
  approvalId: string | null;
  query: Record<string, string>;
  /** Form fields of a POST (application/x-www-form-urlencoded), first value of each. */
  form: Record<string, string>;
}

/** Largest form body read; the real form is a few hundred bytes. */
const MAX_FORM_BYTES = 8192;

function firstValues(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of params) if (!(key in out)) out[key] = value;
  return out;
}

export function readApprovalRequest(event: APIGatewayProxyEvent | APIGatewayProxyEventV2): ApprovalRequest {
  const v2 = 'requestContext' in event && event.requestContext && 'http' in event.requestContext;
  const method =
    (v2
      ? (event as APIGatewayProxyEventV2).requestContext.http.method
      : (event as APIGatewayProxyEvent).httpMethod) ?? 'GET';
  const path = (v2 ? (event as APIGatewayProxyEventV2).rawPath : (event as APIGatewayProxyEvent).path) ?? '';
  const approvalId = event.pathParameters?.approvalId ?? /\/approvals\/([^/?]+)\/?$/.exec(path)?.[1] ?? null;
  const query: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.queryStringParameters ?? {}))
    if (typeof v === 'string') query[k] = v;

  let form: Record<string, string> = {};
  const headers = Object.fromEntries(
    Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v ?? '']),
  );
  if (
    event.body &&
    (headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')
  ) {
    const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
    if (raw.length <= MAX_FORM_BYTES) form = firstValues(new URLSearchParams(raw));
  }
  return { method: method.toUpperCase(), approvalId, query, form };
}
