/**
 * Reads an execution's history (GetExecutionHistory events, any order) and says what an operator
 * needs first: which step failed, with which error and cause, and what was rolled back. Pure:
 * no AWS client here (history.ts fetches the events).
 *
 * The pipelines' state names read as a checklist ("Deploy", "Verify", "Roll back to last good
 * version", "Release deploy lock", ...) and their Fail states end with an error from ErrorNames,
 * which is what the rollback judgement keys on.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { ErrorNames } from '../commons/types/tasks';
import { summariseCause } from './cause-text';
import type { FailureStatus } from './status-event';

/** A task error that was not retried away. */
export interface StepFailure {
  state: string | null;
  error: string | null;
  cause: string | null;
}

export type RollbackOutcome =
  /** The run failed before anything in production changed. */
  | 'not-needed'
  /** Something may have changed but no rollback state ran. */
  | 'not-run'
  /** Rolled back to the last good version and the rollback held. */
  | 'held'
  /** The rollback itself failed: the target may be on a broken version. */
  | 'failed'
  /** Elastic Beanstalk moved canary traffic back by itself. */
  | 'reverted-by-beanstalk'
  /** The run timed out or was stopped while rolling back. */
  | 'interrupted';

export interface RollbackSummary {
  outcome: RollbackOutcome;
  /** Rollback states entered, in order. */
  states: string[];
  /** Version label or commit rolled back to, when the rollback task's parameters said so. */
  target: string | null;
  /** EC2 instances the rollback covered, when the parameters listed them. */
  instanceCount: number | null;
  /** The failure inside the rollback, when it failed. */
  failure: StepFailure | null;
}

export interface FailureAnalysis {
  status: FailureStatus;
  /** The step the operator should look at first. */
  failedStep: string | null;
  /** The execution's error (a Fail state's error name, States.Timeout, ...). */
  error: string | null;
  cause: string | null;
  /** The task failure that started it all, when there was one. */
  taskFailure: StepFailure | null;
  rollback: RollbackSummary;
}

/** Errors of runs that stop before the deploy step: production was not touched. */
const PRE_DEPLOY_ERRORS = new Set<string>([
  ErrorNames.BuildFailed,
  ErrorNames.TestsFailed,
  ErrorNames.ScanFailed,
  ErrorNames.HealthGateFailed,
  ErrorNames.ApprovalExpired,
  ErrorNames.ApprovalRejected,
  ErrorNames.TargetNotFound,
  ErrorNames.TargetUnhealthy,
  ErrorNames.Config,
]);

const ROLLBACK_STATE = /roll(?:ing)?[ -]?back/i;
/** States of the failure path (rollback, history, lock release): never "the failed step". */
const CLEANUP_STATE =
  /roll(?:ing)?[ -]?back|last good|release (?:the )?(?:deploy )?lock|record\b.*\b(?:outcome|result)|notify|clean ?up/i;
const CHANGING_STATE = /^(?:deploy|verify|smoke|roll|canary)/i;
/** Pass/Choice states the pipeline names after what happened to the target (deploy sub-workflows roll back inside). */
const ROLLED_BACK_STATE = /\brolled back\b/i;
const ROLLBACK_FAILED_STATE = /rollback (?:failed|did not complete)|no (?:version|instances?) to roll back/i;
const UNCHANGED_STATE = /target unchanged|nothing to roll back/i;
/** Event types whose details carry {error, cause} for a failed unit of work. */
const FAILURE_TYPES = new Set([
  'TaskFailed',
  'TaskTimedOut',
  'TaskStartFailed',
  'TaskSubmitFailed',
  'LambdaFunctionFailed',
  'LambdaFunctionTimedOut',
  'LambdaFunctionStartFailed',
  'LambdaFunctionScheduleFailed',
  'ActivityFailed',
  'ActivityTimedOut',
  'ActivityScheduleFailed',
  'EvaluationFailed',
]);
const WORK_STATE_TYPES = new Set([
  'TaskStateEntered',
  'ParallelStateEntered',
  'MapStateEntered',
  'WaitStateEntered',
]);

