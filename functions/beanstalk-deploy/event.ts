/** Validates the beanstalk-deploy task event (types/tasks.ts BeanstalkDeployEvent) with field-naming errors. */
import * as z from 'zod/mini';
import '../commons/zod-locale';
import type { BeanstalkDeployEvent } from '../commons/types/tasks';

/** The state machine passed an event this function cannot use. */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
}

const text = z
  .string({ error: 'must be a non-empty string' })
  .check(z.minLength(1, { error: 'must be a non-empty string' }));
/** Labels this function creates are 12 hex characters; rollbacks may name older labels, so allow EB's own limit. */
const label = text.check(
  z.maxLength(100, { error: 'must be at most 100 characters (Elastic Beanstalk limit)' }),
);
const sha = z
  .string({ error: 'must be a 40-character hex commit sha' })
  .check(z.regex(/^[0-9a-f]{40}$/, { error: 'must be a 40-character lower-case hex commit sha' }));
const timestamp = text.check(
  z.refine((value) => !Number.isNaN(Date.parse(value)), { error: 'must be an ISO 8601 timestamp' }),
);
const artifact = z.object({
  bucket: text,
  key: text.check(z.maxLength(1024, { error: 'must be at most 1024 characters' })),
});

const schema = z.discriminatedUnion(
  'action',
  [
    z.object({
      action: z.literal('createVersion'),
      pipeline: text,
      commitSha: sha,
      artifact,
      description: z.optional(z.string()),
    }),
    z.object({ action: z.literal('versionStatus'), pipeline: text, versionLabel: label }),
    z.object({ action: z.literal('startDeploy'), pipeline: text, versionLabel: label }),
    z.object({
      action: z.literal('deployStatus'),
      pipeline: text,
      versionLabel: label,
      startedAt: timestamp,
    }),
    z.object({ action: z.literal('currentVersion'), pipeline: text }),
    z.object({ action: z.literal('rollback'), pipeline: text, versionLabel: label }),
  ],
  {
    error:
      'action must be one of createVersion, versionStatus, startDeploy, deployStatus, currentVersion, rollback',
  },
);

/** The event, validated; throws InvalidEventError naming every bad field. */
export function parseBeanstalkDeployEvent(event: unknown): BeanstalkDeployEvent {
  const result = schema.safeParse(event);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join('.') || 'event'}: ${issue.message}`,
    );
    throw new InvalidEventError(`beanstalk-deploy event is not valid: ${problems.join('; ')}`);
  }
  return result.data as BeanstalkDeployEvent;
}
