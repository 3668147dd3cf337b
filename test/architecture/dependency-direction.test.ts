/**
 * Which part of the project may import which: infra -> functions, bench -> infra/functions/local,
 * tests -> anything. Product code (functions/, infra/, local/, statemachines/) never imports test/
 * or bench/; functions/ never imports the code that deploys or emulates it; functions/commons/ is
 * shared by every function and never imports one function's folder.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(__dirname, '../..');
const PRODUCT = ['functions', 'infra', 'local', 'statemachines'];

interface Rule {
  /** Files the rule applies to (repository-relative, `/` separators). */
  from: RegExp;
  /** Imports those files must not make (repository-relative target path). */
  forbidden: RegExp;
  why: string;
}

const RULES: Rule[] = [
  {
    from: /^(functions|infra|local|statemachines)\//,
    forbidden: /^(test|bench)(\/|$)/,
    why: 'product code never imports tests or benchmarks',
  },
  {
    from: /^functions\//,
    forbidden: /^(infra|local|statemachines|scripts)(\/|$)/,
    why: 'functions are deployed and emulated, they do not import what deploys or emulates them',
  },
  {
    from: /^functions\/commons\//,
    forbidden: /^functions\/(?!commons\/)/,
    why: 'functions/commons is shared by every function and never imports one function (or their list)',
  },
  {
    from: /^bench\//,
    forbidden: /^test(\/|$)/,
    why: 'benchmarks import product code, never tests',
  },
];

/** One import that breaks a rule. */
interface Violation {
  file: string;
  imports: string;
  why: string;
}

/** Relative module specifiers of a TypeScript source: static and dynamic imports, re-exports, require. */
function specifiersOf(source: string): string[] {
  return ts
    .preProcessFile(source, true, true)
    .importedFiles.map((f) => f.fileName)
    .filter((name) => name.startsWith('.'));
}

/** The rules a file's imports break; `files` maps repository-relative paths to their source. */
function violations(files: ReadonlyMap<string, string>): Violation[] {
  const found: Violation[] = [];
  for (const [file, source] of files) {
    const rules = RULES.filter((r) => r.from.test(file));
    if (rules.length === 0) continue;
    for (const specifier of specifiersOf(source)) {
      const target = posix.normalize(posix.join(posix.dirname(file), specifier));
      for (const rule of rules)
        if (rule.forbidden.test(target)) found.push({ file, imports: specifier, why: rule.why });
    }
  }
  return found;
}

function sourcesUnder(folder: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(path);
      } else if (/\.(ts|mts|cts|js|mjs|cjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
        files.set(relative(ROOT, path).split(/[\\/]/).join('/'), readFileSync(path, 'utf8'));
      }
    }
  };
  walk(join(ROOT, folder));
  return files;
}

describe('dependency direction', () => {
  test('product code, functions/commons and the benchmarks import only what they may', () => {
    // Prepare
    const files = new Map([...PRODUCT, 'bench'].flatMap((folder) => [...sourcesUnder(folder)]));

    // Act
    const found = violations(files);

    // Assess
    expect(files.size).toBeGreaterThan(100);
    expect(found).toEqual([]);
  });

  test.each([
    ['infra/constructs/bundling.ts', "import { x } from '../../bench/build-bundle';", 'tests or benchmarks'],
    ['local/sandbox.ts', "const h = await import('../test/statemachines/harness');", 'tests or benchmarks'],
    ['statemachines/definitions.ts', "export { y } from '../test/support/z';", 'tests or benchmarks'],
    [
      'functions/commons/config/schema.ts',
      "import { P } from '../../ssm-deploy/parameters';",
      'one function',
    ],
    ['functions/commons/manifest.ts', "import { L } from '../manifest';", 'one function'],
    ['functions/verify/handler.ts', "import { s } from '../../infra/constructs/functions';", 'deploys'],
    ['bench/workflow-cost.bench.ts', "import { run } from '../test/statemachines/harness';", 'never tests'],
    ['local/sim/x.ts', "const m = require('../../bench/model');", 'tests or benchmarks'],
  ])('%s: %s is refused', (file, source, why) => {
    // Act
    const found = violations(new Map([[file, source]]));

    // Assess
    expect(found).toHaveLength(1);
    expect(found[0]!.why).toContain(why);
  });

  test.each([
    ['infra/constructs/functions.ts', "import { m } from '../../functions/manifest';"],
    ['functions/verify/handler.ts', "import { p } from '../commons/parse-event';"],
    ['functions/commons/errors.ts', "import { E } from './types/tasks';"],
    ['bench/build-bundle.ts', "import { o } from '../infra/lambda-esbuild';"],
    ['test/infra/policies.test.ts', "import { b } from '../../bench/build-bundle';"],
    ['local/sandbox.ts', "import { readFileSync } from 'node:fs';"],
  ])('%s: %s is allowed', (file, source) => {
    expect(violations(new Map([[file, source]]))).toEqual([]);
  });

  test('the scanner sees every kind of import', () => {
    expect(
      specifiersOf(
        [
          "import a from './a';",
          "import type { B } from './b';",
          "export * from './c';",
          "const d = require('./d');",
          "const e = await import('./e');",
          "import 'zod';",
        ].join('\n'),
      ),
    ).toEqual(['./a', './b', './c', './d', './e']);
  });
});
