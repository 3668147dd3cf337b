/**
 * `deployctl redrive` against the local sandbox: a stopped run restarts at the step it was in,
 * with the same ARN; what Step Functions refuses, and what the pipeline already cleaned up, is
 * refused with the reason.
 */
import { startSandbox, type Sandbox } from '../../local/sandbox';
import { deployctl, startedName, until } from './support';

let sandbox: Sandbox;
let env: NodeJS.ProcessEnv;
const cli = (...argv: string[]) => deployctl(env, ...argv);

beforeAll(async () => {
  sandbox = await startSandbox({ sandboxPort: 0, port: 0, speedup: 300, log: false });
  env = { SANDBOX_PORT: String(sandbox.ports.aws), PORT: String(sandbox.ports.webhook) };
});

afterAll(async () => {
  await sandbox?.stop();
});

const execution = (name: string) => [...sandbox.engine.executions.values()].find((e) => e.name === name)!;
const waitingForApproval = (name: string) =>
  until(() =>
    execution(name).history.events.some(
      (e) =>
        e.type === 'TaskSubmitted' &&
        e.id > (execution(name).history.events.findLast((x) => x.type === 'ExecutionRedriven')?.id ?? 0) &&
        (e.taskSubmittedEventDetails as { resource?: string } | undefined)?.resource ===
          'invoke.waitForTaskToken',
    ),
  );

it('redrives a run stopped while it waited for approval; it waits again, is approved and deploys', async () => {
  // Prepare: an operator stops the run at the approval (StopExecution: ABORTED).
  const sha = '3333333333333333333333333333333333333333';
  const name = startedName((await cli('push', 'retail-bank', '--sha', sha)).out);
  await waitingForApproval(name);
  execution(name).abort();
  await execution(name).done;
  expect(execution(name).status).toBe('ABORTED');

  // Act
  const redriven = await cli('redrive', name);

  // Assess
  expect(redriven).toMatchObject({ code: 0, err: '' });
  expect(redriven.out).toMatch(
    new RegExp(`^redriven {2}${name} from the step that did not succeed \\(redrive 1, `),
  );
  expect(execution(name).redriveCount).toBe(1);
  await waitingForApproval(name);
  expect((await cli('approve', name, '--by', 'Ada')).code).toBe(0);
  const followed = await cli('show', name, '--follow');
  expect(followed.code).toBe(0);
  expect(execution(name).status).toBe('SUCCEEDED');
  expect(sandbox.liveCommit('retail-bank')).toBe(sha);

  const again = await cli('redrive', name);
  expect(again).toMatchObject({ code: 1, out: '' });
  expect(again.err).toBe('ExecutionNotRedrivable: Execution is SUCCEEDED and cannot be redriven.');
});

it('refuses a run that ended in a named Fail state after its cleanup, and an unknown execution', async () => {
  sandbox.activateScenario('build-fails');
  const name = startedName((await cli('push', 'microblog')).out);
  await until(() => execution(name).status !== 'RUNNING');
  expect([execution(name).status, execution(name).error]).toEqual(['FAILED', 'BuildFailed']);

  const refused = await cli('redrive', name);

  expect(refused.code).toBe(1);
  expect(refused.err).toMatch(/ended in its "BuildFailed" state after its cleanup .* Push a fix instead\.$/);
  expect(execution(name).redriveCount).toBe(0);
  expect((await cli('redrive', 'no-such-run')).code).toBe(1);
});
