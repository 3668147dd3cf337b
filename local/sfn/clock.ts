/**
 * The clock the Step Functions runtime keeps simulated time with. Two implementations:
 * - the sandbox's `SimClock` (local/clock.ts): simulated time runs `speedup` times faster than
 *   real time;
 * - `VirtualClock` (below), for tests and the benchmark: simulated time stands still while work is
 *   in progress and jumps to the next timer once the process is quiet, so a one-hour approval
 *   timeout or a thirty-second poll costs no real time and runs in a deterministic order.
 */

/** What the engine and its integrations need from a clock (SimClock satisfies it). */
export interface EngineClock {
  /** Simulated seconds per real second (Infinity: waits and retry intervals take no real time). */
  readonly speedup: number;
  /** Simulated epoch milliseconds. */
  now(): number;
  /** Runs `fn` after `simMs` simulated milliseconds; returns a handle for `cancel`. */
  after(simMs: number, fn: () => void): object;
  cancel(timer: object | undefined): void;
  /** Resolves after `simMs` simulated milliseconds. */
  sleep(simMs: number): Promise<void>;
  /** Told of progress elsewhere (a history event was written); a virtual clock waits longer to jump. */
  touch?(): void;
}

/** Real-time turns without progress after which the process counts as quiet. */
const QUIET_TURNS = 3;

interface VirtualTimer {
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * Simulated time that advances only when nothing else happens: after `QUIET_TURNS` real
 * millisecond turns with no timer set or cancelled and no `touch()`, the earliest timer fires and
 * the clock jumps to its time. Timers due at the same time fire in the order they were set.
 */
export class VirtualClock implements EngineClock {
  readonly speedup = Number.POSITIVE_INFINITY;
  private current: number;
  private readonly timers = new Map<object, VirtualTimer>();
  private seq = 0;
  private activity = 0;
  private pumping = false;
  private stopped = false;

  /** `startMs`: the simulated epoch milliseconds the clock starts at (default: the real now). */
  constructor(startMs = Date.now()) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  after(simMs: number, fn: () => void): object {
    const handle = {};
    this.timers.set(handle, { at: this.current + Math.max(0, simMs), seq: this.seq++, fn });
    this.touch();
    void this.pump();
    return handle;
  }

  cancel(timer: object | undefined): void {
    if (timer && this.timers.delete(timer)) this.touch();
  }

  sleep(simMs: number): Promise<void> {
    return new Promise((resolve) => {
      if (!this.stopped) this.after(simMs, resolve);
    });
  }

  touch(): void {
    this.activity += 1;
  }

  /** Drops every timer; nothing fires afterwards. */
  stop(): void {
    this.stopped = true;
    this.timers.clear();
  }

  /** Timers waiting to fire. */
  get pending(): number {
    return this.timers.size;
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.timers.size > 0 && !this.stopped) {
        await this.quiet();
        const next = [...this.timers.entries()].sort(([, a], [, b]) => a.at - b.at || a.seq - b.seq)[0];
        if (!next) break;
        const [handle, timer] = next;
        this.timers.delete(handle);
        this.current = Math.max(this.current, timer.at);
        this.touch();
        timer.fn();
      }
    } finally {
      this.pumping = false;
    }
  }

  private async quiet(): Promise<void> {
    let seen = this.activity;
    let calm = 0;
    while (calm < QUIET_TURNS) {
      await new Promise<void>((resolve) => setTimeout(resolve, 1));
      if (this.activity === seen) calm += 1;
      else {
        seen = this.activity;
        calm = 0;
      }
    }
  }
}
