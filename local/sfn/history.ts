/**
 * Execution history in the shape GetExecutionHistory returns: numbered events with
 * `previousEventId`, timestamps, and one `<type>EventDetails` object per event type
 * (`stateEnteredEventDetails`, `taskScheduledEventDetails`, ...).
 */

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

export class History {
  readonly events: HistoryEvent[] = [];
  private readonly listeners = new Set<HistoryListener>();

  /** Appends an event; `details` go under the type's details key. */
  add(type: string, details?: Record<string, unknown>, timestamp = new Date()): HistoryEvent {
    const previous = this.events[this.events.length - 1];
    const event: HistoryEvent = {
      id: this.events.length + 1,
      previousEventId: previous?.id ?? 0,
      timestamp,
      type,
    };
    if (details && !NO_DETAILS.has(type)) event[detailsKey(type)] = details;
    this.events.push(event);
    for (const listener of this.listeners) listener(event);
    return event;
  }

  subscribe(listener: HistoryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** JSON text for a history payload field (input, output, parameters). */
export const payload = (value: unknown): string => JSON.stringify(value ?? null);
