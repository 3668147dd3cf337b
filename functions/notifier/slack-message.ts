/**
 * Slack Block Kit messages for pipeline outcomes. Everything that came from outside (commit
 * message, author, causes) is scrubbed of secrets and escaped for Slack's mrkdwn, so a commit
 * message cannot ping a channel or forge a link.
 */
import { commitUrl, executionConsoleUrl } from '../commons/console-links';
import { SLACK_BLOCK_IDS } from '../commons/slack/message-kinds';
import type { SlackMessage } from '../commons/slack/post-message';
import { cutMrkdwn, cutText } from '../commons/text';
import { summariseCause } from './cause-text';
import type { NoticeInput } from './execution-input';
import type { FailureAnalysis, RollbackSummary } from './failure-analysis';
import { diedOutsideCatch } from './run-cleanup';
import { safeText } from './scrub';
import type { ExecutionStatus } from './status-event';

/** What every message needs about the run. */
export interface NoticeContext {
  pipeline: string;
  executionArn: string;
  executionName: string;
  status: ExecutionStatus;
  input: NoticeInput;
  startDate: Date;
  stopDate: Date | null;
  /** What the notifier cleaned up for a run that ended outside its Catch paths (run-cleanup.ts). */
  cleanup?: string;
}

/** Escapes Slack mrkdwn control characters (`&`, `<`, `>`). */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Scrubbed, trimmed, escaped; `fallback` when empty. */
function show(text: string | null | undefined, max: number, fallback = 'unknown'): string {
  return cutMrkdwn(safeText(text, max) ?? fallback, max);
}

/** Inline code that cannot be broken out of. */
function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

/** `12m 3s`, `1h 4m`, `45s`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s % 60}s`;
  return `${s}s`;
}

function commitField(context: NoticeContext): string {
  const { repository, commitSha, commitMessage } = context.input;
  const firstLine = commitMessage?.split('\n')[0] ?? '';
  const title = firstLine ? ` ${show(firstLine, 120)}` : '';
  if (!commitSha) return `unknown commit${title}`;
  const short = commitSha.slice(0, 7);
  return repository ? `<${commitUrl(repository, commitSha)}|${short}>${title}` : `${code(short)}${title}`;
}

function contextLine(context: NoticeContext): string {
  const parts = [`execution ${code(context.executionName)}`];
  if (context.stopDate)
    parts.push(`ran ${formatDuration(context.stopDate.getTime() - context.startDate.getTime())}`);
  if (context.input.pusher) parts.push(`pushed by ${show(context.input.pusher, 60)}`);
  if (context.input.branch) parts.push(`branch ${show(context.input.branch, 100)}`);
  return parts.join(' · ');
}

/** The line that says what happened to production. */
export function rollbackLine(rollback: RollbackSummary): string {
  const target = rollback.target ? ` to ${code(safeText(rollback.target, 100) ?? '')}` : '';
  const instances = rollback.instanceCount
    ? ` on ${rollback.instanceCount} instance${rollback.instanceCount === 1 ? '' : 's'}`
    : '';
  switch (rollback.outcome) {
    case 'not-needed':
      return 'Nothing to roll back: the run stopped before production was changed.';
    case 'not-run':
      return ':warning: No rollback ran. Check the target, and roll back with the command below if it is unhealthy.';
    case 'held':
      return `:leftwards_arrow_with_hook: Rolled back${target}${instances} and the rollback held: production is on the last good version.`;
    case 'reverted-by-beanstalk':
      return ':leftwards_arrow_with_hook: Elastic Beanstalk reverted the canary by itself: all traffic is back on the previous version.';
    case 'interrupted':
      return `:warning: The run stopped while rolling back${target}: the target may be on a mixed version. Check it, then roll back.`;
    case 'failed': {
      const where = rollback.failure?.state ?? rollback.states.at(-1) ?? 'the rollback';
      const why = rollback.failure?.error ? ` (${code(safeText(rollback.failure.error, 100) ?? '')})` : '';
      return `:rotating_light: *Rollback${target} FAILED* at ${show(where, 100)}${why}: the target may be on a broken version. Act now.`;
    }
  }
}

