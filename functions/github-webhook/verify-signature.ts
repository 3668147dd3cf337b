/**
 * `X-Hub-Signature-256` check over the raw body, in constant time (@octokit/webhooks-methods).
 * GitHub signs the bytes it sends; octokit's `verify` takes a string and hashes its UTF-8 bytes,
 * so the body is decoded strictly: bytes that are not UTF-8 could not round-trip to the same
 * bytes and are never a GitHub delivery, so they count as a mismatch.
 */

// octokit's package is ESM-only with no `require` export: a dynamic import loads it from the
// CommonJS the sandbox runs under tsx too, and esbuild still bundles it for Lambda.
let methods: Promise<typeof import('@octokit/webhooks-methods')> | undefined;
const loadVerify = async () => (await (methods ??= import('@octokit/webhooks-methods'))).verify;

/**
 * What the check found: the verified body text, or a `reason` for logs and the 401 body (never
 * holding the secret).
 */
export type SignatureCheck =
  { valid: true; text: string } | { valid: false; reason: 'missing' | 'malformed' | 'mismatch' };

const SIGNATURE = /^sha256=[0-9a-f]{64}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The body as text when it is valid UTF-8, else undefined. */
export function strictUtf8(body: Buffer): string | undefined {
  try {
    return utf8.decode(body);
  } catch {
    return undefined;
  }
}

/** Checks the header value against the body with one secret. */
export async function checkSignature(
  secret: string,
  body: Buffer,
  header: string | undefined,
): Promise<SignatureCheck> {
  if (header === undefined || header.trim() === '') return { valid: false, reason: 'missing' };
  const signature = header.trim();
  if (!SIGNATURE.test(signature)) return { valid: false, reason: 'malformed' };
  const text = strictUtf8(body);
  // An empty body is never signed by GitHub (and octokit refuses it).
  if (text === undefined || text === '') return { valid: false, reason: 'mismatch' };
  const verify = await loadVerify();
  return (await verify(secret, text, signature))
    ? { valid: true, text }
    : { valid: false, reason: 'mismatch' };
}
