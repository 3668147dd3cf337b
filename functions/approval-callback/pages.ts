/** Small self-contained HTML pages for the approval links (no scripts, every value escaped). */
import type { LinkClaims } from '../commons/approval-links';

export interface HtmlResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** HTML-escapes text for element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

const HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // The page URL carries the signature: never send it on as a Referer.
  'referrer-policy': 'no-referrer',
  'x-robots-tag': 'noindex, nofollow',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
};

const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1d1d1f}' +
  'h1{font-size:1.4rem}dl{display:grid;grid-template-columns:auto 1fr;gap:.3rem 1rem}dt{color:#666}' +
  'button{font-size:1rem;padding:.6rem 1.4rem;border:0;border-radius:6px;color:#fff;cursor:pointer}' +
  '.approve{background:#1a7f37}.reject{background:#cf222e}input{font-size:1rem;padding:.4rem;width:16rem}';

/** A page with a title, a message and optional extra (already escaped) HTML. */
export function page(statusCode: number, title: string, message: string, extraHtml = ''): HtmlResponse {
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>${extraHtml}</body></html>`;
  return { statusCode, headers: { ...HEADERS }, body };
}

export interface ConfirmationDetails {
  pipeline: string;
  repository: string;
  branch: string;
  commitSha: string;
  commitTitle: string;
  pusher: string;
  expiresAt: string;
}

/**
 * The GET answer: what would be decided, and a form that POSTs the signed fields back. Only the
 * POST acts, because chat apps and mail scanners fetch links before a person clicks them.
 */
export function confirmationPage(
  claims: LinkClaims,
  sig: string,
  details: ConfirmationDetails,
): HtmlResponse {
  const verb = claims.decision === 'approve' ? 'Approve' : 'Reject';
  const rows: [string, string][] = [
    ['Pipeline', details.pipeline],
    ['Commit', `${details.commitSha.slice(0, 12)} on ${details.branch} of ${details.repository}`],
    ['Message', details.commitTitle || '(none)'],
    ['Pushed by', details.pusher],
    ['Link expires', details.expiresAt],
  ];
  const list = `<dl>${rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`;
  const form =
    `<form method="post" action="./${escapeHtml(claims.approvalId)}">` +
    `<input type="hidden" name="decision" value="${escapeHtml(claims.decision)}">` +
    `<input type="hidden" name="expires" value="${claims.expires}">` +
    `<input type="hidden" name="sig" value="${escapeHtml(sig)}">` +
    `<p><label>Your name (for the audit trail)<br><input name="by" maxlength="64" autocomplete="name"></label></p>` +
    `<button type="submit" class="${claims.decision}">${verb} this deployment</button></form>`;
  return page(
    200,
    `${verb} deployment of ${details.pipeline}?`,
    'Nothing happens until you press the button below. The link works once.',
    list + form,
  );
}

/** Pages for every ending, with the status code each deserves. */
export const pages = {
  approved: (pipeline: string, by: string) =>
    page(200, 'Approved', `The deployment of ${pipeline} continues. Approved by ${by}.`),
  rejected: (pipeline: string, by: string) =>
    page(200, 'Rejected', `The deployment of ${pipeline} was stopped. Rejected by ${by}.`),
  used: (status: string, by?: string) =>
    page(
      409,
      'This link was already used',
      `This approval was already ${status}${by ? ` by ${by}` : ''}. Each link works once.`,
    ),
  expired: () =>
    page(
      410,
      'This approval has expired',
      'The deployment is no longer waiting for this decision. Start a new deployment if it is still needed.',
    ),
  forged: () =>
    page(
      403,
      'This link is not valid',
      'The link was changed or was not issued by this deploy controller. Use the link from the original message.',
    ),
  unknown: () => page(404, 'Unknown approval', 'There is no approval request for this link.'),
  unavailable: () =>
    page(
      503,
      'Please try again',
      'The decision could not be delivered just now. Nothing was decided; the link still works.',
    ),
  notAllowed: () => ({
    ...page(405, 'Method not allowed', 'Use the link from the message.'),
    headers: { ...HEADERS, allow: 'GET, HEAD, POST' },
  }),
  error: () => page(500, 'Something went wrong', 'Nothing was decided. Try the link again in a moment.'),
};
