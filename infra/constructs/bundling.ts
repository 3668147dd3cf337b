/**
 * esbuild options for the deployed bundles (CDK runs esbuild locally: no Docker, no network).
 * CommonJS output: an ESM bundle that contains the AWS SDK needs a createRequire banner or its
 * first call fails with `Dynamic require of "node:https"`; CJS has no such trap. The SDK is
 * bundled (externalModules: []) so every function runs the SDK version it was tested with.
 */
import { LogLevel, OutputFormat, SourceMapMode, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { PipelinesConfig } from '../../functions/commons/config/schema';

/** Node major the bundles target; matches the nodejs22.x runtime. */
export const BUNDLE_TARGET = 'node22';

/**
 * Bundling options for one function. The validated pipelines configuration is inlined as
 * `process.env.PIPELINES_JSON` (see functions/commons/config/pipeline-settings.ts), so a change of
 * pipelines.yaml changes every bundle's hash and redeploys the functions that read it.
 */
export function bundlingOptions(config: PipelinesConfig): BundlingOptions {
  return {
    format: OutputFormat.CJS,
    target: BUNDLE_TARGET,
    minify: true,
    sourceMap: true,
    sourceMapMode: SourceMapMode.EXTERNAL,
    sourcesContent: false,
    externalModules: [],
    // Prefer ESM entry points so esbuild can tree-shake the SDK and middy.
    mainFields: ['module', 'main'],
    define: { 'process.env.PIPELINES_JSON': JSON.stringify(JSON.stringify(config)) },
    logLevel: LogLevel.WARNING,
  };
}