function headline(context: NoticeContext, step: string | null, rollbackFailed: boolean): string {
  const at = step ? ` at ${safeText(step, 80)}` : '';
  if (rollbackFailed)
    return `:rotating_light: ${context.pipeline}: deployment failed${at} and the ROLLBACK FAILED`;
  if (context.status === 'TIMED_OUT') return `:stopwatch: ${context.pipeline}: deployment timed out${at}`;
  if (context.status === 'ABORTED')
    return `:black_square_for_stop: ${context.pipeline}: deployment was stopped (aborted)${at}`;
  return `:x: ${context.pipeline}: deployment failed${at}`;
}

function errorText(analysis: FailureAnalysis): string {
  const error = safeText(analysis.error, 120);
  const task = analysis.taskFailure?.error ? safeText(analysis.taskFailure.error, 120) : null;
  if (!error && analysis.status === 'ABORTED') return 'stopped by a person or a StopExecution call';
  if (!error) return task ? code(task) : 'unknown';
  const from =
    task && task !== error
      ? ` (from ${code(task)}${analysis.taskFailure?.state ? ` in ${show(analysis.taskFailure.state, 80)}` : ''})`
      : '';
  return `${code(error)}${from}`;
}

/** Where the run happened: the sandbox sets DEPLOY_CONTROLLER_SANDBOX for its handlers. */
export function inSandbox(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.DEPLOY_CONTROLLER_SANDBOX);
}

/** A deployctl command as it works where the run happened: `--aws` only against AWS. */
export function deployctlCommand(args: string, env: NodeJS.ProcessEnv = process.env): string {
  return inSandbox(env) ? `npx deployctl ${args}` : `npx deployctl ${args} --aws`;
}

/** Rollback outcomes after which production may not be on a good version: a person should act. */
const ROLLBACK_ACTION_NEEDED = new Set<RollbackSummary['outcome']>(['not-run', 'interrupted', 'failed']);

function commands(context: NoticeContext, analysis: FailureAnalysis, env: NodeJS.ProcessEnv): string {
  const lines: string[] = [];
  // A run that ended in one of the pipeline's Fail states already cleaned up: redriving would only
  // re-enter that Fail state.
  const redrivable = diedOutsideCatch(analysis.status, analysis.error);
  const sha = context.input.commitSha;
  if (redrivable && !inSandbox(env)) {
    lines.push(
      `Retry from the failed step: ${code(`aws stepfunctions redrive-execution --execution-arn ${context.executionArn}`)}`,
    );
  } else if (redrivable && sha && /^[0-9a-f]{40}$/.test(sha)) {
    lines.push(
      `Run the same commit again: ${code(deployctlCommand(`push ${context.pipeline} --sha ${sha}`, env))}`,
    );
  } else {
    lines.push(
      `Retry: push a fix to ${show(context.input.branch ?? 'the branch', 100)} (the run already cleaned up, so a redrive would only re-enter its Fail state)`,
    );
  }
  // Only offer a rollback when production may be off a good version; "nothing to roll back" or
  // "rolled back and held" followed by a rollback command would contradict itself.
  if (ROLLBACK_ACTION_NEEDED.has(analysis.rollback.outcome))
    lines.push(`Roll back: ${code(deployctlCommand(`rollback ${context.pipeline}`, env))}`);
  lines.push(`See every step: ${code(deployctlCommand(`show ${context.executionName}`, env))}`);
  return lines.join('\n');
}

/** A code block that cannot be broken out of. */
function codeBlock(text: string): string {
  return `\`\`\`${escapeMrkdwn(text).replace(/```/g, "'''")}\`\`\``;
}

