/**
 * Fuzzing the configuration with fast-check: random mutations of the shipped pipelines.yaml (wrong
 * types, out-of-range numbers, strings full of shell metacharacters, missing and extra fields) and
 * random YAML text. The loader either accepts the document or throws a ConfigError whose every
 * line names a field path; it never crashes otherwise and never accepts a hostile branch, service
 * or tag. Values the configuration accepts must also pass the SSM document's allowedPatterns, so a
 * bad value fails at load rather than at SendCommand.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { parse as parseYaml, stringify } from 'yaml';
import {
  ConfigError,
  DEFAULT_CONFIG_PATH,
  parseConfig,
  parseConfigText,
} from '../../functions/commons/config/load-config';
import type { PipelinesConfig } from '../../functions/commons/config/schema';
import { validateDocumentParameters } from '../../functions/ssm-deploy/parameters';
import { releaseStepParameters } from '../../functions/ssm-deploy/operations';

const SAMPLE_TEXT = readFileSync(DEFAULT_CONFIG_PATH, 'utf8');
const sample = () => parseYaml(SAMPLE_TEXT) as Record<string, unknown>;
const RUNS = { numRuns: 200 };
/** Per-field hostile checks: eleven fields, so fewer runs each. */
const FIELD_RUNS = { numRuns: 100 };

type Path = (string | number)[];
type Outcome = { ok: true; config: PipelinesConfig } | { ok: false; error: ConfigError };

/** Runs the loader; any error other than ConfigError is re-thrown and fails the property. */
function load(run: () => PipelinesConfig): Outcome {
  try {
    return { ok: true, config: run() };
  } catch (error) {
    if (error instanceof ConfigError) return { ok: false, error };
    throw error;
  }
}

/** `pipelines[1].target.service` or `(top level)`, then ` = <value>: ` or `: `, then the rule. */
// Field names are letters; variable names under target.release.environment (FLASK_APP) add _ and digits.
const PROBLEM = /^(\(top level\)|[A-Za-z]+(?:\[\d+\]|\.[A-Za-z][A-Za-z0-9_]*)*)(?: = .{1,64}?: |: )\S.*$/s;

function problemPath(problem: string): Path {
  const text = PROBLEM.exec(problem)?.[1] ?? '';
  if (text === '(top level)') return [];
  return [...text.matchAll(/([A-Za-z]+)|\[(\d+)\]/g)].map((m) => (m[1] !== undefined ? m[1] : Number(m[2])));
}

/** Every problem names a field path and says what is wrong, briefly. */
function expectClearProblems(error: ConfigError): void {
  expect(error.problems.length).toBeGreaterThan(0);
  for (const problem of error.problems) {
    expect(problem).toMatch(PROBLEM);
    expect(problem.length).toBeLessThanOrEqual(300);
  }
}

/** Every path to a value inside the sample (objects and arrays, any depth). */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(value);
  return [prefix, ...entries.flatMap(([key, child]) => pathsOf(child, [...prefix, key]))];
}
const SAMPLE_PATHS = pathsOf(sample()).filter((p) => p.length > 0);

function parentAndKey(
  doc: Record<string, unknown>,
  path: Path,
): [Record<string | number, unknown>, string | number] {
  let node: unknown = doc;
  for (const key of path.slice(0, -1)) node = (node as Record<string | number, unknown>)[key];
  return [node as Record<string | number, unknown>, path[path.length - 1]!];
}

