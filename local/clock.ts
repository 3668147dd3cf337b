/**
 * The sandbox's simulated clock. Simulated time starts at the real time the sandbox starts and runs
 * `speedup` times faster, so a 4-minute build takes 4 s of real time at SPEEDUP=60. Every timer the
 * sandbox sets goes through here, which lets `stop()` clear them all at once.
 *
 * Handlers compare `Date.now()` with timestamps they wrote earlier (bake windows, lease expiry,
 * link expiry). `installSimulatedDate` makes the process-wide `Date` read this clock, so the real
 * handler code sees the same accelerated time as the simulated AWS resources.
 */
import { performance } from 'node:perf_hooks';

const RealDate = Date;

/** The real (wall) clock, whatever `Date` currently is. */
export const realNow = (): number => RealDate.now();

export class SimClock {
  private readonly realStart = RealDate.now();
  private readonly perfStart = performance.now();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(readonly speedup: number) {
    if (!Number.isFinite(speedup) || speedup <= 0)
      throw new RangeError(`speed-up must be a positive number, got ${speedup}`);
  }

  /** Simulated epoch milliseconds. */
  now(): number {
    return this.realStart + (performance.now() - this.perfStart) * this.speedup;
  }

  /** Simulated time as a Date (always a real Date object, not affected by patching). */
  date(ms = this.now()): Date {
    return new RealDate(ms);
  }

  /** Real milliseconds that correspond to `simMs` simulated milliseconds. */
  toReal(simMs: number): number {
    return Math.max(0, simMs / this.speedup);
  }

  /** Runs `fn` after `simMs` simulated milliseconds; the timer is cleared by `stop()`. */
  after(simMs: number, fn: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, this.toReal(simMs));
    this.timers.add(timer);
    return timer;
  }

  /** Cancels a timer set with `after`. */
  cancel(timer: NodeJS.Timeout | undefined): void {
    if (!timer) return;
    clearTimeout(timer);
    this.timers.delete(timer);
  }

  /** Resolves after `simMs` simulated milliseconds (never, once stopped: callers are torn down). */
  sleep(simMs: number): Promise<void> {
    return new Promise((resolve) => {
      if (!this.stopped) this.after(simMs, resolve);
    });
  }

  /** Clears every pending timer. */
  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  get isStopped(): boolean {
    return this.stopped;
  }
}

let installed: SimClock | undefined;

/**
 * Makes `Date.now()` and `new Date()` read the simulated clock in this process. `Date(...)` with
 * arguments, `Date.parse` and `Date.UTC` behave as usual; `instanceof Date` still holds.
 * Only one clock can be installed at a time.
 */
export function installSimulatedDate(clock: SimClock): void {
  if (installed && installed !== clock)
    throw new Error('another sandbox clock is already installed in this process; stop that sandbox first');
  installed = clock;
  function SimulatedDate(this: unknown, ...args: unknown[]): unknown {
    if (!new.target) return new RealDate(clock.now()).toString();
    return Reflect.construct(RealDate, args.length ? args : [clock.now()], new.target);
  }
  SimulatedDate.prototype = RealDate.prototype;
  Object.setPrototypeOf(SimulatedDate, RealDate);
  Object.defineProperty(SimulatedDate, 'now', {
    value: () => clock.now(),
    writable: true,
    configurable: true,
  });
  globalThis.Date = SimulatedDate as unknown as DateConstructor;
}

/** Puts the real `Date` back. */
export function restoreRealDate(clock?: SimClock): void {
  if (clock && installed !== clock) return;
  globalThis.Date = RealDate;
  installed = undefined;
}
