/**
 * The real pipeline ASL (and the deploy sub-workflows it starts) on aws-local-stepfunctions, one
 * scenario per way a deployment can end. Each test checks the states visited, how the execution
 * ended, and that cleanup ran: outcome recorded, lock released when it was held.
 */
import {
  COMMIT,
  runPipeline,
  samplePipeline,
  type TaskCall,
  type WorldRun,
} from '../../bench/support/pipeline-harness';

const retailBank = samplePipeline('retail-bank');
const microblog = samplePipeline('microblog');

/** `expected` appears in `visited` in this order (other states may come in between). */
function expectInOrder(visited: string[], expected: string[]): void {
  let at = 0;
  for (const name of expected) {
    const found = visited.indexOf(name, at);
    if (found < 0)
      throw new Error(`"${name}" was not visited after position ${at}.\nVisited: ${visited.join(' > ')}`);
    at = found + 1;
  }
}

const callsOf = (run: WorldRun, fn: string, action: string): TaskCall[] =>
  run.calls.filter((c) => c.fn === fn && c.action === action);
const outcome = (run: WorldRun) => {
  const recorded = callsOf(run, 'deploy-history', 'recordOutcome');
  expect(recorded).toHaveLength(1);
  return recorded[0]!.payload;
};
const childVisited = (run: WorldRun, index = 0) => run.children[index]!.visited;
const lockReleased = (run: WorldRun) => callsOf(run, 'deploy-lock', 'release').length === 1;

