/**
 * RedriveExecution on the sandbox's Step Functions runtime (virtual clock): restart from the
 * unsuccessful state with the same input and ARN, succeeded states and Parallel branches not
 * rerun, and the executions Step Functions refuses to redrive.
 */
import type { LambdaResult } from '../../local/sfn/integrations';
import type { Execution } from '../../local/sfn/engine';
import { LocalStepFunctions } from '../../local/sfn/standalone';

const fn = (name: string) => `arn:aws:lambda:eu-west-1:123456789012:function:${name}`;
const DAY_MS = 24 * 60 * 60 * 1000;

/** A world whose functions echo their input; `failing` ones fail (or hang) until told otherwise. */
function world() {
  const invocations = new Map<string, number>();
  const failing = new Set<string>();
  const hanging = new Set<string>();
  const sfn = new LocalStepFunctions({
    world: {
      invokeLambda: async (name, payload): Promise<LambdaResult> => {
        invocations.set(name, (invocations.get(name) ?? 0) + 1);
        if (hanging.has(name)) return new Promise(() => undefined);
        if (failing.has(name)) return { errorType: 'ServiceUnavailable', errorMessage: `${name} is down` };
        return { payload: { from: name, saw: payload } };
      },
    },
  });
  return { sfn, invocations, failing, hanging, count: (name: string) => invocations.get(name) ?? 0 };
}

const types = (execution: Execution) => execution.history.events.map((e) => e.type);
const entered = (execution: Execution, after = 0) =>
  execution.history.events
    .filter((e) => e.id > after && e.type.endsWith('StateEntered'))
    .map((e) => (e.stateEnteredEventDetails as { name: string }).name);
const redrivenAt = (execution: Execution) =>
  execution.history.events.find((e) => e.type === 'ExecutionRedriven')!;

const sequence = {
  StartAt: 'Record start',
  States: {
    'Record start': { Type: 'Task', Resource: fn('record'), ResultPath: '$.recorded', Next: 'Deploy' },
    Deploy: { Type: 'Task', Resource: fn('deploy'), ResultPath: '$.deployed', Next: 'Done' },
    Done: { Type: 'Succeed' },
  },
};

