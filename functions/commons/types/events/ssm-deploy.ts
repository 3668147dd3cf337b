/** ssm-deploy's event: rolling release of the systemd service through the project's Command document. */
import * as z from 'zod/mini';
import { INSTANCE_ID } from '../../ssm-parameters';
import { guardedInput } from './deploy-lock';
import { commitSha, text } from './fields';

/** One SSM command id, or the ids of a rollback's batches (50 instances each) joined by commas. */
const COMMAND_IDS = /^[0-9a-f-]{36}(?:,[0-9a-f-]{36}){0,9}$/;
/** Ten SendCommand batches of 50 (the fleet sizes the sandbox models go up to 500). */
export const MAX_ROLLBACK_INSTANCES = 500;

export const ssmDeployEvent = z.discriminatedUnion(
  'action',
  [
    z.object({
      action: z.literal('startRelease'),
      pipeline: text,
      commitSha,
      artifact: z.object({ bucket: text, key: text }),
      startedWith: guardedInput,
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
          // More than SendCommand's 50 InstanceIds (botocore ssm/2014-11-06 InstanceIdList):
          // ssm-deploy sends a rollback in batches of 50.
          z.maxLength(MAX_ROLLBACK_INSTANCES, {
            error: `may name at most ${MAX_ROLLBACK_INSTANCES} instances (the largest fleet the controller releases to)`,
          }),
        ),
      commitSha: z.nullable(commitSha),
      startedWith: guardedInput,
    }),
  ],
  { error: 'action must be one of startRelease, releaseStatus, rollback' },
);
export type SsmDeployEvent = z.infer<typeof ssmDeployEvent>;