describe('pipeline happy paths', () => {
  it('deploys retail-bank to Elastic Beanstalk as a canary after approval', async () => {
    // Act
    const run = await runPipeline(retailBank);

    // Assess
    expect(run.status).toBe('SUCCEEDED');
    expectInOrder(run.visited, [
      'Read pipeline settings',
      'Record start',
      'Build and test ║ Dependency scan',
      'Acquire deploy lock',
      'Is the deploy lock ours?',
      'Check target health',
      'Is approval required?',
      'Prepare approval',
      'Wait for approval',
      'Deploy',
      'Smoke test',
      'Start bake window',
      'Check alarms',
      'Is the bake over?',
      'Wait during bake',
      'Check alarms',
      'Record outcome',
      'Release deploy lock',
      'Deployed',
    ]);
    expect(run.visited).toEqual(expect.arrayContaining(['Build and unit tests', 'Dependency scan']));
    expect(run.children).toHaveLength(1);
    expect(run.children[0]!.definition).toBe('deploy-beanstalk');
    expectInOrder(childVisited(run), [
      'Create application version',
      'Check version processing',
      'Wait for version processing',
      'Start canary deploy',
      'Wait for canary deploy',
      'Follow canary deploy',
      'Deployed',
    ]);
    expect(outcome(run)).toMatchObject({
      outcome: 'succeeded',
      versionLabel: `v-${COMMIT.slice(0, 12)}`,
      rolledBack: false,
      pipeline: 'retail-bank',
    });
    expect(lockReleased(run)).toBe(true);
  });

  it('passes the build its inputs as PLAINTEXT data and the commit as SourceVersion', async () => {
    const run = await runPipeline(retailBank);

    const build = run.builds.find((b) => b.ProjectName === 'deploy-controller-build')!;
    expect(build.SourceVersion).toBe(COMMIT);
    expect(build.TimeoutInMinutesOverride).toBe(20);
    expect(build.EnvironmentVariablesOverride).toEqual(
      expect.arrayContaining([
        { Name: 'PIPELINE', Type: 'PLAINTEXT', Value: 'retail-bank' },
        { Name: 'COMMIT_SHA', Type: 'PLAINTEXT', Value: COMMIT },
        { Name: 'ARTIFACT_BUCKET', Type: 'PLAINTEXT', Value: 'deploy-controller-artifacts-123456789012' },
        { Name: 'ARTIFACT_KEY', Type: 'PLAINTEXT', Value: `retail-bank/${COMMIT}/app.zip` },
        { Name: 'TARGET_KIND', Type: 'PLAINTEXT', Value: 'elastic-beanstalk' },
      ]),
    );
    const scan = run.builds.find((b) => b.ProjectName === 'deploy-controller-scan')!;
    expect(scan.EnvironmentVariablesOverride).toContainEqual({
      Name: 'FAIL_ON',
      Type: 'PLAINTEXT',
      Value: 'high',
    });
    // The commit message never travels to CodeBuild.
    expect(JSON.stringify(run.builds)).not.toContain('rm -rf');
  });

  it('hands the approval function the token, the execution and the links (visible in the console)', async () => {
    const run = await runPipeline(retailBank);

    const [request] = callsOf(run, 'approval-request', 'request');
    expect(request!.payload).toMatchObject({
      action: 'request',
      pipeline: 'retail-bank',
      // The token the sandbox's SendTaskSuccess / SendTaskFailure accept (task-tokens.ts).
      taskToken: expect.stringMatching(/^AQB[\w-]+$/),
      executionArn: expect.stringContaining(':execution:deploy-retail-bank:'),
      input: { pipeline: 'retail-bank', commitSha: COMMIT },
      links: {
        approvalId: 'ap-1',
        approveUrl: expect.stringMatching(/^https:/),
        rejectUrl: expect.stringMatching(/^https:/),
      },
    });
    const [prepare] = callsOf(run, 'approval-request', 'prepare');
    expect(prepare!.payload.input).toEqual(request!.payload.input);
    // The bake window starts when the verify stage does, not when the execution did.
    const [alarmCheck] = callsOf(run, 'verify', 'alarmCheck');
    expect(Date.parse(String(alarmCheck!.payload.bakeStartedAt))).not.toBeNaN();
  });

  it('deploys microblog to EC2 through SSM without approval; the version label is the commit', async () => {
    const run = await runPipeline(microblog);

    expect(run.status).toBe('SUCCEEDED');
    expect(run.visited).not.toContain('Prepare approval');
    expectInOrder(run.visited, [
      'Check target health',
      'Is approval required?',
      'Deploy',
      'Smoke test',
      'Record outcome',
      'Release deploy lock',
      'Deployed',
    ]);
    expect(run.children[0]!.definition).toBe('deploy-ssm');
    // Event-driven: one wait, resumed by SSM's final-status event, then one status read.
    expect(childVisited(run)).toEqual([
      'Deploy or roll back?',
      'Start rolling release',
      'Wait for rolling release',
      'Follow rolling release',
      'Release outcome?',
      'Deployed',
    ]);
    expect(callsOf(run, 'wait-router', 'register')[0]!.payload).toMatchObject({
      kind: 'ssm-command',
      id: 'cmd-release',
      pipeline: 'microblog',
      taskToken: expect.any(String),
    });
    expect(run.children[0]!.output).toEqual({
      versionLabel: COMMIT,
      previousVersionLabel: null,
      instanceIds: ['i-0aaa', 'i-0bbb', 'i-0ccc'],
    });
    expect(run.builds[0]!.EnvironmentVariablesOverride).toContainEqual({
      Name: 'ARTIFACT_KEY',
      Type: 'PLAINTEXT',
      Value: `microblog/${COMMIT}/release.tar.gz`,
    });
    expect(outcome(run)).toMatchObject({ outcome: 'succeeded', versionLabel: COMMIT });
    expect(lockReleased(run)).toBe(true);
  });
});

