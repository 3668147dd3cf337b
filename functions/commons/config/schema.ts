/**
 * The schema of `pipelines.yaml`: every rule carries a message that says what is allowed, so a
 * failed load names the field, the value and the fix (see load-config.ts for the formatting).
 */
import { z } from 'zod';
import { DOCUMENT_PARAMETER_PATTERNS as SSM_PARAMETER } from '../ssm-parameters';

const int = (min: number, max: number, unit = '') =>
  z
    .number({ error: `must be a whole number from ${min} to ${max}${unit}` })
    .int({ error: `must be a whole number from ${min} to ${max}${unit}` })
    .min(min, { error: `must be a whole number from ${min} to ${max}${unit}` })
    .max(max, { error: `must be a whole number from ${min} to ${max}${unit}` });

const percent = (min: number, max: number) => int(min, max, ' (percent)');

/** Lower-case name used in state machine, stack and execution names. */
export const PIPELINE_NAME = /^[a-z][a-z0-9-]{1,30}[a-z0-9]$/;
/** GitHub `owner/repository`. */
export const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;
/** A branch name git accepts, kept to the characters teams actually use. */
export const BRANCH = /^(?!\/|.*\/\/|.*\.\.|.*\.lock$|.*\/$)[A-Za-z0-9._/-]{1,200}$/;
/** Names accepted by Elastic Beanstalk for applications and environments. */
const EB_ENVIRONMENT = /^[A-Za-z0-9][A-Za-z0-9-]{2,38}[A-Za-z0-9]$/;
const EB_APPLICATION = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}$/;
const TAG_PART = /^[A-Za-z0-9 _.:/=+@-]{1,128}$/;
const ALARM_NAME = /^[A-Za-z0-9 _.:/()#+=@-]{1,255}$/;

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

const build = z
  .object({
    pythonVersion: z.enum(['3.10', '3.11', '3.12', '3.13'], {
      error: 'must be one of "3.10", "3.11", "3.12", "3.13" (quote it in YAML)',
    }),
    requirementsFile: z
      .string()
      .regex(/^[A-Za-z0-9._/-]{1,200}$/, { error: 'must be a relative path such as requirements.txt' })
      .default('requirements.txt'),
    testPath: z
      .string()
      .regex(/^[A-Za-z0-9._/-]{1,200}$/, { error: 'must be a relative path such as tests' })
      .default('tests'),
    timeoutMinutes: int(5, 120, ' minutes').default(20),
    buildspec: z
      .string()
      .regex(/^[A-Za-z0-9._/-]{1,200}\.ya?ml$/, {
        error: 'must be a relative path to a .yml file in the app repository',
      })
      .optional(),
  })
  .strict();

const scan = z
  .object({
    failOn: z.enum(SEVERITIES, { error: `must be one of ${SEVERITIES.join(', ')}` }).default('high'),
    timeoutMinutes: int(5, 120, ' minutes').default(30),
  })
  .strict();

const health = z
  .object({
    maxCpuPercent: percent(1, 100).default(80),
    maxMemoryPercent: percent(1, 100).default(85),
    maxDiskPercent: percent(1, 100).default(90),
    allowedEnvironmentHealth: z
      .array(z.enum(['Green', 'Yellow'], { error: 'may only hold "Green" and "Yellow"' }))
      .min(1, { error: 'must list at least "Green"' })
      .default(['Green']),
  })
  .strict();

const approval = z
  .object({
    required: z.boolean({ error: 'must be true or false' }),
    timeoutMinutes: int(5, 10080, ' minutes (at most 7 days)').default(60),
  })
  .strict();

const elasticBeanstalk = z
  .object({
    kind: z.literal('elastic-beanstalk'),
    application: z.string().regex(EB_APPLICATION, {
      error: 'must be an Elastic Beanstalk application name (1-100 letters, digits, spaces, . _ -)',
    }),
    environment: z.string().regex(EB_ENVIRONMENT, {
      error: 'must be an Elastic Beanstalk environment name (4-40 letters, digits and hyphens)',
    }),
    canary: z
      .object({
        // NewVersionPercent accepts 1-100 (EB developer guide, "General options for all
        // environments", aws:elasticbeanstalk:trafficsplitting); a canary keeps it at most 50.
        percent: percent(1, 50),
        // EvaluationTime: 3-600 minutes (same page and namespace); Beanstalk refuses anything else.
        evaluationMinutes: int(3, 600, ' minutes (Elastic Beanstalk EvaluationTime)'),
      })
      .strict(),
  })
  .strict();

const ENVIRONMENT_NAME = /^[A-Z][A-Z0-9_]{0,63}$/;
const ENVIRONMENT_VALUE = /^[A-Za-z0-9_.:/@-]{0,200}$/;
/** Names a release step may not set: they change how programs are found and run. */
const RESERVED_ENVIRONMENT =
  /^(PATH|HOME|IFS|ENV|BASH_ENV|SHELL|SHELLOPTS|PS4|LD_[A-Z0-9_]*|PYTHONPATH|PYTHONHOME|PYTHONSTARTUP)$/;

/**
 * What runs in the new release after its venv is built and before the switch (migrations,
 * translations, or nothing), e.g. microblog: FLASK_APP=microblog.py, flask db upgrade, flask
 * translate compile. Reaches the instance as the Command document's releaseEnvironment and
 * releaseCommands parameters (their allowedPatterns), never from a commit or a branch.
 */
const release = z
  .object({
    environment: z
      .record(z.string(), z.unknown(), {
        error: 'must map variable names to values, such as FLASK_APP: microblog.py',
      })
      .superRefine((env, ctx) => {
        // Reported on `environment` itself, naming the variable: keys are data here, not fields.
        const names = Object.keys(env);
        if (names.length > 10)
          ctx.addIssue({ code: 'custom', input: env, message: 'may set at most 10 variables' });
        for (const name of names) {
          const value = env[name];
          let problem: string | null = null;
          if (!ENVIRONMENT_NAME.test(name)) problem = 'is not an upper-case variable name such as FLASK_APP';
          else if (RESERVED_ENVIRONMENT.test(name))
            problem =
              'may not be set: PATH, HOME, IFS, LD_*, PYTHONPATH and the like change how programs run';
          else if (typeof value !== 'string' || !ENVIRONMENT_VALUE.test(value))
            problem =
              'must be a string of at most 200 letters, digits and _ . : / @ + - (no spaces or quotes)';
          if (problem)
            ctx.addIssue({
              code: 'custom',
              input: env,
              message: `variable ${JSON.stringify(name).slice(0, 70)} ${problem}`,
            });
        }
      })
      .transform((env) => env as Record<string, string>)
      .default({}),
    commands: z
      .array(
        z
          .string({ error: 'must be a command such as "flask db upgrade"' })
          .regex(/^[a-z0-9][a-z0-9_.-]{0,63}( [A-Za-z0-9_./@-]{1,128}){0,15}$/, {
            error:
              'must be a program of the release venv and its arguments, such as "flask db upgrade" (single spaces; letters, digits and _ . / @ -)',
          }),
        { error: 'must be a list of commands such as [flask db upgrade]' },
      )
      .max(10, { error: 'may list at most 10 commands' })
      .default([]),
  })
  .strict();

const ec2Ssm = z
  .object({
    kind: z.literal('ec2-ssm'),
    instanceTag: z
      .object({
        key: z
          .string()
          .regex(TAG_PART, { error: 'must be a tag key (1-128 letters, digits, spaces, _ . : / = + @ -)' }),
        value: z
          .string()
          .regex(TAG_PART, { error: 'must be a tag value (1-128 letters, digits, spaces, _ . : / = + @ -)' }),
      })
      .strict(),
    service: z.string().regex(SSM_PARAMETER.serviceName, {
      error: 'must be a systemd unit name such as microblog (not starting with - or .)',
    }),
    appDirectory: z
      .string()
      .regex(SSM_PARAMETER.appDirectory, {
        error: 'must be an absolute path of 1-8 segments, none starting with a dot, such as /opt/microblog',
      })
      .default('/opt/microblog'),
    healthUrl: z
      .string()
      .regex(SSM_PARAMETER.healthUrl, {
        error: 'must be a local URL such as http://127.0.0.1:5000/health (path at most 200 characters)',
      })
      .default('http://127.0.0.1:5000/'),
    maxConcurrency: z
      .string()
      .regex(/^([1-9][0-9]{0,2}|[1-9][0-9]?%|100%)$/, {
        error: 'must be a count such as "1" or a share such as "33%"',
      })
      .default('1'),
    release: release.default({ environment: {}, commands: [] }),
    maxErrors: z
      .string()
      .regex(/^([0-9]{1,3}|[0-9]{1,2}%|100%)$/, {
        error: 'must be a count such as "0" or a share such as "10%"',
      })
      .default('0'),
  })
  .strict();

const target = z.discriminatedUnion('kind', [elasticBeanstalk, ec2Ssm], {
  error: 'kind must be "elastic-beanstalk" or "ec2-ssm"',
});

const verify = z
  .object({
    smokeTest: z
      .object({
        url: z.url({
          protocol: /^https?$/,
          error: 'must be an http(s) URL such as https://app.example.com/health',
        }),
        expectStatus: int(100, 599).default(200),
        bodyContains: z.string().max(200, { error: 'must be at most 200 characters' }).optional(),
        attempts: int(1, 10).default(3),
        timeoutSeconds: int(1, 30, ' seconds').default(5),
      })
      .strict(),
    bakeMinutes: int(0, 120, ' minutes').default(5),
    alarms: z
      .array(z.string().regex(ALARM_NAME, { error: 'must be a CloudWatch alarm name' }))
      .max(20, { error: 'may list at most 20 alarms' })
      .default([]),
  })
  .strict();

const notify = z
  .object({
    slackOnFailure: z.boolean({ error: 'must be true or false' }).default(true),
    slackOnSuccess: z.boolean({ error: 'must be true or false' }).default(false),
    githubStatus: z.boolean({ error: 'must be true or false' }).default(true),
  })
  .strict();

export const pipelineSchema = z
  .object({
    name: z.string().regex(PIPELINE_NAME, {
      error: 'must be 3-32 lower-case letters, digits and hyphens, starting with a letter',
    }),
    repository: z.string().regex(REPOSITORY, { error: 'must be a GitHub repository as owner/name' }),
    branch: z.string().regex(BRANCH, { error: 'must be a branch name such as main (no spaces, no "..")' }),
    build: build.default({
      pythonVersion: '3.11',
      requirementsFile: 'requirements.txt',
      testPath: 'tests',
      timeoutMinutes: 20,
    }),
    scan: scan.default({ failOn: 'high', timeoutMinutes: 30 }),
    health: health.default({
      maxCpuPercent: 80,
      maxMemoryPercent: 85,
      maxDiskPercent: 90,
      allowedEnvironmentHealth: ['Green'],
    }),
    approval: approval.default({ required: false, timeoutMinutes: 60 }),
    target,
    verify,
    notify: notify.default({ slackOnFailure: true, slackOnSuccess: false, githubStatus: true }),
  })
  .strict();

export const configSchema = z
  .object({
    version: z.literal(1, { error: 'must be 1' }),
    pipelines: z.array(pipelineSchema).min(1, { error: 'must list at least one pipeline' }),
  })
  .strict()
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.pipelines.forEach((pipeline, index) => {
      if (seen.has(pipeline.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['pipelines', index, 'name'],
          input: pipeline.name,
          message: 'must be unique; another pipeline already uses this name',
        });
      }
      seen.add(pipeline.name);
    });
  });

export type PipelinesConfig = z.infer<typeof configSchema>;
export type PipelineSettings = z.infer<typeof pipelineSchema>;
export type DeployTarget = PipelineSettings['target'];
export type ElasticBeanstalkTarget = Extract<DeployTarget, { kind: 'elastic-beanstalk' }>;
export type Ec2SsmTarget = Extract<DeployTarget, { kind: 'ec2-ssm' }>;
export type Severity = (typeof SEVERITIES)[number];
