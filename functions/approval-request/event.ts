/** Validates approval-request events (types/tasks.ts PrepareApprovalEvent | RequestApprovalEvent). */
import * as z from 'zod/mini';
import '../commons/zod-locale';
import type { PrepareApprovalEvent, RequestApprovalEvent } from '../commons/types/tasks';

/** The state machine passed an event this function cannot use. */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
}

const text = z
  .string({ error: 'must be a non-empty string' })
  .check(z.minLength(1, { error: 'must be a non-empty string' }));
const input = z.looseObject({
  pipeline: text,
  repository: text,
  commitSha: z.string().check(z.regex(/^[0-9a-f]{40}$/, { error: 'must be a 40-character hex commit sha' })),
  branch: text,
  commitMessage: z.string(),
  pusher: text,
  compareUrl: z.string(),
});
const links = z.object({
  // String formats used as checks, as classic zod's .uuid()/.url() do: a non-string keeps the
  // default "expected string" message.
  approvalId: z.string().check(z.uuid({ error: 'must be a UUID' })),
  approveUrl: z.string().check(z.url({ error: 'must be a URL' })),
  rejectUrl: z.string().check(z.url({ error: 'must be a URL' })),
  expiresAt: text.check(
    z.refine((v) => !Number.isNaN(Date.parse(v)), { error: 'must be an ISO 8601 timestamp' }),
  ),
});

const schema = z.discriminatedUnion(
  'action',
  [
    z.object({ action: z.literal('prepare'), pipeline: text, executionArn: text, input }),
    z.object({
      action: z.literal('request'),
      taskToken: text,
      pipeline: text,
      executionArn: text,
      input,
      links,
      build: z.optional(z.object({ buildId: z.optional(z.string()), scanBuildId: z.optional(z.string()) })),
    }),
  ],
  { error: 'action must be "prepare" or "request"' },
);

/** The event, validated; errors name the field and never echo the task token. */
export function parseApprovalRequestEvent(event: unknown): PrepareApprovalEvent | RequestApprovalEvent {
  const result = schema.safeParse(event);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join('.') || 'event'}: ${issue.message}`,
    );
    throw new InvalidEventError(`approval-request event is not valid: ${problems.join('; ')}`);
  }
  return result.data as unknown as PrepareApprovalEvent | RequestApprovalEvent;
}
