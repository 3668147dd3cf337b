/**
 * The console's front page: each pipeline with what it listens to, its target, the version live
 * now (the newest good deployment in DeployHistory, as rollback reads it) and its recent runs
 * (ListExecutions, newest first).
 */
import type { ExecutionListItem } from '@aws-sdk/client-sfn';
import { shortVersion, targetText } from '../../functions/approval-callback/decision-view';
import { timeHtml } from '../../functions/approval-callback/pages';
import type { PipelineSettings } from '../../functions/commons/config/schema';
import { lastGoodDeployment } from '../../functions/deploy-history/history-store';
import type { CliContext } from '../cli/context';
import { listExecutions } from '../cli/executions';
import { formatDuration } from '../cli/render-timeline';
import { escapeHtml, layout, type HtmlResponse } from './layout';

/** Runs shown per pipeline. */
export const RECENT_RUNS = 5;

/** What the page shows of one pipeline. */
export interface PipelineSummary {
  settings: PipelineSettings;
  /** Live version label and its commit; undefined when nothing good was deployed yet. */
  live?: { versionLabel: string; commitSha?: string };
  runs: ExecutionListItem[];
}

/** The link to an execution's console page. */
export function executionHref(executionArn: string): string {
  return `/executions/${encodeURIComponent(executionArn)}`;
}

/** A table of runs: name (linked), status, start, duration. */
export function runsTable(runs: readonly ExecutionListItem[], caption: string): string {
  if (!runs.length) return `<p>No runs yet.</p>`;
  const rows = runs
    .map((run) => {
      const started = run.startDate ? timeHtml(run.startDate.toISOString()) : '';
      const took =
        run.startDate && run.stopDate ? formatDuration(run.stopDate.getTime() - run.startDate.getTime()) : '';
      return (
        `<tr><td><a href="${escapeHtml(executionHref(run.executionArn ?? ''))}">${escapeHtml(run.name ?? '')}</a></td>` +
        `<td class="status-${escapeHtml(run.status ?? '')}">${escapeHtml(run.status ?? '')}</td>` +
        `<td>${started}</td><td class="num">${escapeHtml(took)}</td></tr>`
      );
    })
    .join('');
  return (
    `<table><caption class="note">${escapeHtml(caption)}</caption><thead><tr><th scope="col">Run</th><th scope="col">Status</th>` +
    `<th scope="col">Started</th><th scope="col">Took</th></tr></thead><tbody>${rows}</tbody></table>`
  );
}

/** The front page from summaries (pure). */
export function pipelinesPage(summaries: readonly PipelineSummary[], mode: CliContext['mode']): HtmlResponse {
  const sections = summaries
    .map(({ settings, live, runs }) => {
      const liveText = live
        ? `${shortVersion(live.versionLabel)}${live.commitSha ? ` (commit ${live.commitSha.slice(0, 12)})` : ''}`
        : 'nothing deployed by the controller yet';
      return (
        `<section aria-labelledby="p-${escapeHtml(settings.name)}"><h2 id="p-${escapeHtml(settings.name)}">${escapeHtml(settings.name)}</h2>` +
        `<dl><dt>Listens to</dt><dd>${escapeHtml(`${settings.repository} branch ${settings.branch}`)}</dd>` +
        `<dt>Target</dt><dd>${escapeHtml(targetText(settings))}</dd>` +
        `<dt>Live version</dt><dd>${escapeHtml(liveText)}</dd></dl>` +
        runsTable(runs, `Recent runs of ${settings.name}, newest first`) +
        `</section>`
      );
    })
    .join('');
  const where =
    mode === 'aws'
      ? 'Read from your AWS account with your credentials.'
      : 'Read from the local sandbox; push a sample commit with <code>npx deployctl push retail-bank</code>.';
  return layout('Pipelines', `<p class="note">${where}</p>${sections}`, { current: '/' });
}

/** Reads every configured pipeline's live version and recent runs. */
export async function pipelineSummaries(ctx: CliContext): Promise<PipelineSummary[]> {
  return Promise.all(
    ctx.config().pipelines.map(async (settings) => {
      const [good, runs] = await Promise.all([
        lastGoodDeployment(settings.name, { client: ctx.dynamo }),
        listExecutions(ctx, { pipeline: settings.name, limit: RECENT_RUNS }),
      ]);
      return {
        settings,
        ...(good.found &&
          good.versionLabel && {
            live: { versionLabel: good.versionLabel, ...(good.commitSha && { commitSha: good.commitSha }) },
          }),
        runs,
      };
    }),
  );
}
