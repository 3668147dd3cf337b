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

export class LiveLog {
  private readonly entered = new Map<string, number>();
  private readonly realStart = new Map<string, number>();

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
      if (!SILENT_STATES.has(stateType) && stateType !== 'Succeed') this.line(execution, '…', name);
    } else if (event.type.endsWith('StateExited')) {
      const started = this.entered.get(key(name));
      this.entered.delete(key(name));
      if (!SILENT_STATES.has(stateType))
        this.line(
          execution,
          this.paint(GREEN, '✓'),
          `${name}${started ? ` (${formatDuration(event.timestamp.getTime() - started)})` : ''}`,
        );
    } else if (/^(Task|LambdaFunction)(Failed|TimedOut)$|^LambdaFunctionStartFailed$/.test(event.type)) {
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
    }
  }
}
