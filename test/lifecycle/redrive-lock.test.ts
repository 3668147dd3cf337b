/**
 * A redriven run re-takes its deploy lock (issue 13): a run stopped at its approval has its lock
 * released by the notifier's cleanup; RedriveExecution (console, AWS CLI) restarts it past
 * "Acquire deploy lock". It must not deploy while another run holds the lock, and when nothing else
 * holds it, it takes the lock again, deploys and releases it. Real handlers and ASL on the sandbox.
 */
import { startSandbox, type Sandbox } from '../../local/sandbox';
import { runScenario } from '../../local/scenarios';
import { DeployLocksTable } from '../../functions/commons/tables';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ sandboxPort: 0, port: 0, speedup: 1200, log: false });
});
afterAll(async () => {
  await sandbox?.stop();
});
beforeEach(() => sandbox.reset());

test('redrive after stop while another run holds the lock: no deploy, superseded; the holder deploys', async () => {
  const result = await runScenario(sandbox, 'redrive-while-locked');

  expect(result.mismatches).toEqual([]);
  // A's redriven deploy sub-workflow changed nothing: it failed at its first change to the target.
  const a = sandbox.engine.executions.get(result.actual.pushes[0]!.executionArn!)!;
  const children = a.children.map((child) => ({ status: child.status, error: child.error ?? null }));
  expect(children).toEqual([{ status: 'FAILED', error: 'DeployLockNotHeld' }]);
  const started = a.children[0]!.history.events.filter(
    (e) => e.type === 'TaskSucceeded' && /startDeploy/.test(JSON.stringify(e)),
  );
  expect(started).toEqual([]);
});

test('redrive after stop with the lock free: it takes the lock again, deploys and releases it', async () => {
  const result = await runScenario(sandbox, 'redrive-after-stop');

  expect(result.mismatches).toEqual([]);
  // The redriven run held the lock when it released it after the deploy: its commit is the live
  // one the lock orders later pushes against (a release by a run that does not hold the lock
  // changes nothing).
  const [lock] = await sandbox.tableItems(DeployLocksTable.localName);
  const run = result.actual.pushes[0]!;
  expect({
    live: lock?.liveCommitSha?.S,
    by: lock?.liveExecutionArn?.S,
    holder: lock?.holderExecutionArn,
  }).toEqual({
    live: run.commitSha,
    by: run.executionArn,
    holder: undefined,
  });
});
