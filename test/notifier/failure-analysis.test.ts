import { analyseFailure, type RollbackOutcome } from '../../functions/notifier/failure-analysis';
import type { FailureStatus } from '../../functions/notifier/status-event';
import { loadHistoryEvents, type HistoryName } from './support/fixtures';

interface Expected {
  status: FailureStatus;
  failedStep: string;
  error: string;
  taskError: string | null;
  rollback: RollbackOutcome;
  target?: string | null;
  instanceCount?: number | null;
}

const cases: [HistoryName, Expected][] = [
  [
    'build-failed',
    {
      status: 'FAILED',
      failedStep: 'Build and unit tests',
      error: 'BuildFailed',
      taskError: 'States.TaskFailed',
      rollback: 'not-needed',
    },
  ],
  [
    'tests-failed',
    {
      status: 'FAILED',
      failedStep: 'Build and unit tests',
      error: 'TestsFailed',
      taskError: 'States.TaskFailed',
      rollback: 'not-needed',
    },
  ],
  [
    'scan-failed',
    {
      status: 'FAILED',
      failedStep: 'Dependency scan',
      error: 'VulnerabilitiesFound',
      taskError: 'States.TaskFailed',
      rollback: 'not-needed',
    },
  ],
  [
    'health-gate-failed',
    {
      status: 'FAILED',
      failedStep: 'Check target health',
      error: 'HealthGateFailed',
      taskError: 'TargetUnhealthyError',
      rollback: 'not-needed',
    },
  ],
  [
    'canary-reverted',
    {
      status: 'FAILED',
      failedStep: 'Deploy',
      error: 'CanaryReverted',
      taskError: 'CanaryReverted',
      rollback: 'reverted-by-beanstalk',
    },
  ],
  [
    'verify-failed-rolled-back',
    {
      status: 'FAILED',
      failedStep: 'Smoke test',
      error: 'VerifyFailedRolledBack',
      taskError: 'SmokeTestFailedError',
      rollback: 'held',
      target: 'retail-bank-8d41e07c2b9a',
    },
  ],
  [
    'rollback-failed',
    {
      status: 'FAILED',
      failedStep: 'Check alarms',
      error: 'RollbackFailed',
      taskError: 'AlarmTriggeredError',
      rollback: 'failed',
      target: 'commit 1c0ffee',
      instanceCount: 3,
    },
  ],
  [
    'approval-expired',
    {
      status: 'FAILED',
      failedStep: 'Wait for approval',
      error: 'ApprovalExpired',
      taskError: 'States.Timeout',
      rollback: 'not-needed',
    },
  ],
  [
    'approval-rejected',
    {
      status: 'FAILED',
      failedStep: 'Wait for approval',
      error: 'ApprovalRejected',
      taskError: 'ApprovalRejected',
      rollback: 'not-needed',
    },
  ],
  [
    'ssm-instance-failed',
    {
      status: 'FAILED',
      failedStep: 'Deploy',
      error: 'DeployFailed',
      taskError: 'DeployFailed',
      rollback: 'held',
      target: null,
      instanceCount: null,
    },
  ],
  [
    'timed-out',
    {
      status: 'TIMED_OUT',
      failedStep: 'Wait during bake',
      error: 'States.Timeout',
      taskError: null,
      rollback: 'not-run',
    },
  ],
  [
    'aborted',
    {
      status: 'ABORTED',
      failedStep: 'Wait for approval',
      error: 'Stopped',
      taskError: null,
      rollback: 'not-needed',
    },
  ],
];

describe('analyseFailure', () => {
  test.each(cases)('%s: failed step, error and rollback', (name, expected) => {
    // Prepare: the API hands the events newest first (reverseOrder).
    const events = loadHistoryEvents(name).reverse();

    // Act
    const analysis = analyseFailure(expected.status, events);

    // Assess
    expect(analysis.failedStep).toBe(expected.failedStep);
    expect(analysis.error).toBe(expected.error);
    expect(analysis.taskFailure?.error ?? null).toBe(expected.taskError);
    expect(analysis.rollback.outcome).toBe(expected.rollback);
    if (expected.target !== undefined) expect(analysis.rollback.target).toBe(expected.target);
    if (expected.instanceCount !== undefined)
      expect(analysis.rollback.instanceCount).toBe(expected.instanceCount);
  });

  test('a failure recovered by Retry is not the failed step', () => {
    // verify-failed-rolled-back has a Lambda.ServiceException on "Acquire deploy lock", retried successfully.
    const analysis = analyseFailure('FAILED', loadHistoryEvents('verify-failed-rolled-back'));
    expect(analysis.taskFailure?.state).toBe('Smoke test');
  });

  test('a failing task inside the rollback makes the rollback "failed" and names the state', () => {
    // Prepare: make "Verify the rollback" throw instead of passing.
    const events = loadHistoryEvents('verify-failed-rolled-back');
    const entered = events.find(
      (e) => e.type === 'TaskStateEntered' && e.stateEnteredEventDetails?.name === 'Verify the rollback',
    )!;
    const succeeded = events.find((e) => e.type === 'TaskSucceeded' && (e.id ?? 0) > (entered.id ?? 0))!;
    Object.assign(succeeded, {
      type: 'TaskFailed',
      taskSucceededEventDetails: undefined,
      taskFailedEventDetails: {
        resourceType: 'lambda',
        resource: 'invoke',
        error: 'SmokeTestFailedError',
        cause: 'still 503',
      },
    });
    const final = events.find((e) => e.type === 'ExecutionFailed')!;
    final.executionFailedEventDetails = {
      error: 'RollbackFailed',
      cause: 'rollback did not heal the target',
    };

    // Act
    const analysis = analyseFailure('FAILED', events);

    // Assess
    expect(analysis.failedStep).toBe('Smoke test');
    expect(analysis.rollback.outcome).toBe('failed');
    expect(analysis.rollback.failure).toEqual({
      state: 'Verify the rollback',
      error: 'SmokeTestFailedError',
      cause: 'still 503',
    });
  });

  test('a failed rollback sub-workflow reports its own error name', () => {
    const analysis = analyseFailure('FAILED', loadHistoryEvents('rollback-failed'));
    expect(analysis.rollback.failure).toMatchObject({
      state: 'Roll back to last good version',
      error: 'RollbackFailed',
    });
  });

  test('an empty history still yields the error and cause from the event', () => {
    const analysis = analyseFailure('FAILED', [], {
      error: 'States.Runtime',
      cause: 'An error occurred while executing the state',
    });
    expect(analysis).toMatchObject({
      failedStep: null,
      error: 'States.Runtime',
      cause: 'An error occurred while executing the state',
      taskFailure: null,
    });
  });
});