/** Shell and control characters no branch, service, path or URL of ours may hold. */
const METACHARACTERS = [
  ';',
  '|',
  '&',
  '$',
  '`',
  "'",
  '"',
  '<',
  '>',
  '(',
  ')',
  '{',
  '}',
  '\\',
  '\n',
  '\r',
  '\t',
  '\0',
  '*',
  '?',
  '!',
  '~',
  '#',
  ' ',
];
const HOSTILE_RE = /[;|&$`'"<>(){}\\\n\r\t\0*?!~# ]/;
const word = fc.stringMatching(/^[A-Za-z0-9._/-]{0,12}$/);
/** A plausible value with at least one metacharacter somewhere in it. */
const hostile = (except: string[] = []) =>
  fc
    .tuple(
      word,
      fc.array(fc.constantFrom(...METACHARACTERS.filter((c) => !except.includes(c))), {
        minLength: 1,
        maxLength: 4,
      }),
      word,
      fc.constantFrom('$(reboot)', '`id`', '; rm -rf /', '&& curl x|sh', '', '\'"', '${IFS}'),
    )
    .map(([a, chars, b, payload]) => `${a}${chars.join('')}${b}${payload}`);

const mutation = fc.oneof(
  fc.record({
    kind: fc.constant('wrong-type' as const),
    value: fc.oneof(
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.string(), { maxLength: 3 }),
      fc.object({ maxDepth: 1 }),
      fc.string({ maxLength: 20 }),
      fc.double(),
    ),
  }),
  fc.record({
    kind: fc.constant('out-of-range' as const),
    value: fc.oneof(
      fc.integer({ min: -1_000_000, max: -1 }),
      fc.integer({ min: 100_000, max: 2 ** 31 }),
      fc.constantFrom(0, 0.5, 1e308, -0, Number.NaN, Number.POSITIVE_INFINITY),
    ),
  }),
  fc.record({ kind: fc.constant('hostile-string' as const), value: hostile() }),
  fc.record({ kind: fc.constant('delete' as const) }),
  fc.record({
    kind: fc.constant('extra-field' as const),
    name: fc.oneof(
      fc.string({ minLength: 1, maxLength: 12 }),
      fc.constantFrom('__proto__', 'constructor', 'kind', 'Branch'),
    ),
    value: fc.anything({ maxDepth: 1 }),
  }),
);

type Mutation = { kind: string; value?: unknown; name?: string };

/** Applies `m` at `path`; answers the path of the value it changed (an extra field's own path). */
function mutate(doc: Record<string, unknown>, path: Path, m: Mutation): Path {
  const [parent, key] = parentAndKey(doc, path);
  switch (m.kind) {
    case 'delete':
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
      return path;
    case 'extra-field': {
      const target = parent[key];
      const holder =
        target !== null && typeof target === 'object' && !Array.isArray(target)
          ? (target as Record<string, unknown>)
          : parent;
      // An extra field, never one that exists (that would be a different mutation).
      const name = Object.hasOwn(holder, m.name!) ? `x-${m.name!}` : m.name!;
      Object.defineProperty(holder, name, {
        value: m.value,
        enumerable: true,
        configurable: true,
        writable: true,
      });
      // Beside a scalar in a list, a field named "1" is the list's next element: alarms[1].
      const field = Array.isArray(holder) && /^\d+$/.test(name) ? Number(name) : name;
      return holder === target ? [...path, field] : [...path.slice(0, -1), field];
    }
    default:
      parent[key] = m.value;
      return path;
  }
}

/** A problem's path and the mutated path are on one line of descent (the fault is reported where it is). */
const related = (a: Path, b: Path) => a.slice(0, Math.min(a.length, b.length)).every((k, i) => k === b[i]);

describe('mutations of the sample configuration', () => {
  test('the sample itself loads', () => {
    expect(load(() => parseConfig(sample())).ok).toBe(true);
  });

  test('never a crash other than ConfigError; every problem names a field path near the mutation', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SAMPLE_PATHS), mutation, (path, m) => {
        const doc = sample();
        const changed = mutate(doc, path, m);
        const outcome = load(() => parseConfig(doc));
        if (outcome.ok) return;
        expectClearProblems(outcome.error);
        const paths = outcome.error.problems.map(problemPath);
        // A renamed pipeline can collide with another: the duplicate is reported on the later one.
        const duplicate = outcome.error.problems.some((p) => p.includes('must be unique'));
        expect(duplicate || paths.some((p) => related(p, changed))).toBe(true);
      }),
      RUNS,
    );
  });

  test('several mutations at once are all reported, still by field path', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...SAMPLE_PATHS), mutation), { minLength: 2, maxLength: 6 }),
        (edits) => {
          const doc = sample();
          for (const [path, m] of edits) {
            try {
              mutate(doc, path, m);
            } catch {
              // An earlier edit removed this path's parent: nothing left to change there.
            }
          }
          const outcome = load(() => parseConfig(doc));
          if (!outcome.ok) expectClearProblems(outcome.error);
        },
      ),
      RUNS,
    );
  });

  test('any value a YAML or JSON file can hold (and more) is refused with a ConfigError', () => {
    fc.assert(
      fc.property(
        fc.anything({
          maxDepth: 4,
          withNullPrototype: true,
          withDate: true,
          withMap: true,
          withSet: true,
          withTypedArray: true,
        }),
        (doc) => {
          const outcome = load(() => parseConfig(doc));
          expect(outcome.ok).toBe(false);
          if (!outcome.ok) expectClearProblems(outcome.error);
        },
      ),
      RUNS,
    );
  });
});

describe('random YAML text', () => {
  const edit = fc.record({
    at: fc.nat(),
    remove: fc.integer({ min: 0, max: 8 }),
    insert: fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.constantFrom(
        ': ',
        '\n  - ',
        '{',
        '[',
        '"',
        "'",
        '&a ',
        '*a',
        '!!binary ',
        '---\n',
        '\t',
        '<<: *a',
        '? ',
        '%YAML 1.2\n',
      ),
    ),
  });

  test('edited sample text: config, or ConfigError with field paths (never a YAML library crash)', () => {
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 5 }), (edits) => {
        let text = SAMPLE_TEXT;
        for (const e of edits) {
          const at = e.at % (text.length + 1);
          text = text.slice(0, at) + e.insert + text.slice(at + e.remove);
        }
        const outcome = load(() => parseConfigText(text));
        if (!outcome.ok) {
          expect(outcome.error.problems.length).toBeGreaterThan(0);
          for (const problem of outcome.error.problems)
            expect(problem.startsWith('not valid YAML: ') || PROBLEM.test(problem)).toBe(true);
        }
      }),
      RUNS,
    );
  });

  test('arbitrary text and unicode: never anything but a ConfigError', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 200, unit: 'binary' }), fc.string({ maxLength: 200 })),
        (text) => {
          const outcome = load(() => parseConfigText(text));
          if (!outcome.ok) expect(outcome.error.problems.length).toBeGreaterThan(0);
        },
      ),
      RUNS,
    );
  });

  test('a YAML alias bomb is refused with a ConfigError, not a hang or a crash', () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      ...Array.from(
        { length: 8 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9)
            .fill(`*${String.fromCharCode(97 + i)}`)
            .join(',')}]`,
      ),
    ].join('\n');
    const outcome = load(() => parseConfigText(bomb));
    expect(outcome.ok).toBe(false);
  });
});

