/**
 * The simulated CodeBuild: projects for build + unit tests and for the dependency scan, builds that
 * walk through CodeBuild's phases at realistic durations (build about 4 minutes, scan about 2),
 * a JUnit report per build, and the packaged artifact written to the simulated S3. Faults of the
 * commit (see faults.ts) make `pip install`, pytest or the severity gate fail in their phase.
 * API: JSON 1.1 (`CodeBuild_20161006.<Op>`) StartBuild, BatchGetBuilds, BatchGetReports, StopBuild.
 */
import { randomUUID } from 'node:crypto';
import type { SimClock } from '../../clock';
import { ServiceError } from '../../aws/service-error';
import type { S3Store } from '../s3/model';
import type { FaultBook } from '../../faults';
import type { BuildRecord } from '../../sfn/integrations';
import { exportedVariableNames } from './exported-variables';

export type ProjectKind = 'build' | 'scan';

interface Phase {
  phaseType: string;
  phaseStatus?: string;
  startTime: Date;
  endTime?: Date;
  durationInSeconds?: number;
  contexts?: { statusCode: string; message: string }[];
}

interface Build {
  id: string;
  arn: string;
  buildNumber: number;
  projectName: string;
  kind: ProjectKind;
  sourceVersion: string;
  resolvedSourceVersion: string;
  startTime: Date;
  endTime?: Date;
  currentPhase: string;
  buildStatus: 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'FAULT' | 'TIMED_OUT' | 'STOPPED';
  buildComplete: boolean;
  phases: Phase[];
  environmentVariables: Record<string, string>;
  timeoutInMinutes: number;
  reportArns: string[];
  artifacts?: { location: string };
  logLines: string[];
  finished: Promise<void>;
  settle: () => void;
  timers: NodeJS.Timeout[];
  /** A call of the build refused with the project's role (set before the phases play). */
  accessDenied?: BuildFailure;
  /** `exportedEnvironmentVariables`, fixed when POST_BUILD ends (see exportVariables). */
  exported?: { name: string; value: string }[];
}

/** A failed phase: its name, `STATUS_CODE: message`, and the log lines it adds. */
export interface BuildFailure {
  phase: string;
  message: string;
  log: string[];
}

interface Report {
  arn: string;
  name: string;
  reportGroupArn: string;
  executionId: string;
  status: 'SUCCEEDED' | 'FAILED';
  created: Date;
  testSummary: { total: number; statusCounts: Record<string, number>; durationInNanoSeconds: number };
  junitXml: string;
}

/** Simulated seconds per phase, and the commands whose failure the phase reports. */
const BUILD_PHASES: [string, number][] = [
  ['SUBMITTED', 1],
  ['QUEUED', 4],
  ['PROVISIONING', 25],
  ['DOWNLOAD_SOURCE', 5],
  ['INSTALL', 85],
  ['PRE_BUILD', 5],
  ['BUILD', 80],
  ['POST_BUILD', 20],
  ['UPLOAD_ARTIFACTS', 10],
  ['FINALIZING', 5],
];
const SCAN_PHASES: [string, number][] = [
  ['SUBMITTED', 1],
  ['QUEUED', 4],
  ['PROVISIONING', 25],
  ['DOWNLOAD_SOURCE', 5],
  ['INSTALL', 25],
  ['PRE_BUILD', 5],
  ['BUILD', 50],
  ['POST_BUILD', 3],
  ['FINALIZING', 2],
];
const SEVERITY_RANK = { low: 1, medium: 2, high: 3, critical: 4 } as const;

export interface CodeBuildOptions {
  clock: SimClock;
  /**
   * Names each kind's buildspec lists under `env.exported-variables` (default: the project's
   * buildspecs/, see exportedVariableNames).
   */
  exportedVariables?: Record<ProjectKind, readonly string[]>;
  s3: S3Store;
  faults: FaultBook;
  region: string;
  account: string;
  /** Project name -> kind (build or scan). */
  projects: Record<string, ProjectKind>;
  /**
   * The build's own AWS calls with the project's service role (logs, reports, artifact upload),
   * authorised before its phases play; a refusal fails the phase that makes the call.
   */
  authorize?: (build: {
    id: string;
    projectName: string;
    kind: ProjectKind;
    environment: Record<string, string>;
  }) => Promise<BuildFailure | undefined>;
}

