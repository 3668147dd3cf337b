/**
 * The sandbox authorises calls with @cloud-copilot/iam-simulate and @cloud-copilot/iam-policy,
 * both AGPL-3.0: development tools only (devDependencies), never shipped. No deployed Lambda
 * bundle may read a single file of them (nor of iam-utils, which only they use), and nothing under
 * functions/ may import the sandbox's IAM module that wraps them.
 */
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FUNCTIONS_DIR, LAMBDA_ESBUILD_OPTIONS, listFunctions, ROOT } from '../../bench/build-bundle';

const AGPL = /node_modules\/@cloud-copilot\/(iam-simulate|iam-policy|iam-utils)\//;
const DEFINE = { 'process.env.PIPELINES_JSON': JSON.stringify('{"version":1,"pipelines":[]}') };

test.each(listFunctions())('the %s bundle reads no AGPL IAM code and no local/ module', async (name) => {
  const result = await build({
    ...LAMBDA_ESBUILD_OPTIONS,
    entryPoints: [join(FUNCTIONS_DIR, name, 'handler.ts')],
    outfile: join(tmpdir(), 'no-agpl-iam', name, 'index.js'),
    absWorkingDir: ROOT,
    define: DEFINE,
    metafile: true,
    write: false,
  });
  const inputs = Object.keys(result.metafile.inputs);
  expect(inputs.length).toBeGreaterThan(10);
  expect(inputs.filter((file) => AGPL.test(file) || file.startsWith('local/'))).toEqual([]);
});

test('iam-simulate and iam-policy are devDependencies, never dependencies', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  expect(
    Object.keys(pkg.dependencies ?? {}).filter((d) => /^@cloud-copilot\/iam-(simulate|policy)$/.test(d)),
  ).toEqual([]);
  expect(pkg.devDependencies?.['@cloud-copilot/iam-simulate']).toBeDefined();
});
