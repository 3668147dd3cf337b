/**
 * Which event caused which: the `previousEventId` of Step Functions' execution history.
 *
 * GetExecutionHistory's HistoryEvent has `previousEventId`, "the id of the previous event"
 * (Step Functions API reference, HistoryEvent). It is causal, not sequential: histories recorded
 * from AWS show it (LocalStack's parity snapshots, recorded against AWS:
 * tests/aws/services/stepfunctions/v2/scenarios/test_base_scenarios.snapshot.json, cases
 * test_parallel_state, test_parallel_state_fail, test_parallel_state_catch,
 * test_parallel_state_retry, test_map_state_break_condition):
 * - ExecutionStarted is event 1 with previousEventId 0, and the first state's `…StateEntered`
 *   has previousEventId 0 too (ExecutionStarted does not move the chain on);
 * - each event of a state follows the event before it on the same path of execution;
 * - `ParallelStateStarted` follows `ParallelStateEntered`; every branch's first event follows
 *   `ParallelStateStarted`, and each branch then chains on its own events, so the branches'
 *   events interleave in id order but never point at each other;
 * - `ParallelStateFailed` follows the failing branch's last event (a `FailStateEntered` in
 *   test_parallel_state_fail); when branches succeed, `ParallelStateSucceeded` and
 *   `ParallelStateExited` both follow the last branch event (test_parallel_state: Exited 19 →
 *   17), and the state after the Parallel follows `ParallelStateExited`;
 * - a Map iteration: `MapIterationStarted` follows `MapStateStarted` (index 0) and the
 *   iteration's events chain from it; `MapIterationSucceeded` follows the iteration's last event
 *   without moving the chain on, and with MaxConcurrency 1 the next `MapIterationStarted`
 *   follows the previous iteration's last state event (test_map_state_break_condition: 12 → 10).
 *
 * A chain is named by where a state sits: `root` for top-level states, `<Parallel>#<branch>`
 * inside a Parallel branch, `<Map>[<index>]` inside a Map iteration (state names are unique in a
 * whole state machine, Amazon States Language specification, "States"). Limitations: a Parallel
 * inside a concurrent Map iteration shares its branch chains between iterations, and a Task's own
 * events (TaskScheduled, ...) go on the chain where its state was last entered, which for
 * concurrent Map iterations of the same Task may be another iteration's.
 */
import type { AslDefinition } from './transform';

/** The container a state sits directly in. */
type Scope =
  { kind: 'root' } | { kind: 'branch'; parallel: string; branch: number } | { kind: 'map'; map: string };

export const ROOT_CHAIN = 'root';

/** Event types that end a branch or iteration in failure (the ones a ParallelStateFailed follows). */
const FAILURE_END =
  /(?:Failed|TimedOut|StartFailed|ScheduleFailed|SubmitFailed)$|^FailStateEntered$|^MapIterationFailed$/;

/** The scope of every state of a definition, and the branch count of every Parallel. */
function scopesOf(definition: AslDefinition) {
  const scopes = new Map<string, Scope>();
  const branches = new Map<string, number>();
  const maxConcurrency = new Map<string, number>();
  const walk = (def: AslDefinition, scope: Scope) => {
    for (const [name, state] of Object.entries(def.States ?? {})) {
      scopes.set(name, scope);
      const parallel = (state.Branches as AslDefinition[] | undefined) ?? [];
      if (state.Type === 'Parallel') branches.set(name, parallel.length);
      parallel.forEach((branch, index) => walk(branch, { kind: 'branch', parallel: name, branch: index }));
      const processor = (state.ItemProcessor ?? state.Iterator) as AslDefinition | undefined;
      if (state.Type === 'Map') {
        maxConcurrency.set(name, typeof state.MaxConcurrency === 'number' ? state.MaxConcurrency : 0);
        if (processor) walk(processor, { kind: 'map', map: name });
      }
    }
  };
  walk(definition, { kind: 'root' });
  return { scopes, branches, maxConcurrency };
}

/** One execution's causal bookkeeping: the last event of every chain. */
export class Causality {
  private readonly scopes: Map<string, Scope>;
  private readonly branches: Map<string, number>;
  private readonly maxConcurrency: Map<string, number>;
  private readonly cursors = new Map<string, number>();
  private readonly stateChains = new Map<string, string>();
  private readonly iterations = new Map<string, Set<number>>();
  private readonly started = new Map<string, number>();
  private readonly lengths = new Map<string, number>();
  private readonly cancelled = new Set<string>();
  private readonly failed = new Set<string>();

  constructor(definition: AslDefinition) {
    ({
      scopes: this.scopes,
      branches: this.branches,
      maxConcurrency: this.maxConcurrency,
    } = scopesOf(definition));
  }

