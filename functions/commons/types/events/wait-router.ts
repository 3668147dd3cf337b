/** wait-router's task event: register a `.waitForTaskToken` token for what it waits for. */
import * as z from 'zod/mini';
import { text } from './fields';

/** Step Functions task tokens are 1 to 1024 characters (API reference, SendTaskSuccess: taskToken). */
const taskToken = z
  .string()
  .check(
    z.minLength(1, { error: 'must be a task token ($$.Task.Token)' }),
    z.maxLength(1024, { error: 'must be a task token of at most 1024 characters' }),
  );

export const waitRouterEvent = z.object({
  action: z.literal('register', { error: 'action must be register' }),
  kind: z.literal('ssm-command', { error: 'kind must be ssm-command' }),
  /**
   * The SSM command id (36 characters, API reference Command.CommandId), or up to 10 of them
   * comma-separated (a rollback sent in batches of 50 instances).
   */
  id: z.string().check(
    z.regex(/^[0-9a-f-]{36}(?:,[0-9a-f-]{36}){0,9}$/, {
      error: 'must be an SSM command id, or up to 10 of them comma-separated',
    }),
  ),
  taskToken,
  pipeline: text,
});
export type WaitRouterEvent = z.infer<typeof waitRouterEvent>;
