/**
 * Small self-contained HTML pages for the approval links: every value escaped, one inline script
 * (local time) allowed by its hash in the Content-Security-Policy, nothing loaded from elsewhere.
 */
import { createHash } from 'node:crypto';
import type { LinkDecision } from '../commons/approval-links';
import type { DecisionRow, DecisionView } from './decision-view';

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

/** The approval pages' Content-Security-Policy (the local console sends the same, plus its script). */
export const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** Security headers of every approval page (the local console sends the same). */
export const HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // The page URL carries the signature: never send it on as a Referer.
  'referrer-policy': 'no-referrer',
  'x-robots-tag': 'noindex, nofollow',
  'content-security-policy': CSP,
};

/**
 * The one script a page may run: it rewrites each `<time data-local>` in the reader's time zone
 * (the server writes UTC text as the fallback). Allowed by its hash, nothing else runs. Field
 * options, not dateStyle/timeStyle: those cannot be combined with timeZoneName (ECMA-402 throws a
 * TypeError, and the page would keep the UTC text).
 */
export const LOCAL_TIME_SCRIPT =
  "document.querySelectorAll('time[data-local]').forEach(function(t){var d=new Date(t.getAttribute('datetime'));" +
  "if(!isNaN(d.getTime()))t.textContent=d.toLocaleString(undefined,{year:'numeric',month:'short',day:'numeric',hour:'2-digit',minute:'2-digit',timeZoneName:'short'});});";
/** CSP source allowing LOCAL_TIME_SCRIPT. */
export const SCRIPT_HASH = `'sha256-${createHash('sha256').update(LOCAL_TIME_SCRIPT).digest('base64')}'`;

/** The approval pages' stylesheet (inline; the local console extends it). */
export const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;color:#1d1d1f;line-height:1.45}' +
  'h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:1.6rem}dl{display:grid;grid-template-columns:max-content 1fr;gap:.35rem 1rem}' +
  'dt{color:#555;font-weight:600}dd{margin:0}a{color:#0550ae}.good::before{content:"\\2713  ";color:#1a7f37}' +
  '.bad::before{content:"\\2717  ";color:#cf222e}.bad{color:#a40e26}.note{color:#444}' +
  'button{font-size:1rem;padding:.6rem 1.4rem;border:0;border-radius:6px;color:#fff;cursor:pointer}' +
  'button:focus-visible,a:focus-visible,input:focus-visible,textarea:focus-visible{outline:3px solid #0969da;outline-offset:2px}' +
  '.approve{background:#1a7f37}.reject{background:#cf222e}input,textarea{font-size:1rem;padding:.4rem;width:100%;max-width:28rem;box-sizing:border-box}' +
  '.decide{display:flex;flex-wrap:wrap;gap:1.5rem}.decide form{flex:1 1 18rem;border:1px solid #d0d7de;border-radius:8px;padding:1rem}' +
  'label{display:block;margin:.5rem 0}';

/** `29 Nov 2026 13:22 UTC`: the text a reader without scripts sees. */
export function utcText(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][
    date.getUTCMonth()
  ];
  const hh = String(date.getUTCHours()).padStart(2, '0');
  const mm = String(date.getUTCMinutes()).padStart(2, '0');
  return `${date.getUTCDate()} ${month} ${date.getUTCFullYear()} ${hh}:${mm} UTC`;
}

/** A `<time>` the page script shows in the reader's zone; UTC text without scripts. */
export function timeHtml(iso: string): string {
  return `<time datetime="${escapeHtml(iso)}" data-local>${escapeHtml(utcText(iso))}</time>`;
}

