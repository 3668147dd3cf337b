/**
 * Prepares an ASL definition for aws-local-stepfunctions at the sandbox's speed-up:
 * - static `Wait.Seconds` become `waitTimeOverrides` (real milliseconds);
 * - dynamic waits (`SecondsPath`, `Timestamp`, `TimestampPath`) become Task states run by the
 *   sandbox, which reads the value and sleeps on the simulated clock (the engine's override is a
 *   fixed number per state and could not scale a value known only at run time);
 * - Retry `IntervalSeconds` / `MaxDelaySeconds` are divided by the speed-up;
 * - Task timeouts (`TimeoutSeconds`, `TimeoutSecondsPath`) and the execution's `TimeoutSeconds`
 *   are enforced by the sandbox on the simulated clock, so the engine's own timer is set out of
 *   reach (its default is 60 real seconds; AWS's is 99,999,999 seconds).
 * At an infinite speed-up (the virtual clock of tests) waits and retry intervals take no real time.
 * The original definition is kept for the console view and the history's state types.
 */
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { omit } from '../omit';

/** Real milliseconds setTimeout accepts (about 24.8 days). */
const MAX_TIMER_SECONDS = 2_000_000;

// ASL is plain JSON; the engine's own types are narrower than what we pass through.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AslState = Record<string, any>;
export interface AslDefinition {
  StartAt: string;
  States: Record<string, AslState>;
  TimeoutSeconds?: number;
  Comment?: string;
  [key: string]: unknown;
}

/** A state with its name, wherever it sits (top level, Parallel branch, Map iterator). */
export interface LocatedState {
  name: string;
  state: AslState;
}

/** Every state of a definition, depth first, including those inside Parallel and Map. */
export function allStates(definition: AslDefinition): LocatedState[] {
  const out: LocatedState[] = [];
  const walk = (def: AslDefinition) => {
    for (const [name, state] of Object.entries(def.States ?? {})) {
      out.push({ name, state });
      for (const branch of state.Branches ?? []) walk(branch);
      if (state.Iterator) walk(state.Iterator);
      if (state.ItemProcessor) walk(state.ItemProcessor);
    }
  };
  walk(definition);
  return out;
}

/** Name of the Resource the sandbox uses for a converted dynamic Wait. */
export const SANDBOX_WAIT_RESOURCE = 'arn:aws:states:::sandbox:wait';

export interface EnginePlan {
  definition: StateMachineDefinition;
  waitTimeOverrides: Record<string, number>;
  /** Converted Wait states: how to compute their duration. */
  dynamicWaits: Map<string, AslState>;
}

/** Private Parameters key carrying a TimeoutSecondsPath value to the sandbox's handler. */
export const TIMEOUT_KEY = '__sandboxTimeoutSeconds';

/** The engine's copy of a definition at `speedup` simulated seconds per real second. */
export function planForEngine(original: AslDefinition, speedup: number): EnginePlan {
  const definition = JSON.parse(JSON.stringify(original)) as AslDefinition;
  const waitTimeOverrides: Record<string, number> = {};
  const dynamicWaits = new Map<string, AslState>();
  // The execution's TimeoutSeconds is enforced by the engine on the simulated clock (engine.ts).
  delete definition.TimeoutSeconds;
  for (const { name, state } of allStates(definition)) {
    if (state.Type === 'Wait') {
      if (typeof state.Seconds === 'number') {
        waitTimeOverrides[name] = (state.Seconds * 1000) / speedup;
      } else {
        dynamicWaits.set(name, JSON.parse(JSON.stringify(state)) as AslState);
        const rest = omit(state, 'Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath', 'Type');
        for (const key of Object.keys(state)) delete state[key];
        Object.assign(state, rest, {
          Type: 'Task',
          Resource: SANDBOX_WAIT_RESOURCE,
          TimeoutSeconds: MAX_TIMER_SECONDS,
        });
      }
    }
    if (state.Type === 'Task') {
      // The sandbox times Tasks out itself, on the simulated clock (integrations.ts).
      if (
        typeof state.TimeoutSecondsPath === 'string' &&
        state.Parameters &&
        typeof state.Parameters === 'object'
      ) {
        // Step Functions reads the path from the state input; the engine's handler only sees the
        // Parameters output, so the value travels there under a private key.
        state.Parameters = { ...state.Parameters, [`${TIMEOUT_KEY}.$`]: state.TimeoutSecondsPath };
      }
      delete state.TimeoutSecondsPath;
      state.TimeoutSeconds = MAX_TIMER_SECONDS;
    }
    for (const retrier of state.Retry ?? []) {
      retrier.IntervalSeconds = (retrier.IntervalSeconds ?? 1) / speedup;
      if (typeof retrier.MaxDelaySeconds === 'number')
        retrier.MaxDelaySeconds = retrier.MaxDelaySeconds / speedup;
    }
  }
  return { definition: definition as unknown as StateMachineDefinition, waitTimeOverrides, dynamicWaits };
}

/** Reads a simple JSONPath (`$.a.b[0].c`) from a value; undefined when absent. */
export function readPath(value: unknown, path: string): unknown {
  if (path === '$') return value;
  if (!path.startsWith('$')) return undefined;
  const parts = path
    .slice(1)
    .replace(/\[(\d+)\]/g, '.$1')
    .replace(/\['([^']+)'\]/g, '.$1')
    .split('.')
    .filter(Boolean);
  let current: unknown = value;
  for (const part of parts) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** Simulated milliseconds a converted Wait state should last for this input (its InputPath already applied). */
export function dynamicWaitMs(state: AslState, input: unknown, nowMs: number): number {
  if (typeof state.SecondsPath === 'string') {
    const seconds = readPath(input, state.SecondsPath);
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0) {
      throw Object.assign(
        new Error(
          `Path expression '${state.SecondsPath}' evaluated to ${JSON.stringify(seconds)}, but expected a non-negative integer`,
        ),
        { name: 'States.Runtime' },
      );
    }
    return seconds * 1000;
  }
  const timestamp =
    typeof state.Timestamp === 'string' ? state.Timestamp : readPath(input, String(state.TimestampPath));
  const at = typeof timestamp === 'string' ? Date.parse(timestamp) : Number.NaN;
  if (Number.isNaN(at))
    throw Object.assign(
      new Error(`Wait state timestamp ${JSON.stringify(timestamp)} is not an RFC 3339 timestamp`),
      { name: 'States.Runtime' },
    );
  return Math.max(0, at - nowMs);
}
