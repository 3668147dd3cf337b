/**
 * Reads executions for the timeline: the whole history (all pages) and, recursively, the nested
 * executions its `states:startExecution` tasks ran (deploy and rollback sub-workflows).
 */
import { GetExecutionHistoryCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import type { CliContext } from './context';
import { buildTimeline, type Timeline } from './timeline';

/** Every event of an execution, oldest first. */
export async function fetchHistory(ctx: CliContext, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await ctx.sfn.send(
      new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, ...(nextToken && { nextToken }) }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/** An execution's timeline with its nested executions' timelines by ARN. */
export interface ExecutionTree {
  executionArn: string;
  timeline: Timeline;
  children: Map<string, ExecutionTree>;
}

/** The timeline of an execution and of every execution nested in it (at most `depth` levels). */
export async function fetchTree(ctx: CliContext, executionArn: string, depth = 3): Promise<ExecutionTree> {
  const timeline = buildTimeline(await fetchHistory(ctx, executionArn));
  const children = new Map<string, ExecutionTree>();
  if (depth > 0) {
    const arns = [
      ...new Set(timeline.steps.flatMap((s) => (s.childExecutionArn ? [s.childExecutionArn] : []))),
    ];
    const trees = await Promise.all(arns.map((arn) => fetchTree(ctx, arn, depth - 1)));
    for (const tree of trees) children.set(tree.executionArn, tree);
  }
  return { executionArn, timeline, children };
}
