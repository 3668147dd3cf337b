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
      failedStep: 'Check deploy status',
      error: 'CanaryReverted',
      taskError: null,
      rollback: 'reverted-by-beanstalk',
    },
  ],
  [
    'verify-failed-rolled-back',
    {
      status: 'FAILED',
      failedStep: 'Verify',
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
      failedStep: 'Check release status',
      error: 'DeployFailed',
      taskError: null,
      rollback: 'held',
      target: 'commit 1c0ffee',
      instanceCount: 1,
    },
  ],
  [
    'timed-out',
    {
      status: 'TIMED_OUT',
      failedStep: 'Bake',
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
    expect(analysis.taskFailure?.state).toBe('Verify');
  });

  test('a failing task inside the rollback makes the rollback "failed" and names the state', () => {
    // Prepare: make "Check rollback status" throw instead of returning a status.
    const events = loadHistoryEvents('verify-failed-rolled-back');
    const entered = events.find(
      (e) => e.type === 'TaskStateEntered' && e.stateEnteredEventDetails?.name === 'Check rollback status',
    )!;
    const succeeded = events.find((e) => e.type === 'TaskSucceeded' && (e.id ?? 0) > (entered.id ?? 0))!;
    Object.assign(succeeded, {
      type: 'TaskFailed',
      taskSucceededEventDetails: undefined,
      taskFailedEventDetails: {
        resourceType: 'lambda',
        resource: 'invoke',
        error: 'Lambda.Unknown',
        cause: 'The function timed out',
      },
    });
    const final = events.find((e) => e.type === 'ExecutionFailed')!;
    final.executionFailedEventDetails = { error: 'RollbackFailed', cause: 'rollback did not finish' };

    // Act
    const analysis = analyseFailure('FAILED', events);

    // Assess
    expect(analysis.failedStep).toBe('Verify');
    expect(analysis.rollback.outcome).toBe('failed');
    expect(analysis.rollback.failure).toEqual({
      state: 'Check rollback status',
      error: 'Lambda.Unknown',
      cause: 'The function timed out',
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
