/**
 * The lock guard (lock-guard.ts) wired for the Lambda tasks that change a target: the DeployLocks
 * table, the lease and GitHub's compare from the environment, the target from pipelines.yaml.
 *
 * Environment of a function that calls it: DEPLOY_LOCKS_TABLE, LOCK_LEASE_SECONDS (optional),
 * GITHUB_TOKEN_SECRET_ARN (AWS) or GITHUB_TOKEN (local); see deploy-lock/handler.ts.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { documentClient } from '../commons/clients/dynamodb';
import { getPipelineSettings } from '../commons/config/pipeline-settings';
import { targetKeyOf } from '../commons/target-key';
import type { LockHolder } from '../commons/types/events/deploy-lock';
import { leaseSecondsFromEnv } from './deploy-lock';
import { githubCompare } from './github-compare';
import { guardDeployLock, type GuardOutcome } from './lock-guard';
import { dynamoLockStore, type LockStore } from './lock-store';

/**
 * Lets the calling task change `pipeline`'s target only while `startedWith.lock`'s run holds the
 * lock (see guardDeployLock); logs a re-acquired lock. Throws DeployLockNotHeldError otherwise.
 */
export async function guardTargetChange(
  pipeline: string,
  startedWith: { lock?: LockHolder | null | undefined } | undefined,
  logger: Logger,
  store?: LockStore,
): Promise<GuardOutcome> {
  const holder = startedWith?.lock;
  if (!holder) return 'unguarded';
  const settings = getPipelineSettings(pipeline);
  const targetKey = targetKeyOf(settings);
  const outcome = await guardDeployLock(targetKey, pipeline, holder, {
    store: store ?? dynamoLockStore(documentClient),
    leaseSeconds: leaseSecondsFromEnv(),
    compare: githubCompare(settings.repository, logger),
  });
  if (outcome === 'reacquired')
    logger.warn('this run had lost its deploy lock (stopped, then redriven); it holds it again', {
      targetKey,
      execution: holder.executionArn,
    });
  return outcome;
}
