/**
 * deploy-lock task: one deployment per target at a time, newer commits supersede older waiting runs.
 * Actions `acquire` -> AcquireResult, `release` -> ReleaseResult (functions/commons/types/tasks.ts).
 *
 * Environment:
 * - DEPLOY_LOCKS_TABLE: DeployLocks table name (default `deploy-locks`, the sandbox's name)
 * - LOCK_LEASE_SECONDS: lease length, 60-86400 (default 7200)
 * - PIPELINES_JSON (bundled) or PIPELINES_FILE: pipeline settings, to find the target
 * - GITHUB_TOKEN_SECRET_ARN (AWS) or GITHUB_TOKEN (local), GITHUB_API_URL: GitHub's compare API
 *   orders commits when a token is configured (commit-order.ts)
 * - POWERTOOLS_LOG_LEVEL; AWS_ENDPOINT_URL (local sandbox only)
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { documentClient } from '../commons/clients/dynamodb';
import { getPipelineSettings } from '../commons/config/pipeline-settings';
import { createLogger } from '../commons/logger';
import { targetKeyOf } from '../commons/target-key';
import type { AcquireResult, ReleaseResult } from '../commons/types/tasks';
import { acquireLock, leaseSecondsFromEnv, releaseLock } from './deploy-lock';
import { githubCompare } from './github-compare';
import type { LockRequest } from './lock-state';
import { parseDeployLockEvent } from './event';
import { dynamoLockStore, type LockStore } from './lock-store';

const logger = createLogger('deploy-lock');

/** The task without the Lambda wrapper (tests pass their own store). */
export async function deployLock(
  raw: unknown,
  store: LockStore = dynamoLockStore(documentClient),
): Promise<AcquireResult | ReleaseResult> {
  const event = parseDeployLockEvent(raw);
  logger.appendKeys({
    pipeline: event.pipeline,
    execution: event.executionArn,
    ...(event.action === 'acquire' ? { commit: event.commitSha } : {}),
  });
  const targetKey = targetKeyOf(getPipelineSettings(event.pipeline));
  if (event.action === 'release') {
    const deployed = event.deployed === true;
    const result = await releaseLock(targetKey, event.executionArn, { store, deployed });
    logger.info('lock release', { targetKey, released: result.released, deployed });
    return result;
  }
  const request: LockRequest = {
    executionArn: event.executionArn,
    pipeline: event.pipeline,
    commitSha: event.commitSha,
    receivedAt: event.receivedAt,
    beforeSha: event.input?.beforeSha ?? null,
    forced: event.input?.forced === true,
    redeploy: event.input?.redeploy === true,
  };
  const repository = event.input?.repository;
  const result = await acquireLock(targetKey, request, {
    store,
    leaseSeconds: leaseSecondsFromEnv(),
    compare: githubCompare(repository, logger),
    onEvidence: (evidence) => {
      for (const [commit, { relation, source }] of evidence)
        if (source === 'arrival')
          logger.info('neither GitHub nor the pushes order these commits: ordered by arrival', {
            commit,
            relation,
          });
    },
  });
  logger.info('lock acquire', {
    targetKey,
    status: result.status,
    waitSeconds: result.waitSeconds,
    ...(result.status === 'superseded' && { reason: result.reason, supersededBy: result.supersededBy }),
  });
  return result;
}

export const handler = middy((event: unknown) => deployLock(event)).use(
  injectLambdaContext(logger, { resetKeys: true }),
);
