/**
 * One execution as a step timeline, built from the same data as `deployctl show` (history.ts
 * fetchTree, render-timeline.ts timelineRows). While the run goes on, a small script polls the
 * JSON route `/executions/{arn}/timeline.json` every POLL_MS and redraws the table from text
 * (never HTML), until the run has ended.
 */
import type { CliContext } from '../cli/context';
import { fetchTree, type ExecutionTree } from '../cli/history';
import { formatDuration, formatOffset, timelineRows } from '../cli/render-timeline';
import { summarizeCause } from '../cli/timeline';
import { escapeHtml, jsonResponse, layout, type HtmlResponse } from './layout';
import { timeHtml } from '../../functions/approval-callback/pages';

/** Real milliseconds between the page's polls while the run goes on. */
export const POLL_MS = 1000;

/** One row of the page's table, as plain text. */
export interface TimelineRowView {
  depth: number;
  offset: string;
  duration: string;
  /** succeeded | failed | aborted | running | waiting | header */
  status: string;
  name: string;
  note: string;
}

/** What the page and its JSON route show of an execution. */
export interface TimelineView {
  executionArn: string;
  name: string;
  stateMachine: string;
  /** RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED. */
  status: string;
  startedAt?: string;
  /** The closing line (status, duration, error and cause); empty while running. */
  outcome: string;
  /** A waiting approval's decision page, when the run waits for one. */
  approveUrl?: string;
  rows: TimelineRowView[];
}

const STATUS_WORD: Record<string, string> = {
  succeeded: 'ok',
  failed: 'failed',
  aborted: 'aborted',
  running: 'running',
  waiting: 'waiting',
  header: '',
};

/** The view of an execution tree (pure). */
export function timelineView(tree: ExecutionTree): TimelineView {
  const { timeline } = tree;
  const parts = tree.executionArn.split(':');
  const rows = timelineRows(tree).map((row) => ({
    depth: row.depth,
    offset: formatOffset(row.offsetMs),
    duration: row.durationMs !== undefined ? formatDuration(row.durationMs) : '',
    status: row.status,
    name: row.text,
    note: row.note ?? '',
  }));
  const waiting = timeline.steps.find(
    (s) => s.status === 'waiting' && s.approveUrl !== undefined && /^https?:\/\//i.test(s.approveUrl),
  );
  let outcome = '';
  if (timeline.status !== 'RUNNING') {
    const duration =
      timeline.startedAt && timeline.endedAt
        ? ` after ${formatDuration(timeline.endedAt.getTime() - timeline.startedAt.getTime())}`
        : '';
    const why = [timeline.error, summarizeCause(timeline.cause, 240)].filter(Boolean).join(': ');
    outcome = `${timeline.status}${duration}${why ? ` - ${why}` : ''}`;
  }
  return {
    executionArn: tree.executionArn,
    name: parts[parts.length - 1] ?? tree.executionArn,
    stateMachine: parts[parts.length - 2] ?? '',
    status: timeline.status,
    ...(timeline.startedAt && { startedAt: timeline.startedAt.toISOString() }),
    outcome,
    ...(waiting?.approveUrl && timeline.status === 'RUNNING' && { approveUrl: waiting.approveUrl }),
    rows,
  };
}

/** The table body rows as HTML (escaped). */
export function rowsHtml(rows: readonly TimelineRowView[]): string {
  return rows
    .map((row) => {
      const indent = `padding-left:${(0.5 + row.depth * 1.25).toFixed(2)}rem`;
      if (row.status === 'header')
        return `<tr><td class="num">${escapeHtml(row.offset)}</td><td></td><td></td><td style="${indent}"><em>${escapeHtml(row.name)}</em></td><td></td></tr>`;
      return (
        `<tr><td class="num">${escapeHtml(row.offset)}</td><td class="num">${escapeHtml(row.duration)}</td>` +
        `<td class="status-${escapeHtml(row.status)}">${escapeHtml(STATUS_WORD[row.status] ?? row.status)}</td>` +
        `<td style="${indent}">${escapeHtml(row.name)}</td><td>${escapeHtml(row.note)}</td></tr>`
      );
    })
    .join('');
}

