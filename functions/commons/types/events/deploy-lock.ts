/** deploy-lock's event: acquire the target's lease for an execution, or release it. */
import * as z from 'zod/mini';
import { text, timestamp } from './fields';

// The execution input: what orders this commit against others (deploy-lock/commit-order.ts).
const orderInput = z.optional(
  z.object({
    repository: z.optional(z.string()),
    beforeSha: z.optional(z.nullable(z.string())),
    forced: z.optional(z.boolean()),
    redeploy: z.optional(z.boolean()),
  }),
);

/**
 * The pipeline run a deploy sub-workflow changes the target for (its input's `lock`, passed on to
 * the tasks that change the target): deploy-lock/lock-guard.ts lets a change go on only while
 * this run holds the target's lock, and asks for it again with these fields after a redrive.
 * Nothing a pusher controls (branch, commit message) travels with it: the run's own push link and
 * flags are read from the lock item, the repository from pipelines.yaml.
 */
export const lockHolder = z.object({
  executionArn: text,
  commitSha: text,
  receivedAt: timestamp,
});
export type LockHolder = z.infer<typeof lockHolder>;

/**
 * What the guarded tasks of the deploy sub-workflows receive as `startedWith`: their execution's
 * input (`$$.Execution.Input`), of which only `lock` is read. A sub-workflow started by
 * `deployctl rollback` has no `lock`.
 */
export const guardedInput = z.optional(z.object({ lock: z.optional(z.nullable(lockHolder)) }));

export const deployLockEvent = z.discriminatedUnion(
  'action',
  [
    z.object({
      action: z.literal('acquire'),
      pipeline: text,
      commitSha: text,
      executionArn: text,
      receivedAt: timestamp,
      input: orderInput,
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
