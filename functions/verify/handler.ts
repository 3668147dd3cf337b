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
import * as z from 'zod/mini';
import '../commons/zod-locale';
import { cloudWatch } from '../commons/clients/cloudwatch';
import { getPipelineSettings } from '../commons/config/pipeline-settings';
import { createLogger } from '../commons/logger';
import type { AlarmCheckResult, SmokeTestResult, VerifyEvent } from '../commons/types/tasks';
import { bakeStatus, describeAlarms, judgeAlarms } from './alarm-check';
import { InvalidEventError } from './errors';
import { runSmokeTest, smokeTestUrl, type SmokeTestOptions } from './smoke-test';

const logger = createLogger('verify');

const text = z
  .string({ error: 'must be a non-empty string' })
  .check(z.minLength(1, { error: 'must be a non-empty string' }));
const eventSchema = z.discriminatedUnion(
  'action',
  [
    z.object({ action: z.literal('smokeTest'), pipeline: text }),
    z.object({
      action: z.literal('alarmCheck'),
      pipeline: text,
      bakeStartedAt: text.check(
        z.refine((v) => !Number.isNaN(Date.parse(v)), { error: 'must be an ISO 8601 timestamp' }),
      ),
    }),
  ],
  { error: 'action must be "smokeTest" or "alarmCheck"' },
);

function parseEvent(raw: unknown): VerifyEvent {
  const result = eventSchema.safeParse(raw);
  if (result.success) return result.data;
  throw new InvalidEventError(
    `verify event is not valid: ${result.error.issues.map((i) => `${i.path.join('.') || 'event'}: ${i.message}`).join('; ')}`,
  );
}

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
  const event = parseEvent(raw);
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