/**
 * The execution's cause (what the Fail state says), then the failing task's own cause when it
 * adds something (the CodeBuild phase, the Lambda's message). Each scrubbed and trimmed.
 */
function causeText(analysis: FailureAnalysis): string {
  const run = safeText(summariseCause(analysis.cause)?.text, 900);
  const task = safeText(summariseCause(analysis.taskFailure?.cause)?.text, 900);
  if (!run && !task) return 'none given';
  if (!run || !task || run.includes(task) || task.includes(run)) return codeBlock((run ?? task)!);
  const where = analysis.taskFailure?.state ? show(analysis.taskFailure.state, 80) : 'the failing task';
  return `${codeBlock(run)}\n_${where} reported:_ ${codeBlock(task)}`;
}

/** Block Kit message for a failed, timed-out or aborted run. */
export function failureMessage(
  context: NoticeContext,
  analysis: FailureAnalysis,
  env: NodeJS.ProcessEnv = process.env,
): SlackMessage {
  const consoleUrl = executionConsoleUrl(context.executionArn);
  const title = headline(context, analysis.failedStep, analysis.rollback.outcome === 'failed');
  const taskCause = summariseCause(analysis.taskFailure?.cause);
  const links = [`<${consoleUrl}|Open the execution in the Step Functions console>`];
  if (taskCause?.logsUrl) links.push(`<${taskCause.logsUrl}|Build logs>`);
  return {
    text: `${title}: ${safeText(analysis.error, 120) ?? context.status} (${context.input.commitSha?.slice(0, 7) ?? 'unknown commit'})`,
    blocks: [
      {
        type: 'header',
        block_id: SLACK_BLOCK_IDS.notice,
        text: { type: 'plain_text', text: cutText(title, 150), emoji: true },
      },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: `*Pipeline*\n${escapeMrkdwn(context.pipeline)}` },
          { type: 'mrkdwn', text: `*Commit*\n${commitField(context)}` },
          { type: 'mrkdwn', text: `*Author*\n${show(context.input.commitAuthor, 80)}` },
          { type: 'mrkdwn', text: `*Failed step*\n${show(analysis.failedStep, 100)}` },
        ],
      },
      { type: 'section', text: { type: 'mrkdwn', text: `*Error*\n${errorText(analysis)}` } },
      { type: 'section', text: { type: 'mrkdwn', text: `*Cause*\n${causeText(analysis)}` } },
      { type: 'section', text: { type: 'mrkdwn', text: `*Rollback*\n${rollbackLine(analysis.rollback)}` } },
      ...(context.cleanup
        ? [
            {
              type: 'section' as const,
              text: { type: 'mrkdwn' as const, text: `*Cleanup*\n${escapeMrkdwn(context.cleanup)}` },
            },
          ]
        : []),
      { type: 'section', text: { type: 'mrkdwn', text: links.join('  ·  ') } },
      { type: 'section', text: { type: 'mrkdwn', text: `*What now*\n${commands(context, analysis, env)}` } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: contextLine(context) }] },
    ],
  };
}

/** Block Kit message for a deployment that went out (only when the pipeline asks for it). */
export function successMessage(context: NoticeContext): SlackMessage {
  const consoleUrl = executionConsoleUrl(context.executionArn);
  const title =
    `:white_check_mark: ${context.pipeline}: deployed ${context.input.commitSha?.slice(0, 7) ?? ''}`.trim();
  return {
    text: title,
    blocks: [
      {
        type: 'header',
        block_id: SLACK_BLOCK_IDS.notice,
        text: { type: 'plain_text', text: cutText(title, 150), emoji: true },
      },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: `*Commit*\n${commitField(context)}` },
          { type: 'mrkdwn', text: `*Author*\n${show(context.input.commitAuthor, 80)}` },
        ],
      },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: `<${consoleUrl}|Open the execution in the Step Functions console>` },
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: contextLine(context) }] },
    ],
  };
}
