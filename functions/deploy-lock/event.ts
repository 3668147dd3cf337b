/** Validates the deploy-lock task event (types/tasks.ts DeployLockEvent) with field-naming errors. */
import * as z from 'zod/mini';
import '../commons/zod-locale';
import type { DeployLockEvent } from '../commons/types/tasks';

/** The state machine passed an event this function cannot use. */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
}

const text = z
  .string({ error: 'must be a non-empty string' })
  .check(z.minLength(1, { error: 'must be a non-empty string' }));
const timestamp = text.check(
  z.refine((value) => !Number.isNaN(Date.parse(value)), { error: 'must be an ISO 8601 timestamp' }),
);

const schema = z.discriminatedUnion(
  'action',
  [
    z.object({
      action: z.literal('acquire'),
      pipeline: text,
      commitSha: text,
      executionArn: text,
      receivedAt: timestamp,
      // The execution input: what orders this commit against others (commit-order.ts).
      input: z.optional(
        z.object({
          repository: z.optional(z.string()),
          beforeSha: z.optional(z.nullable(z.string())),
          forced: z.optional(z.boolean()),
          redeploy: z.optional(z.boolean()),
        }),
      ),
    }),
    z.object({
      action: z.literal('release'),
      pipeline: text,
      executionArn: text,
      deployed: z.optional(z.boolean()),
    }),
  ],
  { error: 'action must be "acquire" or "release"' },
);

export function parseDeployLockEvent(event: unknown): DeployLockEvent {
  const result = schema.safeParse(event);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join('.') || 'event'}: ${issue.message}`,
    );
    throw new InvalidEventError(`deploy-lock event is not valid: ${problems.join('; ')}`);
  }
  return result.data;
}