const camel = (key: string) => key[0]!.toLowerCase() + key.slice(1);
function camelKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelKeys);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [camel(k), camelKeys(v)]));
  return value;
}

export class CodeBuildSimulator {
  readonly builds = new Map<string, Build>();
  readonly reports = new Map<string, Report>();
  /** Source credentials imported into CodeBuild (ImportSourceCredentials); doctor checks GitHub's. */
  readonly sourceCredentials: { arn: string; serverType: string; authType: string }[];
  private buildNumbers = new Map<string, number>();

  constructor(private readonly options: CodeBuildOptions) {
    this.sourceCredentials = [
      {
        arn: `arn:aws:codebuild:${options.region}:${options.account}:token/github`,
        serverType: 'GITHUB',
        authType: 'PERSONAL_ACCESS_TOKEN',
      },
    ];
  }

  /** StartBuild; takes the API's camelCase or the Step Functions integration's PascalCase parameters. */
  start(raw: Record<string, unknown>): BuildRecord {
    const input = camelKeys(raw) as {
      projectName?: string;
      sourceVersion?: string;
      environmentVariablesOverride?: { name: string; value: string }[];
      timeoutInMinutesOverride?: number;
    };
    const projectName = input.projectName;
    const kind = projectName ? this.options.projects[projectName] : undefined;
    if (!projectName || !kind) {
      throw new ServiceError(
        'ResourceNotFoundException',
        `Project cannot be found: arn:aws:codebuild:${this.options.region}:${this.options.account}:project/${projectName ?? ''}`,
      );
    }
    const env: Record<string, string> = {};
    for (const variable of input.environmentVariablesOverride ?? [])
      env[variable.name] = String(variable.value);
    const sourceVersion = input.sourceVersion ?? 'main';
    const number = (this.buildNumbers.get(projectName) ?? 0) + 1;
    this.buildNumbers.set(projectName, number);
    const id = `${projectName}:${randomUUID()}`;
    let settle!: () => void;
    const finished = new Promise<void>((resolve) => (settle = resolve));
    const build: Build = {
      id,
      arn: `arn:aws:codebuild:${this.options.region}:${this.options.account}:build/${id}`,
      buildNumber: number,
      projectName,
      kind,
      sourceVersion,
      resolvedSourceVersion: sourceVersion,
      startTime: new Date(),
      currentPhase: 'SUBMITTED',
      buildStatus: 'IN_PROGRESS',
      buildComplete: false,
      phases: [],
      environmentVariables: env,
      timeoutInMinutes: input.timeoutInMinutesOverride ?? 60,
      reportArns: [],
      logLines: [],
      finished,
      settle,
      timers: [],
    };
    this.builds.set(id, build);
    const authorize = this.options.authorize;
    if (!authorize) this.play(build);
    else
      void authorize({ id, projectName, kind, environment: env }).then((denied) => {
        if (denied) build.accessDenied = denied;
        this.play(build);
      });
    return this.describe(build);
  }

  /** Resolves with the build once it has ended. */
  async finished(id: string): Promise<BuildRecord> {
    const build = this.builds.get(id);
    if (!build) throw new ServiceError('ResourceNotFoundException', `Build ${id} not found`);
    await build.finished;
    return this.describe(build);
  }

