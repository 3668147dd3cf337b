/** The deployed webhook bundle: what goes in and what stays out (sizes are the bench's job). */
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FUNCTIONS_DIR,
  LAMBDA_ESBUILD_OPTIONS,
  LAMBDA_UNUSED_CREDENTIAL_MODULES,
  listFunctions,
  ROOT,
} from '../../bench/build-bundle';
import { httpApiEvent, ROUTES, SECRET, signedRequest } from './support';

let outdir: string;
let inputs: string[];
let code: string;

beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'webhook-bundle-'));
  const result = await build({
    ...LAMBDA_ESBUILD_OPTIONS,
    entryPoints: [join(FUNCTIONS_DIR, 'github-webhook', 'handler.ts')],
    outfile: join(outdir, 'index.js'),
    absWorkingDir: ROOT,
    metafile: true,
    write: true,
  });
  inputs = Object.keys(result.metafile.inputs);
  code = readFileSync(join(outdir, 'index.js'), 'utf8');
});

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

test('the webhook is one of the functions the bench finds', () => {
  expect(listFunctions()).toContain('github-webhook');
  expect(listFunctions()).not.toContain('commons');
});

test('zod, yaml and the config loader stay out of the webhook bundle', () => {
  expect(inputs.filter((file) => /node_modules\/(zod|yaml)\//.test(file))).toEqual([]);
  expect(inputs.filter((file) => file.includes('functions/commons/config/'))).toEqual([]);
});

test('the Step Functions client, octokit verifier, middy and Powertools are bundled', () => {
  for (const needed of [
    '@aws-sdk/client-sfn',
    '@octokit/webhooks-methods',
    '@middy/core',
    '@aws-lambda-powertools/logger',
  ]) {
    expect(inputs.some((file) => file.includes(`node_modules/${needed}/`))).toBe(true);
  }
});

test('only credential sources Lambda never uses are left to the runtime, and only as lazy imports', () => {
  const external = [...code.matchAll(/(?:require|import)\("(@[^"]+|[a-z][^":]*)"\)/g)].map((m) => m[1]);
  expect(external.filter((name) => !name!.startsWith('node:')).sort()).toEqual(
    [...LAMBDA_UNUSED_CREDENTIAL_MODULES].sort(),
  );
  expect(/require\("@aws-sdk\//.test(code)).toBe(false);
});

test('the bundle is CommonJS exporting handler, with an external source map', () => {
  expect(/module\.exports/.test(code)).toBe(true);
  // External: the map is written beside the bundle and the bundle does not link or inline it.
  expect(existsSync(join(outdir, 'index.js.map'))).toBe(true);
  expect(code.includes('sourceMappingURL')).toBe(false);
});

describe('cold start of the deployed bundle (a fresh Node process)', () => {
  /** Requires the bundle, answers one event, and reports which built-in modules were loaded. */
  function coldStart(event: unknown): {
    statusCode: number;
    loadedAtImport: string[];
    loadedByEvent: string[];
  } {
    const script = `
      const before = new Set(process.moduleLoadList);
      const { handler } = require(${JSON.stringify(join(outdir, 'index.js'))});
      const atImport = process.moduleLoadList.filter((m) => !before.has(m));
      const context = { awsRequestId: 'r-1', functionName: 'github-webhook', getRemainingTimeInMillis: () => 10000 };
      handler(${JSON.stringify(event)}, context).then((response) => {
        const byEvent = process.moduleLoadList.filter((m) => !before.has(m) && !atImport.includes(m));
        process.stdout.write(JSON.stringify({ statusCode: response.statusCode, loadedAtImport: atImport, loadedByEvent: byEvent }));
      });`;
    const result = spawnSync(process.execPath, ['-e', script], {
      env: {
        PATH: process.env.PATH,
        AWS_REGION: 'eu-west-1',
        GITHUB_WEBHOOK_SECRET: SECRET,
        PIPELINE_ROUTES: JSON.stringify(ROUTES),
        POWERTOOLS_LOG_LEVEL: 'SILENT',
      },
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(result.stderr);
    return JSON.parse(result.stdout) as ReturnType<typeof coldStart>;
  }

  test('importing the bundle evaluates no AWS SDK: no HTTPS stack is loaded', () => {
    const { loadedAtImport } = coldStart(httpApiEvent(signedRequest('ping')));
    expect(loadedAtImport).not.toContain('NativeModule https');
    expect(loadedAtImport).not.toContain('NativeModule tls');
  });

  test.each([
    ['a ping', 'ping', 200],
    ['a push to an ignored branch', 'push-feature-branch', 202],
  ])(
    'with the secret as a plain value (sandbox), %s is answered without loading the SDK',
    (_what, sample, status) => {
      const { statusCode, loadedByEvent } = coldStart(httpApiEvent(signedRequest(sample)));
      expect(statusCode).toBe(status);
      expect(loadedByEvent).not.toContain('NativeModule https');
    },
  );
});
