/**
 * Execution history in the shape GetExecutionHistory returns: numbered events with a causal
 * `previousEventId` (causality.ts), timestamps, and one `<type>EventDetails` object per event
 * type (`stateEnteredEventDetails`, `taskScheduledEventDetails`, ...).
 */
import { Causality, ROOT_CHAIN } from './causality';

export interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: Date;
  type: string;
  [details: string]: unknown;
}

/** Listener for live logs and tests. */
export type HistoryListener = (event: HistoryEvent) => void;

/** `TaskStateEntered` -> `stateEnteredEventDetails`, `TaskScheduled` -> `taskScheduledEventDetails`. */
export function detailsKey(type: string): string {
  const entered = /^[A-Z][a-z]+StateEntered$/.test(type)
    ? 'StateEntered'
    : /^[A-Z][a-z]+StateExited$/.test(type)
      ? 'StateExited'
      : type;
  return `${entered[0]!.toLowerCase()}${entered.slice(1)}EventDetails`;
}

/** Event types that carry no details object. */
const NO_DETAILS = new Set([
  'ParallelStateStarted',
  'ParallelStateSucceeded',
  'ParallelStateAborted',
  'MapStateSucceeded',
  'MapStateAborted',
  'WaitStateAborted',
]);

/** Where an event sits in the causal chain (see causality.ts). */
export interface EventLink {
  /** The chain the event goes on (default `root`). */
  chain?: string;
  /** Its previousEventId, when not the chain's last event. */
  previous?: number;
  /** Whether the event becomes the chain's last event (default true). */
  advance?: boolean;
}

export class History {
  readonly events: HistoryEvent[] = [];
  private readonly listeners = new Set<HistoryListener>();

  /** `causality`: the execution's chains; without one every event goes on a single chain. */
  constructor(readonly causality: Causality = new Causality({ StartAt: '', States: {} })) {}

  /** Appends an event; `details` go under the type's details key; `link` places it in the causal chain. */
  add(type: string, details?: Record<string, unknown>, link: EventLink = {}): HistoryEvent {
    const chain = link.chain ?? ROOT_CHAIN;
    const event: HistoryEvent = {
      id: this.events.length + 1,
      previousEventId: link.previous ?? this.causality.cursor(chain),
      timestamp: new Date(),
      type,
    };
    if (details && !NO_DETAILS.has(type)) event[detailsKey(type)] = details;
    if (link.advance !== false) this.causality.advance(chain, event.id);
    this.events.push(event);
    for (const listener of this.listeners) listener(event);
    return event;
  }

  /** The type of the event with this id. */
  typeOf(id: number): string | undefined {
    return this.events[id - 1]?.type;
  }

  subscribe(listener: HistoryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** JSON text for a history payload field (input, output, parameters). */
export const payload = (value: unknown): string => JSON.stringify(value ?? null);
