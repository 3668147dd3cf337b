/**
 * The smoke test: GET the public URL until it answers as expected, with a timeout per attempt and
 * a doubling pause between attempts. Every attempt is reported with its status and latency.
 */
import type { PipelineSettings } from '../commons/config/schema';
import { SmokeTestFailedError } from '../commons/errors';
import type { SmokeAttempt, SmokeTestResult } from '../commons/types/tasks';

export type SmokeTestSettings = PipelineSettings['verify']['smokeTest'];

export interface SmokeTestOptions {
  /** Pause before the second attempt; doubles each time, at most 10 s (default 1 s). */
  backoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const MAX_BACKOFF_MS = 10_000;
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** URL to test: `SMOKE_TEST_URL_OVERRIDE_<PIPELINE_UPPER_SNAKE>` (the local sandbox's app) or the configured one. */
export function smokeTestUrl(
  pipeline: string,
  configured: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  return env[`SMOKE_TEST_URL_OVERRIDE_${pipeline.toUpperCase().replace(/-/g, '_')}`] || configured;
}

/** Why a request failed, in words (no stack, no headers). */
function describeFailure(error: unknown, timeoutSeconds: number): string {
  const err = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return `timed out after ${timeoutSeconds} s`;
  return `request failed: ${err.cause?.code ?? err.cause?.message ?? err.message ?? String(error)}`;
}

async function attempt(url: string, settings: SmokeTestSettings): Promise<SmokeAttempt> {
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(url, {
      signal: AbortSignal.timeout(settings.timeoutSeconds * 1000),
      headers: { 'user-agent': 'deploy-controller-smoke-test' },
    });
    const body = await response.text();
    const status = response.status;
    if (status !== settings.expectStatus)
      return {
        status,
        latencyMs: latency(),
        error: `expected status ${settings.expectStatus}, got ${status}`,
      };
    if (settings.bodyContains !== undefined && !body.includes(settings.bodyContains)) {
      return {
        status,
        latencyMs: latency(),
        error: `body does not contain ${JSON.stringify(settings.bodyContains)}`,
      };
    }
    return { status, latencyMs: latency() };
  } catch (error) {
    return { status: null, latencyMs: latency(), error: describeFailure(error, settings.timeoutSeconds) };
  }
}

/** "#1 503 in 12 ms: expected status 200, got 503" */
export function summariseAttempt(a: SmokeAttempt, index: number): string {
  return `#${index + 1} ${a.status ?? 'no response'} in ${a.latencyMs} ms${a.error ? `: ${a.error}` : ''}`;
}

/** Passes on the first good answer; SmokeTestFailedError summarising every attempt otherwise. */
export async function runSmokeTest(
  url: string,
  settings: SmokeTestSettings,
  options: SmokeTestOptions = {},
): Promise<SmokeTestResult> {
  const sleep = options.sleep ?? defaultSleep;
  const attempts: SmokeAttempt[] = [];
  for (let i = 0; i < settings.attempts; i += 1) {
    if (i > 0) await sleep(Math.min((options.backoffMs ?? 1000) * 2 ** (i - 1), MAX_BACKOFF_MS));
    const result = await attempt(url, settings);
    attempts.push(result);
    if (!result.error) return { passed: true, url, attempts };
  }
  throw new SmokeTestFailedError(
    `smoke test of ${url} failed after ${attempts.length} attempt(s): ${attempts.map(summariseAttempt).join('; ')}`,
  );
}
