/**
 * Webhook answers: always JSON. Bodies say what happened in words GitHub's "Recent deliveries"
 * page can show; they never carry the secret or the payload.
 */

/** An HTTP response as both API Gateway and the sandbox's HTTP server can send it. */
export interface WebhookResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** A JSON response. */
export function json(
  statusCode: number,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): WebhookResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

/** An error response `{error, message?}`. */
export function failure(
  statusCode: number,
  error: string,
  message?: string,
  headers?: Record<string, string>,
): WebhookResponse {
  return json(statusCode, message === undefined ? { error } : { error, message }, headers);
}