describe('pipeline failures before anything changes', () => {
  it.each([
    ['install-fail', 'BuildFailed', 'Build failed', 'Failed: build'],
    ['tests-fail', 'TestsFailed', 'Unit tests failed', 'Failed: unit tests'],
  ] as const)('build %s ends as %s', async (build, error, branchFail, pipelineFail) => {
    const run = await runPipeline(retailBank, { build });

    expect(run.status).toBe('FAILED');
    expect(run.error).toBe(error);
    expectInOrder(run.visited, [
      'Build and unit tests',
      'Did the build finish?',
      'Read build result',
      'Did a build phase fail?',
      'Find the failed build phase',
      'Unit tests or build?',
      branchFail,
    ]);
    expectInOrder(run.visited, [
      'Build or scan failed',
      'Record failed outcome',
      'Is the deploy lock held?',
      'Fail with the named error',
      pipelineFail,
    ]);
    expect(run.visited).not.toContain('Acquire deploy lock');
    expect(outcome(run)).toMatchObject({ outcome: 'failed', error, rolledBack: false });
    expect(callsOf(run, 'deploy-lock', 'release')).toHaveLength(0);
  });

  it('reports unit test failures with the build id, not the whole build document', async () => {
    const run = await runPipeline(retailBank, { build: 'tests-fail' });

    expect(run.cause).toBe(
      'pytest failed in the BUILD phase of CodeBuild build deploy-controller-build:build-1; see the JUnit report group and the build log.',
    );
  });

  it('stops on a high-severity finding of the dependency scan', async () => {
    const run = await runPipeline(microblog, { scan: 'vulnerable' });

    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('VulnerabilitiesFound');
    expectInOrder(run.visited, [
      'Dependency scan',
      'Findings or scan error?',
      'Vulnerabilities found',
      'Record failed outcome',
      'Failed: vulnerabilities found',
    ]);
    expect(run.cause).toContain('at or above high');
    expect(outcome(run)).toMatchObject({ outcome: 'failed', error: 'VulnerabilitiesFound' });
  });

  it('stops at the health gate and releases the lock', async () => {
    const run = await runPipeline(retailBank, { health: 'unhealthy' });

    expect(run.error).toBe('HealthGateFailed');
    expectInOrder(run.visited, [
      'Check target health',
      'Target unhealthy',
      'Record failed outcome',
      'Release deploy lock after failure',
      'Failed: target unhealthy',
    ]);
    expect(JSON.parse(run.cause!)).toMatchObject({
      errorType: 'TargetUnhealthyError',
      errorMessage: expect.stringContaining('Red'),
    });
    expect(outcome(run)).toMatchObject({ outcome: 'failed', error: 'HealthGateFailed' });
    expect(lockReleased(run)).toBe(true);
    expect(run.children).toHaveLength(0);
  });

  it('ends as rejected when a person rejects the release', async () => {
    const run = await runPipeline(retailBank, { approval: 'reject' });

    expect(run.error).toBe('ApprovalRejected');
    expect(run.cause).toBe('Rejected by bob: not during the freeze');
    expectInOrder(run.visited, [
      'Wait for approval',
      'Approval rejected',
      'Record failed outcome',
      'Release deploy lock after failure',
      'Failed: approval rejected',
    ]);
    expect(outcome(run)).toMatchObject({ outcome: 'rejected', error: 'ApprovalRejected' });
    expect(lockReleased(run)).toBe(true);
    expect(run.children).toHaveLength(0);
  });

  it('ends as approval expired when nobody decides in time (no retry of the timeout)', async () => {
    const run = await runPipeline(retailBank, { approval: 'expire' });

    expect(run.error).toBe('ApprovalExpired');
    expect(run.cause).toBe('No decision within 3600 seconds');
    expect(run.retried).toHaveLength(0);
    expect(outcome(run)).toMatchObject({ outcome: 'approval-expired' });
    expect(lockReleased(run)).toBe(true);
  });
});

