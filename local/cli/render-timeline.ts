/**
 * Timeline rows and their text: one line per step with its offset from the pipeline's start,
 * duration, status, name (indented inside Parallel branches and nested executions) and the error
 * and cause of a failure. `--follow` prints each row once, when it is final.
 */
import type { Output } from './output';
import type { ExecutionTree } from './history';
import { summarizeCause, type Step, type StepStatus } from './timeline';
import { scanFindings, scanFindingsText } from '../../functions/approval-request/scan-findings';

export interface Row {
  /** Stable across polls: execution ARN + step id. */
  key: string;
  depth: number;
  offsetMs: number;
  durationMs?: number;
  status: StepStatus | 'header';
  text: string;
  note?: string;
  /** Will not change any more (printed once by --follow). */
  final: boolean;
  /** Iterations merged into this row (polling loops). */
  count?: number;
}

export interface RowOptions {
  /** Also Choice states (hidden by default: they decide, they do not do) and every loop iteration. */
  all?: boolean;
}

/** How far back a repeated step name counts as the same polling loop (e.g. Follow / Wait / Follow). */
const LOOP_WINDOW = 3;

/** `1.2s`, `45.0s`, `3m05s`, `1h02m`. */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** `+0:00`, `+3:05`, `+1:02:03`. */
export function formatOffset(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h ? `+${h}:${String(m).padStart(2, '0')}:${sec}` : `+${m}:${sec}`;
}

const machineOf = (arn: string) => arn.split(':').slice(-2).join('/');

/** The rows of a tree, nested executions under the step that ran them; polling loops collapsed. */
export function timelineRows(
  tree: ExecutionTree,
  options: RowOptions = {},
  origin?: Date,
  baseDepth = 0,
): Row[] {
  const { timeline } = tree;
  const start = (origin ?? timeline.startedAt ?? new Date(0)).getTime();
  const ended = timeline.status !== 'RUNNING';
  const rows: Row[] = [];
  /** Rows of this execution (not of nested ones), with their loop ids, for collapsing and finality. */
  const own: { row: Row; depth: number; run: number; loop?: number; settled: boolean }[] = [];
  let loops = 0;
  let run = 1;
  for (const step of timeline.steps) {
    if (step.type === 'Choice' && !options.all) continue;
    if ((step.run ?? 1) !== run) {
      // RedriveExecution appends the next attempt to the same history (HistoryEvent type
      // ExecutionRedriven, Step Functions API reference): its steps go under a marker of their own
      // and never fold into the previous attempt's rows.
      run = step.run ?? 1;
      const redrive = timeline.redrives?.find((r) => r.run === run);
      rows.push({
        key: `${tree.executionArn}#redrive-${run}`,
        depth: baseDepth,
        offsetMs: (redrive?.at ?? step.enteredAt).getTime() - start,
        status: 'header',
        text: `↻ redriven: attempt ${run}, from the step that did not succeed`,
        final: true,
      });
    }
    const note = noteOf(step);
    const row: Row = {
      key: `${tree.executionArn}#${step.id}`,
      depth: baseDepth + step.depth,
      offsetMs: step.enteredAt.getTime() - start,
      ...(step.endedAt && { durationMs: step.endedAt.getTime() - step.enteredAt.getTime() }),
      status: step.status,
      text: step.name,
      ...(note && { note }),
      final: false,
    };
    const settled = step.status !== 'running' && step.status !== 'waiting';
    const recent = own.filter((o) => o.depth === step.depth && o.run === run).slice(-LOOP_WINDOW);
    const same = options.all
      ? undefined
      : recent.find((o) => o.row.text === step.name && !step.childExecutionArn);
    if (same) {
      // Another turn of a polling loop: fold it into the first row of that step.
      const first = same.row;
      first.count = (first.count ?? 1) + 1;
      if (row.durationMs !== undefined) first.durationMs = row.offsetMs + row.durationMs - first.offsetMs;
      else delete first.durationMs;
      first.status = row.status;
      const latest = [row.note, `${first.count} times`].filter(Boolean).join('; ');
      first.note = latest;
      same.settled = settled;
      const loop = same.loop ?? ++loops;
      for (const o of own.slice(own.indexOf(same))) if (o.depth === step.depth) o.loop = loop;
      continue;
    }
    own.push({ row, depth: step.depth, run, settled });
    rows.push(row);
    const child = step.childExecutionArn ? tree.children.get(step.childExecutionArn) : undefined;
    if (child) {
      rows.push({
        key: `${child.executionArn}#header`,
        depth: baseDepth + step.depth + 1,
        offsetMs: (child.timeline.startedAt ?? step.enteredAt).getTime() - start,
        status: 'header',
        text: `↳ ${machineOf(child.executionArn)}`,
        final: true,
      });
      rows.push(...timelineRows(child, options, new Date(start), baseDepth + step.depth + 1));
    }
  }
  // Final: settled, and no later turn of a loop can fold into it any more: the execution ended,
  // left its Parallel/Map branch, or went on for a whole loop window past its last turn. A state
  // that is on no cycle of the definition is final once it succeeded, or failed and was left.
  const loopable = (name: string) => !tree.loopable || tree.loopable.has(name);
  own.forEach((o, index) => {
    const after = own.slice(index + 1);
    const sameDepthAfter = after.filter(
      (later) => later.depth === o.depth && (o.loop === undefined || later.loop !== o.loop),
    );
    const leftBranch = after.some((later) => later.depth < o.depth);
    const window = options.all || !loopable(o.row.text) ? 1 : LOOP_WINDOW;
    const once = !loopable(o.row.text) && o.row.status !== 'failed';
    // A row of an attempt that a redrive followed never changes again.
    const earlierRun = o.run < run;
    o.row.final = o.settled && (ended || earlierRun || leftBranch || once || sameDepthAfter.length >= window);
  });
  return rows;
}