describe('hostile values are never accepted', () => {
  const fields: { name: string; path: Path; allow?: string[] }[] = [
    { name: 'branch', path: ['pipelines', 0, 'branch'] },
    { name: 'branch (ec2)', path: ['pipelines', 1, 'branch'] },
    { name: 'service', path: ['pipelines', 1, 'target', 'service'] },
    // AWS tags may hold spaces; nothing else from the list.
    { name: 'instance tag key', path: ['pipelines', 1, 'target', 'instanceTag', 'key'], allow: [' '] },
    { name: 'instance tag value', path: ['pipelines', 1, 'target', 'instanceTag', 'value'], allow: [' '] },
    { name: 'pipeline name', path: ['pipelines', 0, 'name'] },
    { name: 'repository', path: ['pipelines', 0, 'repository'] },
    { name: 'app directory', path: ['pipelines', 1, 'target', 'appDirectory'] },
    { name: 'health URL', path: ['pipelines', 1, 'target', 'healthUrl'] },
    { name: 'requirements file', path: ['pipelines', 0, 'build', 'requirementsFile'] },
    { name: 'Beanstalk environment', path: ['pipelines', 0, 'target', 'environment'] },
  ];

  test.each(fields)('$name: refused with a problem naming that field', ({ path, allow = [] }) => {
    fc.assert(
      fc.property(hostile(allow), (value) => {
        const doc = sample();
        mutate(doc, path, { kind: 'set', value });
        const outcome = load(() => parseConfig(doc));
        expect(outcome.ok).toBe(false);
        if (!outcome.ok) {
          expectClearProblems(outcome.error);
          expect(outcome.error.problems.map(problemPath)).toContainEqual(path);
        }
      }),
      FIELD_RUNS,
    );
  });

  test('through YAML text too: a hostile branch in the file is refused', () => {
    fc.assert(
      fc.property(hostile(), (value) => {
        const doc = sample();
        (doc.pipelines as Record<string, unknown>[])[1]!.branch = value;
        const outcome = load(() => parseConfigText(stringify(doc)));
        expect(outcome.ok).toBe(false);
      }),
      RUNS,
    );
  });

  test('whatever the loader accepts holds no metacharacter in branch, service or tag', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 30 }),
        fc.string({ maxLength: 30 }),
        fc.string({ maxLength: 30 }),
        (branch, service, tag) => {
          const doc = sample();
          const blog = (doc.pipelines as Record<string, any>[])[1]!;
          Object.assign(blog, { branch });
          Object.assign(blog.target, { service, instanceTag: { key: 'App', value: tag } });
          const outcome = load(() => parseConfig(doc));
          if (!outcome.ok) return;
          const accepted = outcome.config.pipelines[1]!;
          expect(accepted.branch).not.toMatch(HOSTILE_RE);
          if (accepted.target.kind !== 'ec2-ssm')
            throw new Error('the sample microblog pipeline deploys through SSM');
          expect(accepted.target.service).not.toMatch(HOSTILE_RE);
          expect(accepted.target.instanceTag.value).not.toMatch(/[;|&$`'"<>(){}\\\n\r\t\0*?!~#]/);
        },
      ),
      RUNS,
    );
  });
});

describe('what the configuration accepts, the SSM document accepts', () => {
  // The same value is checked at load (zod) and at SendCommand (allowedPattern): a value that
  // passes the first and fails the second only fails mid-deploy, after build and approval.
  const cases = [
    {
      field: 'service',
      values: fc.oneof(
        fc.stringMatching(/^[a-zA-Z0-9_.@-]{1,64}$/),
        fc.constantFrom('microblog', '-microblog', 'a@b'),
      ),
    },
    {
      field: 'appDirectory',
      values: fc.oneof(
        fc.stringMatching(/^\/[A-Za-z0-9._/-]{1,40}$/),
        fc.constantFrom('/opt/microblog', '/opt/../etc', '/opt//x', '/.ssh', '/a/b/c/d/e/f/g/h/i'),
      ),
    },
    {
      field: 'healthUrl',
      values: fc.oneof(
        fc.stringMatching(/^http:\/\/127\.0\.0\.1:[0-9]{2,5}\/[A-Za-z0-9._/-]{0,20}$/),
        fc.constant(`http://127.0.0.1:5000/${'a'.repeat(250)}`),
      ),
    },
  ] as const;

  test.each(cases)('$field accepted at load passes the document allowedPattern', ({ field, values }) => {
    fc.assert(
      fc.property(values, (value) => {
        const doc = sample();
        (doc.pipelines as Record<string, any>[])[1]!.target[field] = value;
        const outcome = load(() => parseConfig(doc));
        if (!outcome.ok) return;
        const settings = outcome.config.pipelines[1]!;
        const target = settings.target;
        if (target.kind !== 'ec2-ssm') throw new Error('the sample microblog pipeline deploys through SSM');
        expect(() =>
          validateDocumentParameters({
            action: 'release',
            commitSha: 'a'.repeat(40),
            artifactBucket: 'deploy-controller-artifacts',
            artifactKey: `microblog/${'a'.repeat(40)}/release.tar.gz`,
            serviceName: target.service,
            appDirectory: target.appDirectory,
            healthUrl: target.healthUrl,
            pythonVersion: settings.build.pythonVersion,
            ...releaseStepParameters(target.release),
          }),
        ).not.toThrow();
      }),
      RUNS,
    );
  });
});
