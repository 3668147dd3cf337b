/**
 * The GitHub commit status for a status change: context `deploy/<pipeline>`, a short description
 * and the execution's console page as the target. Pure; the notifier posts it.
 */
import type { CommitState, CommitStatus } from '../commons/github/commit-status';
import { executionConsoleUrl } from '../commons/console-links';
import type { FailureAnalysis } from './failure-analysis';
import { safeText } from './scrub';
import type { ExecutionStatus } from './status-event';

export interface StatusFacts {
  pipeline: string;
  repository: string;
  commitSha: string;
  executionArn: string;
  status: ExecutionStatus;
  superseded: boolean;
  /** For a superseded run: the commit that deploys instead, and why (from PipelineOutput). */
  supersededBy?: { commitSha: string | null; reason: string } | null;
  failure: FailureAnalysis | null;
}

const STATE: Record<ExecutionStatus, CommitState> = {
  RUNNING: 'pending',
  SUCCEEDED: 'success',
  FAILED: 'failure',
  TIMED_OUT: 'error',
  ABORTED: 'error',
};

function describe(facts: StatusFacts): string {
  const step = safeText(facts.failure?.failedStep, 60);
  const at = step ? ` at ${step}` : '';
  switch (facts.status) {
    case 'RUNNING':
      return 'Deployment running: build, checks, deploy and verify';
    case 'SUCCEEDED': {
      if (!facts.superseded) return 'Deployed and verified';
      const by = facts.supersededBy?.commitSha ? ` by ${facts.supersededBy.commitSha.slice(0, 7)}` : '';
      const why = safeText(facts.supersededBy?.reason, 90);
      return `Not deployed: superseded${by}${why ? ` (${why})` : ''}`;
    }
    case 'FAILED':
      return `Failed${at}: ${safeText(facts.failure?.error, 60) ?? 'see the execution'}`;
    case 'TIMED_OUT':
      return `Timed out${at}`;
    case 'ABORTED':
      return `Stopped (aborted)${at}`;
  }
}

/** The commit status to post. */
export function commitStatusFor(facts: StatusFacts): CommitStatus {
  return {
    repository: facts.repository,
    commitSha: facts.commitSha,
    // Never "success" for a run that deployed nothing; GitHub statuses have no neutral state
    // (GitHub REST docs, "Create a commit status": error, failure, pending, success).
    state: facts.superseded ? 'error' : STATE[facts.status],
    description: describe(facts),
    context: `deploy/${facts.pipeline}`,
    targetUrl: executionConsoleUrl(facts.executionArn),
  };
}
