/**
 * beanstalk-deploy task: application version, TrafficSplitting canary, status, rollback.
 * Actions and outputs: BeanstalkDeployEvent in functions/commons/types/tasks.ts.
 *
 * Environment:
 * - PIPELINES_JSON (bundled) or PIPELINES_FILE: pipeline settings (application, environment, canary)
 * - DEPLOY_LOCKS_TABLE, LOCK_LEASE_SECONDS, GITHUB_TOKEN_SECRET_ARN: the deploy lock's guard on the
 *   canary deploy and the rollback (deploy-lock/guard-task.ts)
 * - POWERTOOLS_LOG_LEVEL; AWS_ENDPOINT_URL (local sandbox only)
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { ElasticBeanstalkClient } from '@aws-sdk/client-elastic-beanstalk';
import { elasticBeanstalk } from '../commons/clients/elastic-beanstalk';
import { ConfigError } from '../commons/config/config-error';
import { getPipelineSettings } from '../commons/config/pipeline-settings';
import type { ElasticBeanstalkTarget } from '../commons/config/schema';
import { createLogger } from '../commons/logger';
import { guardTargetChange } from '../deploy-lock/guard-task';
import type { LockStore } from '../deploy-lock/lock-store';
import { parseBeanstalkDeployEvent } from './event';
import {
  createVersion,
  currentVersion,
  deployStatus,
  rollback,
  startDeploy,
  versionStatus,
  type Deps,
} from './operations';

const logger = createLogger('beanstalk-deploy');

/** The pipeline's Elastic Beanstalk target, or a ConfigError when it deploys elsewhere. */
export function beanstalkTarget(pipeline: string): ElasticBeanstalkTarget {
  const { target } = getPipelineSettings(pipeline);
  if (target.kind !== 'elastic-beanstalk') {
    throw new ConfigError('pipelines.yaml', [
      `pipeline "${pipeline}" deploys to ${target.kind}, not elastic-beanstalk`,
    ]);
  }
  return target;
}

/** The task without the Lambda wrapper (tests pass a mocked client, and a DeployLocks store). */
export async function beanstalkDeploy(
  raw: unknown,
  client: ElasticBeanstalkClient = elasticBeanstalk,
  locks?: LockStore,
): Promise<unknown> {
  const event = parseBeanstalkDeployEvent(raw);
  logger.appendKeys({ pipeline: event.pipeline, action: event.action });
  const deps: Deps = { client, target: beanstalkTarget(event.pipeline) };
  switch (event.action) {
    case 'createVersion': {
      const result = await createVersion(deps, event);
      logger.info('application version ready to process', {
        commit: event.commitSha,
        versionLabel: result.versionLabel,
      });
      return result;
    }
    case 'versionStatus':
      return versionStatus(deps, event.versionLabel);
    case 'startDeploy': {
      await guardTargetChange(event.pipeline, event.startedWith, logger, locks);
      const result = await startDeploy(deps, event.versionLabel);
      logger.info('canary deploy started', { ...result, canary: deps.target.canary });
      return result;
    }
    case 'deployStatus': {
      const result = await deployStatus(deps, event.versionLabel, event.startedAt);
      logger.info('deploy status', {
        versionLabel: event.versionLabel,
        status: result.status,
        reason: result.reason,
        waitSeconds: result.waitSeconds,
      });
      return result;
    }
    case 'currentVersion':
      return currentVersion(deps);
    case 'rollback': {
      await guardTargetChange(event.pipeline, event.startedWith, logger, locks);
      const result = await rollback(deps, event.versionLabel);
      logger.warn('rollback started', { ...result });
      return result;
    }
  }
}

export const handler = middy((event: unknown) => beanstalkDeploy(event)).use(
  injectLambdaContext(logger, { resetKeys: true }),
);
