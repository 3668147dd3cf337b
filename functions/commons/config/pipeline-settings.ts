/**
 * Pipeline settings at run time, for Lambda handlers. In AWS the bundler inlines the validated
 * configuration as `process.env.PIPELINES_JSON` (esbuild `define`, so no 4 KB environment limit);
 * locally the sandbox and tests read `pipelines.yaml` (or `PIPELINES_FILE`).
 */
import { findPipeline, loadConfig, parseConfig } from './load-config';
import type { PipelineSettings, PipelinesConfig } from './schema';

let cached: PipelinesConfig | undefined;

/** The whole validated configuration, loaded once per process. */
export function getConfig(): PipelinesConfig {
  cached ??= process.env.PIPELINES_JSON
    ? parseConfig(JSON.parse(process.env.PIPELINES_JSON), 'PIPELINES_JSON')
    : loadConfig();
  return cached;
}

/** Settings of one pipeline; throws ConfigError naming the known pipelines. */
export function getPipelineSettings(name: string): PipelineSettings {
  return findPipeline(getConfig(), name);
}

/** Forgets the cached configuration (tests that switch `PIPELINES_FILE`). */
export function resetConfigCache(): void {
  cached = undefined;
}
