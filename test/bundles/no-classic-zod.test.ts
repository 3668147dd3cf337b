/**
 * Every deployed Lambda bundle validates with zod/mini, never classic zod: classic zod 4 does not
 * tree-shake (about 450 KB minified for one small schema), zod/mini shrinks to what is used. YAML
 * and the config validator stay out too (the bundler inlines the validated configuration).
 * Sizes are the bench's job; this checks what goes in.
 */
import { build, type Metafile } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FUNCTIONS_DIR, LAMBDA_ESBUILD_OPTIONS, listFunctions, ROOT } from '../../bench/build-bundle';

/** As the stack bundles them: the validated configuration inlined (here, an empty one). */
const DEFINE = { 'process.env.PIPELINES_JSON': JSON.stringify('{"version":1,"pipelines":[]}') };

/** zod files a bundle may contain: mini, the core it builds on, and the English messages. */
const ALLOWED_ZOD =
  /node_modules\/zod\/(mini\/|v4\/mini\/|v4\/core\/|locales\/index\.js$|v4\/locales\/(index|en)\.js$)/;

interface BundleInputs {
  /** Every file esbuild read, kept or tree-shaken away. */
  parsed: string[];
  /** Files that put at least one byte into the bundle. */
  included: string[];
}

const functions = listFunctions();
const bundles = new Map<string, BundleInputs>();
let outdir: string;

function inputsOf(metafile: Metafile): BundleInputs {
  const output = Object.values(metafile.outputs).find((o) => o.entryPoint !== undefined);
  if (!output) throw new Error('esbuild wrote no entry point');
  return {
    parsed: Object.keys(metafile.inputs),
    included: Object.entries(output.inputs)
      .filter(([, input]) => input.bytesInOutput > 0)
      .map(([file]) => file),
  };
}

beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'zod-bundles-'));
  await Promise.all(
    functions.map(async (name) => {
      const result = await build({
        ...LAMBDA_ESBUILD_OPTIONS,
        entryPoints: [join(FUNCTIONS_DIR, name, 'handler.ts')],
        outfile: join(outdir, name, 'index.js'),
        absWorkingDir: ROOT,
        define: DEFINE,
        metafile: true,
        write: false,
      });
      bundles.set(name, inputsOf(result.metafile));
    }),
  );
});

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

test('the bench finds the functions that validate events with zod', () => {
  for (const name of ['deploy-lock', 'verify', 'notifier', 'ssm-deploy', 'health-gate']) {
    expect(functions).toContain(name);
  }
});

test('no bundle contains zod beyond zod/mini, its core and the English locale', () => {
  const offending = Object.fromEntries(
    functions.map((name) => [
      name,
      bundles
        .get(name)!
        .included.filter((file) => file.includes('node_modules/zod/') && !ALLOWED_ZOD.test(file)),
    ]),
  );
  expect(offending).toEqual(Object.fromEntries(functions.map((name) => [name, []])));
});

test('classic zod is not even read by the bundler', () => {
  const classic = functions.flatMap((name) =>
    bundles
      .get(name)!
      .parsed.filter((file) => /node_modules\/zod\/(index\.js|v4\/index\.js|v4\/classic\/|v3\/)/.test(file))
      .map((file) => `${name}: ${file}`),
  );
  expect(classic).toEqual([]);
});

test('yaml and the configuration loader stay out of every bundle', () => {
  const unwanted = functions.flatMap((name) =>
    bundles
      .get(name)!
      .parsed.filter(
        (file) =>
          file.includes('node_modules/yaml/') ||
          /functions\/commons\/config\/(load-config|validate-config|schema)\.ts$/.test(file),
      )
      .map((file) => `${name}: ${file}`),
  );
  expect(unwanted).toEqual([]);
});

test('a bundle that validates with zod/mini carries the English messages with it', () => {
  // zod/mini registers no locale of its own; without en every default message is "Invalid input".
  for (const name of ['deploy-lock', 'notifier', 'verify']) {
    const { included } = bundles.get(name)!;
    expect(included.some((file) => file.includes('node_modules/zod/v4/mini/'))).toBe(true);
    expect(included).toContain('node_modules/zod/v4/locales/en.js');
    expect(included).toContain('functions/commons/zod-locale.ts');
  }
});

test('a bundled zod/mini validator gives the same default messages as classic zod did', async () => {
  // The event module alone, bundled like the Lambda code and loaded here: the bundle carries its
  // own zod copy, so a locale registered by classic zod in this process cannot help it.
  const file = join(outdir, 'status-event.js');
  await build({
    ...LAMBDA_ESBUILD_OPTIONS,
    entryPoints: [join(FUNCTIONS_DIR, 'notifier', 'status-event.ts')],
    outfile: file,
    absWorkingDir: ROOT,
    define: DEFINE,
  });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parseStatusChange } = require(file) as typeof import('../../functions/notifier/status-event');
  const detail = {
    executionArn: 'arn:aws:states:eu-west-1:123456789012:execution:deploy-shop:run-1',
    stateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:deploy-shop',
    name: '',
    status: 'FAILED',
    startDate: 1,
    redriveCount: 1.5,
  };
  expect(() =>
    parseStatusChange({
      'detail-type': 'Step Functions Execution Status Change',
      source: 'aws.states',
      detail,
    }),
  ).toThrow(
    'not a Step Functions status change event: id: Invalid input: expected string, received undefined; ' +
      'detail.name: Too small: expected string to have >=1 characters; ' +
      'detail.redriveCount: Invalid input: expected int, received number',
  );
  expect(() => parseStatusChange({ source: 'aws.events' })).toThrow(
    'detail-type: must be "Step Functions Execution Status Change"; source: must be "aws.states"; ' +
      'id: Invalid input: expected string, received undefined; detail: Invalid input: expected object, received undefined',
  );
});
