/**
 * `deployctl redrive` against the local sandbox: a stopped run restarts at the step it was in,
 * with the same ARN; what Step Functions refuses, and what the pipeline already cleaned up, is
 * refused with the reason.
 */
import { startedName, until, useCliSandbox } from './support';

const box = useCliSandbox();
const { cli } = box;

const waitingForApproval = (name: string) =>
  until(() =>
    box
      .execution(name)
      .history.events.some(
        (e) =>
          e.type === 'TaskSubmitted' &&
          e.id >
            (box.execution(name).history.events.findLast((x) => x.type === 'ExecutionRedriven')?.id ?? 0) &&
          (e.taskSubmittedEventDetails as { resource?: string } | undefined)?.resource ===
            'invoke.waitForTaskToken',
      ),
  );

it('redrives a run stopped while it waited for approval; it waits again, is approved and deploys', async () => {
  // Prepare: an operator stops the run at the approval (StopExecution: ABORTED).
  const sha = '3333333333333333333333333333333333333333';
  const name = startedName((await cli('push', 'retail-bank', '--sha', sha)).out);
  await waitingForApproval(name);
  box.execution(name).abort();
  await box.execution(name).done;
  expect(box.execution(name).status).toBe('ABORTED');

  // Act
  const redriven = await cli('redrive', name);

  // Assess
  expect(redriven).toMatchObject({ code: 0, err: '' });
  expect(redriven.out).toMatch(
    new RegExp(`^redriven {2}${name} from the step that did not succeed \\(redrive 1, `),
  );
  expect(box.execution(name).redriveCount).toBe(1);
  await waitingForApproval(name);
  expect((await cli('approve', name, '--by', 'Ada')).code).toBe(0);
  const followed = await cli('show', name, '--follow');
  expect(followed.code).toBe(0);
  expect(box.execution(name).status).toBe('SUCCEEDED');
  expect(box.sandbox.liveCommit('retail-bank')).toBe(sha);

  const again = await cli('redrive', name);
  expect(again).toMatchObject({ code: 1, out: '' });
  expect(again.err).toBe('ExecutionNotRedrivable: Execution is SUCCEEDED and cannot be redriven.');
});

it('refuses a run that ended in a named Fail state after its cleanup, and an unknown execution', async () => {
  box.sandbox.activateScenario('build-fails');
  const name = startedName((await cli('push', 'microblog')).out);
  await until(() => box.execution(name).status !== 'RUNNING');
  expect([box.execution(name).status, box.execution(name).error]).toEqual(['FAILED', 'BuildFailed']);

  const refused = await cli('redrive', name);

  expect(refused.code).toBe(1);
  expect(refused.err).toMatch(
    new RegExp(
      `ended in its "BuildFailed" Fail state after its cleanup .* restarts at that Fail state and fails again\\. Run the commit again with: deployctl retry ${name} \\(.*\\), or push a fix\\.$`,
    ),
  );
  expect(box.execution(name).redriveCount).toBe(0);
  expect((await cli('redrive', 'no-such-run')).code).toBe(1);
});
