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
    }),
    z.object({ action: z.literal('release'), pipeline: text, executionArn: text }),
  ],
  { error: 'action must be "acquire" or "release"' },
);
export type DeployLockEvent = z.infer<typeof deployLockEvent>;