type Details = { error?: string; cause?: string; name?: string; parameters?: string; input?: string };

/** `TaskFailed` -> `taskFailedEventDetails`. */
function detailsOf(event: HistoryEvent): Details | undefined {
  if (!event.type) return undefined;
  if (event.type.endsWith('StateEntered')) return event.stateEnteredEventDetails as Details | undefined;
  const key = `${event.type[0]!.toLowerCase()}${event.type.slice(1)}EventDetails`;
  return (event as unknown as Record<string, unknown>)[key] as Details | undefined;
}

/**
 * A failed sub-workflow (startExecution.sync) surfaces as `States.TaskFailed` with the child's
 * DescribeExecution as the cause: its own error name (CanaryReverted, RollbackFailed, ...) says more.
 */
function effectiveError(error: string | undefined, cause: string | undefined): string | null {
  if (error === 'States.TaskFailed') return summariseCause(cause)?.errorType ?? error;
  return error ?? null;
}

class History {
  readonly events: HistoryEvent[];
  private readonly byId = new Map<number, HistoryEvent>();
  private readonly retried = new Set<number>();

  constructor(events: readonly HistoryEvent[]) {
    this.events = [...events].sort((a, b) => (a.id ?? 0) - (b.id ?? 0));
    for (const event of this.events) {
      if (event.id !== undefined) this.byId.set(event.id, event);
      // A retry schedules the task again with previousEventId pointing at the failure.
      if (event.type?.endsWith('Scheduled') && event.previousEventId !== undefined)
        this.retried.add(event.previousEventId);
    }
  }

  /** Name of the state an event belongs to: follow previousEventId up to its StateEntered. */
  stateOf(event: HistoryEvent): string | null {
    let current: HistoryEvent | undefined = event;
    for (let hops = 0; current && hops < 50; hops += 1) {
      if (current.type?.endsWith('StateEntered')) return detailsOf(current)?.name ?? null;
      current = current.previousEventId ? this.byId.get(current.previousEventId) : undefined;
    }
    // Fall back to the last state entered before the event.
    const before = this.events.filter(
      (e) => (e.id ?? 0) < (event.id ?? 0) && e.type?.endsWith('StateEntered'),
    );
    const last = before.at(-1);
    return last ? (detailsOf(last)?.name ?? null) : null;
  }

  /** Task failures that no Retry recovered, in order. */
  terminalFailures(): (StepFailure & { id: number })[] {
    return this.events
      .filter((e) => e.type && FAILURE_TYPES.has(e.type) && !this.retried.has(e.id ?? -1))
      .map((e) => {
        const details = detailsOf(e);
        return {
          id: e.id ?? 0,
          state: this.stateOf(e),
          error: effectiveError(details?.error, details?.cause),
          cause: details?.cause ?? null,
        };
      });
  }

  /**
   * The events that led to `end`, newest first: `end`, the event it names as previousEventId, and
   * so on back to the start. Step Functions chains previousEventId causally (each Parallel branch
   * and Map iteration on its own chain; API reference, HistoryEvent), so this is the path that
   * failed, without the events of branches that did not.
   */
  ancestry(end: HistoryEvent): HistoryEvent[] {
    const path: HistoryEvent[] = [];
    const seen = new Set<number>();
    let current: HistoryEvent | undefined = end;
    while (current && current.id !== undefined && !seen.has(current.id)) {
      seen.add(current.id);
      path.push(current);
      current = current.previousEventId ? this.byId.get(current.previousEventId) : undefined;
    }
    return path;
  }

  /** The event that ended the run (ExecutionFailed, ...), else the newest event. */
  end(): HistoryEvent | undefined {
    return (
      this.events.findLast(
        (e) =>
          e.type === 'ExecutionFailed' || e.type === 'ExecutionTimedOut' || e.type === 'ExecutionAborted',
      ) ?? this.events.at(-1)
    );
  }

