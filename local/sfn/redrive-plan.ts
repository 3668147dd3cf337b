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
 * - a scope with nothing recorded runs from its own StartAt.
 * The inserted states are named with REDRIVE_STATE_PREFIX and write no history (engine.ts).
 * Limitation: a Map state that did not finish runs all its iterations again.
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

  /** A state was entered with this (effective) input. */
  entered(name: string, input: unknown): void {
    this.sequence += 1;
    this.states.set(name, { entered: this.sequence, input });
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

/**
 * The definition a redrive runs, from the original definition and what the earlier attempts did.
 * Throws nothing: a scope it cannot place is run from its StartAt.
 */
export function redriveDefinition(definition: AslDefinition, progress: StateProgress): AslDefinition {
  const names = { next: 0 };
  const outcome = planScope(definition, progress, names);
  return outcome.kind === 'redrive' ? outcome.definition : structuredClone(definition);
}

function planScope(scope: AslDefinition, progress: StateProgress, names: { next: number }): ScopeOutcome {
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
  names: { next: number },
): AslDefinition {
  const copy = structuredClone(scope);
  const target = copy.States[stateName]!;
  if (target.Type === 'Parallel') target.Branches = planBranches(target, progress, names);
  names.next += 1;
  const entry = `${REDRIVE_STATE_PREFIX}${names.next}`;
  copy.States = { [entry]: { Type: 'Pass', Result: input ?? null, Next: stateName }, ...copy.States };
  copy.StartAt = entry;
  return copy;
}

function planBranches(parallel: AslState, progress: StateProgress, names: { next: number }): AslDefinition[] {
  return (parallel.Branches as AslDefinition[]).map((branch) => {
    const outcome = planScope(branch, progress, names);
    if (outcome.kind === 'redrive') return outcome.definition;
    if (outcome.kind === 'not-started') return structuredClone(branch);
    names.next += 1;
    const done = `${REDRIVE_STATE_PREFIX}${names.next}`;
    return { StartAt: done, States: { [done]: { Type: 'Pass', Result: outcome.output ?? null, End: true } } };
  });
}

/** Whether a state name is one a redrive inserted. */
export const isRedriveState = (name: string): boolean => name.startsWith(REDRIVE_STATE_PREFIX);
