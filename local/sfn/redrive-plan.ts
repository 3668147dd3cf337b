/**
 * Where a redrive starts: "When you redrive an execution, it continues the failed execution from
 * the unsuccessful step and uses the same input. Step Functions preserves the results and
 * execution history of the successful steps, and doesn't rerun these steps … For workflows that
 * include an Inline Map or Parallel state, RedriveExecution API action reschedules and redrives
 * only the iterations and branches that failed or aborted." (Step Functions API reference,
 * RedriveExecution; botocore's stepfunctions 2016-11-23 model, operation RedriveExecution.)
 *
 * aws-local-stepfunctions cannot resume a run half-way, so a redrive runs a derived definition:
 * - each scope (the top level, every Parallel branch) starts with a `Pass` whose `Result` is the
 *   recorded input of the state that did not finish, then goes on at that state;
 * - a branch that succeeded becomes one `Pass` whose `Result` is the branch's recorded output, so
 *   its states are not run again (its Lambda functions are not invoked);
 * - a scope with nothing recorded runs from its own StartAt;
 * - a Map that did not finish runs again over the same items, but each iteration that succeeded
 *   answers its recorded output at once: its ItemSelector also passes `$$.Map.Item.Index`, and a
 *   Choice at the top of the item processor sends those indexes to a `Pass` with the output; the
 *   others get their item back and run from the processor's StartAt.
 * The inserted states are named with REDRIVE_STATE_PREFIX and write no history (engine.ts), and
 * the iterations answered from the record write no MapIteration events either.
 */
import type { AslDefinition, AslState } from './transform';

/** Names of the states a redrive inserts (never valid in ASL written by people: it has a colon). */
export const REDRIVE_STATE_PREFIX = 'sandbox:redrive:';

interface StateRecord {
  /** Order of the latest entry, across all attempts. */
  entered: number;
  input: unknown;
  /** Order of the exit of the latest entry, when it exited. */
  exited?: number;
  output?: unknown;
}

/** What each state did in the execution's attempts so far: its latest entry, and exit if any. */
export class StateProgress {
  private sequence = 0;
  private readonly states = new Map<string, StateRecord>();
  /** Per Map state: the latest output of each iteration, and which iterations succeeded. */
  private readonly iterations = new Map<string, Map<number, { output?: unknown; succeeded: boolean }>>();

  /** A state was entered with this (effective) input. */
  entered(name: string, input: unknown): void {
    // A Map entered anew after it finished starts over; one entered again by a redrive keeps
    // the iterations of the attempt that did not finish it.
    if (this.states.get(name)?.exited !== undefined) this.iterations.delete(name);
    this.sequence += 1;
    this.states.set(name, { entered: this.sequence, input });
  }

  /** A state of iteration `index` of Map `map` exited with `output` (the iteration's output so far). */
  iterationOutput(map: string, index: number, output: unknown): void {
    this.iteration(map, index).output = output;
  }

  /** Iteration `index` of Map `map` succeeded (its output is its last state's). */
  iterationSucceeded(map: string, index: number): void {
    this.iteration(map, index).succeeded = true;
  }

  private iteration(map: string, index: number): { output?: unknown; succeeded: boolean } {
    const iterations =
      this.iterations.get(map) ?? new Map<number, { output?: unknown; succeeded: boolean }>();
    this.iterations.set(map, iterations);
    const iteration = iterations.get(index) ?? { succeeded: false };
    iterations.set(index, iteration);
    return iteration;
  }

  /** The succeeded iterations of a Map, index -> output. */
  succeededIterations(map: string): Map<number, unknown> {
    const out = new Map<number, unknown>();
    for (const [index, iteration] of this.iterations.get(map) ?? [])
      if (iteration.succeeded) out.set(index, iteration.output);
    return out;
  }

  /** The state's latest entry exited with this output. */
  exited(name: string, output: unknown): void {
    const record = this.states.get(name);
    if (!record) return;
    this.sequence += 1;
    record.exited = this.sequence;
    record.output = output;
  }

  get(name: string): Readonly<StateRecord> | undefined {
    return this.states.get(name);
  }
}

type ScopeOutcome =
  | { kind: 'succeeded'; output: unknown }
  | { kind: 'redrive'; definition: AslDefinition }
  | { kind: 'not-started' };

/** The definition a redrive runs, and the Map iterations it answers from the record (by Map). */
export interface RedrivePlan {
  definition: AslDefinition;
  skippedIterations: Map<string, Set<number>>;
}

/** Naming of inserted states, and the iterations answered from the record, while planning. */
interface Planning {
  next: number;
  skipped: Map<string, Set<number>>;
}

/**
 * The definition a redrive runs, from the original definition and what the earlier attempts did.
 * Throws nothing: a scope it cannot place is run from its StartAt.
 */
export function redriveDefinition(definition: AslDefinition, progress: StateProgress): RedrivePlan {
  const names: Planning = { next: 0, skipped: new Map() };
  const outcome = planScope(definition, progress, names);
  return {
    definition: outcome.kind === 'redrive' ? outcome.definition : structuredClone(definition),
    skippedIterations: names.skipped,
  };
}

