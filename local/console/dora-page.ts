/**
 * The DORA page: for each pipeline the four keys over the last 30 days (dora.ts) read from the
 * DeployHistory table the controller writes, with a bar chart of deployments per day.
 */
import type { DeploymentRecord } from '../../functions/deploy-history/history-record';
import { listRecentDeployments } from '../../functions/deploy-history/history-store';
import { durationText } from '../../functions/approval-callback/decision-view';
import type { CliContext } from '../cli/context';
import { deploymentsChart } from './chart';
import { DAY_MS, doraMetrics, type DoraMetrics } from './dora';
import { escapeHtml, layout, type HtmlResponse } from './layout';

/** Days the page covers. */
export const WINDOW_DAYS = 30;
/** DeployHistory pages (100 records each) read at most per pipeline. */
export const MAX_PAGES = 20;

/** "2.4 per day", "1 per week" style frequency text. */
export function frequencyText(perDay: number): string {
  if (!Number.isFinite(perDay) || perDay <= 0) return 'none';
  if (perDay >= 1) return `${perDay.toFixed(perDay >= 10 ? 0 : 1)} per day`;
  const perWeek = perDay * 7;
  return perWeek >= 1 ? `${perWeek.toFixed(1)} per week` : `${(perDay * 30).toFixed(1)} per 30 days`;
}

const durationOrNone = (ms: number | null, none: string) => (ms === null ? none : durationText(ms));

/** The four keys of one pipeline as labelled text. */
export function metricCards(m: DoraMetrics): { label: string; value: string; detail: string }[] {
  return [
    {
      label: 'Deployment frequency',
      value: frequencyText(m.deploymentsPerDay),
      detail: `${m.deployments} successful deployment${m.deployments === 1 ? '' : 's'} in ${m.windowDays} days`,
    },
    {
      label: 'Lead time for changes',
      value: durationOrNone(m.leadTimeMs, 'no data'),
      detail: 'median, commit to deployed',
    },
    {
      label: 'Change failure rate',
      value: m.changeFailureRate === null ? 'no changes' : `${Math.round(m.changeFailureRate * 100)} %`,
      detail: `${m.failedChanges} of ${m.changes} changes failed or were rolled back`,
    },
    {
      label: 'Time to restore',
      value: durationOrNone(m.timeToRestoreMs, m.unrestored ? 'not restored yet' : 'nothing to restore'),
      detail: `median, first failure to next success${m.unrestored ? '; the latest failure is not restored yet' : ''}`,
    },
  ];
}

/** The page (pure). */
export function doraPage(pipelines: readonly { pipeline: string; metrics: DoraMetrics }[]): HtmlResponse {
  const sections = pipelines
    .map(({ pipeline, metrics }) => {
      const cards = metricCards(metrics)
        .map(
          (c) =>
            `<div class="metric"><span>${escapeHtml(c.label)}</span><strong>${escapeHtml(c.value)}</strong><span class="note">${escapeHtml(c.detail)}</span></div>`,
        )
        .join('');
      const skipped = metrics.skipped
        ? `<p class="note">${metrics.skipped} history records with unreadable dates were left out.</p>`
        : '';
      return (
        `<section aria-labelledby="d-${escapeHtml(pipeline)}"><h2 id="d-${escapeHtml(pipeline)}">${escapeHtml(pipeline)}</h2>` +
        `<div class="metrics">${cards}</div><h3>Deployments per day</h3>` +
        deploymentsChart(metrics.days, `${pipeline} deployments per day`) +
        `<p class="note">Solid green: successful deployments. Striped red: changes that failed or were rolled back.</p>${skipped}</section>`
      );
    })
    .join('');
  return layout(
    'DORA metrics',
    `<p class="note">The last ${WINDOW_DAYS} days, from the deploy history the controller records for every run.</p>${sections}`,
    { current: '/dora' },
  );
}

/** A pipeline's history records that may fall in the window (newest first, pages until older). */
export async function historyInWindow(
  ctx: CliContext,
  pipeline: string,
  now: Date,
  windowDays = WINDOW_DAYS,
): Promise<DeploymentRecord[]> {
  // A run ends after it starts: records started up to a day before the window can still end in it.
  const oldest = new Date(now.getTime() - (windowDays + 1) * DAY_MS).toISOString();
  const out: DeploymentRecord[] = [];
  let cursor: Record<string, unknown> | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const result = await listRecentDeployments(pipeline, { client: ctx.dynamo, limit: 100, cursor });
    out.push(...result.items);
    const last = result.items[result.items.length - 1];
    if (!result.cursor || (last && typeof last.startedAt === 'string' && last.startedAt < oldest)) break;
    cursor = result.cursor;
  }
  return out;
}

/** Reads and computes every pipeline's keys. */
export async function doraResponse(ctx: CliContext, now = new Date()): Promise<HtmlResponse> {
  const pipelines = await Promise.all(
    ctx.config().pipelines.map(async (p) => ({
      pipeline: p.name,
      metrics: doraMetrics(await historyInWindow(ctx, p.name, now), now, WINDOW_DAYS),
    })),
  );
  return doraPage(pipelines);
}
