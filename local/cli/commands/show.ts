/**
 * `deployctl show <execution>`: the execution as a timeline of steps, nested deploy and rollback
 * sub-workflows indented under the step that ran them. `--follow` polls until the execution ends
 * and prints each step once, when it has finished (and a waiting approval as soon as it waits).
 */
import type { CliContext } from '../context';
import { describeExecution, resolveExecution } from '../executions';
import { fetchTree, type ExecutionTree } from '../history';
import { formatHeader, formatOutcome, formatRow, timelineRows, type Row } from '../render-timeline';

export interface ShowOptions {
  follow?: boolean;
  /** Also Choice states. */
  all?: boolean;
  /** Real milliseconds between polls (default: the context's). */
  intervalMs?: number;
  /** Most polls before giving up following (safety net for scripts; default unbounded). */
  maxPolls?: number;
}

/** Exit code for an execution's final status: 0 only for SUCCEEDED. */
export function exitCodeFor(status: string): number {
  return status === 'SUCCEEDED' ? 0 : 1;
}

/** Prints the timeline; with follow, waits for the end. Returns the final tree. */
export async function showExecution(
  ctx: CliContext,
  executionArn: string,
  options: ShowOptions = {},
): Promise<ExecutionTree> {
  const { out } = ctx;
  const rowOptions = { all: options.all === true };
  let tree = await fetchTree(ctx, executionArn);
  for (const line of formatHeader(tree, out)) out.line(line);
  if (!options.follow || tree.timeline.status !== 'RUNNING') {
    for (const row of timelineRows(tree, rowOptions)) out.line(formatRow(row, out));
    const outcome = formatOutcome(tree, out);
    out.line(outcome ?? running(tree));
    return tree;
  }
  // Rows go out in timeline order, each once when final; a step still running its nested
  // execution, or waiting for a task token, is announced and the walk goes on past it.
  const printed = new Set<string>();
  const print = (row: Row, key = row.key) => {
    printed.add(key);
    out.line(formatRow(row, out));
  };
  const printNew = () => {
    const rows = timelineRows(tree, rowOptions);
    // Steps announced as running their nested execution close after that execution's rows.
    const closing: Row[] = [];
    const close = (depth: number) => {
      while (closing.length && closing[closing.length - 1]!.depth >= depth) print(closing.pop()!);
    };
    for (const [index, row] of rows.entries()) {
      if (row.status !== 'header') close(row.depth);
      if (printed.has(row.key)) continue;
      const opensChild = rows[index + 1]?.status === 'header' && rows[index + 1]!.depth > row.depth;
      if (row.final) {
        if (opensChild && printed.has(`${row.key}#running`)) closing.push(row);
        else print(row);
        continue;
      }
      if (row.status === 'waiting' || (row.status === 'running' && opensChild)) {
        if (!printed.has(`${row.key}#${row.status}`)) print(row, `${row.key}#${row.status}`);
        continue;
      }
      return;
    }
    close(-1);
  };
  printNew();
  for (let poll = 0; tree.timeline.status === 'RUNNING'; poll++) {
    if (options.maxPolls !== undefined && poll >= options.maxPolls) {
      out.line(
        `still running after ${poll} polls; \`deployctl show ${executionArn.split(':').pop()}\` shows it later`,
      );
      return tree;
    }
    await ctx.sleep(options.intervalMs ?? ctx.pollMs);
    tree = await fetchTree(ctx, executionArn);
    printNew();
  }
  out.line(formatOutcome(tree, out) ?? '');
  return tree;
}

function running(tree: ExecutionTree): string {
  const waiting = tree.timeline.steps.find((s) => s.status === 'waiting');
  const name = tree.executionArn.split(':').pop();
  const until = waiting?.waitingUntil
    ? ` before ${waiting.waitingUntil.slice(0, 19).replace('T', ' ')} UTC`
    : '';
  return waiting
    ? `RUNNING - waiting at "${waiting.name}": deployctl approve ${name} (or reject)${until}${waiting?.approveUrl ? `, or open ${waiting.approveUrl}` : ''}`
    : `RUNNING - deployctl show ${name} --follow`;
}

export async function showCommand(
  ctx: CliContext,
  reference: string,
  options: ShowOptions = {},
): Promise<number> {
  const executionArn = await resolveExecution(ctx, reference);
  // DescribeExecution first: a clear "does not exist" rather than a history error.
  await describeExecution(ctx, executionArn);
  const tree = await showExecution(ctx, executionArn, options);
  return options.follow ? exitCodeFor(tree.timeline.status) : 0;
}