describe('pipeline failures during and after the deploy', () => {
  it('reports a canary that Elastic Beanstalk reverted by itself', async () => {
    const run = await runPipeline(retailBank, { beanstalk: 'reverted' });

    expect(run.error).toBe('CanaryReverted');
    expectInOrder(childVisited(run), [
      'Start canary deploy',
      'Follow canary deploy',
      'Canary outcome?',
      'Canary reverted',
    ]);
    expect(childVisited(run)).not.toContain('Roll back to previous version');
    expectInOrder(run.visited, [
      'Deploy',
      'Read deploy failure',
      'Read sub-workflow result',
      'Which deploy failure?',
      'Canary reverted',
      'Record failed outcome',
      'Release deploy lock after failure',
      'Failed: canary reverted',
    ]);
    expect(outcome(run)).toMatchObject({ outcome: 'rolled-back', rolledBack: true, error: 'CanaryReverted' });
    expect(lockReleased(run)).toBe(true);
  });

  it('rolls a failed Beanstalk deploy back to the previous version inside the sub-workflow', async () => {
    const run = await runPipeline(retailBank, { beanstalk: 'failed' });

    expect(run.error).toBe('DeployFailed');
    expectInOrder(childVisited(run), [
      'Canary outcome?',
      'Canary deploy failed',
      'Is there a previous version?',
      'Roll back to previous version',
      'Follow rollback',
      'Is the rollback done?',
      'Describe rollback',
      'Deploy failed, rolled back',
    ]);
    expect(callsOf(run, 'beanstalk-deploy', 'rollback')[0]!.payload).toMatchObject({
      versionLabel: 'v-previous-good',
    });
    expect(run.cause).toMatch(/^Rolled back to v-previous-good\. Deploy of v-4c5e2f1a9b8d failed/);
    expect(run.visited).toContain('Deploy failed and rolled back');
    expect(outcome(run)).toMatchObject({ outcome: 'rolled-back', rolledBack: true, error: 'DeployFailed' });
    expect(lockReleased(run)).toBe(true);
  });

  it('rolls back to the last good version when the smoke test fails, verifies the rollback, then fails', async () => {
    const run = await runPipeline(retailBank, { smoke: 'fail' });

    expect(run.error).toBe('VerifyFailedRolledBack');
    expectInOrder(run.visited, [
      'Deploy',
      'Smoke test',
      'Verify failed',
      'Find last good version',
      'Choose rollback version',
      'Roll back to last good version',
      'Verify the rollback',
      'Rolled back',
      'Record failed outcome',
      'Release deploy lock after failure',
      'Failed: verify, rolled back',
    ]);
    expect(run.children.map((c) => (c.input as { mode: string }).mode)).toEqual(['deploy', 'rollback']);
    expect(run.children[1]!.input).toMatchObject({
      rollbackTo: { found: true, versionLabel: 'v-previous-good' },
    });
    expect(callsOf(run, 'beanstalk-deploy', 'rollback')[0]!.payload).toMatchObject({
      versionLabel: 'v-previous-good',
    });
    expect(run.cause).toContain('Rolled back to v-previous-good and verified.');
    expect(outcome(run)).toMatchObject({
      outcome: 'rolled-back',
      rolledBack: true,
      error: 'VerifyFailedRolledBack',
      versionLabel: `v-${COMMIT.slice(0, 12)}`,
    });
    expect(lockReleased(run)).toBe(true);
  });

  it('rolls back when an alarm fires during the bake window', async () => {
    const run = await runPipeline(microblog, { alarm: true, bakePolls: 3 });

    expect(run.error).toBe('VerifyFailedRolledBack');
    expectInOrder(run.visited, [
      'Check alarms',
      'Wait during bake',
      'Check alarms',
      'Verify failed',
      'Roll back to last good version',
      'Verify the rollback',
      'Failed: verify, rolled back',
    ]);
    expect(callsOf(run, 'ssm-deploy', 'rollback')[0]!.payload).toMatchObject({
      instanceIds: ['i-0aaa', 'i-0bbb', 'i-0ccc'],
      commitSha: 'a'.repeat(40),
    });
    expect(outcome(run)).toMatchObject({ outcome: 'rolled-back', rolledBack: true });
  });

  it('falls back to the version the deploy replaced when history knows no good version', async () => {
    const run = await runPipeline(retailBank, {
      smoke: 'fail',
      lastGood: { found: false, versionLabel: null, commitSha: null },
    });

    expect(run.visited).toContain('Use previous version');
    expect(callsOf(run, 'beanstalk-deploy', 'rollback')[0]!.payload).toMatchObject({
      versionLabel: 'v-previous-good',
    });
    expect(run.error).toBe('VerifyFailedRolledBack');
  });

  it('rolls EC2 instances back to their previous release when history knows no good version', async () => {
    const run = await runPipeline(microblog, {
      smoke: 'fail',
      lastGood: { found: false, versionLabel: null, commitSha: null },
    });

    expect(run.error).toBe('VerifyFailedRolledBack');
    expect(callsOf(run, 'ssm-deploy', 'rollback')[0]!.payload).toMatchObject({
      instanceIds: ['i-0aaa', 'i-0bbb', 'i-0ccc'],
      commitSha: null,
    });
    expect(outcome(run)).toMatchObject({ outcome: 'rolled-back', rolledBack: true });
  });

  it('fails with DeployFailed and releases the lock when the deploy lock cannot be read', async () => {
    const run = await runPipeline(retailBank, { throttle: { 'deploy-lock.acquire': 99 } });

    expect(run.error).toBe('DeployFailed');
    expectInOrder(run.visited, [
      'Acquire deploy lock',
      'Deploy lock failed',
      'Record failed outcome',
      'Is the deploy lock held?',
      'Release deploy lock after failure',
      'Failed: deploy',
    ]);
    expect(lockReleased(run)).toBe(true);
  });

  it('fails loudly with RollbackFailed when the rollback does not verify', async () => {
    const run = await runPipeline(retailBank, { smoke: 'fail-always' });

    expect(run.error).toBe('RollbackFailed');
    expectInOrder(run.visited, [
      'Verify the rollback',
      'Rollback failed',
      'Record failed outcome',
      'Release deploy lock after failure',
      'Failed: rollback',
    ]);
    expect(run.cause).toContain('Then the rollback failed');
    expect(outcome(run)).toMatchObject({ outcome: 'failed', rolledBack: false, error: 'RollbackFailed' });
  });

  it('a lost SSM event costs one safety poll: the heartbeat times out and the status is read', async () => {
    const run = await runPipeline(microblog, { events: 'lost', deployPolls: 1 });

    expect(run.status).toBe('SUCCEEDED');
    expect(childVisited(run)).toEqual([
      'Deploy or roll back?',
      'Start rolling release',
      'Wait for rolling release',
      'Follow rolling release',
      'Release outcome?',
      'Wait for rolling release',
      'Follow rolling release',
      'Release outcome?',
      'Deployed',
    ]);
    const timedOut = run.children[0]!.events.filter((e) => e.type === 'TaskTimedOut');
    expect(timedOut.map((e) => (e.taskTimedOutEventDetails as { error: string }).error)).toEqual([
      'States.HeartbeatTimeout',
      'States.HeartbeatTimeout',
    ]);
  });

  it('stops the SSM release at the failed instance and rolls back only the updated ones', async () => {
    const run = await runPipeline(microblog, { ssm: 'failed-one-of-three' });

    expect(run.error).toBe('DeployFailed');
    expectInOrder(childVisited(run), [
      'Follow rolling release',
      'Release outcome?',
      'Release failed',
      'Any updated instances?',
      'Roll back updated instances',
      'Follow rollback',
      'Is the rollback done?',
      'Describe rollback',
      'Deploy failed, rolled back',
    ]);
    expect(callsOf(run, 'ssm-deploy', 'rollback')[0]!.payload).toEqual({
      action: 'rollback',
      pipeline: 'microblog',
      instanceIds: ['i-0aaa', 'i-0bbb'],
      commitSha: null,
      // The sub-workflow's input, whose `lock` the deploy lock's guard checks first.
      startedWith: expect.objectContaining({ lock: expect.objectContaining({ commitSha: COMMIT }) }),
    });
    expect(run.children[0]!.cause).toContain('Failed instances ["i-0ccc"]');
    expect(run.children[0]!.cause).toContain('health check failed');
    expect(outcome(run)).toMatchObject({ outcome: 'rolled-back', rolledBack: true, error: 'DeployFailed' });
    expect(lockReleased(run)).toBe(true);
  });
});