/** A page with a title, a message and optional extra (already escaped) HTML; `script` adds the time script. */
export function page(
  statusCode: number,
  title: string,
  message: string,
  extraHtml = '',
  options: { script?: boolean } = {},
): HtmlResponse {
  const script = options.script ? `<script>${LOCAL_TIME_SCRIPT}</script>` : '';
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>${extraHtml}</main>${script}</body></html>`;
  const headers = { ...HEADERS };
  if (options.script) headers['content-security-policy'] = `${CSP}; script-src ${SCRIPT_HASH}`;
  return { statusCode, headers, body };
}

function rowsHtml(rows: DecisionRow[]): string {
  return `<dl>${rows
    .map((row) => {
      const text = row.href
        ? `<a href="${escapeHtml(row.href)}" rel="noopener noreferrer">${escapeHtml(row.text)}</a>`
        : escapeHtml(row.text);
      const tone = row.tone && row.tone !== 'neutral' ? ` class="${row.tone}"` : '';
      return `<dt>${escapeHtml(row.label)}</dt><dd${tone}>${text}</dd>`;
    })
    .join('')}</dl>`;
}

/** Signatures of both decisions of one approval (same id and expiry): the page offers both. */
export interface DecisionForms {
  approvalId: string;
  expires: number;
  approveSig: string;
  rejectSig: string;
  /** The decision of the link that was opened: its button comes first and takes the focus. */
  opened: LinkDecision;
}

function formHtml(forms: DecisionForms, decision: LinkDecision): string {
  const sig = decision === 'approve' ? forms.approveSig : forms.rejectSig;
  const autofocus = forms.opened === decision ? ' autofocus' : '';
  const reason =
    decision === 'reject'
      ? `<label for="reason-${decision}">Reason (required, recorded with the rejection)</label>` +
        `<textarea id="reason-${decision}" name="reason" rows="2" maxlength="200" required></textarea>`
      : '';
  return (
    `<form method="post" action="./${escapeHtml(forms.approvalId)}" aria-label="${decision === 'approve' ? 'Approve' : 'Reject'}">` +
    `<input type="hidden" name="decision" value="${decision}">` +
    `<input type="hidden" name="expires" value="${forms.expires}">` +
    `<input type="hidden" name="sig" value="${escapeHtml(sig)}">` +
    `<label for="by-${decision}">Your name (for the audit trail)</label>` +
    `<input id="by-${decision}" name="by" maxlength="64" autocomplete="name">` +
    reason +
    `<p><button type="submit" class="${decision}"${autofocus}>${decision === 'approve' ? 'Approve and deploy' : 'Reject this release'}</button></p></form>`
  );
}

/**
 * The GET answer: the decision screen. Only a POST acts, because chat apps and mail scanners
 * fetch links before a person clicks them; both forms carry signed fields.
 */
export function decisionPage(view: DecisionView, forms: DecisionForms): HtmlResponse {
  const order: LinkDecision[] = forms.opened === 'approve' ? ['approve', 'reject'] : ['reject', 'approve'];
  const html =
    rowsHtml(view.rows) +
    `<h2>Decide</h2><p class="note">This approval ${escapeHtml(view.expiresIn)} (${timeHtml(view.expiresAt)}). ` +
    'Nothing happens until you press a button; the decision can be made once.</p>' +
    `<div class="decide">${order.map((d) => formHtml(forms, d)).join('')}</div>`;
  return page(
    200,
    `Release ${view.pipeline}?`,
    `A person must approve before this release is deployed.`,
    html,
    { script: true },
  );
}

/** A link to follow the run, for the pages after a decision (`See the run` when it has ended). */
function followHtml(url?: string, text = 'Follow the deploy'): string {
  return url ? `<p><a href="${escapeHtml(url)}" rel="noopener noreferrer">${escapeHtml(text)}</a></p>` : '';
}

/** Pages for every ending, with the status code each deserves. */
export const pages = {
  approved: (pipeline: string, by: string, follow?: string) =>
    page(200, 'Approved', `The deployment of ${pipeline} continues. Approved by ${by}.`, followHtml(follow)),
  rejected: (pipeline: string, by: string, follow?: string) =>
    page(
      200,
      'Rejected',
      `The deployment of ${pipeline} was stopped. Rejected by ${by}.`,
      followHtml(follow),
    ),
  used: (status: string, by?: string, follow?: string, at?: string) =>
    page(
      409,
      'This link was already used',
      `This approval was already ${status}${by ? ` by ${by}` : ''}. Each approval is decided once.`,
      (at ? `<p>Decided ${timeHtml(at)}.</p>` : '') + followHtml(follow),
      { script: Boolean(at) },
    ),
  /**
   * `retry` is the command that starts the same commit again (a second push of it only finds the
   * ended run: the webhook answers a commit's redelivery with its existing execution).
   */
  expired: (follow?: string, retry?: string) =>
    page(
      410,
      'This approval has expired',
      `Nobody decided in time, so the run ended without deploying. If the release is still wanted, ${
        retry
          ? `start the same commit again with ${retry} (it reuses the build).`
          : "start the same commit again with deployctl retry and the run's name (it reuses the build)."
      }`,
      followHtml(follow, 'See the run'),
    ),
  /** The run is not waiting any more (stopped, failed, superseded, finished): nothing to decide. */
  notWaiting: (pipeline: string, state: string, follow?: string) =>
    page(
      409,
      'This run is no longer waiting',
      `The run of ${pipeline} ${state}, so there is nothing to approve or reject. Nothing was changed by this link.`,
      followHtml(follow, 'See the run'),
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
