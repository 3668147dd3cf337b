/**
 * Signed, expiring approve/reject links. The signature is HMAC-SHA256 over the approval id, the
 * decision and the expiry, so none of them can be changed; single use is enforced by the
 * Approvals table (status pending -> approved/rejected). The key is a secret
 * (APPROVAL_LINK_KEY_SECRET_ARN in AWS, APPROVAL_LINK_KEY locally) and never leaves this module.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { getSecret, secretAgeMs, type SecretSource } from './secrets';
import type { ApprovalLinks } from './types/tasks';

export const APPROVAL_LINK_KEY: SecretSource = {
  arnVariable: 'APPROVAL_LINK_KEY_SECRET_ARN',
  valueVariable: 'APPROVAL_LINK_KEY',
};

/** Where the approval-callback routes are served; the sandbox's HTTP server by default. */
export const DEFAULT_APPROVAL_BASE_URL = 'http://127.0.0.1:3000';

export type LinkDecision = 'approve' | 'reject';

/** The signed fields of one link, as they travel in its query string and in the confirmation form. */
export interface LinkClaims {
  approvalId: string;
  decision: LinkDecision;
  /** Expiry, epoch seconds. */
  expires: number;
}

export type LinkCheck =
  { ok: true; claims: LinkClaims } | { ok: false; reason: 'malformed' | 'bad-signature' | 'expired' };

const APPROVAL_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SIGNATURE = /^[A-Za-z0-9_-]{43}$/;
const EPOCH = /^[0-9]{1,12}$/;
const MIN_KEY_LENGTH = 32;

/** The link signing key is missing or too weak to be used. */
export class ApprovalLinkKeyError extends Error {
  override readonly name = 'ApprovalLinkKeyError';
}

/** True for an id this module could have issued (a random UUID). */
export function isApprovalId(value: string): boolean {
  return APPROVAL_ID.test(value);
}

/** base64url HMAC-SHA256 of the claims; the version prefix lets the format change later. */
export function signClaims(key: string, claims: LinkClaims): string {
  return createHmac('sha256', key)
    .update(`approval-link:v1\n${claims.approvalId}\n${claims.decision}\n${claims.expires}`)
    .digest('base64url');
}

/**
 * Checks raw link fields: well-formed, signed by `key` (constant-time comparison of the exact
 * signature text, so no alternative encoding is accepted), then not expired. A forged link is
 * reported as such even when its expiry has passed.
 */
export function verifyLink(
  key: string,
  fields: { approvalId?: unknown; decision?: unknown; expires?: unknown; sig?: unknown },
  nowMs = Date.now(),
): LinkCheck {
  const { approvalId, decision, expires, sig } = fields;
  if (typeof approvalId !== 'string' || !APPROVAL_ID.test(approvalId))
    return { ok: false, reason: 'malformed' };
  if (decision !== 'approve' && decision !== 'reject') return { ok: false, reason: 'malformed' };
  if (typeof expires !== 'string' || !EPOCH.test(expires)) return { ok: false, reason: 'malformed' };
  if (typeof sig !== 'string' || !SIGNATURE.test(sig)) return { ok: false, reason: 'bad-signature' };
  const claims: LinkClaims = { approvalId, decision, expires: Number(expires) };
  const expected = Buffer.from(signClaims(key, claims), 'utf8');
  const given = Buffer.from(sig, 'utf8');
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return { ok: false, reason: 'bad-signature' };
  if (claims.expires * 1000 <= nowMs) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}

/** The URL of one decision: `<base>/approvals/<id>?decision=..&expires=..&sig=..`. */
export function linkUrl(baseUrl: string, key: string, claims: LinkClaims): string {
  const query = new URLSearchParams({
    decision: claims.decision,
    expires: String(claims.expires),
    sig: signClaims(key, claims),
  });
  return `${baseUrl.replace(/\/+$/, '')}/approvals/${claims.approvalId}?${query.toString()}`;
}

/** Both links of an approval, expiring at `expiresAt`. */
export function buildApprovalLinks(
  key: string,
  baseUrl: string,
  approvalId: string,
  expiresAt: Date,
): ApprovalLinks {
  if (!APPROVAL_ID.test(approvalId)) throw new RangeError('approvalId must be a lower-case UUID');
  const expires = Math.floor(expiresAt.getTime() / 1000);
  return {
    approvalId,
    approveUrl: linkUrl(baseUrl, key, { approvalId, decision: 'approve', expires }),
    rejectUrl: linkUrl(baseUrl, key, { approvalId, decision: 'reject', expires }),
    expiresAt: new Date(expires * 1000).toISOString(),
  };
}

/** The signing key, checked for length. `refresh` re-reads it (after a rotation). */
export async function getApprovalLinkKey(options: { refresh?: boolean } = {}): Promise<string> {
  const key = await getSecret(APPROVAL_LINK_KEY, options);
  if (key.length < MIN_KEY_LENGTH)
    throw new ApprovalLinkKeyError(`the approval link key must be at least ${MIN_KEY_LENGTH} characters`);
  return key;
}

/**
 * verifyLink with the current key; a bad signature is checked once more against a freshly read
 * key when the cached one is over a minute old, so links signed right after a rotation work.
 */
export async function verifyLinkWithCurrentKey(
  fields: Parameters<typeof verifyLink>[1],
  nowMs = Date.now(),
): Promise<LinkCheck> {
  const first = verifyLink(await getApprovalLinkKey(), fields, nowMs);
  if (
    first.ok ||
    first.reason !== 'bad-signature' ||
    secretAgeMs(APPROVAL_LINK_KEY) < 60_000 ||
    !process.env[APPROVAL_LINK_KEY.arnVariable]
  )
    return first;
  return verifyLink(await getApprovalLinkKey({ refresh: true }), fields, nowMs);
}

/** APPROVAL_BASE_URL without a trailing slash, or the local sandbox's address. */
export function approvalBaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return (env.APPROVAL_BASE_URL || DEFAULT_APPROVAL_BASE_URL).replace(/\/+$/, '');
}