function planScope(scope: AslDefinition, progress: StateProgress, names: Planning): ScopeOutcome {
  const states = Object.entries(scope.States ?? {});
  const recorded = states.flatMap(([name, state]) => {
    const record = progress.get(name);
    return record ? [{ name, state, record }] : [];
  });
  if (recorded.length === 0) return { kind: 'not-started' };
  // The state that did not finish: the latest entry without an exit.
  const unfinished = recorded
    .filter(({ record }) => record.exited === undefined)
    .sort((a, b) => b.record.entered - a.record.entered)[0];
  if (!unfinished) {
    // Every entry exited: the scope succeeded if its last exit is an end state.
    const last = [...recorded].sort((a, b) => (b.record.exited ?? 0) - (a.record.exited ?? 0))[0]!;
    if (last.state.End === true || last.state.Type === 'Succeed')
      return { kind: 'succeeded', output: last.record.output };
    // Stopped between two states: run the last one that ran again (the next one is its choice).
    return { kind: 'redrive', definition: startAt(scope, last.name, last.record.input, progress, names) };
  }
  return {
    kind: 'redrive',
    definition: startAt(scope, unfinished.name, unfinished.record.input, progress, names),
  };
}

/** A copy of `scope` that starts at `stateName` with `input`; a Parallel there keeps its succeeded branches. */
function startAt(
  scope: AslDefinition,
  stateName: string,
  input: unknown,
  progress: StateProgress,
  names: Planning,
): AslDefinition {
  const copy = structuredClone(scope);
  const target = copy.States[stateName]!;
  if (target.Type === 'Parallel') target.Branches = planBranches(target, progress, names);
  if (target.Type === 'Map')
    keepSucceededIterations(stateName, target, progress.succeededIterations(stateName), names);
  names.next += 1;
  const entry = `${REDRIVE_STATE_PREFIX}${names.next}`;
  copy.States = { [entry]: { Type: 'Pass', Result: input ?? null, Next: stateName }, ...copy.States };
  copy.StartAt = entry;
  return copy;
}

function planBranches(parallel: AslState, progress: StateProgress, names: Planning): AslDefinition[] {
  return (parallel.Branches as AslDefinition[]).map((branch) => {
    const outcome = planScope(branch, progress, names);
    if (outcome.kind === 'redrive') return outcome.definition;
    if (outcome.kind === 'not-started') return structuredClone(branch);
    names.next += 1;
    const done = `${REDRIVE_STATE_PREFIX}${names.next}`;
    return { StartAt: done, States: { [done]: { Type: 'Pass', Result: outcome.output ?? null, End: true } } };
  });
}

/** Private ItemSelector keys carrying the iteration index and its item into the processor. */
const INDEX_KEY = 'sandboxRedriveIndex';
const ITEM_KEY = 'sandboxRedriveItem';

/** Rewrites a Map (in place) so its succeeded iterations answer their recorded output. */
function keepSucceededIterations(
  mapName: string,
  map: AslState,
  succeeded: Map<number, unknown>,
  names: Planning,
): void {
  if (succeeded.size === 0) return;
  names.skipped.set(mapName, new Set(succeeded.keys()));
  // ItemSelector (Parameters in the older syntax) is evaluated per item with $$.Map.Item.
  const selectorKey =
    map.ItemSelector === undefined && map.Parameters !== undefined ? 'Parameters' : 'ItemSelector';
  const selector = map[selectorKey] as unknown;
  map[selectorKey] = {
    [`${INDEX_KEY}.$`]: '$$.Map.Item.Index',
    ...(selector === undefined ? { [`${ITEM_KEY}.$`]: '$$.Map.Item.Value' } : { [ITEM_KEY]: selector }),
  };
  const processorKey = map.ItemProcessor !== undefined ? 'ItemProcessor' : 'Iterator';
  const processor = map[processorKey] as AslDefinition;
  names.next += 1;
  const base = `${REDRIVE_STATE_PREFIX}${names.next}`;
  const states: Record<string, AslState> = {
    [`${base}:which`]: {
      Type: 'Choice',
      Choices: [...succeeded.keys()].map((index) => ({
        Variable: `$.${INDEX_KEY}`,
        NumericEquals: index,
        Next: `${base}:done:${index}`,
      })),
      Default: `${base}:run`,
    },
    [`${base}:run`]: { Type: 'Pass', InputPath: `$.${ITEM_KEY}`, Next: processor.StartAt },
  };
  for (const [index, output] of succeeded)
    states[`${base}:done:${index}`] = { Type: 'Pass', Result: output ?? null, End: true };
  map[processorKey] = { ...processor, StartAt: `${base}:which`, States: { ...states, ...processor.States } };
}

/** Whether a state name is one a redrive inserted. */
export const isRedriveState = (name: string): boolean => name.startsWith(REDRIVE_STATE_PREFIX);
