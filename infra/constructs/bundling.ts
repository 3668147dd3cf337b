/**
 * esbuild options for the deployed bundles, shared with the bundle benchmark
 * (infra/lambda-esbuild.ts, which bench/build-bundle.ts builds with) so the bench measures what ships. CDK runs esbuild
 * locally: no Docker, no network. CommonJS output: an ESM bundle that contains the AWS SDK needs
 * a createRequire banner or its first call fails with `Dynamic require of "node:https"`; CJS has
 * no such trap. The SDK is bundled (only credential providers Lambda never reaches stay out).
 */
import { LogLevel, OutputFormat, SourceMapMode, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { cdkBundlingOptions } from '../lambda-esbuild';
import type { PipelinesConfig } from '../../functions/commons/config/schema';

/**
 * Bundling options for one function. The validated pipelines configuration is inlined as
 * `process.env.PIPELINES_JSON` (see functions/commons/config/pipeline-settings.ts), so a change of
 * pipelines.yaml changes every bundle's hash and redeploys the functions that read it.
 */
export function bundlingOptions(config: PipelinesConfig): BundlingOptions {
  return {
    ...cdkBundlingOptions,
    format: OutputFormat.CJS,
    sourceMapMode: SourceMapMode.EXTERNAL,
    sourcesContent: false,
    define: { 'process.env.PIPELINES_JSON': JSON.stringify(JSON.stringify(config)) },
    logLevel: LogLevel.WARNING,
  };
}
