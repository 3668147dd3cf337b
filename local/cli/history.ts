/**
 * Reads executions for the timeline: the whole history (all pages) and, recursively, the nested
 * executions its `states:startExecution` tasks ran (deploy and rollback sub-workflows).
 */
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
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
  /** States that can run more than once (polling loops); unknown: any may. */
  loopable?: Set<string>;
}

/** Loopable states by execution ARN: a definition does not change during an execution. */
const loopableCache = new Map<string, Promise<Set<string> | undefined>>();

/** The loopable states of an execution's state machine; undefined when the definition cannot be read. */
export function loopableStates(ctx: CliContext, executionArn: string): Promise<Set<string> | undefined> {
  let found = loopableCache.get(executionArn);
  if (!found) {
    found = (async () => {
      try {
        const execution = await ctx.sfn.send(new DescribeExecutionCommand({ executionArn }));
        const machine = await ctx.sfn.send(
          new DescribeStateMachineCommand({ stateMachineArn: execution.stateMachineArn }),
        );
        return statesOnCycles(JSON.parse(machine.definition ?? '{}') as { States?: AslStates });
      } catch {
        // Without states:DescribeStateMachine the timeline still works, printing loops a little later.
        return undefined;
      }
    })();
    loopableCache.set(executionArn, found);
  }
  return found;
}

/** The timeline of an execution and of every execution nested in it (at most `depth` levels). */
export async function fetchTree(ctx: CliContext, executionArn: string, depth = 3): Promise<ExecutionTree> {
  const [events, loopable] = await Promise.all([
    fetchHistory(ctx, executionArn),
    loopableStates(ctx, executionArn),
  ]);
  const timeline = buildTimeline(events);
  const children = new Map<string, ExecutionTree>();
  if (depth > 0) {
    const arns = [
      ...new Set(timeline.steps.flatMap((s) => (s.childExecutionArn ? [s.childExecutionArn] : []))),
    ];
    const trees = await Promise.all(arns.map((arn) => fetchTree(ctx, arn, depth - 1)));
    for (const tree of trees) children.set(tree.executionArn, tree);
  }
  return { executionArn, timeline, children, ...(loopable && { loopable }) };
}

type AslStates = Record<
  string,
  {
    Next?: string;
    Default?: string;
    Choices?: { Next?: string }[];
    Catch?: { Next?: string }[];
    Branches?: { States?: AslStates }[];
    Iterator?: { States?: AslStates };
    ItemProcessor?: { States?: AslStates };
  }
>;

/** Names of the states that can run again in one execution (they sit on a cycle of the definition). */
export function statesOnCycles(definition: { States?: AslStates }): Set<string> {
  const out = new Set<string>();
  const walk = (states: AslStates) => {
    const next = (name: string) => {
      const state = states[name];
      if (!state) return [];
      return [
        state.Next,
        state.Default,
        ...(state.Choices ?? []).map((c) => c.Next),
        ...(state.Catch ?? []).map((c) => c.Next),
      ].filter((n): n is string => typeof n === 'string');
    };
    for (const start of Object.keys(states)) {
      const seen = new Set<string>();
      const stack = next(start);
      while (stack.length) {
        const name = stack.pop()!;
        if (name === start) {
          out.add(start);
          break;
        }
        if (seen.has(name)) continue;
        seen.add(name);
        stack.push(...next(name));
      }
      const state = states[start]!;
      for (const branch of [
        ...(state.Branches ?? []),
        ...(state.Iterator ? [state.Iterator] : []),
        ...(state.ItemProcessor ? [state.ItemProcessor] : []),
      ])
        walk(branch.States ?? {});
    }
  };
  walk(definition.States ?? {});
  return out;
}
