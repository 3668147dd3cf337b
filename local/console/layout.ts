/**
 * The console's page shell: the approval pages' security headers and stylesheet, a navigation bar,
 * every value escaped, and only scripts allowed by their hash in the Content-Security-Policy.
 */
import { createHash } from 'node:crypto';
import {
  CSP,
  escapeHtml,
  HEADERS,
  LOCAL_TIME_SCRIPT,
  STYLE,
  type HtmlResponse,
} from '../../functions/approval-callback/pages';

export { escapeHtml, type HtmlResponse };

/** The console's sections, in navigation order. */
export const NAV = [
  { href: '/', label: 'Pipelines' },
  { href: '/approvals', label: 'Waiting approvals' },
  { href: '/failures', label: 'Recent failures' },
  { href: '/dora', label: 'DORA metrics' },
] as const;

const CONSOLE_STYLE =
  STYLE.replace('max-width:44rem', 'max-width:64rem') +
  'nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:1rem;padding:0;margin:0 0 1rem}' +
  'nav a[aria-current]{font-weight:700;color:#1d1d1f}' +
  'table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #d0d7de;vertical-align:top}' +
  'th{color:#444}td.num{text-align:right;font-variant-numeric:tabular-nums}' +
  '.status-SUCCEEDED,.status-succeeded{color:#1a7f37}.status-FAILED,.status-failed,.status-TIMED_OUT,.status-ABORTED,.status-aborted{color:#a40e26}' +
  '.status-RUNNING,.status-running{color:#6a4a00}.status-waiting{color:#6a4a00;font-weight:700}' +
  '.notice{white-space:pre-wrap;background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:.75rem;font-size:.9rem}' +
  '.metrics{display:grid;grid-template-columns:repeat(auto-fit,minmax(12rem,1fr));gap:1rem}.metric{border:1px solid #d0d7de;border-radius:8px;padding:.75rem}' +
  '.metric strong{display:block;font-size:1.3rem}.button{display:inline-block;padding:.4rem .9rem;border-radius:6px;background:#0550ae;color:#fff;text-decoration:none}';

/** SHA-256 source expression of an inline script, for script-src. */
export function scriptHash(script: string): string {
  return `'sha256-${createHash('sha256').update(script).digest('base64')}'`;
}

export interface LayoutOptions {
  /** The navigation entry to mark as current (its href). */
  current?: string;
  /** HTTP status (default 200). */
  statusCode?: number;
  /** Extra inline scripts (each allowed by its hash); the local-time script always runs. */
  scripts?: string[];
  /** Scripts may fetch this origin's JSON routes. */
  connect?: boolean;
}

/** A console page: title, navigation, the given (already escaped) body HTML. */
export function layout(title: string, bodyHtml: string, options: LayoutOptions = {}): HtmlResponse {
  const scripts = [LOCAL_TIME_SCRIPT, ...(options.scripts ?? [])];
  const nav = NAV.map(
    (item) =>
      `<li><a href="${item.href}"${item.href === options.current ? ' aria-current="page"' : ''}>${escapeHtml(item.label)}</a></li>`,
  ).join('');
  const body =
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>${escapeHtml(title)} - deploy controller</title><style>${CONSOLE_STYLE}</style></head><body>` +
    `<header><nav aria-label="Console"><ul>${nav}</ul></nav></header>` +
    `<main><h1>${escapeHtml(title)}</h1>${bodyHtml}</main>` +
    scripts.map((s) => `<script>${s}</script>`).join('') +
    `</body></html>`;
  const csp =
    `${CSP}; script-src ${scripts.map(scriptHash).join(' ')}` +
    (options.connect ? "; connect-src 'self'" : '');
  return {
    statusCode: options.statusCode ?? 200,
    headers: { ...HEADERS, 'content-security-policy': csp },
    body,
  };
}

/** A JSON answer with the same no-store and nosniff headers. */
export function jsonResponse(statusCode: number, value: unknown): HtmlResponse {
  return {
    statusCode,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
    body: JSON.stringify(value),
  };
}

/** A short problem page (unknown execution, console error) with its status. */
export function problemPage(statusCode: number, title: string, message: string): HtmlResponse {
  return layout(title, `<p>${escapeHtml(message)}</p>`, { statusCode });
}
