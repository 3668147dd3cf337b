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
    case 'SUCCEEDED':
      // Green, not red: a superseded run is not a failure and needs nothing from anyone.
      return facts.superseded
        ? 'Superseded by a newer commit: not deployed on its own'
        : 'Deployed and verified';
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
    state: STATE[facts.status],
    description: describe(facts),
    context: `deploy/${facts.pipeline}`,
    targetUrl: executionConsoleUrl(facts.executionArn),
  };
}
