/**
 * Puts aws-local-stepfunctions' event log in causal order before it becomes history.
 *
 * The engine runs each Parallel branch and Map iteration as a nested execution and forwards its
 * events to the parent's log through an async iterator, a few microtasks late. So the parent's
 * "Parallel failed" (or exited) can arrive before the branch's own last events (its Fail state,
 * its ParallelBranchFailed), while in Step Functions the branch's failure comes first and causes
 * the Parallel's (causality.ts). This holds a Parallel's or Map's end until its branches or
 * iterations have reported theirs, lets the inner events it is waiting for through first, and
 * gives up waiting after one macrotask (a Parallel's own timeout has no branch end to wait for).
 */
import type { Causality } from './causality';

/** The engine event fields this needs (the engine's own event types are not exported). */
export interface OrderedEvent {
  type: string;
  state?: { name: string };
  parentState?: { name: string };
}

interface Ends {
  succeeded: number;
  failed: number;
}

export class EventOrder<E extends OrderedEvent> {
  private readonly queue: E[] = [];
  private readonly ends = new Map<string, Ends>();
  private waiting: E | undefined;
  private released = false;
  private watchers: { done: () => boolean; resolve: () => void }[] = [];

  /** `typeOf`: a state's Type by name; `emit`: writes one event to the history. */
  constructor(
    private readonly causality: Causality,
    private readonly typeOf: (name: string) => string,
    private readonly emit: (event: E) => void,
  ) {}

  /**
   * Resolves once no `StateEntered` of `state` is held here, so a Task's integration writes its
   * TaskScheduled after its TaskStateEntered.
   */
  entered(state: string): Promise<void> {
    const held = () => this.queue.some((e) => e.type === 'StateEntered' && e.state?.name === state);
    if (!held()) return Promise.resolve();
    return new Promise((resolve) => this.watchers.push({ done: () => !held(), resolve }));
  }

  push(event: E): void {
    this.queue.push(event);
    this.pump();
  }

  /** Emits whatever is still held (the engine's log ended). */
  flush(): void {
    this.released = true;
    this.pump();
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      const container = this.endingContainer(head);
      if (container && !this.released && !this.ready(container, head)) {
        // Let the branch events it waits for through, then look again.
        const inner = this.queue.filter((e, i) => i > 0 && this.isInside(e, container));
        if (inner.length > 0) {
          for (const event of inner) {
            this.queue.splice(this.queue.indexOf(event), 1);
            this.deliver(event);
          }
          continue;
        }
        if (this.waiting !== head) {
          this.waiting = head;
          setImmediate(() => {
            if (this.waiting !== head) return;
            this.released = true;
            this.pump();
          });
        }
        this.notify();
        return;
      }
      this.queue.shift();
      this.waiting = undefined;
      this.released = false;
      this.deliver(head);
    }
    this.notify();
  }

  private notify(): void {
    const ready = this.watchers.filter((w) => w.done());
    this.watchers = this.watchers.filter((w) => !ready.includes(w));
    for (const watcher of ready) watcher.resolve();
  }

  private deliver(event: E): void {
    const parent = event.parentState?.name;
    if (parent) {
      const ends = this.ends.get(parent) ?? { succeeded: 0, failed: 0 };
      if (/^(ParallelBranch|MapIteration)Succeeded$/.test(event.type)) ends.succeeded += 1;
      if (/^(ParallelBranch|MapIteration)Failed$/.test(event.type)) ends.failed += 1;
      this.ends.set(parent, ends);
    }
    if (event.type === 'StateEntered' && event.state && this.isContainer(event.state.name))
      this.ends.set(event.state.name, { succeeded: 0, failed: 0 });
    this.emit(event);
  }

  /** The Parallel or Map whose end this event is, if any. */
  private endingContainer(event: E): string | undefined {
    if (event.type !== 'StateExited' && event.type !== 'StateFailed') return undefined;
    const name = event.state?.name;
    return name && this.isContainer(name) ? name : undefined;
  }

  private isContainer(name: string): boolean {
    const type = this.typeOf(name);
    return type === 'Parallel' || type === 'Map';
  }

  private ready(container: string, end: E): boolean {
    const ends = this.ends.get(container) ?? { succeeded: 0, failed: 0 };
    if (end.type === 'StateFailed' || ends.failed > 0) return ends.failed > 0;
    const expected =
      this.typeOf(container) === 'Parallel'
        ? this.causality.branchCount(container)
        : this.causality.mapLength(container);
    return ends.succeeded >= expected;
  }

  private isInside(event: E, container: string): boolean {
    const name = event.parentState?.name ?? event.state?.name;
    if (!name) return false;
    if (event.parentState?.name === container) return true;
    return this.causality.isInside(name, container);
  }
}
