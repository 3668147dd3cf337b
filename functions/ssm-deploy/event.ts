/** Validates the ssm-deploy task event (types/tasks.ts SsmDeployEvent) with field-naming errors. */
import * as z from 'zod/mini';
import '../commons/zod-locale';
import type { SsmDeployEvent } from '../commons/types/tasks';
import { INSTANCE_ID } from './parameters';

/** The state machine passed an event this function cannot use. */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
}

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
      commandId: z.string().check(z.regex(/^[0-9a-f-]{36}$/, { error: 'must be an SSM command id' })),
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
          z.maxLength(50, { error: 'may name at most 50 instances (SendCommand limit)' }),
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
