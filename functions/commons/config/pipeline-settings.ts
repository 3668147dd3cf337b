/**
 * Pipeline settings at run time, for Lambda handlers. In AWS the bundler inlines the configuration,
 * validated and with defaults applied at synth, as `process.env.PIPELINES_JSON` (esbuild `define`,
 * so no 4 KB environment limit and no validator or YAML parser in the bundle). Locally, without
 * it, the sandbox and tests read `pipelines.yaml` (or `PIPELINES_FILE`).
 */
import { findPipeline } from './config-error';
import type { PipelineSettings, PipelinesConfig } from './schema';

let cached: PipelinesConfig | undefined;

// A non-literal path keeps esbuild from bundling the loader (zod + yaml, about 570 KB): a bundled
// function always has PIPELINES_JSON and never reaches this require.
const LOADER = './load-config';

function readConfig(): PipelinesConfig {
  if (process.env.PIPELINES_JSON) return JSON.parse(process.env.PIPELINES_JSON) as PipelinesConfig;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { loadConfig } = require(LOADER) as typeof import('./load-config');
  return loadConfig();
}

/** The whole configuration, loaded once per process. */
export function getConfig(): PipelinesConfig {
  cached ??= readConfig();
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