  private failureOf(build: Build): { phase: string; message: string; log: string[] } | undefined {
    if (build.accessDenied) return build.accessDenied;
    const faults = this.options.faults.faultsFor(build.sourceVersion);
    const requirements = build.environmentVariables.REQUIREMENTS_FILE ?? 'requirements.txt';
    const tests = build.environmentVariables.TEST_PATH ?? 'tests';
    if (build.kind === 'build' && faults.build === 'install-fails') {
      return {
        phase: 'INSTALL',
        message: `COMMAND_EXECUTION_ERROR: Error while executing command: pip install -r ${requirements}. Reason: exit status 1`,
        log: [
          'ERROR: Could not find a version that satisfies the requirement flask-sqlalchemy==9.9.9',
          'ERROR: No matching distribution found for flask-sqlalchemy==9.9.9',
        ],
      };
    }
    if (build.kind === 'build' && faults.build === 'tests-fail') {
      return {
        phase: 'BUILD',
        message: `COMMAND_EXECUTION_ERROR: Error while executing command: python -m pytest --junitxml=reports/junit.xml ${tests}. Reason: exit status 1`,
        log: [
          `FAILED ${tests}/test_accounts.py::test_transfer_rejects_overdraft - AssertionError: assert 200 == 400`,
          `FAILED ${tests}/test_accounts.py::test_balance_after_deposit - assert 90 == 100`,
          '2 failed, 46 passed in 7.81s',
        ],
      };
    }
    if (build.kind === 'scan' && faults.scanFinding) {
      const failOn = (build.environmentVariables.FAIL_ON ??
        build.environmentVariables.SCAN_FAIL_ON ??
        'high') as keyof typeof SEVERITY_RANK;
      if (SEVERITY_RANK[faults.scanFinding] >= (SEVERITY_RANK[failOn] ?? 3)) {
        return {
          phase: 'BUILD',
          message:
            'COMMAND_EXECUTION_ERROR: Error while executing command: /tmp/scanner/bin/python /tmp/severity_gate.py reports/pip-audit.json reports/severities.json. Reason: exit status 1',
          // The gate's own lines (buildspecs/severity_gate.py).
          log: [
            `BLOCKS ${faults.scanFinding.padEnd(8)} jinja2==2.10.1 CVE-2024-22195 fixed in: 3.1.3`,
            `1 finding(s), 1 at or above ${failOn}`,
          ],
        };
      }
    }
    return undefined;
  }

  /** Schedules each phase on the simulated clock. */
  private play(build: Build): void {
    const failure = this.failureOf(build);
    const phases = build.kind === 'build' ? BUILD_PHASES : SCAN_PHASES;
    let failedAt: string | undefined;
    const plan: [string, number][] = [];
    for (const [phase, seconds] of phases) {
      if (failedAt && !['POST_BUILD', 'FINALIZING'].includes(phase)) continue;
      // After a failed INSTALL or PRE_BUILD, CodeBuild skips straight to FINALIZING.
      if (failedAt && failedAt !== 'BUILD' && phase === 'POST_BUILD') continue;
      plan.push([phase, seconds]);
      if (failure?.phase === phase) failedAt = phase;
    }
    // Each phase schedules the next when it starts: phases run in order however late timers fire.
    const enter = (index: number, delaySeconds: number) => {
      const [phase, seconds] = plan[index]!;
      build.timers.push(
        this.options.clock.after(delaySeconds * 1000, () => {
          const previous = build.phases[build.phases.length - 1];
          if (previous)
            this.endPhase(
              build,
              previous,
              failure && previous.phaseType === failure.phase ? failure : undefined,
            );
          build.phases.push({ phaseType: phase, startTime: new Date() });
          build.currentPhase = phase;
          build.logLines.push(`[Container] Entering phase ${phase}`);
          if (index === plan.length - 1)
            build.timers.push(this.options.clock.after(seconds * 1000, () => this.complete(build, failure)));
          else enter(index + 1, seconds);
        }),
      );
    };
    if (plan.length) enter(0, 0);
  }

  private endPhase(
    build: Build,
    phase: Phase,
    failure: { message: string; log: string[] } | undefined,
  ): void {
    phase.endTime = new Date();
    phase.durationInSeconds = Math.round((phase.endTime.getTime() - phase.startTime.getTime()) / 1000);
    phase.phaseStatus = failure ? 'FAILED' : 'SUCCEEDED';
    if (failure) {
      const code = /^([A-Z_]+): /.exec(failure.message)?.[1];
      phase.contexts = [
        {
          statusCode: code ?? 'COMMAND_EXECUTION_ERROR',
          message: code ? failure.message.slice(code.length + 2) : failure.message,
        },
      ];
      build.logLines.push(...failure.log, `[Container] Phase complete: ${phase.phaseType} State: FAILED`);
    } else {
      phase.contexts = [{ statusCode: '', message: '' }];
      build.logLines.push(`[Container] Phase complete: ${phase.phaseType} State: SUCCEEDED`);
    }
    if (phase.phaseType === 'BUILD' && build.kind === 'build') this.writeReport(build, Boolean(failure));
    if (phase.phaseType === 'UPLOAD_ARTIFACTS' && !failure) this.writeArtifact(build);
    if (phase.phaseType === 'POST_BUILD') this.exportVariables(build);
  }

