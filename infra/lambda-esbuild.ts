/**
 * How every function is bundled for Lambda, in one place: the CDK stack bundles with these options
 * (infra/constructs/bundling.ts) and the bundle benchmark and tests build with the same ones
 * (bench/build-bundle.ts), so what is measured is what ships. No CDK import here.
 */
import type { BuildOptions } from 'esbuild';

/**
 * Credential sources the SDK's default chain loads only after the environment variables fail
 * (shared ini files, SSO, credential_process, web identity, EC2 instance metadata). Lambda
 * always sets the environment variables, so these never run there; left out of the bundle they
 * save about 120 KB (with the nested STS/SSO clients they pull in). Their `import()` stays in the
 * code and would resolve to the runtime's own SDK copy if ever reached.
 */
export const LAMBDA_UNUSED_CREDENTIAL_MODULES = [
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-web-identity',
  '@smithy/credential-provider-imds',
];

/**
 * How every function is bundled for Lambda (nodejs22.x): one minified CommonJS file with the AWS
 * SDK inside (no dependence on the runtime's copy for anything that runs), ESM entry points
 * preferred so esbuild can tree-shake the SDK, source map written beside it, not inlined.
 */
export const LAMBDA_ESBUILD_OPTIONS = {
  bundle: true,
  minify: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  // A separate .map file, not inlined (an inline map would be parsed at every cold start).
  sourcemap: 'external',
  treeShaking: true,
  mainFields: ['module', 'main'],
  external: LAMBDA_UNUSED_CREDENTIAL_MODULES,
  legalComments: 'none',
  logLevel: 'warning',
} as const satisfies BuildOptions;

/**
 * The same choices in the shape of CDK's `NodejsFunction` `bundling` props; the stack passes the
 * enum values (`OutputFormat.CJS`, `SourceMapMode.EXTERNAL`) it imports itself.
 */
export const cdkBundlingOptions = {
  minify: LAMBDA_ESBUILD_OPTIONS.minify,
  sourceMap: true, // with sourceMapMode EXTERNAL, as above
  target: LAMBDA_ESBUILD_OPTIONS.target,
  mainFields: [...LAMBDA_ESBUILD_OPTIONS.mainFields],
  externalModules: [...LAMBDA_UNUSED_CREDENTIAL_MODULES],
  esbuildArgs: { '--tree-shaking': 'true', '--legal-comments': 'none' },
};
