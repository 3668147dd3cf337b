/**
 * A readable live log of every execution: states entered, succeeded and failed with their
 * simulated durations, task errors, and the end of each run with simulated and real time.
 */
import type { SimClock } from './clock';
import { realNow } from './clock';
import type { Execution } from './sfn/engine';
import type { HistoryEvent } from './sfn/history';

const DIM = '\u001b[2m';
const RED = '\u001b[31m';
const GREEN = '\u001b[32m';
const YELLOW = '\u001b[33m';
const RESET = '\u001b[0m';

/** `4m 02s`, `12s`, `1h 03m`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

const SILENT_STATES = new Set(['Pass', 'Choice']);

/** Links of a waiting approval, from a TaskScheduled event's parameters (lambda:invoke.waitForTaskToken). */
export function approvalLinksIn(
  parameters: unknown,
): { approveUrl: string; rejectUrl?: string; expiresAt?: string } | undefined {
  if (typeof parameters !== 'string') return undefined;
  try {
    // lambda:invoke wraps the payload in Payload; a history may also record the payload itself.
    const parsed = JSON.parse(parameters) as {
      Payload?: { links?: Record<string, unknown> };
      links?: Record<string, unknown>;
    };
    const links = (parsed.Payload ?? parsed).links;
    if (typeof links?.approveUrl !== 'string') return undefined;
    return {
      approveUrl: links.approveUrl,
      ...(typeof links.rejectUrl === 'string' && { rejectUrl: links.rejectUrl }),
      ...(typeof links.expiresAt === 'string' && { expiresAt: links.expiresAt }),
    };
  } catch {
    return undefined;
  }
}

export class LiveLog {
  private readonly entered = new Map<string, number>();
  private readonly realStart = new Map<string, number>();
  /**
   * Task states each execution is in, and the ones whose last attempt failed (caught, not ✓).
   * A task event is attributed only when one Task is open (parallel branches stay unmarked).
   */
  private readonly openTasks = new Map<string, Set<string>>();
  private readonly failedStates = new Set<string>();

  constructor(
    private readonly clock: SimClock,
    private readonly write: (line: string) => void,
    private readonly color = false,
  ) {}

  private paint(code: string, text: string): string {
    return this.color ? `${code}${text}${RESET}` : text;
  }

  private line(execution: Execution, symbol: string, text: string): void {
    const time = this.clock.date().toISOString().slice(11, 19);
    const who = execution.parentArn
      ? `  ${execution.stateMachine.name}`
      : execution.stateMachine.name.replace(/^deploy-/, '');
    this.write(`${this.paint(DIM, time)} ${who.padEnd(18)} ${symbol} ${text}`);
  }