  /**
   * The buildspec's `env.exported-variables` with the values the build left in its environment.
   * "Build specification reference for CodeBuild" (env/exported-variables): a value "can be updated
   * between the start of the install phase and the end of the post_build phase. After the
   * post_build phase ends, the value of exported variables cannot change"; BatchGetBuilds answers
   * them as `Build.exportedEnvironmentVariables` [{name, value}] (botocore codebuild/2016-10-06
   * service-2.json, shapes Build and ExportedEnvironmentVariable). So they exist once POST_BUILD has
   * run, which CodeBuild does after a failed BUILD as well (the scan's findings), but not after a
   * failed INSTALL or PRE_BUILD (straight to FINALIZING) nor for a stopped build. A declared name the
   * build never set is not exported ("must be available in your container during the build").
   */
  private exportVariables(build: Build): void {
    const names = (this.options.exportedVariables ?? exportedVariableNames())[build.kind];
    if (names.length === 0) return;
    const values = this.environmentAfterBuild(build);
    build.exported = names.flatMap((name) =>
      values[name] !== undefined ? [{ name, value: values[name] }] : [],
    );
  }

  /** What the simulated commands export: the scan's summary (buildspecs/severity_gate.py --assess). */
  private environmentAfterBuild(build: Build): Record<string, string> {
    if (build.kind !== 'scan') return {};
    const finding = this.options.faults.faultsFor(build.sourceVersion).scanFinding;
    return {
      SCAN_FINDINGS: finding ? '1' : '0',
      SCAN_HIGHEST_SEVERITY: finding ?? 'none',
      SCAN_UNRATED: '0',
    };
  }

  private complete(build: Build, failure: { message: string } | undefined): void {
    const last = build.phases[build.phases.length - 1];
    if (last) this.endPhase(build, last, undefined);
    build.phases.push({ phaseType: 'COMPLETED', startTime: new Date() });
    build.currentPhase = 'COMPLETED';
    build.buildStatus = failure ? 'FAILED' : 'SUCCEEDED';
    build.buildComplete = true;
    build.endTime = new Date();
    build.settle();
  }

  private writeArtifact(build: Build): void {
    const env = build.environmentVariables;
    if (!env.ARTIFACT_BUCKET || !env.ARTIFACT_KEY) return;
    const manifest = JSON.stringify({
      pipeline: env.PIPELINE,
      commitSha: build.sourceVersion,
      builtBy: build.id,
      kind: env.TARGET_KIND,
      python: env.PYTHON_VERSION,
    });
    const kind = env.ARTIFACT_KEY.endsWith('.zip') ? 'application/zip' : 'application/gzip';
    this.options.s3.put(env.ARTIFACT_BUCKET, env.ARTIFACT_KEY, `sandbox artifact\n${manifest}\n`, kind, {
      'commit-sha': build.sourceVersion,
      pipeline: env.PIPELINE ?? '',
    });
    build.artifacts = { location: `arn:aws:s3:::${env.ARTIFACT_BUCKET}/${env.ARTIFACT_KEY}` };
  }

  private writeReport(build: Build, failed: boolean): void {
    const total = 48;
    const failures = failed ? 2 : 0;
    const group = `${build.projectName}-unit-tests`;
    const arn = `arn:aws:codebuild:${this.options.region}:${this.options.account}:report/${group}:${build.id.split(':')[1]}`;
    const cases = [
      `<testcase classname="tests.test_accounts" name="test_transfer_rejects_overdraft" time="0.021">${failed ? '<failure message="AssertionError: assert 200 == 400"/>' : ''}</testcase>`,
      `<testcase classname="tests.test_accounts" name="test_balance_after_deposit" time="0.012">${failed ? '<failure message="assert 90 == 100"/>' : ''}</testcase>`,
    ];
    const junitXml = `<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" errors="0" failures="${failures}" skipped="0" tests="${total}" time="7.81">${cases.join('')}</testsuite></testsuites>`;
    this.reports.set(arn, {
      arn,
      name: group,
      reportGroupArn: `arn:aws:codebuild:${this.options.region}:${this.options.account}:report-group/${group}`,
      executionId: build.arn,
      status: failed ? 'FAILED' : 'SUCCEEDED',
      created: new Date(),
      testSummary: {
        total,
        statusCounts: { SUCCEEDED: total - failures, FAILED: failures, SKIPPED: 0, ERROR: 0, UNKNOWN: 0 },
        durationInNanoSeconds: 7_810_000_000,
      },
      junitXml,
    });
    build.reportArns.push(arn);
    const env = build.environmentVariables;
    if (env.ARTIFACT_BUCKET && env.PIPELINE)
      this.options.s3.put(
        env.ARTIFACT_BUCKET,
        `${env.PIPELINE}/${build.sourceVersion}/reports/junit.xml`,
        junitXml,
        'application/xml',
      );
  }

