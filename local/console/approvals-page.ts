/**
 * Waiting approvals: running pipeline executions whose approval step waits for a task token.
 * Each links to the signed, single-use decision page the Slack message links to (the approval
 * link is in the waiting task's parameters, read from the execution history as `deployctl show`
 * reads it); the decision itself goes through approval-callback, never through the console.
 */
import { timeHtml } from '../../functions/approval-callback/pages';
import type { CliContext } from '../cli/context';
import { listExecutions } from '../cli/executions';
import { fetchTree } from '../cli/history';
import type { Step } from '../cli/timeline';
import { SCAN_EXPORTS, scanFindings, scanFindingsText } from '../../functions/approval-request/scan-findings';
import { escapeHtml, layout, type HtmlResponse } from './layout';
import { executionHref } from './pipelines-page';

/** Running executions inspected for a waiting approval. */
export const RUNNING_LIMIT = 50;

/** One run waiting for a decision. */
export interface WaitingApproval {
  pipeline: string;
  executionArn: string;
  name: string;
  step: string;
  waitingSince: string;
  /** Deadline (ISO), when the link carries one. */
  expiresAt?: string;
  /** The signed decision page (approve link; the page offers both decisions). */
  approveUrl: string;
  /** `commit 7d2e9f1 "Add overdraft check" pushed by ada`, when the input tells. */
  commit?: string;
  /** The dependency scan's findings (`highest finding: medium (1 finding)`), when it exported them. */
  scan?: string;
}

/** The scan's exported summary in words, from the run's CodeBuild scan step. */
function scanOf(steps: readonly Step[]): string | undefined {
  const exported = steps.find(
    (s) => s.resourceType === 'codebuild' && s.exported?.[SCAN_EXPORTS.highest],
  )?.exported;
  return exported
    ? scanFindingsText(scanFindings(Object.entries(exported).map(([name, value]) => ({ name, value }))))
    : undefined;
}

function commitOf(input: string | undefined): string | undefined {
  try {
    const parsed = JSON.parse(input ?? '') as Record<string, unknown>;
    if (typeof parsed.commitSha !== 'string') return undefined;
    const subject =
      typeof parsed.commitMessage === 'string' ? ` "${parsed.commitMessage.split('\n', 1)[0]}"` : '';
    const by = typeof parsed.pusher === 'string' ? ` pushed by ${parsed.pusher}` : '';
    return `commit ${parsed.commitSha.slice(0, 7)}${subject}${by}`;
  } catch {
    return undefined;
  }
}

/** The page (pure). */
export function approvalsPage(waiting: readonly WaitingApproval[]): HtmlResponse {
  const body = waiting.length
    ? `<p>Each button opens the approval's decision page, the same signed, single-use page as the Slack link: ` +
      `it shows what will happen and takes Approve, or Reject with a reason.</p>` +
      `<table><caption class="note">Runs waiting for a person, oldest first</caption><thead><tr>` +
      `<th scope="col">Pipeline</th><th scope="col">Run</th><th scope="col">Change</th><th scope="col">Dependency scan</th><th scope="col">Waiting since</th>` +
      `<th scope="col">Deadline</th><th scope="col">Decide</th></tr></thead><tbody>` +
      waiting
        .map(
          (w) =>
            `<tr><td>${escapeHtml(w.pipeline)}</td><td><a href="${escapeHtml(executionHref(w.executionArn))}">${escapeHtml(w.name)}</a></td>` +
            `<td>${escapeHtml(w.commit ?? '')}</td><td>${escapeHtml(w.scan ?? 'not reported')}</td><td>${timeHtml(w.waitingSince)}</td>` +
            `<td>${w.expiresAt ? timeHtml(w.expiresAt) : 'none'}</td>` +
            `<td><a class="button" href="${escapeHtml(w.approveUrl)}" aria-label="Review and decide ${escapeHtml(w.name)}">Review and decide</a></td></tr>`,
        )
        .join('') +
      `</tbody></table>`
    : '<p>Nothing is waiting for an approval.</p>';
  return layout('Waiting approvals', body, { current: '/approvals' });
}

/** Running pipeline executions that wait at an approval step, oldest first. */
export async function waitingApprovals(ctx: CliContext): Promise<WaitingApproval[]> {
  const running = await listExecutions(ctx, { status: 'RUNNING', limit: RUNNING_LIMIT });
  const found = await Promise.all(
    running.map(async (run): Promise<WaitingApproval | undefined> => {
      const tree = await fetchTree(ctx, run.executionArn!, 0);
      const step = tree.timeline.steps.find((s) => s.status === 'waiting' && s.approveUrl);
      // Only http(s) links become buttons: the page never links a script URL.
      if (!step?.approveUrl || !/^https?:\/\//i.test(step.approveUrl)) return undefined;
      const commit = commitOf(tree.timeline.input);
      const scan = scanOf(tree.timeline.steps);
      return {
        pipeline: run.pipeline,
        executionArn: run.executionArn!,
        name: run.name ?? '',
        step: step.name,
        waitingSince: step.enteredAt.toISOString(),
        ...(step.waitingUntil && { expiresAt: step.waitingUntil }),
        approveUrl: step.approveUrl,
        ...(commit && { commit }),
        ...(scan && { scan }),
      };
    }),
  );
  return found
    .filter((w): w is WaitingApproval => w !== undefined)
    .sort((a, b) => a.waitingSince.localeCompare(b.waitingSince));
}
