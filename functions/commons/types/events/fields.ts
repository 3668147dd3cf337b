/**
 * Field schemas shared by the task events (zod/mini; messages say what the field must be).
 * Optional fields use `z.exactOptional`: an event arrives as JSON, so a key is absent or has a
 * value, and the inferred type then suits `exactOptionalPropertyTypes`.
 */
import * as z from 'zod/mini';
import '../../zod-locale';

/** A non-empty string. */
export const text = z
  .string({ error: 'must be a non-empty string' })
  .check(z.minLength(1, { error: 'must be a non-empty string' }));

/** A non-empty string that `Date.parse` reads (ISO 8601 from the ASL's `$$.State.EnteredTime` etc.). */
export const timestamp = text.check(
  z.refine((value) => !Number.isNaN(Date.parse(value)), { error: 'must be an ISO 8601 timestamp' }),
);

/** A full commit sha as GitHub's push event gives it (`after`): 40 lower-case hex characters. */
export const commitSha = z
  .string({ error: 'must be a 40-character hex commit sha' })
  .check(z.regex(/^[0-9a-f]{40}$/, { error: 'must be a 40-character lower-case hex commit sha' }));
