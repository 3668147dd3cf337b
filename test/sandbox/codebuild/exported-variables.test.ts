/**
 * The sandbox's CodeBuild exports the variables the project's buildspec lists (env.exported-variables)
 * as BatchGetBuilds' `exportedEnvironmentVariables`, once POST_BUILD has ended: after a passing scan
 * and after one whose gate failed BUILD, never while the build runs, after a failed INSTALL, or for a
 * stopped build.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SimClock } from '../../../local/clock';
import { FaultBook } from '../../../local/faults';
import {
  exportedVariableNames,
  exportedVariablesOf,
} from '../../../local/services/codebuild/exported-variables';
import { CodeBuildSimulator, type BuildFailure } from '../../../local/services/codebuild/model';
import { codeBuildProvider } from '../../../local/services/codebuild/provider';
import { S3Store } from '../../../local/services/s3/model';

const ctx = { requestId: 'r', region: 'us-east-1' };
const SCAN = 'deploy-microblog-scan';
const BUILD = 'deploy-microblog-build';
let clock: SimClock;
let faults: FaultBook;
let codebuild: CodeBuildSimulator;

function simulator(authorize?: () => Promise<BuildFailure | undefined>): CodeBuildSimulator {
  return new CodeBuildSimulator({
    clock,
    s3: new S3Store(),
    faults,
    region: 'us-east-1',
    account: '123456789012',
    projects: { [BUILD]: 'build', [SCAN]: 'scan' },
    ...(authorize && { authorize }),
  });
}

beforeEach(() => {
  clock = new SimClock(2000);
  faults = new FaultBook();
  codebuild = simulator();
});
afterEach(() => {
  codebuild.reset();
  clock.stop();
});

/** BatchGetBuilds of one build, as the approval-request function reads it. */
const describeBuild = (id: string) =>
  (
    codeBuildProvider(codebuild).operations.BatchGetBuilds!({ ids: [id] }, ctx) as {
      builds: Record<string, unknown>[];
    }
  ).builds[0]!;

const scanOf = (sha: string, failOn = 'high') =>
  codebuild.start({
    projectName: SCAN,
    sourceVersion: sha,
    environmentVariablesOverride: [{ name: 'FAIL_ON', value: failOn, type: 'PLAINTEXT' }],
  });

it("reads the names from the project's buildspecs", () => {
  expect(exportedVariableNames()).toEqual({
    build: [],
    scan: ['SCAN_FINDINGS', 'SCAN_HIGHEST_SEVERITY', 'SCAN_UNRATED'],
  });
  expect(
    exportedVariablesOf(readFileSync(join(__dirname, '../../../buildspecs/dependency-scan.yml'), 'utf8')),
  ).toEqual(exportedVariableNames().scan);
  expect(() => exportedVariablesOf('version: 0.2\nenv:\n  exported-variables: SCAN_FINDINGS\n')).toThrow(
    'env.exported-variables must be a list of variable names',
  );
});

it('a clean scan exports no findings, highest none; nothing is exported while it runs', async () => {
  const sha = 'a'.repeat(40);
  const build = scanOf(sha);
  expect(describeBuild(build.id)).not.toHaveProperty('exportedEnvironmentVariables');

  await codebuild.finished(build.id);

  expect(describeBuild(build.id)).toMatchObject({
    buildStatus: 'SUCCEEDED',
    exportedEnvironmentVariables: [
      { name: 'SCAN_FINDINGS', value: '0' },
      { name: 'SCAN_HIGHEST_SEVERITY', value: 'none' },
      { name: 'SCAN_UNRATED', value: '0' },
    ],
  });
});

it('a scan that passes with a finding below the gate exports its severity', async () => {
  const sha = 'b'.repeat(40);
  faults.setCommit(sha, { pipeline: 'microblog', scenario: 't', faults: { scanFinding: 'medium' } });
  const build = scanOf(sha, 'high');
  await codebuild.finished(build.id);
  expect(describeBuild(build.id)).toMatchObject({
    buildStatus: 'SUCCEEDED',
    exportedEnvironmentVariables: [
      { name: 'SCAN_FINDINGS', value: '1' },
      { name: 'SCAN_HIGHEST_SEVERITY', value: 'medium' },
      { name: 'SCAN_UNRATED', value: '0' },
    ],
  });
});

it('a scan whose gate failed BUILD still exports: POST_BUILD runs after a failed BUILD', async () => {
  const sha = 'c'.repeat(40);
  faults.setCommit(sha, { pipeline: 'microblog', scenario: 't', faults: { scanFinding: 'critical' } });
  const build = scanOf(sha, 'high');
  await codebuild.finished(build.id);
  const described = describeBuild(build.id) as { phases: { phaseType: string; phaseStatus?: string }[] };
  expect(described).toMatchObject({ buildStatus: 'FAILED' });
  expect(described.phases.map((p) => `${p.phaseType}:${p.phaseStatus ?? ''}`)).toContain('BUILD:FAILED');
  expect(described.phases.map((p) => p.phaseType)).toContain('POST_BUILD');
  expect(described).toMatchObject({
    exportedEnvironmentVariables: expect.arrayContaining([
      { name: 'SCAN_HIGHEST_SEVERITY', value: 'critical' },
    ]),
  });
});

it('exports nothing after a failed INSTALL (no POST_BUILD) or for a stopped build, nor for the build project', async () => {
  codebuild.reset();
  codebuild = simulator(() =>
    Promise.resolve({ phase: 'INSTALL', message: 'CLIENT_ERROR: AccessDenied', log: ['denied'] }),
  );
  const denied = scanOf('d'.repeat(40));
  await codebuild.finished(denied.id);
  expect(describeBuild(denied.id)).toMatchObject({ buildStatus: 'FAILED' });
  expect(describeBuild(denied.id)).not.toHaveProperty('exportedEnvironmentVariables');

  codebuild.reset();
  codebuild = simulator();
  const stopped = scanOf('e'.repeat(40));
  await clock.sleep(30_000);
  codebuild.stop(stopped.id);
  expect(describeBuild(stopped.id)).toMatchObject({ buildStatus: 'STOPPED' });
  expect(describeBuild(stopped.id)).not.toHaveProperty('exportedEnvironmentVariables');

  const build = codebuild.start({ projectName: BUILD, sourceVersion: 'f'.repeat(40) });
  await codebuild.finished(build.id);
  expect(describeBuild(build.id)).toMatchObject({ buildStatus: 'SUCCEEDED' });
  expect(describeBuild(build.id)).not.toHaveProperty('exportedEnvironmentVariables');
});
