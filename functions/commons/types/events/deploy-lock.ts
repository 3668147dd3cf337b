/** deploy-lock's event: acquire the target's lease for an execution, or release it. */
import * as z from 'zod/mini';
import { text, timestamp } from './fields';

export const deployLockEvent = z.discriminatedUnion(
  'action',
  [
    z.object({
      action: z.literal('acquire'),
      pipeline: text,
      commitSha: text,
      executionArn: text,
      receivedAt: timestamp,
      // The execution input: what orders this commit against others (deploy-lock/commit-order.ts).
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
      /** `deployed`: the success path's release; the holder's commit becomes the target's live commit. */
      deployed: z.optional(z.boolean()),
    }),
  ],
  { error: 'action must be "acquire" or "release"' },
);
export type DeployLockEvent = z.infer<typeof deployLockEvent>;
