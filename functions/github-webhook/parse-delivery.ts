/**
 * The payload of a verified delivery. GitHub sends either `application/json` or
 * `application/x-www-form-urlencoded` with the JSON in a `payload` field, as the hook's
 * "Content type" setting says. Error messages describe the problem, never the body.
 */

/** Parsed payload, or why the body cannot be used (answered with 400). */
export type ParsedDelivery = { ok: true; payload: Record<string, unknown> } | { ok: false; message: string };

/** `application/json; charset=utf-8` -> `application/json`. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

function parseJsonObject(text: string, what: string): ParsedDelivery {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, message: `${what} is not valid JSON` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, message: `${what} must be a JSON object` };
  return { ok: true, payload: value as Record<string, unknown> };
}

/** Parses the body text according to its content type. */
export function parseDelivery(contentType: string | undefined, text: string): ParsedDelivery {
  const type = mediaType(contentType);
  if (type === 'application/json') return parseJsonObject(text, 'body');
  if (type === 'application/x-www-form-urlencoded') {
    // URLSearchParams never throws: it decodes what it can. A form body must be `payload=...`.
    const form = new URLSearchParams(text);
    const payloads = form.getAll('payload');
    if (payloads.length !== 1) return { ok: false, message: 'form body must have exactly one payload field' };
    return parseJsonObject(payloads[0]!, 'payload field');
  }
  return {
    ok: false,
    message: type
      ? 'unsupported content type; use application/json or application/x-www-form-urlencoded'
      : 'content-type header is missing',
  };
}
