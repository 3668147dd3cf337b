/**
 * Removes anything that looks like a credential from text that leaves the account (Slack, GitHub):
 * error causes can quote URLs, headers or command lines. Over-redacting is fine; leaking is not.
 * Commit shas (40 hex) are deliberately left alone: they are needed and are not secrets.
 */
import { cutText } from '../commons/text';

const REDACTED = '[redacted]';

/** Patterns with what replaces them, applied in order. */
const RULES: readonly [RegExp, string | ((...groups: string[]) => string)][] = [
  // PEM private keys, whole block.
  [
    /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
    `${REDACTED} private key`,
  ],
  // Slack incoming webhooks and workflow triggers (the URL is the credential).
  [/https?:\/\/hooks\.slack(?:-gov)?\.com\/[^\s"'<>)]*/gi, `${REDACTED} Slack webhook URL`],
  // Credentials inside a URL: scheme://user:password@host
  [
    /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@:"'<>]+:[^\s/@"'<>]*@/gi,
    (_m, scheme: string) => `${scheme}${REDACTED}@`,
  ],
  // Signed URL query parameters (S3 presigned, SigV4) and common secret-ish parameters.
  [
    /([?&](?:X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|Signature|sig|token|access_token|api_key|apikey|key|secret|password)=)[^&\s"'<>]+/gi,
    (_m, name: string) => `${name}${REDACTED}`,
  ],
  // Authorization headers.
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{16,}/g, (_m, kind: string) => `${kind} ${REDACTED}`],
  // GitHub tokens (classic and fine-grained).
  [/\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b/g, REDACTED],
  // Slack tokens.
  [/\bxox[abposre]-[A-Za-z0-9-]{10,}/g, REDACTED],
  // AWS access key ids.
  [/\b(?:AKIA|ASIA|AIDA|AROA)[A-Z0-9]{16}\b/g, REDACTED],
  // JSON Web Tokens.
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, REDACTED],
  // key=value / key: value / "key": "value" where the key names a secret.
  [
    /((?:["']?)[A-Za-z0-9_-]*(?:password|passwd|secret|token|api[_-]?key|private[_-]?key|credential|authorization)[A-Za-z0-9_-]*["']?\s*[:=]\s*["']?)([^\s"',;&}]{4,})/gi,
    (_m, prefix: string) => `${prefix}${REDACTED}`,
  ],
];

/** `text` with every credential-looking part replaced by "[redacted]". */
export function scrubSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of RULES) {
    out =
      typeof replacement === 'string'
        ? out.replace(pattern, replacement)
        : out.replace(pattern, replacement as (...args: string[]) => string);
  }
  return out;
}

/** Collapses whitespace runs and cuts to `max` characters with an ellipsis. */
export function trimText(text: string, max: number): string {
  const flat = text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+/g, ' ')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return cutText(flat, max);
}

/** Scrubs first, then trims, so a cut can never leave half a secret visible. */
export function safeText(text: string | null | undefined, max: number): string | null {
  if (!text) return null;
  return trimText(scrubSecrets(text), max);
}
