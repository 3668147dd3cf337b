/** ssm-deploy's event: rolling release of the systemd service through the project's Command document. */
import * as z from 'zod/mini';
import { INSTANCE_ID } from '../../ssm-parameters';
import { commitSha, text } from './fields';

export const ssmDeployEvent = z.discriminatedUnion(
  'action',
  [
    z.object({
      action: z.literal('startRelease'),
      pipeline: text,
      commitSha,
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
          // SendCommand InstanceIds: "max":50 (botocore ssm/2014-11-06 InstanceIdList).
          z.maxLength(50, { error: 'may name at most 50 instances (SendCommand limit)' }),
        ),
      commitSha: z.nullable(commitSha),
    }),
  ],
  { error: 'action must be one of startRelease, releaseStatus, rollback' },
);
export type SsmDeployEvent = z.infer<typeof ssmDeployEvent>;
