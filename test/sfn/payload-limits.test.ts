/**
 * Step Functions' payload limits in the sandbox's engine (local/sfn/payload-limits.ts): 256 KiB for
 * execution input, a state's input and output and a task's result; error 256 and cause 32,768
 * characters; Lambda's answers surfaced as Step Functions surfaces them.
 */
import type { HistoryEvent } from '../../local/sfn/history';
import { LocalStepFunctions, type LocalWorld } from '../../local/sfn/standalone';
import { ServiceError } from '../../local/aws/service-error';

const lambda = 'arn:aws:lambda:eu-west-1:123456789012:function:echo';
const KIB = 1024;
/** A string whose JSON text is `bytes` long (two quote characters included). */
const text = (bytes: number) => 'x'.repeat(bytes - 2);
const events = (history: HistoryEvent[], type: string) => history.filter((e) => e.type === type);

function engine(world: Partial<LocalWorld> = {}) {
  return new LocalStepFunctions({
    world: { invokeLambda: async (_name, payload) => ({ payload }), ...world },
  });
}

describe('Step Functions payload limits', () => {
  it('refuses StartExecution with input over 256 KiB (ValidationException) and takes exactly 256 KiB', () => {
    // Prepare
    const sfn = engine();
    const machine = sfn.register('start', { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });

    // Act
    const refuse = () => sfn.engine.start(machine.arn, JSON.stringify(text(256 * KIB + 1)));
    const take = () => sfn.engine.start(machine.arn, JSON.stringify(text(256 * KIB)));

    // Assess
    expect(refuse).toThrow(ServiceError);
    expect(refuse).toThrow(
      "1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have size less than or equal to 262144 bytes in UTF-8 encoding",
    );
    try {
      refuse();
    } catch (error) {
      expect((error as ServiceError).code).toBe('ValidationException');
    }
    expect(take().execution.status).toBe('RUNNING');
  });

  it('fails a Lambda task whose result is over 256 KiB with States.DataLimitExceeded naming the function', async () => {
    const sfn = engine({ invokeLambda: async () => ({ payload: text(256 * KIB + 1) }) });
    const machine = sfn.register('big-result', {
      StartAt: 'Call',
      States: { Call: { Type: 'Task', Resource: lambda, End: true } },
    });

    const execution = await sfn.run(machine.arn, {});

    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('States.DataLimitExceeded');
    expect(execution.cause).toBe(
      `The state/task '${lambda}' returned a result with a size exceeding the maximum number of bytes service limit.`,
    );
    const failed = events(execution.history.events, 'LambdaFunctionFailed');
    expect(failed).toHaveLength(1);
    expect(events(execution.history.events, 'LambdaFunctionSucceeded')).toHaveLength(0);
  });

  it('lets a Catch take an over-limit task result, as AWS recorded for States.ALL', async () => {
    const sfn = engine({ invokeLambda: async () => ({ payload: text(300 * KIB) }) });
    const machine = sfn.register('caught-result', {
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: lambda, 'Payload.$': '$' },
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Handled' }],
          End: true,
        },
        Handled: { Type: 'Pass', End: true },
      },
    });

    const execution = await sfn.run(machine.arn, {});

    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output!)).toEqual({
      Error: 'States.DataLimitExceeded',
      Cause:
        "The state/task 'lambda' returned a result with a size exceeding the maximum number of bytes service limit.",
    });
    expect(events(execution.history.events, 'TaskFailed')).toHaveLength(1);
  });

  it('fails the execution on a state output over 256 KiB: a States.ALL Catch does not catch it', async () => {
    // Prepare: the task's result is small; its ResultPath adds it to a large input.
    const sfn = engine({ invokeLambda: async () => ({ payload: { half: text(140 * KIB) } }) });
    const machine = sfn.register('big-output', {
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: lambda,
          ResultPath: '$.result',
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Handled' }],
          Next: 'After',
        },
        After: { Type: 'Pass', End: true },
        Handled: { Type: 'Pass', End: true },
      },
    });

    // Act
    const execution = await sfn.run(machine.arn, { other: text(140 * KIB) });

    // Assess
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('States.DataLimitExceeded');
    expect(execution.cause).toContain("'Call'");
    const entered = execution.history.events
      .filter((e) => e.type.endsWith('StateEntered'))
      .map((e) => (e.stateEnteredEventDetails as { name: string }).name);
    expect(entered).toEqual(['Call']);
    expect(execution.history.events.at(-1)!.type).toBe('ExecutionFailed');
    expect(events(execution.history.events, 'TaskStateExited')).toHaveLength(0);
  });

  it('fails the execution on a Task input over 256 KiB after Parameters, past a States.ALL Catch', async () => {
    const invoked: string[] = [];
    const sfn = engine({
      invokeLambda: async (name) => {
        invoked.push(name);
        return { payload: {} };
      },
    });
    const machine = sfn.register('big-input', {
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: lambda,
          Parameters: { 'a.$': '$.s', 'b.$': '$.s' },
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Handled' }],
          End: true,
        },
        Handled: { Type: 'Pass', End: true },
      },
    });

    const execution = await sfn.run(machine.arn, { s: text(130 * KIB) });

    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('States.DataLimitExceeded');
    expect(invoked).toEqual([]);
    expect(execution.history.events.some((e) => e.type === 'PassStateEntered')).toBe(false);
  });

  it('fails a Map whose collected output is over 256 KiB, although each iteration is small', async () => {
    const sfn = engine({ invokeLambda: async () => ({ payload: { tail: text(2 * KIB) } }) });
    const machine = sfn.register('big-map', {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemsPath: '$.items',
          Iterator: { StartAt: 'Call', States: { Call: { Type: 'Task', Resource: lambda, End: true } } },
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Handled' }],
          End: true,
        },
        Handled: { Type: 'Pass', End: true },
      },
    });

    const execution = await sfn.run(machine.arn, { items: Array.from({ length: 300 }, (_, i) => i) });

    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('States.DataLimitExceeded');
    expect(execution.cause).toContain("'Each'");
  });

  it('keeps an error of 256 and a cause of 32,768 characters from a longer Fail state', async () => {
    const sfn = engine();
    const machine = sfn.register('long-cause', {
      StartAt: 'Stop',
      States: { Stop: { Type: 'Fail', Error: 'E'.repeat(300), Cause: `${'c'.repeat(40_000)}` } },
    });

    const execution = await sfn.run(machine.arn, {});

    expect(execution.status).toBe('FAILED');
    expect(execution.error).toHaveLength(256);
    expect(execution.cause).toHaveLength(32_768);
    const failed = execution.history.events.at(-1)!;
    expect((failed.executionFailedEventDetails as { cause: string }).cause).toHaveLength(32_768);
  });

  it('cuts a Lambda function error cause to 32,768 characters in the history and the Catch output', async () => {
    const sfn = engine({
      invokeLambda: async () => ({ errorType: 'BigError', errorMessage: 'm'.repeat(50_000) }),
    });
    const machine = sfn.register('long-lambda-cause', {
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: lambda,
          Catch: [{ ErrorEquals: ['BigError'], Next: 'Handled' }],
          End: true,
        },
        Handled: { Type: 'Pass', End: true },
      },
    });

    const execution = await sfn.run(machine.arn, {});

    const failed = events(execution.history.events, 'LambdaFunctionFailed')[0]!;
    expect((failed.lambdaFunctionFailedEventDetails as { cause: string }).cause).toHaveLength(32_768);
    expect((JSON.parse(execution.output!) as { Cause: string }).Cause).toHaveLength(32_768);
  });

  it("surfaces Lambda's RequestTooLargeException as Lambda.RequestTooLargeException and a too-large response as its function error", async () => {
    const answers = [
      {
        errorType: 'RequestTooLargeException',
        errorMessage:
          '7000000 byte payload is too large for the RequestResponse invocation type (limit 6291456 bytes)',
        serviceError: { statusCode: 413 },
      },
      {
        errorType: 'Function.ResponseSizeTooLarge',
        errorMessage: 'Response payload size exceeded maximum allowed payload size (6291556 bytes).',
      },
    ];
    const sfn = engine({ invokeLambda: async () => answers.shift()! });
    const machine = sfn.register('lambda-errors', {
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: lambda, Payload: {} },
          End: true,
        },
      },
    });

    const first = await sfn.run(machine.arn, {}, 'first');
    const second = await sfn.run(machine.arn, {}, 'second');

    expect(first.error).toBe('Lambda.RequestTooLargeException');
    expect(first.cause).toContain('limit 6291456 bytes');
    expect(second.error).toBe('Function.ResponseSizeTooLarge');
    expect(JSON.parse(second.cause!)).toMatchObject({ errorType: 'Function.ResponseSizeTooLarge' });
  });
});
