/**
 * A stopped execution leaves nothing running behind it: a Task still in flight when the run was
 * stopped is settled, so the engine library clears the timer it keeps per Task (its default
 * TimeoutSeconds is about 23 days of real time) and the process can exit.
 */
import { LocalStepFunctions } from '../../local/sfn/standalone';

const fn = (name: string) => `arn:aws:lambda:eu-west-1:123456789012:function:${name}`;

/** Timers alive in this process (Node's own count, not jest's). */
const liveTimers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

async function settleTurns(turns = 20) {
  for (let i = 0; i < turns; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

it('stopping a run whose Task never answers releases the Task timer', async () => {
  let called = false;
  const sfn = new LocalStepFunctions({
    world: {
      invokeLambda: () => {
        called = true;
        return new Promise(() => undefined);
      },
    },
  });
  const machine = sfn.register('hangs', {
    StartAt: 'Deploy',
    States: { Deploy: { Type: 'Task', Resource: fn('deploy'), End: true } },
  });
  await settleTurns();
  const before = liveTimers();

  const { execution } = sfn.engine.start(machine.arn, '{}', 'stopped-while-deploying');
  while (!called) await new Promise((resolve) => setImmediate(resolve));
  expect(liveTimers()).toBeGreaterThan(before);
  execution.abort();
  await execution.done;
  await settleTurns();

  expect(execution.status).toBe('ABORTED');
  expect(liveTimers()).toBe(before);
});