  /** A build as BatchGetBuilds describes it. */
  describe(build: Build): BuildRecord {
    const env = Object.entries(build.environmentVariables).map(([name, value]) => ({
      name,
      value,
      type: 'PLAINTEXT',
    }));
    return {
      id: build.id,
      arn: build.arn,
      buildNumber: build.buildNumber,
      startTime: build.startTime,
      ...(build.endTime && { endTime: build.endTime }),
      currentPhase: build.currentPhase,
      buildStatus: build.buildStatus,
      sourceVersion: build.sourceVersion,
      resolvedSourceVersion: build.resolvedSourceVersion,
      projectName: build.projectName,
      phases: build.phases.map((p) => ({ ...p })),
      source: {
        type: 'GITHUB',
        location: 'https://github.com/example-org/app.git',
        buildspec: build.kind === 'build' ? 'buildspec.yml' : 'buildspec-scan.yml',
      },
      artifacts: build.artifacts ?? { location: '' },
      environment: {
        type: 'LINUX_CONTAINER',
        image: 'aws/codebuild/amazonlinux-x86_64-standard:5.0',
        computeType: 'BUILD_GENERAL1_SMALL',
        environmentVariables: env,
      },
      logs: {
        groupName: `/aws/codebuild/${build.projectName}`,
        streamName: build.id.split(':')[1],
        deepLink: `https://console.aws.amazon.com/cloudwatch/home?region=${this.options.region}#logEvent:group=/aws/codebuild/${build.projectName};stream=${build.id.split(':')[1]}`,
      },
      timeoutInMinutes: build.timeoutInMinutes,
      queuedTimeoutInMinutes: 480,
      buildComplete: build.buildComplete,
      initiator: 'states.amazonaws.com',
      reportArns: [...build.reportArns],
      ...(build.exported && { exportedEnvironmentVariables: build.exported.map((v) => ({ ...v })) }),
    };
  }

  /** StopBuild: stops a build in progress; ResourceNotFoundException / InvalidInputException otherwise. */
  stop(id: string | undefined): Build {
    const build = id ? this.builds.get(id) : undefined;
    if (!build) throw new ServiceError('ResourceNotFoundException', `Build ${id ?? ''} not found`);
    if (build.buildComplete) throw new ServiceError('InvalidInputException', 'Build has already completed');
    for (const timer of build.timers) this.options.clock.cancel(timer);
    build.buildStatus = 'STOPPED';
    build.buildComplete = true;
    build.endTime = new Date();
    build.settle();
    return build;
  }

  /** The projects' names (the pipelines' build and scan projects). */
  projectNames(): string[] {
    return Object.keys(this.options.projects);
  }

  /** Build ids in start order (oldest first), of one project or all. */
  buildIds(project?: string): string[] {
    return [...this.builds.values()]
      .filter((b) => project === undefined || b.projectName === project)
      .sort((a, b) => a.startTime.getTime() - b.startTime.getTime())
      .map((b) => b.id);
  }

  /** Last log lines of a build (control API). */
  log(id: string): string[] {
    return this.builds.get(id)?.logLines ?? [];
  }

  reset(): void {
    for (const build of this.builds.values())
      for (const timer of build.timers) this.options.clock.cancel(timer);
    this.builds.clear();
    this.reports.clear();
    this.buildNumbers.clear();
  }
}
