/**
 * Whether the run behind an approval is still waiting. A stopped, failed, timed-out, finished or
 * superseded run cannot take a decision, so its links get a "no longer waiting" page instead of
 * buttons. Statuses: Step Functions API Reference, DescribeExecution (`status`: RUNNING |
 * SUCCEEDED | FAILED | TIMED_OUT | ABORTED | PENDING_REDRIVE; `output`, `cause`, `stopDate`).
 */
import { DescribeExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';

export interface ExecutionState {
  status: string;
  /** Ended because a newer commit took over (CodePipeline's SUPERSEDED semantics). */
  superseded: boolean;
  stopDate?: Date;
}

/** The state of an execution; undefined when it cannot be read (the page then still offers the decision). */
export async function readExecutionState(
  sfn: Pick<SFNClient, 'send'>,
  executionArn: string,
): Promise<ExecutionState | undefined> {
  const out = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  if (!out?.status) return undefined;
  let superseded = false;
  if (out.status === 'SUCCEEDED' && out.output) {
    try {
      superseded = (JSON.parse(out.output) as { status?: unknown }).status === 'superseded';
    } catch {
      superseded = false;
    }
  }
  if (out.status === 'ABORTED' && /supersed/i.test(`${out.cause ?? ''} ${out.error ?? ''}`))
    superseded = true;
  return { status: out.status, superseded, ...(out.stopDate ? { stopDate: out.stopDate } : {}) };
}

/** "was stopped", "failed", "was superseded by a newer commit", ... for the page's sentence. */
export function stateText(state: ExecutionState): string {
  if (state.superseded) return 'was superseded by a newer commit';
  switch (state.status) {
    case 'ABORTED':
      return 'was stopped';
    case 'FAILED':
      return 'failed';
    case 'TIMED_OUT':
      return 'timed out';
    case 'SUCCEEDED':
      return 'has already finished';
    case 'PENDING_REDRIVE':
      return 'failed and is waiting to be redriven';
    default:
      return `is ${state.status.toLowerCase()}`;
  }
}
