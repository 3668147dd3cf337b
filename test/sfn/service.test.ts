/**
 * The Step Functions JSON API over the engine: RedriveExecution, the redrive fields of
 * DescribeExecution and ListExecutions, DescribeStateMachine, and the EventBridge status events
 * of a redriven run, with the shapes and errors of botocore's stepfunctions 2016-11-23 model.
 */
import { checkConstraints, loadConstraints } from '../../local/limits/constraints';
import type { LambdaResult } from '../../local/sfn/integrations';
import { stepFunctionsService } from '../../local/sfn/service';
import { LocalStepFunctions } from '../../local/sfn/standalone';
import { StatusEventBus } from '../../local/services/events/status-events';

const fn = (name: string) => `arn:aws:lambda:eu-west-1:123456789012:function:${name}`;
const ctx = { requestId: 'r', region: 'eu-west-1' };

function setup() {
  let down = true;
  const sfn = new LocalStepFunctions({
    world: {
      invokeLambda: async (name): Promise<LambdaResult> =>
        down && name === 'deploy'
          ? { errorType: 'ServiceUnavailable', errorMessage: 'down' }
          : { payload: {} },
    },
  });
  const machine = sfn.register('pipeline', {
    StartAt: 'Deploy',
    States: { Deploy: { Type: 'Task', Resource: fn('deploy'), End: true } },
  });
  const api = stepFunctionsService(sfn.engine, sfn.tokens).operations;
  const call = (operation: string, input: Record<string, unknown>) =>
    api[operation]!(input, ctx) as Record<string, unknown>;
  const error = (operation: string, input: Record<string, unknown>) => {
    try {
      call(operation, input);
    } catch (thrown) {
      return { code: (thrown as { code: string }).code, message: (thrown as Error).message };
    }
    throw new Error(`${operation} was accepted`);
  };
  return { sfn, machine, call, error, recover: () => (down = false) };
}

describe('RedriveExecution over the API', () => {
  it('answers redriveDate; DescribeExecution and ListExecutions show the redrive', async () => {
    // Prepare
    const { sfn, machine, call, recover } = setup();
    const failed = await sfn.run(machine.arn, {}, 'failed');
    const other = await sfn.run(machine.arn, {}, 'other');
    expect(call('DescribeExecution', { executionArn: failed.arn })).toMatchObject({
      status: 'FAILED',
      redriveCount: 0,
      redriveStatus: 'REDRIVABLE',
    });
    expect(call('DescribeExecution', { executionArn: failed.arn })).not.toHaveProperty('redriveStatusReason');

    // Act
    recover();
    const answer = call('RedriveExecution', { executionArn: failed.arn, clientToken: 'abc-1' });
    await failed.done;

    // Assess
    expect(Object.keys(answer)).toEqual(['redriveDate']);
    expect(answer.redriveDate).toBeInstanceOf(Date);
    expect(call('DescribeExecution', { executionArn: failed.arn })).toMatchObject({
      status: 'SUCCEEDED',
      redriveCount: 1,
      redriveDate: answer.redriveDate,
      redriveStatus: 'NOT_REDRIVABLE',
      redriveStatusReason: 'Execution is SUCCEEDED and cannot be redriven.',
    });
    const names = (filter?: string) =>
      (
        call('ListExecutions', { stateMachineArn: machine.arn, ...(filter && { redriveFilter: filter }) })
          .executions as { name: string; redriveCount: number }[]
      ).map((e) => `${e.name}:${e.redriveCount}`);
    expect(names('REDRIVEN')).toEqual(['failed:1']);
    expect(names('NOT_REDRIVEN')).toEqual([`${other.name}:0`]);
    expect(names().sort()).toEqual(['failed:1', 'other:0']);
  });

  it('refuses what AWS refuses: succeeded, unknown, malformed ARNs, bad client tokens and filters', async () => {
    const { sfn, machine, error } = setup();
    const failed = await sfn.run(machine.arn, {}, 'failed');

    expect(error('RedriveExecution', { executionArn: `${failed.arn}x` }).code).toBe('ExecutionDoesNotExist');
    expect(error('RedriveExecution', { executionArn: 'abc' })).toEqual({
      code: 'InvalidArn',
      message: "Invalid Arn: 'Invalid ARN prefix: abc'",
    });
    expect(error('RedriveExecution', { executionArn: machine.arn })).toEqual({
      code: 'InvalidArn',
      message: "Invalid Arn: 'Resource type not valid in this context: stateMachine'",
    });
    expect(failed.redriveCount).toBe(0);
  });

  it("checks RedriveExecution's members with the constraints generated from botocore's newer model", () => {
    // The request pipeline runs these before the operation (local/limits).
    const constraints = loadConstraints();
    const check = (operation: string, input: Record<string, unknown>) =>
      checkConstraints(constraints, {
        service: 'sfn',
        operation,
        input,
        headers: {},
        region: 'eu-west-1',
      } as never);
    const arn = 'arn:aws:states:eu-west-1:123456789012:execution:pipeline:run';

    expect(check('RedriveExecution', {})?.message).toBe(
      "1 validation error detected: Value null at 'executionArn' failed to satisfy constraint: Member must not be null",
    );
    expect(check('RedriveExecution', { executionArn: arn, clientToken: 'x'.repeat(65) })?.message).toContain(
      'Member must have length less than or equal to 64',
    );
    expect(check('RedriveExecution', { executionArn: arn, clientToken: 'has space' })?.message).toContain(
      'Member must satisfy regular expression pattern: [!-~]+',
    );
    expect(check('RedriveExecution', { executionArn: arn, clientToken: 'abc-1' })).toBeUndefined();
    expect(check('ListExecutions', { stateMachineArn: arn, redriveFilter: 'SOMETIMES' })?.message).toContain(
      'Member must satisfy enum value set: [REDRIVEN, NOT_REDRIVEN]',
    );
    expect(check('DescribeStateMachine', { stateMachineArn: arn, includedData: 'SOME' })?.code).toBe(
      'ValidationException',
    );
  });
});

