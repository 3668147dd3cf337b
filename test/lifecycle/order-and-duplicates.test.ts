/**
 * Stories 1, 2 and 3 of the run lifecycle on the sandbox (real handlers, real ASL): order comes
 * from git (GitHub's compare API, answered by the sandbox's GitHub stand-in, then the pushes'
 * before -> after chain), one run per (pipeline, commit), and a superseded run is reported as
 * superseded end to end (no success status, its status names the commit that took over).
 * `deployctl retry` reuses the build artifact of a run whose build, tests and scan passed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPipelineOutput } from '../../functions/commons/pipeline-output';
import { startSandbox, type Sandbox } from '../../local/sandbox';
import { runScenario } from '../../local/scenarios';
import { loadDefinition } from '../../statemachines/definitions';
import { supersededStatusEvent } from '../../scripts/superseded-event';
import { deployctl, startedName } from '../cli/support';

let sandbox: Sandbox;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  sandbox = await startSandbox({ sandboxPort: 0, port: 0, speedup: 1200, log: false });
  env = { SANDBOX_PORT: String(sandbox.ports.aws), PORT: String(sandbox.ports.webhook) };
});
afterAll(() => sandbox?.stop());
beforeEach(() => sandbox.reset());

test('a push delivered late for an older commit ends superseded; the newer commit stays live', async () => {
  const result = await runScenario(sandbox, 'out-of-order');
  expect(result.mismatches).toEqual([]);
  const [b, a] = result.actual.pushes;
  expect(a!.supersededReason).toMatch(
    new RegExp(`^older than ${b!.commitSha.slice(0, 12)}, which is (live|being deployed)$`),
  );
  // GitHub's compare API was asked (the sandbox configures a token), base = B, head = A.
  expect(sandbox.github.compares).toContainEqual(
    expect.objectContaining({ base: b!.commitSha, head: a!.commitSha, status: 'behind' }),
  );
});

test('the same commit from two hooks runs once: one build, one approval, the second delivery names the first run', async () => {
  const result = await runScenario(sandbox, 'same-commit-twice');
  expect(result.mismatches).toEqual([]);
  const [first, second] = result.actual.pushes;
  expect(second!.executionArn).toBe(first!.executionArn);
  expect([...sandbox.codebuild.builds.values()].filter((b) => b.projectName.endsWith('-build'))).toHaveLength(
    1,
  );
});

test('a force-push that rewinds deploys the older commit again', async () => {
  const result = await runScenario(sandbox, 'force-push-rewind');
  expect(result.mismatches).toEqual([]);
});

test('a superseded run gets no success status: its GitHub status names the commit that took over', async () => {
  const result = await runScenario(sandbox, 'superseded');
  expect(result.mismatches).toEqual([]);
  const superseded = result.actual.pushes.find((p) => p.historyOutcome === 'superseded')!;
  const execution = sandbox.engine.executions.get(superseded.executionArn!)!;
  const output = readPipelineOutput(execution.output);
  expect(output).toMatchObject({ outcome: 'superseded', commitSha: superseded.commitSha });
  const statuses = (sandbox.githubStatuses as { sha: string; state: string; description: string }[]).filter(
    (s) => s.sha === superseded.commitSha && s.state !== 'pending',
  );
  expect(statuses).toEqual([
    expect.objectContaining({
      state: 'error',
      description: expect.stringContaining(
        `superseded by ${output!.outcome === 'superseded' && output!.supersededByCommitSha!.slice(0, 7)}`,
      ),
    }),
  ]);
});

test('the notifier sample of a superseded run is what the state machine produces', async () => {
  // The checked-in file (npm run record:superseded-event) and a fresh run agree on every field.
  const fixture = JSON.parse(
    readFileSync(join(__dirname, '../../events/eventbridge/succeeded-superseded.json'), 'utf8'),
  ) as { detail: Record<string, unknown> };
  const fresh = (await supersededStatusEvent(sandbox)) as { detail: Record<string, unknown> };
  const keys = (value: unknown) => Object.keys(value as object).sort();
  expect(keys(fresh.detail)).toEqual(keys(fixture.detail));
  const freshOutput = JSON.parse(String(fresh.detail.output));
  const fixtureOutput = JSON.parse(String(fixture.detail.output));
  expect(keys(fixtureOutput)).toEqual(keys(freshOutput));
  expect(fixtureOutput.outcome).toBe('superseded');
  // ...and both carry exactly what the "Report superseded" state declares.
  const report = JSON.parse(loadDefinition('pipeline')).States['Report superseded'].Parameters;
  expect(keys(freshOutput)).toEqual(
    Object.keys(report)
      .map((k) => k.replace(/\.\$$/, ''))
      .sort(),
  );
});

test('deployctl retry reuses the artifact of a run whose build, tests and scan passed', async () => {
  // Prepare: a run that built fine, then was stopped while waiting for approval.
  const stopped = await runScenario(sandbox, 'stopped-run');
  expect(stopped.actual.status).toBe('ABORTED');
  const buildsBefore = sandbox.codebuild.builds.size;

  // Act
  const run = await deployctl(env, 'retry', stopped.actual.pushes[0]!.executionArn!, '--no-follow');
  const retried = [...sandbox.engine.executions.values()].find((e) => e.name === startedName(run.out))!;
  const token = await waitFor(() => sandbox.tokens.list().find((t) => t.executionArn === retried.arn)?.token);
  sandbox.tokens.succeed(token, { decision: 'approved', by: 'test', at: new Date().toISOString() });
  await retried.done;

  // Assess
  expect(run.err).toBe('');
  expect(run.out).toContain('reusing the build artifact s3://');
  expect({ status: retried.status, error: retried.error, cause: retried.cause }).toEqual({
    status: 'SUCCEEDED',
    error: undefined,
    cause: undefined,
  });
  expect(sandbox.codebuild.builds.size).toBe(buildsBefore);
  expect(sandbox.liveCommit('retail-bank')).toBe(stopped.actual.pushes[0]!.commitSha);
});

async function waitFor<T>(read: () => T | undefined): Promise<T> {
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('deployctl redeploy deploys a live commit again, on purpose', async () => {
  const happy = await runScenario(sandbox, 'happy');
  const sha = happy.actual.pushes[0]!.commitSha;
  const run = await deployctl(env, 'redeploy', 'microblog', sha);
  expect(run.err).toBe('');
  expect(run.code).toBe(0);
  expect(run.out).toContain(`redeploy of ${sha.slice(0, 12)}`);
});
