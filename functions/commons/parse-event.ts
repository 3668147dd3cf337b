/**
 * One way to validate the event a function receives: a zod/mini schema (the contract, from which
 * the event's type is inferred) and an error that names every bad field. Step Functions sees the
 * error by its name (`InvalidEventError`), and the message never echoes a value (task tokens,
 * commit messages): only field paths and what they must be.
 */
import type * as z from 'zod/mini';
import './zod-locale';

/** The state machine (or event source) passed an event this function cannot use. */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
}

/** An error class for a function whose callers match a name of their own. */
export type EventErrorClass = new (message: string) => Error;

export interface ParseEventOptions {
  /** Error to throw instead of InvalidEventError. */
  error?: EventErrorClass;
  /** Start of the message instead of `<functionName> event is not valid`. */
  summary?: string;
  /** Name of the whole event in the list of problems (default `event`). */
  root?: string;
}

/**
 * A parser for the events of `functionName`: returns the event as the schema outputs it, or
 * throws `InvalidEventError` ("deploy-lock event is not valid: receivedAt: must be an ISO 8601
 * timestamp; action: ...") listing every problem as `<path>: <message>`.
 */
export function parseEvent<Schema extends z.ZodMiniType>(
  schema: Schema,
  functionName: string,
  options: ParseEventOptions = {},
): (event: unknown) => z.output<Schema> {
  const ErrorClass = options.error ?? InvalidEventError;
  const summary = options.summary ?? `${functionName} event is not valid`;
  const root = options.root ?? 'event';
  return (event) => {
    const result = schema.safeParse(event);
    if (result.success) return result.data;
    const problems = result.error.issues.map(
      (issue) => `${issue.path.map(String).join('.') || root}: ${issue.message}`,
    );
    throw new ErrorClass(`${summary}: ${problems.join('; ')}`);
  };
}
