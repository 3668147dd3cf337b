/**
 * verify task: smoke test of the public URL, then alarms over the bake window.
 * Actions `smokeTest` -> SmokeTestResult (or SmokeTestFailedError), `alarmCheck` -> AlarmCheckResult
 * (or AlarmTriggeredError / AlarmNotFoundError); see functions/commons/types/tasks.ts.
 *
 * Environment:
 * - PIPELINES_JSON (bundled) or PIPELINES_FILE: pipeline settings (verify.smokeTest, bakeMinutes, alarms)
 * - SMOKE_TEST_URL_OVERRIDE_<PIPELINE_UPPER_SNAKE>: URL to test instead of the configured one
 *   (the local sandbox points it at its simulated app), e.g. SMOKE_TEST_URL_OVERRIDE_RETAIL_BANK
 * - SMOKE_TEST_BACKOFF_MS: pause before the 2nd attempt, doubling, at most 10 s (default 1000)
 * - POWERTOOLS_LOG_LEVEL; AWS_ENDPOINT_URL (local sandbox only)
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { cloudWatch } from '../commons/clients/cloudwatch';
import { getPipelineSettings } from '../commons/config/pipeline-settings';
import { createLogger } from '../commons/logger';
import { parseEvent } from '../commons/parse-event';
import { verifyEvent } from '../commons/types/events/verify';
import type { AlarmCheckResult, SmokeTestResult } from '../commons/types/tasks';
import { bakeStatus, describeAlarms, judgeAlarms } from './alarm-check';
import { runSmokeTest, smokeTestUrl, type SmokeTestOptions } from './smoke-test';

const logger = createLogger('verify');

/** The event, validated; throws InvalidEventError naming every bad field. */
const parseVerifyEvent = parseEvent(verifyEvent, 'verify');

function backoffFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.SMOKE_TEST_BACKOFF_MS;
  if (raw === undefined || raw === '') return 1000;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 10_000)
    throw new RangeError(`SMOKE_TEST_BACKOFF_MS must be a whole number from 0 to 10000, got "${raw}"`);
  return value;
}

export interface VerifyDependencies {
  cloudWatch: CloudWatchClient;
  now?: () => Date;
  sleep?: SmokeTestOptions['sleep'];
}

/** The task without the Lambda wrapper. */
export async function verify(
  raw: unknown,
  deps: VerifyDependencies = { cloudWatch },
): Promise<SmokeTestResult | AlarmCheckResult> {
  const event = parseVerifyEvent(raw);
  logger.appendKeys({ pipeline: event.pipeline });
  const settings = getPipelineSettings(event.pipeline).verify;
  if (event.action === 'smokeTest') {
    const url = smokeTestUrl(event.pipeline, settings.smokeTest.url);
    const result = await runSmokeTest(url, settings.smokeTest, {
      backoffMs: backoffFromEnv(),
      ...(deps.sleep ? { sleep: deps.sleep } : {}),
    });
    logger.info('smoke test passed', { url, attempts: result.attempts });
    return result;
  }
  judgeAlarms(event.pipeline, settings.alarms, await describeAlarms(deps.cloudWatch, settings.alarms));
  const result = bakeStatus(
    event.bakeStartedAt,
    settings.bakeMinutes,
    settings.alarms,
    (deps.now ?? (() => new Date()))(),
  );
  logger.info('alarm check', { status: result.status, waitSeconds: result.waitSeconds });
  return result;
}

export const handler = middy((event: unknown) => verify(event)).use(
  injectLambdaContext(logger, { resetKeys: true }),
);
