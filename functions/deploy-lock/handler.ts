/**
 * deploy-lock task: one deployment per target at a time, newer commits supersede older waiting runs.
 * Actions `acquire` -> AcquireResult, `release` -> ReleaseResult (functions/commons/types/tasks.ts).
 *
 * Environment:
 * - DEPLOY_LOCKS_TABLE: DeployLocks table name (default `deploy-locks`, the sandbox's name)
 * - LOCK_LEASE_SECONDS: lease length, 60-86400 (default 7200)
 * - PIPELINES_JSON (bundled) or PIPELINES_FILE: pipeline settings, to find the target
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
    const result = await releaseLock(targetKey, event.executionArn, { store });
    logger.info('lock release', { targetKey, released: result.released });
    return result;
  }
  const request = {
    executionArn: event.executionArn,
    pipeline: event.pipeline,
    commitSha: event.commitSha,
    receivedAt: event.receivedAt,
  };
  const result = await acquireLock(targetKey, request, { store, leaseSeconds: leaseSecondsFromEnv() });
  logger.info('lock acquire', { targetKey, status: result.status, waitSeconds: result.waitSeconds });
  return result;
}

export const handler = middy((event: unknown) => deployLock(event)).use(
  injectLambdaContext(logger, { resetKeys: true }),
);
