/** Validates the ssm-deploy task event (types/tasks.ts SsmDeployEvent) with field-naming errors. */
import * as z from 'zod/mini';
import '../commons/zod-locale';
import type { SsmDeployEvent } from '../commons/types/tasks';
import { INSTANCE_ID } from './parameters';

/** The state machine passed an event this function cannot use. */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
}

/** One SSM command id, or the ids of a rollback's batches (50 instances each) joined by commas. */
const COMMAND_IDS = /^[0-9a-f-]{36}(?:,[0-9a-f-]{36}){0,9}$/;
/** Ten SendCommand batches of 50 (the fleet sizes the sandbox models go up to 500). */
export const MAX_ROLLBACK_INSTANCES = 500;

const text = z
  .string({ error: 'must be a non-empty string' })
  .check(z.minLength(1, { error: 'must be a non-empty string' }));
const sha = z
  .string({ error: 'must be a 40-character hex commit sha' })
  .check(z.regex(/^[0-9a-f]{40}$/, { error: 'must be a 40-character lower-case hex commit sha' }));

const schema = z.discriminatedUnion(
  'action',
  [
    z.object({
      action: z.literal('startRelease'),
      pipeline: text,
      commitSha: sha,
      artifact: z.object({ bucket: text, key: text }),
    }),
    z.object({
      action: z.literal('releaseStatus'),
      pipeline: text,
      commandId: z.string().check(
        z.regex(COMMAND_IDS, {
          error: 'must be an SSM command id, or up to 10 of them comma-separated (a rollback in batches)',
        }),
      ),
    }),
    z.object({
      action: z.literal('rollback'),
      pipeline: text,
      instanceIds: z
        .array(
          z
            .string()
            .check(z.regex(INSTANCE_ID, { error: 'must be an instance id such as i-0123456789abcdef0' })),
        )
        .check(
          z.minLength(1, { error: 'must name at least one instance' }),
          z.maxLength(MAX_ROLLBACK_INSTANCES, {
            error: `may name at most ${MAX_ROLLBACK_INSTANCES} instances (the largest fleet the controller releases to)`,
          }),
        ),
      commitSha: z.nullable(sha),
    }),
  ],
  { error: 'action must be one of startRelease, releaseStatus, rollback' },
);

/** The event, validated; throws InvalidEventError naming every bad field. */
export function parseSsmDeployEvent(event: unknown): SsmDeployEvent {
  const result = schema.safeParse(event);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join('.') || 'event'}: ${issue.message}`,
    );
    throw new InvalidEventError(`ssm-deploy event is not valid: ${problems.join('; ')}`);
  }
  return result.data;
}