  /** Whether a failure event was retried away (a later attempt was scheduled from it). */
  wasRetried(event: HistoryEvent): boolean {
    return this.retried.has(event.id ?? -1);
  }

  /** Names of states entered, in order (with the event ids). */
  entered(): { id: number; type: string; name: string }[] {
    return this.events
      .filter((e) => e.type?.endsWith('StateEntered'))
      .map((e) => ({ id: e.id ?? 0, type: e.type ?? '', name: detailsOf(e)?.name ?? '' }));
  }

  terminal(): { error: string | null; cause: string | null } {
    const end = this.events.findLast(
      (e) => e.type === 'ExecutionFailed' || e.type === 'ExecutionTimedOut' || e.type === 'ExecutionAborted',
    );
    const details = end ? detailsOf(end) : undefined;
    return { error: details?.error ?? null, cause: details?.cause ?? null };
  }

  /** Parameters of the tasks scheduled in the given states (JSON-parsed, unparsable skipped). */
  scheduledParameters(states: ReadonlySet<string>): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    for (const event of this.events) {
      if (!event.type?.endsWith('Scheduled')) continue;
      const state = this.stateOf(event);
      if (!state || !states.has(state)) continue;
      const raw =
        event.taskScheduledEventDetails?.parameters ?? event.lambdaFunctionScheduledEventDetails?.input;
      try {
        const value = raw ? (JSON.parse(raw) as unknown) : null;
        if (typeof value === 'object' && value !== null) out.push(value as Record<string, unknown>);
      } catch {
        // Parameters are for display only; an unreadable one is skipped.
      }
    }
    return out;
  }
}