describe('DescribeStateMachine', () => {
  it('answers every required member with the definition, logging, tracing and encryption', () => {
    const { machine, call } = setup();

    const described = call('DescribeStateMachine', { stateMachineArn: machine.arn });

    expect(described).toEqual({
      stateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:pipeline',
      name: 'pipeline',
      status: 'ACTIVE',
      definition: machine.definitionText,
      roleArn: 'arn:aws:iam::123456789012:role/deploy-controller-sandbox-states',
      type: 'STANDARD',
      creationDate: machine.createdAt,
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
      tracingConfiguration: { enabled: false },
      encryptionConfiguration: { type: 'AWS_OWNED_KEY' },
    });
    expect(JSON.parse(String(described.definition))).toMatchObject({ StartAt: 'Deploy' });
    expect(
      call('DescribeStateMachine', { stateMachineArn: machine.arn, includedData: 'METADATA_ONLY' }),
    ).toMatchObject({ definition: '{}' });
  });

  it('answers StateMachineDoesNotExist and InvalidArn', () => {
    const { machine, error } = setup();
    expect(error('DescribeStateMachine', { stateMachineArn: `${machine.arn}-gone` })).toEqual({
      code: 'StateMachineDoesNotExist',
      message: `State Machine Does Not Exist: '${machine.arn}-gone'`,
    });
    expect(error('DescribeStateMachine', { stateMachineArn: 'deploy-microblog' }).code).toBe('InvalidArn');
    expect(
      error('DescribeStateMachine', {
        stateMachineArn: 'arn:aws:states:eu-west-1:123456789012:execution:pipeline:run',
      }).message,
    ).toBe("Invalid Arn: 'Resource type not valid in this context: execution'");
  });
});

describe('status change events of a redriven run', () => {
  it('carry redriveCount, redriveDate and the redrive status, RUNNING again, then the new end', async () => {
    // Prepare: the bus only builds events here (no Lambda is invoked).
    const { sfn, machine, call, recover } = setup();
    const bus = new StatusEventBus({
      clock: {} as never,
      lambda: {} as never,
      region: 'eu-west-1',
      account: '123456789012',
      matches: () => true,
    });
    const failed = await sfn.run(machine.arn, {}, 'failed');
    const before = bus.eventFor(failed).detail as Record<string, unknown>;

    // Act
    recover();
    call('RedriveExecution', { executionArn: failed.arn });
    const running = bus.eventFor(failed).detail as Record<string, unknown>;
    await failed.done;
    const after = bus.eventFor(failed).detail as Record<string, unknown>;

    // Assess
    expect(before).toMatchObject({
      status: 'FAILED',
      redriveCount: 0,
      redriveDate: null,
      redriveStatus: 'REDRIVABLE',
      redriveStatusReason: null,
    });
    expect(running).toMatchObject({
      status: 'RUNNING',
      redriveCount: 1,
      redriveDate: failed.redriveDate!.getTime(),
      stopDate: null,
      redriveStatus: 'NOT_REDRIVABLE',
      redriveStatusReason: 'Execution is RUNNING and cannot be redriven.',
    });
    expect(after).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1, error: null });
  });
});
