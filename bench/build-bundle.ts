/**
 * Builds a Lambda handler (`functions/<name>/handler.ts`) with esbuild exactly as it is deployed,
 * and a naive build of the same handler for comparison. The CDK stack reuses
 * `LAMBDA_ESBUILD_OPTIONS` (via `cdkBundlingOptions`) so the bench measures what ships.
 */
import { build, type BuildOptions } from 'esbuild';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

export const ROOT = resolve(__dirname, '..');
export const FUNCTIONS_DIR = join(ROOT, 'functions');

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

/** The naive comparison: the same bundle without minifying, externals or ESM entry points. */
export const NAIVE_ESBUILD_OPTIONS = {
  bundle: true,
  minify: false,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  sourcemap: false,
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

export type BuildKind = 'deployed' | 'naive';

export interface BundleResult {
  name: string;
  kind: BuildKind;
  file: string;
  bytes: number;
  gzipBytes: number;
}

/** Names of every `functions/<name>/handler.ts` that exists now, sorted. */
export function listFunctions(dir = FUNCTIONS_DIR): string[] {
  return readdirSync(dir)
    .filter(
      (name) =>
        name !== 'commons' &&
        statSync(join(dir, name)).isDirectory() &&
        existsSync(join(dir, name, 'handler.ts')),
    )
    .sort();
}

/** Builds one function into `outdir/<name>.<kind>.js` and reports its size. */
export async function buildBundle(name: string, kind: BuildKind, outdir: string): Promise<BundleResult> {
  const entry = join(FUNCTIONS_DIR, name, 'handler.ts');
  if (!existsSync(entry)) throw new Error(`no handler at functions/${name}/handler.ts`);
  const file = join(outdir, `${name}.${kind}.js`);
  await build({
    ...(kind === 'deployed' ? LAMBDA_ESBUILD_OPTIONS : NAIVE_ESBUILD_OPTIONS),
    entryPoints: [entry],
    outfile: file,
    absWorkingDir: ROOT,
  });
  const code = readFileSync(file);
  return { name, kind, file, bytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length };
}
