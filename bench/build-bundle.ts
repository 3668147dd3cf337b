/**
 * Builds a Lambda handler (`functions/<name>/handler.ts`) with esbuild exactly as it is deployed
 * (`LAMBDA_ESBUILD_OPTIONS` of infra/lambda-esbuild.ts, which the CDK stack bundles with), and a
 * naive build of the same handler for comparison, so the bench measures what ships.
 */
import { build, type BuildOptions } from 'esbuild';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { LAMBDA_ESBUILD_OPTIONS } from '../infra/lambda-esbuild';

export { LAMBDA_ESBUILD_OPTIONS, LAMBDA_UNUSED_CREDENTIAL_MODULES } from '../infra/lambda-esbuild';

export const ROOT = resolve(__dirname, '..');
export const FUNCTIONS_DIR = join(ROOT, 'functions');

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
