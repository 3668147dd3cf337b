/** Small state machines and fake handlers for the protocol and engine tests. */
import type { AslDefinition } from '../../local/sfn/transform';

const fn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
let throttledOnce = false;

export const fixtureHandlers = {
  'deploy-lock': async (event: unknown) => {
    // The first call fails like a throttled Lambda would, to show the Retry in the history.
    if (!throttledOnce) {
      throttledOnce = true;
      throw Object.assign(new Error('Rate Exceeded.'), { name: 'Lambda.TooManyRequestsException' });
    }
    return { status: 'acquired', event };
  },
  'approval-request': async (event: unknown) => ({ requested: true, echo: event }),
};

export const fixtureMachines: Record<string, AslDefinition> = {
  'fixture-simple': {
    StartAt: 'Lock',
    States: {
      Lock: {
        Type: 'Task',
        Resource: fn('deploy-lock'),
        ResultPath: '$.lock',
        Retry: [
          {
            ErrorEquals: ['Lambda.TooManyRequestsException'],
            IntervalSeconds: 2,
            MaxAttempts: 3,
            BackoffRate: 2,
          },
        ],
        End: true,
      },
    },
  },
  'fixture-nested': {
    StartAt: 'Run child',
    States: {
      'Run child': {
        Type: 'Task',
        Resource: 'arn:aws:states:::states:startExecution.sync:2',
        Parameters: {
          StateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:fixture-simple',
          'Input.$': '$',
        },
        ResultPath: '$.child',
        End: true,
      },
    },
  },
  'fixture-approval': {
    StartAt: 'Wait for approval',
    States: {
      'Wait for approval': {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: {
          FunctionName: fn('approval-request'),
          Payload: { 'token.$': '$$.Task.Token', 'execution.$': '$$.Execution.Id' },
        },
        TimeoutSeconds: 3600,
        ResultPath: '$.approval',
        Catch: [
          { ErrorEquals: ['States.Timeout'], Next: 'Expired' },
          { ErrorEquals: ['ApprovalRejected'], ResultPath: '$.error', Next: 'Rejected' },
        ],
        End: true,
      },
      Expired: { Type: 'Fail', Error: 'Expired', Cause: 'nobody answered' },
      Rejected: { Type: 'Fail', Error: 'Rejected', CausePath: '$.error.Cause' },
    },
  },
  'fixture-heartbeat': {
    StartAt: 'Wait for an event',
    States: {
      'Wait for an event': {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: fn('approval-request'), Payload: { 'token.$': '$$.Task.Token' } },
        HeartbeatSeconds: 60,
        TimeoutSeconds: 86400,
        Catch: [{ ErrorEquals: ['States.HeartbeatTimeout'], ResultPath: '$.error', Next: 'Check by hand' }],
        End: true,
      },
      'Check by hand': { Type: 'Pass', End: true },
    },
  },
  'fixture-wait': {
    StartAt: 'Long wait',
    States: { 'Long wait': { Type: 'Wait', Seconds: 86400, End: true } },
  },
};
