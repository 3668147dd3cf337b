/** GitHub's compare API as the lock's CompareFn (commit-order.ts), with errors logged, not thrown. */
import type { Logger } from '@aws-lambda-powertools/logger';
import { canCompareCommits, compareCommits } from '../commons/github/compare-commits';
import type { CompareFn } from './commit-order';

/**
 * GitHub's compare for one repository, or null when no repository is known or no token is
 * configured. An error is logged and leaves the decision to the pushes' own chain.
 */
export function githubCompare(repository: string | undefined, logger: Logger): CompareFn | null {
  if (!repository || !canCompareCommits()) return null;
  return async (base, head) => {
    try {
      return await compareCommits(repository, base, head);
    } catch (error) {
      logger.warn('GitHub compare failed; ordering by the pushes instead', {
        error: (error as Error).message,
      });
      return null;
    }
  };
}