function noteOf(step: Step): string | undefined {
  const parts: string[] = [];
  if (step.attempts > 1) parts.push(`${step.attempts} attempts`);
  if (step.status === 'waiting') {
    const expiresAt = step.waitingUntil;
    parts.push(
      expiresAt
        ? `waiting for a decision until ${expiresAt.slice(0, 19).replace('T', ' ')} UTC (deployctl approve|reject)`
        : 'waiting for a task token (deployctl approve|reject)',
    );
  }
  const findings = step.exported
    ? scanFindingsText(scanFindings(Object.entries(step.exported).map(([name, value]) => ({ name, value }))))
    : undefined;
  if (findings) parts.push(findings);
  if (step.error || step.cause)
    parts.push([step.error, summarizeCause(step.cause)].filter(Boolean).join(': '));
  return parts.length ? parts.join('; ') : undefined;
}

const STATUS_TEXT: Record<Row['status'], string> = {
  succeeded: 'ok',
  failed: 'FAILED',
  aborted: 'aborted',
  running: 'running',
  waiting: 'WAITING',
  header: '',
};

/** One row as text: offset, duration, status, indented name, note. */
export function formatRow(row: Row, out: Pick<Output, 'paint'>): string {
  const offset = formatOffset(row.offsetMs).padStart(8);
  const duration = (row.durationMs !== undefined ? formatDuration(row.durationMs) : '').padStart(7);
  const indent = '  '.repeat(row.depth);
  if (row.status === 'header')
    return `${offset}  ${''.padStart(7)}  ${''.padEnd(7)}  ${indent}${out.paint('cyan', row.text)}`;
  const colour =
    row.status === 'failed'
      ? 'red'
      : row.status === 'succeeded'
        ? 'green'
        : row.status === 'waiting'
          ? 'yellow'
          : 'gray';
  const status = out.paint(colour, STATUS_TEXT[row.status].padEnd(7));
  const note = row.note ? `  ${out.paint(row.status === 'failed' ? 'red' : 'dim', row.note)}` : '';
  return `${out.paint('dim', offset)}  ${duration}  ${status}  ${indent}${row.text}${note}`;
}

/** The header line of an execution: machine/name, status, start, duration. */
export function formatHeader(tree: ExecutionTree, out: Pick<Output, 'paint'>): string[] {
  const { timeline } = tree;
  const colour = timeline.status === 'SUCCEEDED' ? 'green' : timeline.status === 'RUNNING' ? 'yellow' : 'red';
  const duration =
    timeline.startedAt && timeline.endedAt
      ? `  ${formatDuration(timeline.endedAt.getTime() - timeline.startedAt.getTime())}`
      : '';
  const lines = [
    `${out.paint('bold', machineOf(tree.executionArn))}  ${out.paint(colour, timeline.status)}  started ${timeline.startedAt?.toISOString() ?? '?'}${duration}`,
  ];
  const commit = commitLine(timeline.input);
  if (commit) lines.push(commit);
  return lines;
}

/** `commit 7d2e9f1 "Add overdraft check" by ada` from a pipeline input. */
function commitLine(input: string | undefined): string | undefined {
  try {
    const parsed = JSON.parse(input ?? '') as {
      commitSha?: unknown;
      commitMessage?: unknown;
      pusher?: unknown;
    };
    if (typeof parsed.commitSha !== 'string') return undefined;
    const subject =
      typeof parsed.commitMessage === 'string' ? ` "${parsed.commitMessage.split('\n', 1)[0]}"` : '';
    return `commit ${parsed.commitSha.slice(0, 7)}${subject}${typeof parsed.pusher === 'string' ? ` pushed by ${parsed.pusher}` : ''}`;
  } catch {
    return undefined;
  }
}

/** The closing line: how the execution ended, with its error and cause. */
export function formatOutcome(tree: ExecutionTree, out: Pick<Output, 'paint'>): string | undefined {
  const { timeline } = tree;
  if (timeline.status === 'RUNNING') return undefined;
  const colour = timeline.status === 'SUCCEEDED' ? 'green' : 'red';
  const why = [timeline.error, summarizeCause(timeline.cause, 240)].filter(Boolean).join(': ');
  const duration =
    timeline.startedAt && timeline.endedAt
      ? ` after ${formatDuration(timeline.endedAt.getTime() - timeline.startedAt.getTime())}`
      : '';
  return out.paint(colour, `${timeline.status}${duration}${why ? ` - ${why}` : ''}`);
}
