/** Errors of the verify task that are not (yet) in functions/commons/errors.ts. */

/**
 * An alarm listed in the pipeline's `verify.alarms` does not exist in CloudWatch: a configuration
 * mistake (typo, alarm not deployed), not a failed release, so it gets its own name.
 */
export class AlarmNotFoundError extends Error {
  override readonly name = 'AlarmNotFoundError';
}

/** The state machine passed an event this function cannot use (one class for every function). */
export { InvalidEventError } from '../commons/parse-event';