describe('RedriveExecution', () => {
  it('restarts a failed Task with its recorded input, the same ARN and input; the succeeded Task is not rerun', async () => {
    // Prepare: Deploy fails (no Retry, no Catch).
    const w = world();
    const machine = w.sfn.register('sequence', sequence);
    w.failing.add('deploy');
    const execution = await w.sfn.run(machine.arn, { commit: 'abc' }, 'run-1');
    expect(execution.status).toBe('FAILED');
    const failedInput = execution.history.events.find(
      (e) =>
        e.type === 'TaskStateEntered' && (e.stateEnteredEventDetails as { name: string }).name === 'Deploy',
    )!.stateEnteredEventDetails as { input: string };

    // Act: the outage is over.
    w.failing.delete('deploy');
    const { redriveDate } = w.sfn.engine.redrive(execution.arn);
    expect(execution.status).toBe('RUNNING');
    await execution.done;

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.arn).toBe('arn:aws:states:eu-west-1:123456789012:execution:sequence:run-1');
    expect(execution.input).toBe('{"commit":"abc"}');
    expect([w.count('record'), w.count('deploy')]).toEqual([1, 2]);
    expect(execution.redriveCount).toBe(1);
    expect(execution.redriveDate).toEqual(redriveDate);
    const redriven = redrivenAt(execution);
    expect(redriven).toMatchObject({ executionRedrivenEventDetails: { redriveCount: 1 } });
    // It follows the event that ended the first attempt; the redriven state follows it.
    expect(redriven.previousEventId).toBe(redriven.id - 1);
    expect(types(execution)[redriven.id - 2]).toBe('ExecutionFailed');
    expect(entered(execution, redriven.id)).toEqual(['Deploy', 'Done']);
    const again = execution.history.events[redriven.id]!;
    expect(again).toMatchObject({ type: 'TaskStateEntered', previousEventId: redriven.id });
    expect((again.stateEnteredEventDetails as { input: string }).input).toBe(failedInput.input);
    expect(JSON.parse(execution.output!)).toMatchObject({ commit: 'abc', recorded: { from: 'record' } });
  });

  it('reruns only the failed Parallel branch: the succeeded branch is not invoked again', async () => {
    // Prepare
    const w = world();
    const machine = w.sfn.register('both', {
      StartAt: 'Build and scan',
      States: {
        'Build and scan': {
          Type: 'Parallel',
          Branches: [
            {
              StartAt: 'Scan',
              States: {
                Scan: { Type: 'Task', Resource: fn('scan'), Next: 'Scan done' },
                'Scan done': { Type: 'Pass', End: true },
              },
            },
            {
              StartAt: 'Compile',
              States: {
                Compile: { Type: 'Task', Resource: fn('compile'), Next: 'Test' },
                Test: { Type: 'Task', Resource: fn('test'), End: true },
              },
            },
          ],
          Next: 'Release',
        },
        Release: { Type: 'Task', Resource: fn('release'), End: true },
      },
    });
    w.failing.add('test');
    const execution = await w.sfn.run(machine.arn, { commit: 'abc' });
    expect(execution.status).toBe('FAILED');
    expect([w.count('scan'), w.count('compile'), w.count('test'), w.count('release')]).toEqual([1, 1, 1, 0]);

    // Act
    w.failing.delete('test');
    w.sfn.engine.redrive(execution.arn);
    await execution.done;

    // Assess: Scan and Compile kept their results; only Test and what follows ran.
    expect(execution.status).toBe('SUCCEEDED');
    expect([w.count('scan'), w.count('compile'), w.count('test'), w.count('release')]).toEqual([1, 1, 2, 1]);
    const redriven = redrivenAt(execution);
    expect(entered(execution, redriven.id)).toEqual(['Build and scan', 'Test', 'Release']);
    // The Parallel's output is both branches' outputs, the kept one as the first attempt produced it.
    const release = JSON.parse(execution.output!) as {
      saw: [{ from: string }, { from: string; saw: unknown }];
    };
    expect(release.saw[0].from).toBe('scan');
    expect(release.saw[1]).toMatchObject({ from: 'test', saw: { from: 'compile' } });
    // No history event names a state the sandbox inserted for the redrive.
    expect(JSON.stringify(execution.history.events)).not.toContain('sandbox:redrive');
    // The redriven branch chains from the new ParallelStateStarted (causal previousEventId).
    const started = execution.history.events.find(
      (e) => e.id > redriven.id && e.type === 'ParallelStateStarted',
    )!;
    expect(execution.history.events[started.id]).toMatchObject({
      type: 'TaskStateEntered',
      previousEventId: started.id,
    });
  });

  it('reruns only the failed Map iterations: the succeeded ones keep their results and write no events', async () => {
    // Prepare: items a, b, c one at a time; the check fails for b, so c never starts.
    const invocations = new Map<string, number>();
    const failing = new Set(['b']);
    const sfn = new LocalStepFunctions({
      world: {
        invokeLambda: async (_name, payload): Promise<LambdaResult> => {
          const item = (payload as { name: string }).name;
          invocations.set(item, (invocations.get(item) ?? 0) + 1);
          return failing.has(item)
            ? { errorType: 'Down', errorMessage: item }
            : { payload: `checked ${item}` };
        },
      },
    });
    const machine = sfn.register('each', {
      StartAt: 'Each item',
      States: {
        'Each item': {
          Type: 'Map',
          ItemsPath: '$.items',
          MaxConcurrency: 1,
          ItemSelector: { 'name.$': '$$.Map.Item.Value', 'commit.$': '$.commit' },
          ItemProcessor: {
            StartAt: 'Check',
            States: { Check: { Type: 'Task', Resource: fn('check'), ResultPath: '$.checked', End: true } },
          },
          End: true,
        },
      },
    });
    const execution = await sfn.run(machine.arn, { commit: 'abc', items: ['a', 'b', 'c'] });
    expect(execution.status).toBe('FAILED');

    // Act
    failing.clear();
    sfn.engine.redrive(execution.arn);
    await execution.done;

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(['a', 'b', 'c'].map((item) => invocations.get(item))).toEqual([1, 2, 1]);
    expect(JSON.parse(execution.output!)).toEqual([
      { name: 'a', commit: 'abc', checked: 'checked a' },
      { name: 'b', commit: 'abc', checked: 'checked b' },
      { name: 'c', commit: 'abc', checked: 'checked c' },
    ]);
    const redriven = redrivenAt(execution).id;
    const iterations = execution.history.events
      .filter((e) => e.id > redriven && e.type.startsWith('MapIteration'))
      .map((e) => {
        const details = (e.mapIterationStartedEventDetails ?? e.mapIterationSucceededEventDetails) as object;
        return `${e.type}:${JSON.stringify(details)}`;
      });
    // Iteration 0 answered from the record writes nothing; 1 (failed) and 2 (never started) run.
    expect(iterations).toEqual([
      'MapIterationStarted:{"name":"Each item","index":1}',
      'MapIterationSucceeded:{"name":"Each item","index":1}',
      'MapIterationStarted:{"name":"Each item","index":2}',
      'MapIterationSucceeded:{"name":"Each item","index":2}',
    ]);
    expect(JSON.stringify(execution.history.events)).not.toContain('sandbox:redrive');
    expect(JSON.stringify(execution.history.events)).not.toContain('sandboxRedrive');
  });

  it('redrives an aborted run from the state that was running; $$.Execution.RedriveCount counts', async () => {
    // Prepare: Deploy never answers; the operator stops the run.
    const w = world();
    const machine = w.sfn.register('aborted', {
      StartAt: 'Record start',
      States: {
        'Record start': { Type: 'Task', Resource: fn('record'), ResultPath: '$.recorded', Next: 'Deploy' },
        Deploy: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: fn('deploy'), 'Payload.$': '$$.Execution' },
          End: true,
        },
      },
    });
    w.hanging.add('deploy');
    const { execution } = w.sfn.engine.start(machine.arn, '{"commit":"abc"}', 'stopped');
    while (w.count('deploy') === 0) await new Promise((resolve) => setImmediate(resolve));
    execution.abort();
    await execution.done;
    expect(execution.status).toBe('ABORTED');

    // Act
    w.hanging.delete('deploy');
    w.sfn.engine.redrive(execution.arn);
    await execution.done;

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect([w.count('record'), w.count('deploy')]).toEqual([1, 2]);
    const output = JSON.parse(execution.output!) as {
      Payload: { saw: { RedriveCount: number; Id: string } };
    };
    expect(output.Payload.saw).toMatchObject({ RedriveCount: 1, Id: execution.arn });
    expect(types(execution)).toContain('ExecutionAborted');
    expect(types(execution).at(-1)).toBe('ExecutionSucceeded');
  });

  it('redrives a run that failed again a second time (redriveCount 2)', async () => {
    const w = world();
    const machine = w.sfn.register('twice', sequence);
    w.failing.add('deploy');
    const execution = await w.sfn.run(machine.arn, {});
    w.sfn.engine.redrive(execution.arn);
    await execution.done;
    expect([execution.status, execution.redriveCount]).toEqual(['FAILED', 1]);

    w.failing.delete('deploy');
    w.sfn.engine.redrive(execution.arn);
    await execution.done;

    expect([execution.status, execution.redriveCount, w.count('record'), w.count('deploy')]).toEqual([
      'SUCCEEDED',
      2,
      1,
      3,
    ]);
    expect(types(execution).filter((t) => t === 'ExecutionRedriven')).toHaveLength(2);
  });

  it('re-enters the Fail state a run ended in: the run fails again and nothing before it reruns', async () => {
    const w = world();
    const machine = w.sfn.register('named-fail', {
      StartAt: 'Deploy',
      States: {
        Deploy: {
          Type: 'Task',
          Resource: fn('deploy'),
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Failed: deploy' }],
          End: true,
        },
        'Failed: deploy': { Type: 'Fail', Error: 'DeployFailed', Cause: 'see the deploy' },
      },
    });
    w.failing.add('deploy');
    const execution = await w.sfn.run(machine.arn, {});
    w.failing.delete('deploy');

    w.sfn.engine.redrive(execution.arn);
    await execution.done;

    expect([execution.status, execution.error, w.count('deploy')]).toEqual(['FAILED', 'DeployFailed', 1]);
    expect(entered(execution, redrivenAt(execution).id)).toEqual(['Failed: deploy']);
  });
});

