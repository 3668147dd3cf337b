/**
 * Cleanup for a pipeline run that ended outside its own Catch paths: stopped (ABORTED), timed out
 * (TIMED_OUT) or killed by a runtime error (FAILED with an error that is not one of the pipeline's
 * Fail states, such as States.Runtime). Step Functions runs no state after StopExecution or a
 * States.Runtime error, so the run's "Release deploy lock" never ran: this releases the lock if,
 * and only if, that execution still holds it (a conditional write on the holder, as the lock task
 * does), and records the outcome in DeployHistory unless the run recorded one itself. The lease
 * stays the last resort when this cannot run.
 *
 * Source: "Automating Step Functions event delivery with EventBridge" (Step Functions developer
 * guide, https://docs.aws.amazon.com/step-functions/latest/dg/eventbridge-integration.html): every
 * execution status change, ABORTED and TIMED_OUT included, is emitted as a "Step Functions
 * Execution Status Change" event on the default bus, which is what the notifier's rule matches.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { ErrorNames } from '../commons/types/tasks';
import type { FailureStatus } from './status-event';

/** Fail states of the pipeline: a run that ended in one of them already ran its cleanup path. */
const CLEANED_UP_ERRORS = new Set<string>([
  ErrorNames.BuildFailed,
  ErrorNames.TestsFailed,
  ErrorNames.ScanFailed,
  ErrorNames.HealthGateFailed,
  ErrorNames.ApprovalExpired,
  ErrorNames.ApprovalRejected,
  ErrorNames.DeployFailed,
  ErrorNames.CanaryReverted,
  ErrorNames.VerifyFailedRolledBack,
  ErrorNames.RollbackFailed,
]);

/** What the cleanup did, for the notice and the logs. */
export interface CleanupReport {
  /** ABORTED: stopped; TIMED_OUT; FAILED: died on an error outside the Catch paths. */
  why: FailureStatus;
  /** The error the run died with (States.Runtime, States.Timeout, ...), when known. */
  error: string | null;
  targetKey: string | null;
  /**
   * released: this run held it and now does not; not-held: it held nothing (or no longer); failed:
   * see lockError; redriven: the run was redriven before this cleanup ran, so it was left alone
   * (its attempt holds or asks for the lock itself).
   */
  lock: 'released' | 'not-held' | 'failed' | 'redriven';
  lockError?: string;
  /** recorded: the outcome was written now; already: the run had recorded it; failed: see historyError. */
  outcome: 'recorded' | 'already' | 'failed';
  historyError?: string;
}

/** The side effects a cleanup needs (DynamoDB in production, fakes in tests). */
export interface CleanupActions {
  /** Releases the target's lock if `executionArn` holds it; answers whether it did. */
  releaseLock(pipeline: string, executionArn: string): Promise<{ released: boolean; targetKey: string }>;
  /** Records a failed outcome unless one is already there; answers whether it wrote. */
  recordOutcomeIfOpen(
    pipeline: string,
    executionArn: string,
    outcome: { error: string; cause: string },
  ): Promise<boolean>;
}

/** True when the run ended without going through its own cleanup path. */
export function diedOutsideCatch(status: FailureStatus, error: string | null): boolean {
  if (status !== 'FAILED') return true;
  return !error || !CLEANED_UP_ERRORS.has(error);
}

const WHY_TEXT: Record<FailureStatus, string> = {
  ABORTED: 'stopped (StopExecution) before its cleanup ran',
  TIMED_OUT: 'timed out before its cleanup ran',
  FAILED: 'died outside its cleanup paths',
};

/**
 * Whether the run ever held the deploy lock: its "Acquire deploy lock" state exited with
 * `lock.status` "acquired" (history events as GetExecutionHistory returns them). A retried
 * notice then still says the lock was released, although the first attempt released it.
 */
export function everHeldLock(events: readonly HistoryEvent[]): boolean {
  return events.some((event) => {
    const details = event.stateExitedEventDetails;
    if (event.type !== 'TaskStateExited' || details?.name !== 'Acquire deploy lock') return false;
    try {
      const output = JSON.parse(details.output ?? 'null') as { lock?: { status?: unknown } } | null;
      return output?.lock?.status === 'acquired';
    } catch {
      return false;
    }
  });
}

/**
 * True when the execution was redriven after the attempt whose end is being handled: its history
 * (as GetExecutionHistory returns it) has an ExecutionRedriven event with a higher redriveCount
 * (HistoryEvent `executionRedrivenEventDetails.redriveCount`, Step Functions API reference). The
 * redriven attempt runs under the same execution ARN, so the lock it holds again must not be
 * released by the cleanup of the attempt before it.
 */
export function redrivenSince(events: readonly HistoryEvent[], redriveCount: number): boolean {
  return events.some(
    (event) =>
      event.type === 'ExecutionRedriven' &&
      (event.executionRedrivenEventDetails?.redriveCount ?? 0) > redriveCount,
  );
}

/** Runs the cleanup; never throws (each failure is reported in the result). */
export async function cleanUpDeadRun(
  run: {
    pipeline: string;
    executionArn: string;
    status: FailureStatus;
    error: string | null;
    /** From everHeldLock(history). */
    heldLock: boolean;
    /** From redrivenSince(history, the event's redriveCount): the run is going again. */
    redriven?: boolean;
  },
  actions: CleanupActions,
): Promise<CleanupReport> {
  const report: CleanupReport = {
    why: run.status,
    error: run.error,
    targetKey: null,
    lock: 'failed',
    outcome: 'failed',
  };
  if (run.redriven) return { ...report, lock: 'redriven', outcome: 'already' };
  try {
    const released = await actions.releaseLock(run.pipeline, run.executionArn);
    report.targetKey = released.targetKey;
    report.lock = released.released || run.heldLock ? 'released' : 'not-held';
  } catch (error) {
    report.lockError = (error as Error).message;
  }
  const errorName = run.error ?? (run.status === 'ABORTED' ? 'States.Aborted' : 'States.Timeout');
  try {
    const wrote = await actions.recordOutcomeIfOpen(run.pipeline, run.executionArn, {
      error: errorName,
      cause: `The run ${WHY_TEXT[run.status]}; the notifier released the deploy lock and recorded this outcome.`,
    });
    report.outcome = wrote ? 'recorded' : 'already';
  } catch (error) {
    report.historyError = (error as Error).message;
  }
  return report;
}

/** One line for the notice: what happened to the run and to its lock. */
export function cleanupText(report: CleanupReport): string {
  const what = `The run ${WHY_TEXT[report.why]}${report.error && report.why === 'FAILED' ? ` (${report.error})` : ''}.`;
  const target = report.targetKey ? ` on ${report.targetKey}` : '';
  if (report.lock === 'redriven')
    return `${what} It was redriven before its cleanup ran: its new attempt holds or asks for the deploy lock itself.`;
  const lock =
    report.lock === 'failed'
      ? ` The deploy lock${target} could NOT be released (${report.lockError ?? 'unknown error'}); it frees itself when its lease ends, or release it by hand.`
      : report.lock === 'released'
        ? ` The deploy lock${target} was released, so the next push can deploy.`
        : ' It held no deploy lock.';
  const history =
    report.outcome === 'recorded'
      ? ' The outcome was recorded in the deployment history.'
      : report.outcome === 'failed'
        ? ` The outcome could not be recorded (${report.historyError ?? 'unknown error'}).`
        : '';
  return `${what}${lock}${history}`;
}