  /** One history event of one execution. */
  onEvent(execution: Execution, event: HistoryEvent): void {
    const key = (name: string) => `${execution.arn}|${name}`;
    const details = Object.entries(event).find(([k]) => k.endsWith('EventDetails'))?.[1] as
      Record<string, unknown> | undefined;
    const name = String(details?.name ?? '');
    const stateType = event.type.replace(/State(Entered|Exited)$/, '');
    if (event.type === 'ExecutionStarted') {
      this.realStart.set(execution.arn, realNow());
      this.line(execution, this.paint(YELLOW, '▶'), `${execution.name} started`);
    } else if (event.type.endsWith('StateEntered')) {
      this.entered.set(key(name), event.timestamp.getTime());
      if (stateType === 'Task') {
        const open = this.openTasks.get(execution.arn) ?? new Set<string>();
        open.add(name);
        this.openTasks.set(execution.arn, open);
      }
      if (!SILENT_STATES.has(stateType) && stateType !== 'Succeed') this.line(execution, '…', name);
    } else if (event.type.endsWith('StateExited')) {
      const started = this.entered.get(key(name));
      this.entered.delete(key(name));
      // A Task whose last attempt failed exits through its Catch: that is not a success.
      const failed = this.failedStates.delete(key(name));
      this.openTasks.get(execution.arn)?.delete(name);
      if (!SILENT_STATES.has(stateType))
        this.line(
          execution,
          failed ? this.paint(RED, '✗') : this.paint(GREEN, '✓'),
          `${name}${started ? ` (${formatDuration(event.timestamp.getTime() - started)})` : ''}${failed ? ' - failed, caught' : ''}`,
        );
    } else if (event.type === 'TaskScheduled') {
      const links = approvalLinksIn(details?.parameters);
      if (links) this.waitingForApproval(execution, links);
    } else if (/^(Task|LambdaFunction)Succeeded$/.test(event.type)) {
      const current = this.soleTask(execution);
      if (current) this.failedStates.delete(key(current));
    } else if (/^(Task|LambdaFunction)(Failed|TimedOut)$|^LambdaFunctionStartFailed$/.test(event.type)) {
      const current = this.soleTask(execution);
      if (current) this.failedStates.add(key(current));
      const error = String(details?.error ?? '');
      const cause = String(details?.cause ?? '');
      let message = cause;
      try {
        const parsed = JSON.parse(cause) as {
          errorMessage?: string;
          Build?: { BuildStatus?: string };
          Error?: string;
          Cause?: string;
        };
        message =
          parsed.errorMessage ??
          (parsed.Build
            ? `build ${parsed.Build.BuildStatus}`
            : parsed.Error
              ? `${parsed.Error}: ${parsed.Cause ?? ''}`
              : cause);
      } catch {
        // plain text cause
      }
      this.line(
        execution,
        this.paint(RED, '✗'),
        `${error}${message ? `: ${message.replace(/\s+/g, ' ').slice(0, 160)}` : ''}`,
      );
    } else if (event.type === 'FailStateEntered') {
      this.line(execution, this.paint(RED, '✗'), name);
    } else if (/^Execution(Succeeded|Failed|Aborted|TimedOut)$/.test(event.type)) {
      const sim = formatDuration(event.timestamp.getTime() - execution.startDate.getTime());
      const real = ((realNow() - (this.realStart.get(execution.arn) ?? realNow())) / 1000).toFixed(1);
      const status = event.type.replace('Execution', '').toUpperCase();
      const ok = status === 'SUCCEEDED';
      const error = details?.error ? ` ${String(details.error)}` : '';
      this.line(
        execution,
        this.paint(ok ? GREEN : RED, '■'),
        `${execution.name} ${status}${error} in ${sim} simulated (${real} s real)`,
      );
      this.realStart.delete(execution.arn);
      this.openTasks.delete(execution.arn);
    }
  }

  private soleTask(execution: Execution): string | undefined {
    const open = this.openTasks.get(execution.arn);
    return open?.size === 1 ? [...open][0] : undefined;
  }

  /** A run starts waiting for a person: the deadline (simulated and real), the link and the commands. */
  private waitingForApproval(execution: Execution, links: { approveUrl: string; expiresAt?: string }): void {
    const expires = links.expiresAt ? Date.parse(links.expiresAt) : NaN;
    let deadline = '';
    if (Number.isFinite(expires)) {
      const left = expires - this.clock.now();
      const real = this.clock.toReal(left) / 1000;
      deadline = ` until ${new Date(expires).toISOString().slice(11, 19)} (${formatDuration(left)} simulated, about ${real < 120 ? `${Math.round(real)} s` : `${Math.round(real / 60)} min`} real at x${this.clock.speedup})`;
    }
    this.line(execution, this.paint(YELLOW, '⏸'), `waiting for approval${deadline}`);
    this.write(`${' '.repeat(30)}open      ${links.approveUrl}`);
    this.write(
      `${' '.repeat(30)}or run    deployctl approve ${execution.name}   (deployctl reject ${execution.name} --reason "...")`,
    );
  }
}
