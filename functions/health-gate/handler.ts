/**
 * health-gate task: is the pipeline's target healthy enough to deploy into?
 * HealthGateEvent -> HealthGateResult; throws TargetNotFoundError / TargetUnhealthyError
 * (functions/commons/types/tasks.ts ErrorNames), InvalidEventError for a malformed event.
 *
 * Environment:
 * - PIPELINES_JSON (bundled) or PIPELINES_FILE: pipeline settings (target, health thresholds)
 * - HEALTH_CHECK_TIMEOUT_SECONDS: how long to wait for the EC2 resource check, 10-600 (default 60;
 *   keep the Lambda timeout above it)
 * - POWERTOOLS_LOG_LEVEL; AWS_ENDPOINT_URL (local sandbox only)
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { elasticBeanstalk } from '../commons/clients/elastic-beanstalk';
import { ssm } from '../commons/clients/ssm';
import { getPipelineSettings } from '../commons/config/pipeline-settings';
import { createLogger } from '../commons/logger';
import { parseEvent } from '../commons/parse-event';
import { healthGateEvent } from '../commons/types/events/health-gate';
import type { HealthGateResult } from '../commons/types/tasks';
import { healthCheckTimeoutMs, runHealthGate, type HealthGateClients } from './health-gate';

const logger = createLogger('health-gate');

/** The event, validated; throws InvalidEventError naming every bad field. */
const parseHealthGateEvent = parseEvent(healthGateEvent, 'health-gate');

/** The task without the Lambda wrapper. */
export async function healthGate(
  raw: unknown,
  clients: HealthGateClients = { elasticBeanstalk, ssm },
  sleep?: (ms: number) => Promise<void>,
): Promise<HealthGateResult> {
  const { pipeline } = parseHealthGateEvent(raw);
  logger.appendKeys({ pipeline });
  const settings = getPipelineSettings(pipeline);
  try {
    const result = await runHealthGate(settings, clients, {
      timeoutMs: healthCheckTimeoutMs(),
      ...(sleep ? { sleep } : {}),
    });
    logger.info('target healthy', { findings: result.findings, omittedFindings: result.omittedFindings });
    return result;
  } catch (error) {
    logger.warn('health gate failed', { error: (error as Error).name, message: (error as Error).message });
    throw error;
  }
}

export const handler = middy((event: unknown) => healthGate(event)).use(
  injectLambdaContext(logger, { resetKeys: true }),
);