describe('RedriveExecution refusals', () => {
  async function failedRun() {
    const w = world();
    const machine = w.sfn.register('refusals', sequence);
    w.failing.add('deploy');
    const execution = await w.sfn.run(machine.arn, {});
    return { w, execution };
  }
  const refusal = (w: ReturnType<typeof world>, arn: string) => {
    try {
      w.sfn.engine.redrive(arn);
    } catch (error) {
      return { code: (error as { code: string }).code, message: (error as Error).message };
    }
    throw new Error('the redrive was accepted');
  };

  it('refuses a succeeded execution and a running one (ExecutionNotRedrivable, the documented reasons)', async () => {
    const w = world();
    const machine = w.sfn.register('ok', sequence);
    const succeeded = await w.sfn.run(machine.arn, {});
    w.hanging.add('record');
    const { execution: running } = w.sfn.engine.start(machine.arn, '{}', 'running');

    expect(refusal(w, succeeded.arn)).toEqual({
      code: 'ExecutionNotRedrivable',
      message: 'Execution is SUCCEEDED and cannot be redriven.',
    });
    expect(refusal(w, running.arn)).toEqual({
      code: 'ExecutionNotRedrivable',
      message: 'Execution is RUNNING and cannot be redriven.',
    });
    expect(succeeded.redriveCount).toBe(0);
    running.abort();
    await running.done;
  });

  it('refuses an execution that ended over 14 days ago, one open over a year, and a history near 25,000 events', async () => {
    const old = await failedRun();
    old.execution.stopDate = new Date(Date.now() - 15 * DAY_MS);
    expect(refusal(old.w, old.execution.arn).message).toBe('Execution redrivable period exceeded.');
    old.execution.stopDate = new Date(Date.now() - 13 * DAY_MS);
    old.execution.startDate = new Date(Date.now() - 366 * DAY_MS);
    expect(refusal(old.w, old.execution.arn).message).toBe('Execution has exceeded the max execution time.');

    const long = await failedRun();
    const filler = long.execution.history.events[0]!;
    while (long.execution.history.events.length < 24_999) long.execution.history.events.push(filler);
    expect(refusal(long.w, long.execution.arn)).toEqual({
      code: 'ExecutionNotRedrivable',
      message: 'Execution history event limit exceeded.',
    });
  });

  it('answers ExecutionDoesNotExist for an unknown execution', async () => {
    const { w, execution } = await failedRun();
    expect(refusal(w, `${execution.arn}-missing`).code).toBe('ExecutionDoesNotExist');
  });

  it('is idempotent per client token: the same token answers the same redrive, another is refused while it runs', async () => {
    // Prepare
    const { w, execution } = await failedRun();
    w.failing.delete('deploy');
    w.hanging.add('deploy');

    // Act
    const first = w.sfn.engine.redrive(execution.arn, 'token-1');
    const repeated = w.sfn.engine.redrive(execution.arn, 'token-1');

    // Assess
    expect(repeated.redriveDate).toEqual(first.redriveDate);
    expect(execution.redriveCount).toBe(1);
    expect(refusal(w, execution.arn).message).toBe('Execution is RUNNING and cannot be redriven.');
    execution.abort();
    await execution.done;
  });
});
