/**
 * An execution history (GetExecutionHistory events) as a timeline of steps: each state entered,
 * when, for how long, how it ended, its error and cause, how many attempts its task took, and
 * the nested execution a `states:startExecution` task ran. Pure: no AWS calls here.
 *
 * Task events (TaskScheduled ... TaskSucceeded) carry no state name. AWS links them to their
 * state through `previousEventId`; the local sandbox numbers events in order, so when that link
 * does not fit, an event goes to the open task step in the matching phase, with parallel builds
 * told apart by the values of their parameters (e.g. the CodeBuild project name).
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { summariseBeanstalkStatus } from '../../functions/notifier/cause-text';
import { approvalLinksIn } from '../live-log';

export type StepStatus = 'running' | 'waiting' | 'succeeded' | 'failed' | 'aborted';

export interface Step {
  /** Unique within the execution: the id of the `...StateEntered` event. */
  id: number;
  name: string;
  /** Task, Parallel, Map, Wait, Pass, Choice, Succeed, Fail. */
  type: string;
  enteredAt: Date;
  endedAt?: Date;
  status: StepStatus;
  error?: string;
  cause?: string;
  /** Task attempts (2 or more: it was retried). */
  attempts: number;
  /** Parallel or Map steps this one sits inside. */
  depth: number;
  /** The run's attempt the step belongs to: 1 (or absent), then 2 after the first ExecutionRedriven, ... */
  run?: number;
  /** Resource of its task, e.g. `codebuild` / `startBuild.sync`. */
  resourceType?: string;
  resource?: string;
  /** The execution a `states:startExecution` task started. */
  childExecutionArn?: string;
  /** A waiting approval's deadline (ISO) and link, from the task's parameters. */
  waitingUntil?: string;
  approveUrl?: string;
  /** A CodeBuild task's exported variables (name -> value), from its build in the result or cause. */
  exported?: Record<string, string>;
}

export interface Timeline {
  steps: Step[];
  startedAt?: Date;
  endedAt?: Date;
  /** RUNNING until an Execution{Succeeded,Failed,Aborted,TimedOut} event. */
  status: string;
  error?: string;
  cause?: string;
  input?: string;
  output?: string;
  /** Each RedriveExecution of the run: when, and the attempt it started (2 for the first redrive). */
  redrives?: { at: Date; run: number }[];
}

/** Where a task step is: `failed` = an attempt failed (a retry may follow), `done` = awaiting its exit. */
type Phase = 'none' | 'scheduled' | 'started' | 'submitted' | 'failed' | 'done';

interface OpenStep extends Step {
  phase: Phase;
  parameters?: string;
  tokenWait: boolean;
}

const TERMINAL: Record<string, StepStatus | 'timed-out'> = {
  ExecutionSucceeded: 'succeeded',
  ExecutionFailed: 'failed',
  ExecutionAborted: 'aborted',
  ExecutionTimedOut: 'timed-out',
};

const EXECUTION_STATUS: Record<string, string> = {
  ExecutionSucceeded: 'SUCCEEDED',
  ExecutionFailed: 'FAILED',
  ExecutionAborted: 'ABORTED',
  ExecutionTimedOut: 'TIMED_OUT',
};