describe('pipeline concurrency and transient errors', () => {
  it('waits for the lock, then ends as superseded (a success) when a newer commit takes over', async () => {
    const run = await runPipeline(retailBank, { lock: ['waiting', 'waiting', 'superseded'] });

    expect(run.status).toBe('SUCCEEDED');
    expectInOrder(run.visited, [
      'Acquire deploy lock',
      'Wait for deploy lock',
      'Acquire deploy lock',
      'Wait for deploy lock',
      'Acquire deploy lock',
      'Record superseded outcome',
      'Superseded',
    ]);
    expect(run.visited).not.toContain('Check target health');
    expect(outcome(run)).toMatchObject({ outcome: 'superseded' });
    expect(callsOf(run, 'deploy-lock', 'release')).toHaveLength(0);
  });

  it('retries throttled calls with backoff and then succeeds', async () => {
    const run = await runPipeline(retailBank, {
      throttle: { 'deploy-lock.acquire': 2, 'health-gate.check': 1, 'beanstalk-deploy.deployStatus': 1 },
    });

    expect(run.status).toBe('SUCCEEDED');
    const retried = [...run.retried, ...run.children.flatMap((c) => c.retried)];
    expect(retried.sort()).toEqual([
      'Acquire deploy lock',
      'Acquire deploy lock',
      'Check target health',
      'Follow canary deploy',
    ]);
  });

  it('keeps going when the history is down at the start (audit is best effort), and still records the outcome', async () => {
    const run = await runPipeline(microblog, { throttle: { 'deploy-history.recordStart': 99 } });

    expect(run.status).toBe('SUCCEEDED');
    expect(run.retried).toHaveLength(6);
    expect(outcome(run)).toMatchObject({ outcome: 'succeeded' });
  });
});
