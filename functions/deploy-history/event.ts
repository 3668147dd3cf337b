/** Validates the deploy-history task event (types/tasks.ts DeployHistoryEvent) with field-naming errors. */
import * as z from 'zod/mini';
import '../commons/zod-locale';
import type { DeployHistoryEvent } from '../commons/types/tasks';

/** The state machine passed an event this function cannot use. */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
}

const text = z
  .string({ error: 'must be a non-empty string' })
  .check(z.minLength(1, { error: 'must be a non-empty string' }));
const anyText = z.string({ error: 'must be a string' });
const OUTCOMES = [
  'succeeded',
  'failed',
  'rolled-back',
  'superseded',
  'rejected',
  'approval-expired',
] as const;

// Only the fields the history keeps are checked; the rest of the execution input passes through.
const input = z.looseObject({
  pipeline: text,
  repository: anyText,
  commitSha: text,
  branch: anyText,
  commitMessage: anyText,
  commitAuthor: anyText,
  commitTimestamp: anyText,
  pusher: anyText,
  receivedAt: anyText,
});

const schema = z.discriminatedUnion(
  'action',
  [
    z.object({ action: z.literal('recordStart'), executionArn: text, input }),
    z.object({
      action: z.literal('recordOutcome'),
      pipeline: text,
      executionArn: text,
      outcome: z.enum(OUTCOMES, { error: `must be one of ${OUTCOMES.join(', ')}` }),
      versionLabel: z.nullish(anyText),
      error: z.nullish(anyText),
      cause: z.nullish(anyText),
      rolledBack: z.optional(z.boolean({ error: 'must be true or false' })),
    }),
    z.object({ action: z.literal('lastGood'), pipeline: text }),
  ],
  { error: 'action must be "recordStart", "recordOutcome" or "lastGood"' },
);

export function parseDeployHistoryEvent(event: unknown): DeployHistoryEvent {
  const result = schema.safeParse(event);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join('.') || 'event'}: ${issue.message}`,
    );
    throw new InvalidEventError(`deploy-history event is not valid: ${problems.join('; ')}`);
  }
  return result.data as DeployHistoryEvent;
}