function asRecord(value: unknown): Record<string, unknown> | null {
  if (typeof value === 'string') {
    try {
      return asRecord(JSON.parse(value) as unknown);
    } catch {
      return null;
    }
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

/** Where a rollback went, from the rollback tasks' parameters (`Payload` for lambda:invoke, `Input` for sub-workflows). */
function rollbackTarget(parameters: Record<string, unknown>[]): {
  target: string | null;
  instanceCount: number | null;
} {
  for (const p of parameters) {
    // lambda:invoke puts the event under Payload; startExecution under Input (rollbackTo: {versionLabel, commitSha}).
    const outer = asRecord(p.Payload) ?? asRecord(p.Input) ?? p;
    const payload = { ...outer, ...asRecord(outer.rollbackTo) };
    const version = typeof payload.versionLabel === 'string' ? payload.versionLabel : null;
    const commit = typeof payload.commitSha === 'string' ? payload.commitSha.slice(0, 7) : null;
    const instances = Array.isArray(payload.instanceIds) ? payload.instanceIds.length : null;
    if (version || commit || instances !== null)
      return { target: version ?? (commit ? `commit ${commit}` : null), instanceCount: instances };
  }
  return { target: null, instanceCount: null };
}

function judgeRollback(
  history: History,
  status: FailureStatus,
  error: string | null,
  failures: readonly StepFailure[],
): RollbackSummary {
  const entered = history.entered();
  const states = [
    ...new Set(
      entered.filter((s) => WORK_STATE_TYPES.has(s.type) && ROLLBACK_STATE.test(s.name)).map((s) => s.name),
    ),
  ];
  const { target, instanceCount } = rollbackTarget(history.scheduledParameters(new Set(states)));
  const found = failures.find((f) => f.state && ROLLBACK_STATE.test(f.state));
  const failure = found ? { state: found.state, error: found.error, cause: found.cause } : null;
  const base = { states, target, instanceCount, failure };

  const named = (pattern: RegExp) => entered.some((s) => pattern.test(s.name));
  if (error === ErrorNames.CanaryReverted) return { ...base, outcome: 'reverted-by-beanstalk' };
  if (error === ErrorNames.RollbackFailed || failure || named(ROLLBACK_FAILED_STATE))
    return { ...base, outcome: 'failed' };
  if (named(ROLLED_BACK_STATE)) return { ...base, outcome: 'held' };
  if (states.length > 0) {
    const last = entered.filter((s) => s.type !== 'FailStateEntered').at(-1);
    if (status !== 'FAILED' && last && ROLLBACK_STATE.test(last.name))
      return { ...base, outcome: 'interrupted' };
    return { ...base, outcome: 'held' };
  }
  if (error === ErrorNames.VerifyFailedRolledBack) return { ...base, outcome: 'held' };
  if (named(UNCHANGED_STATE)) return { ...base, outcome: 'not-needed' };
  if ((error && PRE_DEPLOY_ERRORS.has(error)) || !entered.some((s) => CHANGING_STATE.test(s.name)))
    return { ...base, outcome: 'not-needed' };
  return { ...base, outcome: 'not-run' };
}

/**
 * The failure that made the run fail: walking back from the end along previousEventId, the
 * nearest task failure that no Retry recovered and that is not part of the cleanup path (a failed
 * rollback or lock release is reported under "rollback", not as the failed step).
 */
function failureInAncestry(history: History): (StepFailure & { id: number }) | undefined {
  const end = history.end();
  if (!end) return undefined;
  for (const event of history.ancestry(end)) {
    if (!event.type || !FAILURE_TYPES.has(event.type) || history.wasRetried(event)) continue;
    const state = history.stateOf(event);
    if (state && CLEANUP_STATE.test(state)) continue;
    const details = detailsOf(event);
    return {
      id: event.id ?? 0,
      state,
      error: effectiveError(details?.error, details?.cause),
      cause: details?.cause ?? null,
    };
  }
  return undefined;
}

/**
 * The step to show: the failure in the end's ancestry, else the nearest work state on that path
 * before the cleanup began, else (a history without causal links) the last work state entered
 * before the cleanup.
 */
function pickFailedStep(history: History, primary: StepFailure | undefined): string | null {
  if (primary?.state) return primary.state;
  const end = history.end();
  const onPath = end
    ? history
        .ancestry(end)
        .filter((e) => e.type && WORK_STATE_TYPES.has(e.type))
        .map((e) => detailsOf(e)?.name ?? '')
        .find((name) => name && !CLEANUP_STATE.test(name))
    : undefined;
  if (onPath) return onPath;
  const entered = history.entered();
  const firstCleanup = entered.find((s) => CLEANUP_STATE.test(s.name));
  const before = entered.filter(
    (s) =>
      WORK_STATE_TYPES.has(s.type) &&
      !CLEANUP_STATE.test(s.name) &&
      (!firstCleanup || s.id < firstCleanup.id),
  );
  return before.at(-1)?.name ?? entered.findLast((s) => s.type === 'FailStateEntered')?.name ?? null;
}

/** Analyses a failed, timed-out or aborted execution's history. */
export function analyseFailure(
  status: FailureStatus,
  events: readonly HistoryEvent[],
  fallback: { error?: string | null; cause?: string | null } = {},
): FailureAnalysis {
  const history = new History(events);
  const terminal = history.terminal();
  const error = terminal.error ?? fallback.error ?? null;
  const cause = terminal.cause ?? fallback.cause ?? null;
  const failures = history.terminalFailures();
  const primary =
    (status === 'FAILED' ? failureInAncestry(history) : undefined) ??
    failures.find((f) => !f.state || !ROLLBACK_STATE.test(f.state)) ??
    failures[0];
  const rollback = judgeRollback(history, status, error, failures);

  let failedStep: string | null;
  if (status === 'FAILED') {
    failedStep = pickFailedStep(history, primary);
  } else {
    // Timed out or stopped: the step that was running at the time.
    failedStep =
      history
        .entered()
        .filter((s) => WORK_STATE_TYPES.has(s.type))
        .at(-1)?.name ?? null;
  }
  const taskFailure = primary ? { state: primary.state, error: primary.error, cause: primary.cause } : null;
  return { status, failedStep, error, cause, taskFailure, rollback };
}