/**
 * The page's only script besides local time: polls the JSON route and redraws status, outcome,
 * the approval link and the table with textContent. Stops when the run is no longer RUNNING.
 */
export const LIVE_SCRIPT =
  "(function(){var root=document.getElementById('live');if(!root||root.getAttribute('data-status')!=='RUNNING')return;" +
  "var src=root.getAttribute('data-src');var words={succeeded:'ok',failed:'failed',aborted:'aborted',running:'running',waiting:'waiting',header:''};" +
  'function cell(tr,text,cls,style){var td=document.createElement("td");td.textContent=text;if(cls)td.className=cls;if(style)td.setAttribute("style",style);tr.appendChild(td);return td;}' +
  'function draw(v){document.getElementById("run-status").textContent=v.status;document.getElementById("outcome").textContent=v.outcome;' +
  'var a=document.getElementById("approve");if(a){if(v.approveUrl){a.hidden=false;a.querySelector("a").setAttribute("href",v.approveUrl);}else{a.hidden=true;}}' +
  'var body=document.getElementById("steps");while(body.firstChild)body.removeChild(body.firstChild);' +
  'v.rows.forEach(function(r){var tr=document.createElement("tr");var pad="padding-left:"+(0.5+r.depth*1.25).toFixed(2)+"rem";' +
  'cell(tr,r.offset,"num");cell(tr,r.duration,"num");cell(tr,r.status==="header"?"":(words[r.status]||r.status),"status-"+r.status);' +
  'var n=cell(tr,"",null,pad);if(r.status==="header"){var em=document.createElement("em");em.textContent=r.name;n.appendChild(em);}else{n.textContent=r.name;}cell(tr,r.note);body.appendChild(tr);});' +
  'root.setAttribute("data-status",v.status);}' +
  'function poll(){fetch(src,{headers:{accept:"application/json"}}).then(function(r){return r.ok?r.json():null;}).then(function(v){if(v){draw(v);}' +
  `if(!v||v.status==="RUNNING")setTimeout(poll,${POLL_MS});}).catch(function(){setTimeout(poll,${POLL_MS * 3});});}` +
  `setTimeout(poll,${POLL_MS});})();`;

/** The JSON route's path for an execution. */
export function timelineJsonPath(executionArn: string): string {
  return `/executions/${encodeURIComponent(executionArn)}/timeline.json`;
}

/** The execution page (HTML). */
export function executionPage(view: TimelineView): HtmlResponse {
  const approve = `<p id="approve"${view.approveUrl ? '' : ' hidden'}><a class="button" href="${escapeHtml(view.approveUrl ?? '#')}">Review and decide the waiting approval</a></p>`;
  const html =
    `<section id="live" data-status="${escapeHtml(view.status)}" data-src="${escapeHtml(timelineJsonPath(view.executionArn))}">` +
    `<dl><dt>State machine</dt><dd>${escapeHtml(view.stateMachine)}</dd>` +
    `<dt>Started</dt><dd>${view.startedAt ? timeHtml(view.startedAt) : 'not yet'}</dd>` +
    `<dt>Status</dt><dd><output id="run-status" aria-live="polite">${escapeHtml(view.status)}</output></dd></dl>` +
    `<p id="outcome" aria-live="polite">${escapeHtml(view.outcome)}</p>${approve}` +
    `<h2>Steps</h2><table><caption class="note">Offsets from the start; nested deploy and rollback runs are indented under the step that ran them.` +
    `${view.status === 'RUNNING' ? ' This page updates while the run goes on.' : ''}</caption>` +
    `<thead><tr><th scope="col">At</th><th scope="col">Took</th><th scope="col">Status</th><th scope="col">Step</th><th scope="col">Details</th></tr></thead>` +
    `<tbody id="steps">${rowsHtml(view.rows)}</tbody></table></section>`;
  return layout(`Execution ${view.name}`, html, { scripts: [LIVE_SCRIPT], connect: true });
}

/** Reads an execution and answers its page or, with `json`, the JSON view. */
export async function executionResponse(
  ctx: CliContext,
  executionArn: string,
  json: boolean,
): Promise<HtmlResponse> {
  const view = timelineView(await fetchTree(ctx, executionArn));
  return json ? jsonResponse(200, view) : executionPage(view);
}