  /** The chain a state's events go on; `index` is the Map iteration of the event, when inside one. */
  chainFor(stateName: string, index?: number): string {
    const scope = this.scopes.get(stateName) ?? { kind: 'root' };
    const chain =
      scope.kind === 'root'
        ? ROOT_CHAIN
        : scope.kind === 'branch'
          ? `${scope.parallel}#${scope.branch}`
          : `${scope.map}[${index ?? 0}]`;
    this.stateChains.set(stateName, chain);
    return chain;
  }

  /** The chain the state was last entered on (for the task events its integration writes). */
  chainOfState(stateName: string): string {
    return this.stateChains.get(stateName) ?? this.chainFor(stateName);
  }

  /** The last event on a chain (0 before any). */
  cursor(chain: string): number {
    return this.cursors.get(chain) ?? 0;
  }

  /** Records that `eventId` is now the last event on `chain`. */
  advance(chain: string, eventId: number): void {
    this.cursors.set(chain, eventId);
  }

  /** A Parallel started (`ParallelStateStarted` = `eventId`): each branch chains from it. */
  startBranches(parallel: string, eventId: number): void {
    this.failed.delete(parallel);
    for (let branch = 0; branch < this.branchCount(parallel); branch += 1) {
      this.cursors.set(`${parallel}#${branch}`, eventId);
      this.cancelled.delete(`${parallel}#${branch}`);
    }
  }

  /** A Map started (`MapStateStarted` = `eventId`) over `length` items. */
  startMap(map: string, eventId: number, length: number): void {
    this.started.set(map, eventId);
    this.failed.delete(map);
    this.lengths.set(map, length);
    this.iterations.set(map, new Set());
  }

  /** Branches of a Parallel (0 for other states). */
  branchCount(parallel: string): number {
    return this.branches.get(parallel) ?? 0;
  }

  /** Items of the Map's current run. */
  mapLength(map: string): number {
    return this.lengths.get(map) ?? 0;
  }

  /** The Map whose item processor `state` sits in directly, if any. */
  mapOf(state: string): string | undefined {
    const scope = this.scopes.get(state);
    return scope?.kind === 'map' ? scope.map : undefined;
  }

  /** Whether `state` sits (at any depth) inside the Parallel or Map `container`. */
  isInside(state: string, container: string): boolean {
    let scope = this.scopes.get(state);
    for (let depth = 0; scope && scope.kind !== 'root' && depth < 100; depth += 1) {
      const parent = scope.kind === 'branch' ? scope.parallel : scope.map;
      if (parent === container) return true;
      scope = this.scopes.get(parent);
    }
    return false;
  }

  /**
   * The Parallel or Map failed: Step Functions stops its other branches or iterations, so their
   * later events are not recorded (a branch failing by an unhandled error or a Fail state fails the
   * whole Parallel state and stops all its branches: Step Functions developer guide, "Parallel
   * workflow state", error handling).
   */
  cancelInner(state: string): void {
    for (const chain of this.innerChains(state)) this.cancelled.add(chain);
    this.failed.add(state);
  }

  /**
   * Whether the Parallel or Map failed in its current run: a Catch then exits it right after
   * `…StateFailed`, with no `…StateSucceeded` (test_parallel_state_catch: Exited 6 → Failed 5).
   */
  hasFailed(state: string): boolean {
    return this.failed.has(state);
  }

  /** Whether a chain belongs to a branch or iteration that was stopped. */
  isCancelled(chain: string): boolean {
    return this.cancelled.has(chain);
  }

  /** What a `MapIterationStarted` follows, and the chain the iteration's events go on. */
  startIteration(map: string, index: number): { chain: string; previous: number } {
    this.cancelled.delete(`${map}[${index}]`);
    const seen = this.iterations.get(map) ?? new Set<number>();
    seen.add(index);
    this.iterations.set(map, seen);
    const sequential = this.maxConcurrency.get(map) === 1 && index > 0;
    const previous = sequential ? this.cursor(`${map}[${index - 1}]`) : (this.started.get(map) ?? 0);
    return { chain: `${map}[${index}]`, previous };
  }

  /** The last event of a Parallel's branches or a Map's iterations (what their success follows). */
  joined(state: string): number {
    return Math.max(0, ...this.innerChains(state).map((chain) => this.cursor(chain)));
  }

  /**
   * What a `ParallelStateFailed` / `MapStateFailed` follows: the newest branch or iteration whose
   * last event is a failure, else the newest inner event.
   */
  failedInner(state: string, typeOf: (eventId: number) => string | undefined): number {
    const ends = this.innerChains(state)
      .map((chain) => this.cursor(chain))
      .filter((id) => FAILURE_END.test(typeOf(id) ?? ''));
    return ends.length > 0 ? Math.max(...ends) : this.joined(state);
  }

  private innerChains(state: string): string[] {
    const branches = this.branches.get(state);
    if (branches !== undefined && branches > 0)
      return Array.from({ length: branches }, (_, b) => `${state}#${b}`);
    return [...(this.iterations.get(state) ?? [])].map((index) => `${state}[${index}]`);
  }
}
