/**
 * Recent failures: the newest FAILED, TIMED_OUT and ABORTED pipeline runs, each with the notice
 * text the notifier sends to Slack for it, built by the notifier's own code (failure-analysis.ts,
 * slack-message.ts) from the run's history, so the console and Slack never disagree.
 */
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { timeHtml } from '../../functions/approval-callback/pages';
import type { SlackMessage } from '../../functions/commons/slack/post-message';
import { readNoticeInput } from '../../functions/notifier/execution-input';
import { analyseFailure } from '../../functions/notifier/failure-analysis';
import { failureMessage } from '../../functions/notifier/slack-message';
import { readExecutionHistory } from '../../functions/notifier/sfn-reads';
import type { FailureStatus } from '../../functions/notifier/status-event';
import type { CliContext } from '../cli/context';
import { listExecutions, type ListedExecution } from '../cli/executions';
import { escapeHtml, layout, type HtmlResponse } from './layout';
import { executionHref } from './pipelines-page';

/** Failed runs shown. */
export const RECENT_FAILURES = 10;

const FAILURE_STATUSES: FailureStatus[] = ['FAILED', 'TIMED_OUT', 'ABORTED'];

/** One failed run and its notice as plain text. */
export interface FailureEntry {
  pipeline: string;
  executionArn: string;
  name: string;
  status: string;
  stopDate?: string;
  notice: string;
}

/**
 * Slack mrkdwn as plain text: `*Label*` on its own line -> `Label: `, `<url|label>` -> `label (url)`,
 * `<url>` -> url, code marks and emoji shortcodes dropped, entities decoded.
 */
export function mrkdwnToText(text: string): string {
  return text
    .replace(/^\*([^*\n]+)\*\n/, '$1: ')
    .replace(/<([^|>]+)\|([^>]+)>/g, (_m, url: string, label: string) => `${label} (${url})`)
    .replace(/<([^>]+)>/g, '$1')
    .replace(/```\n?/g, '')
    .replace(/`([^`\n]*)`/g, '$1')
    .replace(/(^|\s):[a-z0-9_+-]+:(?=\s)/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .trim();
}

/** A Block Kit message as the text a reader sees: header, fields, sections and context, in order. */
export function messageText(message: SlackMessage): string {
  const lines: string[] = [];
  for (const block of (message.blocks ?? []) as unknown as Record<string, unknown>[]) {
    const text = (block.text as { text?: string } | undefined)?.text;
    if (typeof text === 'string') lines.push(mrkdwnToText(text));
    for (const field of (block.fields as { text?: string }[] | undefined) ?? [])
      if (typeof field.text === 'string') lines.push(mrkdwnToText(field.text));
    for (const element of (block.elements as { text?: string }[] | undefined) ?? [])
      if (typeof element.text === 'string') lines.push(mrkdwnToText(element.text));
  }
  return lines.length ? lines.join('\n') : mrkdwnToText(message.text ?? '');
}

/** The page (pure). */
export function failuresPage(entries: readonly FailureEntry[]): HtmlResponse {
  const body = entries.length
    ? entries
        .map(
          (e) =>
            `<article aria-labelledby="f-${escapeHtml(e.name)}"><h2 id="f-${escapeHtml(e.name)}">${escapeHtml(e.pipeline)}: ` +
            `<a href="${escapeHtml(executionHref(e.executionArn))}">${escapeHtml(e.name)}</a> <span class="status-${escapeHtml(e.status)}">${escapeHtml(e.status)}</span></h2>` +
            (e.stopDate ? `<p>Ended ${timeHtml(e.stopDate)}.</p>` : '') +
            `<div class="notice" role="note" aria-label="Notice sent for ${escapeHtml(e.name)}">${escapeHtml(e.notice)}</div></article>`,
        )
        .join('')
    : '<p>No failed runs. Failed, timed-out and stopped runs appear here with the notice sent for them.</p>';
  return layout('Recent failures', body, { current: '/failures' });
}

/** The notice text of one failed run, as the notifier builds it. */
export async function noticeFor(ctx: CliContext, run: ListedExecution): Promise<string> {
  const arn = run.executionArn!;
  const [described, history] = await Promise.all([
    ctx.sfn.send(new DescribeExecutionCommand({ executionArn: arn })),
    readExecutionHistory(ctx.sfn, arn),
  ]);
  const status = run.status as FailureStatus;
  const analysis = analyseFailure(status, history, {
    error: described.error ?? null,
    cause: described.cause ?? null,
  });
  const message = failureMessage(
    {
      pipeline: run.pipeline,
      executionArn: arn,
      executionName: run.name ?? arn,
      status,
      input: readNoticeInput(described.input),
      startDate: described.startDate ?? run.startDate ?? new Date(0),
      stopDate: described.stopDate ?? run.stopDate ?? null,
    },
    analysis,
    // The commands in the notice work where the run happened: --aws only against AWS.
    { ...process.env, DEPLOY_CONTROLLER_SANDBOX: ctx.mode === 'sandbox' ? '1' : '' },
  );
  return messageText(message);
}

/** The newest failed runs of every pipeline with their notices. */
export async function recentFailures(ctx: CliContext, limit = RECENT_FAILURES): Promise<FailureEntry[]> {
  const lists = await Promise.all(FAILURE_STATUSES.map((status) => listExecutions(ctx, { status, limit })));
  const runs = lists
    .flat()
    .sort((a, b) => (b.stopDate?.getTime() ?? 0) - (a.stopDate?.getTime() ?? 0))
    .slice(0, limit);
  return Promise.all(
    runs.map(async (run) => ({
      pipeline: run.pipeline,
      executionArn: run.executionArn!,
      name: run.name ?? '',
      status: run.status ?? '',
      ...(run.stopDate && { stopDate: run.stopDate.toISOString() }),
      notice: await noticeFor(ctx, run),
    })),
  );
}
