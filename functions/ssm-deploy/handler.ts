/**
 * ssm-deploy task: rolling release of the systemd service through the project's Command document.
 * Actions and outputs: SsmDeployEvent in functions/commons/types/tasks.ts.
 *
 * Environment:
 * - SSM_DOCUMENT_NAME: name (or ARN) of ssm-documents/release-systemd-service.yaml as deployed (required)
 * - SSM_LOG_GROUP: CloudWatch Logs group for command output (optional)
 * - SSM_OUTPUT_BUCKET: S3 bucket for the commands' complete output, read for the end of a long or
 *   timed-out output (optional; without it the notice says where the rest is)
 * - PIPELINES_JSON (bundled) or PIPELINES_FILE: pipeline settings (tag, service, concurrency, error budget)
 * - DEPLOY_LOCKS_TABLE, LOCK_LEASE_SECONDS, GITHUB_TOKEN_SECRET_ARN: the deploy lock's guard on the
 *   release and the rollback (deploy-lock/guard-task.ts)
 * - POWERTOOLS_LOG_LEVEL; AWS_ENDPOINT_URL (local sandbox only)
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { s3 } from '../commons/clients/s3';
import { ssm } from '../commons/clients/ssm';
import { ConfigError } from '../commons/config/config-error';
import { getPipelineSettings } from '../commons/config/pipeline-settings';
import { createLogger } from '../commons/logger';
import { guardTargetChange } from '../deploy-lock/guard-task';
import type { LockStore } from '../deploy-lock/lock-store';
import { parseSsmDeployEvent } from './event';
import { releaseStatus, rollback, startRelease, type Deps } from './operations';

const logger = createLogger('ssm-deploy');

/** Dependencies for one pipeline, or a ConfigError when it does not deploy through SSM. */
export function ssmDeps(pipeline: string, client: SSMClient, env: NodeJS.ProcessEnv = process.env): Deps {
  const settings = getPipelineSettings(pipeline);
  if (settings.target.kind !== 'ec2-ssm') {
    throw new ConfigError('pipelines.yaml', [
      `pipeline "${pipeline}" deploys to ${settings.target.kind}, not ec2-ssm`,
    ]);
  }
  const documentName = env.SSM_DOCUMENT_NAME;
  if (!documentName)
    throw new ConfigError('environment', [
      'SSM_DOCUMENT_NAME is not set: it names the release-systemd-service Command document',
    ]);
  return {
    client,
    target: settings.target,
    pipeline,
    pythonVersion: settings.build.pythonVersion,
    documentName,
    logGroup: env.SSM_LOG_GROUP,
    outputBucket: env.SSM_OUTPUT_BUCKET || undefined,
    s3,
  };
}

/** The task without the Lambda wrapper (tests pass a mocked client, and a DeployLocks store). */
export async function ssmDeploy(raw: unknown, client: SSMClient = ssm, locks?: LockStore): Promise<unknown> {
  const event = parseSsmDeployEvent(raw);
  logger.appendKeys({ pipeline: event.pipeline, action: event.action });
  const deps = ssmDeps(event.pipeline, client);
  switch (event.action) {
    case 'startRelease': {
      await guardTargetChange(event.pipeline, event.startedWith, logger, locks);
      const result = await startRelease(deps, event.commitSha, event.artifact);
      logger.info('release sent', {
        commit: event.commitSha,
        ...result,
        maxConcurrency: deps.target.maxConcurrency,
        maxErrors: deps.target.maxErrors,
      });
      return result;
    }
    case 'releaseStatus': {
      const result = await releaseStatus(deps, event.commandId);
      logger.info('release status', {
        commandId: event.commandId,
        status: result.status,
        reason: result.reason,
        failed: result.failedInstanceIds,
      });
      return result;
    }
    case 'rollback': {
      await guardTargetChange(event.pipeline, event.startedWith, logger, locks);
      const result = await rollback(deps, event.instanceIds, event.commitSha);
      logger.warn('rollback sent', { instanceIds: event.instanceIds, commit: event.commitSha, ...result });
      return result;
    }
  }
}

export const handler = middy((event: unknown) => ssmDeploy(event)).use(
  injectLambdaContext(logger, { resetKeys: true }),
);
