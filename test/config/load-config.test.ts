import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import {
  ConfigError,
  DEFAULT_CONFIG_PATH,
  findPipeline,
  loadConfig,
  parseConfig,
  parseConfigText,
} from '../../functions/commons/config/load-config';
import { getPipelineSettings, resetConfigCache } from '../../functions/commons/config/pipeline-settings';
import { readFileSync } from 'node:fs';

/** The shipped sample, as a plain object the tests break one rule at a time. */
function sample(): { version: unknown; pipelines: Record<string, unknown>[] } {
  return structuredClone(parseYaml(readFileSync(DEFAULT_CONFIG_PATH, 'utf8')));
}

/** Sets a dotted path (numbers index arrays) and returns the problems the loader reports. */
function problemsAfter(mutate: (doc: ReturnType<typeof sample>) => void): string[] {
  const doc = sample();
  mutate(doc);
  try {
    parseConfig(doc);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected the configuration to be rejected');
}

const eb = (doc: ReturnType<typeof sample>) => doc.pipelines[0] as Record<string, any>;
const ec2 = (doc: ReturnType<typeof sample>) => doc.pipelines[1] as Record<string, any>;

describe('pipelines.yaml sample', () => {
  it('ships both apps on main with their targets', () => {
    const config = loadConfig();
    const bank = findPipeline(config, 'retail-bank');
    const blog = findPipeline(config, 'microblog');
    expect(bank).toMatchObject({
      repository: 'example-org/retail-bank',
      branch: 'main',
      target: { kind: 'elastic-beanstalk', canary: { percent: 10 } },
    });
    expect(blog).toMatchObject({
      repository: 'example-org/microblog',
      branch: 'main',
      target: { kind: 'ec2-ssm', service: 'microblog' },
    });
  });

  it('fills defaults for what a pipeline leaves out', () => {
    const config = loadConfig();
    const blog = findPipeline(config, 'microblog');
    expect(blog.scan.timeoutMinutes).toBe(30);
    expect(blog.notify).toEqual({ slackOnFailure: true, slackOnSuccess: false, githubStatus: true });
    expect(blog.approval).toEqual({ required: false, timeoutMinutes: 60 });
  });
});

describe('validation names the field, the value and what is allowed', () => {
  const cases: [string, (doc: ReturnType<typeof sample>) => void, RegExp][] = [
    ['version', (d) => (d.version = 2), /^version = 2: must be 1$/],
    ['no pipelines', (d) => (d.pipelines = []), /^pipelines = \[\]: must list at least one pipeline$/],
    [
      'pipeline name',
      (d) => (eb(d).name = 'Retail Bank'),
      /^pipelines\[0\]\.name = "Retail Bank": must be 3-32 lower-case/,
    ],
    [
      'duplicate name',
      (d) => (ec2(d).name = 'retail-bank'),
      /^pipelines\[1\]\.name = "retail-bank": must be unique/,
    ],
    [
      'repository',
      (d) => (eb(d).repository = 'retail-bank'),
      /^pipelines\[0\]\.repository = "retail-bank": must be a GitHub repository as owner\/name$/,
    ],
    [
      'branch with spaces',
      (d) => (eb(d).branch = 'my branch'),
      /^pipelines\[0\]\.branch = "my branch": must be a branch name/,
    ],
    [
      'branch with ..',
      (d) => (eb(d).branch = 'a..b'),
      /^pipelines\[0\]\.branch = "a\.\.b": must be a branch name/,
    ],
    [
      'branch with shell text',
      (d) => (eb(d).branch = 'main;rm -rf /'),
      /^pipelines\[0\]\.branch = .*must be a branch name/,
    ],
    [
      'python version',
      (d) => (eb(d).build.pythonVersion = 3.1),
      /^pipelines\[0\]\.build\.pythonVersion = 3\.1: must be one of "3\.10"/,
    ],
    [
      'build timeout',
      (d) => (eb(d).build.timeoutMinutes = 500),
      /^pipelines\[0\]\.build\.timeoutMinutes = 500: must be a whole number from 5 to 120 minutes$/,
    ],
    [
      'scan severity',
      (d) => (eb(d).scan.failOn = 'severe'),
      /^pipelines\[0\]\.scan\.failOn = "severe": must be one of low, medium, high, critical$/,
    ],
    [
      'health percent',
      (d) => (ec2(d).health.maxCpuPercent = 120),
      /^pipelines\[1\]\.health\.maxCpuPercent = 120: must be a whole number from 1 to 100 \(percent\)$/,
    ],
    [
      'health colours',
      (d) => (eb(d).health.allowedEnvironmentHealth = ['Red']),
      /^pipelines\[0\]\.health\.allowedEnvironmentHealth\[0\] = "Red": may only hold "Green" and "Yellow"$/,
    ],
    [
      'approval flag',
      (d) => (eb(d).approval.required = 'yes'),
      /^pipelines\[0\]\.approval\.required = "yes": must be true or false$/,
    ],
    [
      'approval timeout',
      (d) => (eb(d).approval.timeoutMinutes = 1),
      /^pipelines\[0\]\.approval\.timeoutMinutes = 1: must be a whole number from 5 to 10080/,
    ],
    [
      'target kind',
      (d) => (eb(d).target.kind = 'lambda'),
      /^pipelines\[0\]\.target\.kind = "lambda": kind must be "elastic-beanstalk" or "ec2-ssm"$/,
    ],
    [
      'environment name',
      (d) => (eb(d).target.environment = 'x'),
      /^pipelines\[0\]\.target\.environment = "x": must be an Elastic Beanstalk environment name/,
    ],
    [
      'canary percent',
      (d) => (eb(d).target.canary.percent = 75),
      /^pipelines\[0\]\.target\.canary\.percent = 75: must be a whole number from 1 to 50 \(percent\)$/,
    ],
    [
      'canary evaluation',
      (d) => (eb(d).target.canary.evaluationMinutes = 0),
      /^pipelines\[0\]\.target\.canary\.evaluationMinutes = 0: must be a whole number from 3 to 600 minutes \(Elastic Beanstalk EvaluationTime\)$/,
    ],
    // Elastic Beanstalk's EvaluationTime is 3-600 minutes (aws:elasticbeanstalk:trafficsplitting).
    ...[1, 2, 601].map((minutes): [string, (doc: ReturnType<typeof sample>) => void, RegExp] => [
      `canary evaluation of ${minutes} minutes`,
      (d) => {
        eb(d).target.canary.evaluationMinutes = minutes;
      },
      new RegExp(`evaluationMinutes = ${minutes}: must be a whole number from 3 to 600 minutes`),
    ]),
    [
      'release step with a shell operator',
      (d) => (ec2(d).target.release = { commands: ['flask db upgrade; reboot'] }),
      /^pipelines\[1\]\.target\.release\.commands\[0\] = "flask db upgrade; reboot": must be a program of the release venv/,
    ],
    [
      'release step with a path as program',
      (d) => (ec2(d).target.release = { commands: ['../../bin/sh -c id'] }),
      /release\.commands\[0\] = "..\/..\/bin\/sh -c id": must be a program of the release venv/,
    ],
    [
      'release environment that changes how programs run',
      (d) => (ec2(d).target.release = { environment: { LD_PRELOAD: '/tmp/x.so' } }),
      /release\.environment = .*variable "LD_PRELOAD" may not be set/,
    ],
    [
      'release environment value with a space',
      (d) => (ec2(d).target.release = { environment: { FLASK_APP: 'app.py extra' } }),
      /release\.environment = .*variable "FLASK_APP" must be a string of at most 200 letters/,
    ],
    [
      'instance tag',
      (d) => (ec2(d).target.instanceTag.value = 'a;b'),
      /^pipelines\[1\]\.target\.instanceTag\.value = "a;b": must be a tag value/,
    ],
    [
      'service name',
      (d) => (ec2(d).target.service = 'microblog; reboot'),
      /^pipelines\[1\]\.target\.service = "microblog; reboot": must be a systemd unit name/,
    ],
    [
      'app directory',
      (d) => (ec2(d).target.appDirectory = 'opt/app'),
      /^pipelines\[1\]\.target\.appDirectory = "opt\/app": must be an absolute path/,
    ],
    [
      'health url',
      (d) => (ec2(d).target.healthUrl = 'http://example.com/'),
      /^pipelines\[1\]\.target\.healthUrl = .*must be a local URL/,
    ],
    [
      'max concurrency',
      (d) => (ec2(d).target.maxConcurrency = '0'),
      /^pipelines\[1\]\.target\.maxConcurrency = "0": must be a count such as "1" or a share such as "33%"$/,
    ],
    [
      'max errors',
      (d) => (ec2(d).target.maxErrors = '150%'),
      /^pipelines\[1\]\.target\.maxErrors = "150%": must be a count such as "0"/,
    ],
    [
      'smoke url',
      (d) => (eb(d).verify.smokeTest.url = 'ftp://bank'),
      /^pipelines\[0\]\.verify\.smokeTest\.url = "ftp:\/\/bank": must be an http\(s\) URL/,
    ],
    [
      'smoke status',
      (d) => (eb(d).verify.smokeTest.expectStatus = 99),
      /^pipelines\[0\]\.verify\.smokeTest\.expectStatus = 99: must be a whole number from 100 to 599$/,
    ],
    [
      'bake window',
      (d) => (eb(d).verify.bakeMinutes = -1),
      /^pipelines\[0\]\.verify\.bakeMinutes = -1: must be a whole number from 0 to 120 minutes$/,
    ],
    [
      'alarm name',
      (d) => (eb(d).verify.alarms = ['bad\nname']),
      /^pipelines\[0\]\.verify\.alarms\[0\] = .*must be a CloudWatch alarm name$/,
    ],
    [
      'notify flag',
      (d) => (eb(d).notify.slackOnSuccess = 1),
      /^pipelines\[0\]\.notify\.slackOnSuccess = 1: must be true or false$/,
    ],
    [
      'missing field',
      (d) => delete eb(d).repository,
      /^pipelines\[0\]\.repository: required field is missing$/,
    ],
    [
      'unknown field',
      (d) => (eb(d).target.canaryPercent = 10),
      /^pipelines\[0\]\.target: unknown field "canaryPercent"; remove it or check its spelling$/,
    ],
  ];

  it.each(cases)('%s', (_name, mutate, expected) => {
    const problems = problemsAfter(mutate);
    expect(problems).toEqual([expect.stringMatching(expected)]);
  });

  it('reports every problem at once, not just the first', () => {
    const problems = problemsAfter((d) => {
      eb(d).branch = 'a b';
      ec2(d).target.service = 'x y';
    });
    expect(problems).toHaveLength(2);
  });

  it('puts every problem in the error message', () => {
    expect(() => parseConfig({ version: 1, pipelines: [{ name: 'x' }] })).toThrow(
      /pipelines\[0\]\.name = "x"/,
    );
  });
});

describe('reading the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pipelines-'));

  it('rejects YAML that does not parse, naming the file', () => {
    const path = join(dir, 'broken.yaml');
    writeFileSync(path, 'version: 1\npipelines: [\n');
    expect(() => loadConfig(path)).toThrow(new RegExp(`${path} is not valid:\\n  - not valid YAML`));
  });

  it('names a file that cannot be read', () => {
    const path = join(dir, 'missing.yaml');
    expect(() => loadConfig(path)).toThrow(/missing\.yaml is not valid:\n {2}- cannot be read: ENOENT/);
  });

  it('accepts a file written from the sample', () => {
    const path = join(dir, 'copy.yaml');
    writeFileSync(path, stringify(sample()));
    expect(loadConfig(path).pipelines.map((p) => p.name)).toEqual(['retail-bank', 'microblog']);
  });

  it('names the known pipelines when asked for an unknown one', () => {
    expect(() => findPipeline(parseConfigText(readFileSync(DEFAULT_CONFIG_PATH, 'utf8')), 'shop')).toThrow(
      /no pipeline named "shop"; known: retail-bank, microblog/,
    );
  });
});

describe('settings at run time', () => {
  const saved = process.env.PIPELINES_JSON;
  afterEach(() => {
    if (saved === undefined) delete process.env.PIPELINES_JSON;
    else process.env.PIPELINES_JSON = saved;
    resetConfigCache();
  });

  it('prefers the configuration inlined by the bundler', () => {
    const doc = sample();
    eb(doc).target.canary.percent = 20;
    process.env.PIPELINES_JSON = JSON.stringify(doc);
    resetConfigCache();
    expect(getPipelineSettings('retail-bank').target).toMatchObject({ canary: { percent: 20 } });
  });

  it('falls back to the file when nothing is inlined', () => {
    delete process.env.PIPELINES_JSON;
    resetConfigCache();
    expect(getPipelineSettings('microblog').target).toMatchObject({ kind: 'ec2-ssm', service: 'microblog' });
  });

  it('names the known pipelines when asked for an unknown one', () => {
    expect(() => getPipelineSettings('shop')).toThrow(
      /no pipeline named "shop"; known: retail-bank, microblog/,
    );
  });
});