/** The details object of an event (`taskFailedEventDetails`, `stateEnteredEventDetails`, ...). */
function details(event: HistoryEvent): Record<string, unknown> {
  for (const [key, value] of Object.entries(event))
    if (key.endsWith('EventDetails') && value && typeof value === 'object')
      return value as Record<string, unknown>;
  return {};
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const time = (event: HistoryEvent): Date =>
  event.timestamp instanceof Date ? event.timestamp : new Date(Number(event.timestamp ?? 0) * 1000);

/** String values of a JSON text (for telling parallel tasks apart), 6+ characters long. */
function distinctValues(json: string | undefined): string[] {
  if (!json) return [];
  const out: string[] = [];
  const walk = (value: unknown) => {
    if (typeof value === 'string' && value.length >= 6) out.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  try {
    walk(JSON.parse(json));
  } catch {
    return [];
  }
  return out;
}

/**
 * `Build.ExportedEnvironmentVariables` of a codebuild:startBuild.sync result or failure cause (the
 * build as BatchGetBuilds describes it, keys in PascalCase: CodeBuild API reference, Build and
 * ExportedEnvironmentVariable).
 */
function exportedIn(text: string | undefined): Record<string, string> | undefined {
  if (!text?.startsWith('{')) return undefined;
  try {
    const build = (JSON.parse(text) as { Build?: { ExportedEnvironmentVariables?: unknown } }).Build;
    const list = build?.ExportedEnvironmentVariables;
    if (!Array.isArray(list)) return undefined;
    const out: Record<string, string> = {};
    for (const item of list as { Name?: unknown; Value?: unknown }[])
      if (typeof item?.Name === 'string' && typeof item.Value === 'string') out[item.Name] = item.Value;
    return out;
  } catch {
    return undefined;
  }
}

/** The nested execution ARN in a startExecution task's output or cause. */
function executionArnIn(text: string | undefined): string | undefined {
  return text
    ? /arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+/.exec(text)?.[0]
    : undefined;
}

/** Builds the timeline of one execution from its events (oldest first, as GetExecutionHistory returns them). */
export function buildTimeline(events: readonly HistoryEvent[]): Timeline {
  const timeline: Timeline = { steps: [], status: 'RUNNING', redrives: [] };
  const owner = new Map<number, OpenStep>();
  const open: OpenStep[] = [];
  const containers: OpenStep[] = [];

  const close = (step: OpenStep, at: Date, status: StepStatus) => {
    step.endedAt ??= at;
    step.status = status;
    step.phase = 'done';
    const index = open.indexOf(step);
    if (index >= 0) open.splice(index, 1);
    const container = containers.indexOf(step);
    if (container >= 0) {
      containers.splice(container, 1);
      // Branch states left open when a branch failed or was cancelled end with their container.
      for (const inner of [...open])
        if (inner.depth > step.depth && inner.enteredAt >= step.enteredAt)
          close(
            inner,
            at,
            inner.status === 'failed' ? 'failed' : status === 'succeeded' ? 'succeeded' : 'aborted',
          );
    }
  };

  // AWS links each event to its cause; a history numbered strictly in order (the sandbox's) does not.
  const causal = events.some((e, i) => i > 0 && e.previousEventId !== events[i - 1]!.id);
  const linked = (event: HistoryEvent): OpenStep | undefined => {
    const step = causal && event.previousEventId !== undefined ? owner.get(event.previousEventId) : undefined;
    return step && open.includes(step) ? step : undefined;
  };

  /** The open task step a task event belongs to. */
  const taskStepFor = (
    event: HistoryEvent,
    index: number,
    wanted: readonly Phase[],
    info: Record<string, unknown>,
    terminal = false,
  ): OpenStep | undefined => {
    const lambda = event.type!.startsWith('LambdaFunction');
    const fits = (s: OpenStep) =>
      s.type === 'Task' &&
      wanted.includes(s.phase) &&
      (lambda
        ? s.resourceType === undefined || s.resourceType === 'lambda'
        : info.resourceType === undefined ||
          s.resourceType === undefined ||
          (s.resourceType === info.resourceType && s.resource === info.resource));
    const viaLink = linked(event);
    if (viaLink && fits(viaLink)) return viaLink;
    const candidates = open.filter(fits);
    if (candidates.length > 1 && terminal) {
      // A failure names its task in the cause (e.g. the CodeBuild project): match on that first.
      const text = `${str(info.cause) ?? ''}${str(info.output) ?? ''}`;
      const byValue = candidates.find((c) =>
        distinctValues(c.parameters).some(
          (v) =>
            text.includes(v) && candidates.every((o) => o === c || !distinctValues(o.parameters).includes(v)),
        ),
      );
      // A success is followed by its state's exit: the next candidate to exit is the one.
      let byExit: OpenStep | undefined;
      for (const later of events.slice(index + 1)) {
        const name = /StateExited$/.test(later.type ?? '') ? str(details(later).name) : undefined;
        byExit = name === undefined ? undefined : candidates.find((c) => c.name === name);
        if (byExit) break;
      }
      const succeeded = (event.type ?? '').endsWith('Succeeded');
      const chosen = succeeded ? (byExit ?? byValue) : (byValue ?? byExit);
      if (chosen) return chosen;
    }
    return candidates[0];
  };

  for (const [index, event] of events.entries()) {
    const type: string = event.type ?? '';
    const info = details(event);
    const at = time(event);

    if (type === 'ExecutionStarted') {
      timeline.startedAt = at;
      const input = str(info.input);
      if (input !== undefined) timeline.input = input;
      continue;
    }
    if (type === 'ExecutionRedriven') {
      // RedriveExecution appends the next attempt to the same history, after the previous end
      // (HistoryEvent type ExecutionRedriven, Step Functions API reference): running again.
      timeline.status = 'RUNNING';
      (timeline.redrives ??= []).push({ at, run: timeline.redrives.length + 2 });
      delete timeline.endedAt;
      delete timeline.error;
      delete timeline.cause;
      delete timeline.output;
      continue;
    }
    if (type in TERMINAL) {
      timeline.endedAt = at;
      timeline.status = EXECUTION_STATUS[type] ?? 'FAILED';
      const error = str(info.error);
      const cause = str(info.cause);
      if (error !== undefined) timeline.error = error;
      if (cause !== undefined) timeline.cause = cause;
      const output = str(info.output);
      if (output !== undefined) timeline.output = output;
      // A Fail state's error is only told by the execution's end.
      const last = timeline.steps[timeline.steps.length - 1];
      if (last?.type === 'Fail' && last.error === undefined) {
        if (error !== undefined) last.error = error;
        if (cause !== undefined) last.cause = cause;
      }
      const leftover =
        TERMINAL[type] === 'succeeded' ? 'succeeded' : TERMINAL[type] === 'aborted' ? 'aborted' : 'failed';
      for (const step of [...open]) close(step, at, step.status === 'failed' ? 'failed' : leftover);
      continue;
    }

    const entered = /^(\w+?)StateEntered$/.exec(type);
    if (entered) {
      const stateType = entered[1]!;
      const step: OpenStep = {
        id: event.id ?? timeline.steps.length + 1,
        name: str(info.name) ?? '?',
        type: stateType,
        enteredAt: at,
        status: 'running',
        attempts: 0,
        depth: containers.length,
        run: (timeline.redrives?.length ?? 0) + 1,
        phase: 'none',
        tokenWait: false,
      };
      timeline.steps.push(step);
      owner.set(event.id ?? -1, step);
      open.push(step);
      if (stateType === 'Parallel' || stateType === 'Map') containers.push(step);
      if (stateType === 'Fail') close(step, at, 'failed');
      if (stateType === 'Succeed') close(step, at, 'succeeded');
      continue;
    }
    const exited = /^(\w+?)StateExited$/.exec(type);
    if (exited) {
      const name = str(info.name);
      const step = [...open].reverse().find((s) => s.name === name);
      if (step) {
        owner.set(event.id ?? -1, step);
        // A task whose last attempt failed and was caught exits too: it still failed.
        close(
          step,
          step.phase === 'failed' ? (step.endedAt ?? at) : at,
          step.phase === 'failed' ? 'failed' : 'succeeded',
        );
      }
      continue;
    }
    const aborted = /^(\w+?)StateAborted$/.exec(type);
    if (aborted) {
      const name = str(info.name);
      const step = [...open].reverse().find((s) => s.name === name) ?? linked(event);
      if (step) close(step, at, 'aborted');
      continue;
    }
    if (type === 'ParallelStateFailed' || type === 'MapStateFailed') {
      const container = containers[containers.length - 1];
      if (container) {
        const error = str(info.error);
        const cause = str(info.cause);
        if (error !== undefined) container.error = error;
        if (cause !== undefined) container.cause = cause;
        close(container, at, 'failed');
      }
      continue;
    }

    switch (type) {
      case 'TaskScheduled':
      case 'LambdaFunctionScheduled': {
        // A first attempt before a retry: retries come after a backoff, when the others are scheduled.
        const step = taskStepFor(event, index, ['none'], {}) ?? taskStepFor(event, index, ['failed'], {});
        if (!step) break;
        owner.set(event.id ?? -1, step);
        step.attempts += 1;
        step.phase = 'scheduled';
        step.status = 'running';
        delete step.error;
        delete step.cause;
        step.resourceType = str(info.resourceType) ?? 'lambda';
        const resource = str(info.resource);
        if (resource !== undefined)
          step.resource =
            type === 'LambdaFunctionScheduled' ? (resource.split(':').pop() ?? resource) : resource;
        const parameters = str(info.parameters) ?? str(info.input);
        if (parameters !== undefined) step.parameters = parameters;
        step.tokenWait = (step.resource ?? '').endsWith('.waitForTaskToken');
        break;
      }
      case 'TaskStarted':
      case 'LambdaFunctionStarted':
      case 'TaskSubmitted': {
        const step = taskStepFor(
          event,
          index,
          type === 'TaskSubmitted' ? ['started', 'scheduled'] : ['scheduled'],
          info,
        );
        if (!step) break;
        owner.set(event.id ?? -1, step);
        step.phase = type === 'TaskSubmitted' ? 'submitted' : 'started';
        if (type === 'TaskSubmitted' && step.tokenWait) {
          step.status = 'waiting';
          const links = approvalLinksIn(step.parameters);
          if (links?.expiresAt) step.waitingUntil = links.expiresAt;
          if (links) step.approveUrl = links.approveUrl;
        }
        const child = step.resourceType === 'states' ? executionArnIn(str(info.output)) : undefined;
        if (child) step.childExecutionArn = child;
        break;
      }
      case 'TaskSucceeded':
      case 'LambdaFunctionSucceeded':
      case 'TaskFailed':
      case 'LambdaFunctionFailed':
      case 'LambdaFunctionStartFailed':
      case 'TaskStartFailed':
      case 'TaskSubmitFailed':
      case 'TaskTimedOut':
      case 'LambdaFunctionTimedOut': {
        const step = taskStepFor(event, index, ['scheduled', 'started', 'submitted'], info, true);
        if (!step) break;
        owner.set(event.id ?? -1, step);
        step.phase = type.endsWith('Succeeded') ? 'done' : 'failed';
        if (step.resourceType === 'states') {
          const child = executionArnIn(str(info.output) ?? str(info.cause));
          if (child) step.childExecutionArn ??= child;
        }
        if (step.resourceType === 'codebuild') {
          const exported = exportedIn(str(info.output) ?? str(info.cause));
          if (exported) step.exported = exported;
        }
        if (type.endsWith('Succeeded')) {
          step.status = 'running';
        } else {
          step.status = 'failed';
          step.endedAt = at;
          const error = str(info.error);
          const cause = str(info.cause);
          if (error !== undefined) step.error = error;
          if (cause !== undefined) step.cause = cause;
        }
        break;
      }
      default:
        break;
    }
  }
  // Internal bookkeeping stays inside this module.
  timeline.steps = timeline.steps.map((s) => publicStep(s as OpenStep));
  return timeline;
}

/** A step without the parser's bookkeeping (phase, parameters, token flag). */
function publicStep(open: OpenStep): Step {
  const step: Step = {
    id: open.id,
    name: open.name,
    type: open.type,
    enteredAt: open.enteredAt,
    status: open.status,
    attempts: open.attempts,
    depth: open.depth,
    // Only a redriven run's later attempts carry it: absent means the first attempt.
    ...(open.run !== undefined && open.run > 1 && { run: open.run }),
  };
  for (const key of [
    'endedAt',
    'error',
    'cause',
    'resourceType',
    'resource',
    'childExecutionArn',
    'waitingUntil',
    'approveUrl',
    'exported',
  ] as const) {
    if (open[key] !== undefined) Object.assign(step, { [key]: open[key] });
  }
  return step;
}

/** A one-line, readable summary of an error cause (Lambda JSON, nested execution, CodeBuild build). */
export function summarizeCause(cause: string | undefined, max = 160): string | undefined {
  if (!cause) return undefined;
  let text = cause;
  try {
    const parsed = JSON.parse(cause) as Record<string, unknown>;
    if (typeof parsed.errorMessage === 'string') text = parsed.errorMessage;
    else if (typeof parsed.Error === 'string')
      text = `${parsed.Error}${typeof parsed.Cause === 'string' ? `: ${summarizeCause(parsed.Cause, max) ?? ''}` : ''}`;
    else if (parsed.Build && typeof parsed.Build === 'object') {
      const build = parsed.Build as {
        BuildStatus?: string;
        ProjectName?: string;
        Phases?: { PhaseType?: string; PhaseStatus?: string }[];
      };
      const failed = build.Phases?.find((p) => p.PhaseStatus && p.PhaseStatus !== 'SUCCEEDED');
      text =
        `build ${build.ProjectName ?? ''} ${build.BuildStatus ?? 'FAILED'}${failed?.PhaseType ? ` in phase ${failed.PhaseType}` : ''}`.replace(
          /\s+/g,
          ' ',
        );
    }
  } catch {
    // Not JSON: the cause is already text.
  }
  // The Beanstalk sub-workflow's "Environment Ready, health Green. Newest events: [...]" reads like
  // success after a reverted canary: lead with the failure, as the Slack notice does.
  const line = (summariseBeanstalkStatus(text) ?? text).replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 3)}...` : line;
}
