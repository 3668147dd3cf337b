/**
 * The sandbox's Step Functions runtime outside the sandbox, on the virtual clock: simulated
 * waits and timeouts cost no real time and fire in simulated-time order.
 */
import { VirtualClock } from '../../local/sfn/clock';
import { LocalStepFunctions } from '../../local/sfn/standalone';

const lambda = 'arn:aws:lambda:eu-west-1:123456789012:function:echo';

describe('VirtualClock', () => {
  it('fires timers in simulated-time order once the process is quiet, and skips cancelled ones', async () => {
    // Prepare
    const clock = new VirtualClock(0);
    const fired: string[] = [];
    clock.after(3_600_000, () => fired.push('hour'));
    const cancelled = clock.after(1, () => fired.push('cancelled'));
    clock.after(30_000, () => fired.push('poll'));

    // Act
    clock.cancel(cancelled);
    await clock.sleep(7_200_000);

    // Assess
    expect(fired).toEqual(['poll', 'hour']);
    expect(clock.now()).toBe(7_200_000);
    expect(clock.pending).toBe(0);
  });
});

describe('LocalStepFunctions', () => {
  it('times an execution out after its TimeoutSeconds of simulated time (TIMED_OUT, States.Timeout)', async () => {
    // Prepare: a task that never answers, in a machine with a one-hour limit.
    const sfn = new LocalStepFunctions({ world: { invokeLambda: () => new Promise(() => undefined) } });
    const machine = sfn.register('slow', {
      StartAt: 'Call',
      TimeoutSeconds: 3600,
      States: { Call: { Type: 'Task', Resource: lambda, End: true } },
    });

    // Act
    const execution = await sfn.run(machine.arn, {});

    // Assess
    expect(execution.status).toBe('TIMED_OUT');
    expect(execution.error).toBe('States.Timeout');
    expect(execution.history.events.at(-1)!.type).toBe('ExecutionTimedOut');
    expect(sfn.clock.now() - execution.startDate.getTime()).toBeGreaterThanOrEqual(0);
  });

  it('runs a dynamic Wait of a day on the virtual clock and succeeds', async () => {
    const sfn = new LocalStepFunctions({
      world: { invokeLambda: async (_name, payload) => ({ payload }) },
    });
    const machine = sfn.register('waits', {
      StartAt: 'Wait a day',
      States: {
        'Wait a day': { Type: 'Wait', SecondsPath: '$.seconds', Next: 'Call' },
        Call: { Type: 'Task', Resource: lambda, End: true },
      },
    });
    const before = sfn.clock.now();

    const execution = await sfn.run(machine.arn, { seconds: 86_400 });

    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output!)).toEqual({ seconds: 86_400 });
    expect(sfn.clock.now() - before).toBe(86_400_000);
  });

  it('fails a Task whose integration the scripted world does not supply, naming what is missing', async () => {
    const sfn = new LocalStepFunctions({ world: { invokeLambda: async () => ({ payload: {} }) } });
    const machine = sfn.register('builds', {
      StartAt: 'Build',
      States: {
        Build: {
          Type: 'Task',
          Resource: 'arn:aws:states:::codebuild:startBuild.sync',
          Parameters: { ProjectName: 'p' },
          End: true,
        },
      },
    });

    const execution = await sfn.run(machine.arn, {});

    expect(execution.status).toBe('FAILED');
    expect(execution.cause).toContain('supplies no CodeBuild builds');
  });
});
