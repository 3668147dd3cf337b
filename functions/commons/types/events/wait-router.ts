/** wait-router's task event: register a `.waitForTaskToken` token for what it waits for. */
import * as z from 'zod/mini';
import { text, timestamp } from './fields';

/** Step Functions task tokens are 1 to 1024 characters (API reference, SendTaskSuccess: taskToken). */
const taskToken = z
  .string()
  .check(
    z.minLength(1, { error: 'must be a task token ($$.Task.Token)' }),
    z.maxLength(1024, { error: 'must be a task token of at most 1024 characters' }),
  );

/** Wait for SSM commands to reach a final status (deploy-ssm). */
const ssmCommandWait = z.object({
  action: z.literal('register', { error: 'action must be register' }),
  kind: z.literal('ssm-command'),
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

/**
 * Wait for an Elastic Beanstalk environment's operation (the canary deploy, a rollback) to succeed
 * or fail (deploy-beanstalk). Only an event written at or after `since` (when the update was
 * requested) ends the wait, so an older update's event cannot.
 */
const beanstalkEnvironmentWait = z.object({
  action: z.literal('register', { error: 'action must be register' }),
  kind: z.literal('eb-environment'),
  /** Application and environment names (API reference, EnvironmentDescription: 1-100 and 4-40). */
  application: text.check(z.maxLength(100, { error: 'must be at most 100 characters' })),
  environment: text.check(z.maxLength(40, { error: 'must be at most 40 characters' })),
  since: timestamp,
  taskToken,
  pipeline: text,
});

/**
 * Wait for one of a pipeline's alarms to go to ALARM during the bake window (pipeline); only an
 * alarm that fired at or after `since` (the bake's start) ends the wait.
 */
const alarmsWait = z.object({
  action: z.literal('register', { error: 'action must be register' }),
  kind: z.literal('cloudwatch-alarms'),
  /** Alarm names: 1 to 255 characters each (API reference, MetricAlarm.AlarmName); DescribeAlarms takes 100. */
  alarms: z
    .array(text.check(z.maxLength(255, { error: 'must be at most 255 characters' })))
    .check(z.maxLength(100, { error: 'must list at most 100 alarms' })),
  since: timestamp,
  taskToken,
  pipeline: text,
});

export const waitRouterEvent = z.discriminatedUnion(
  'kind',
  [ssmCommandWait, beanstalkEnvironmentWait, alarmsWait],
  { error: 'kind must be ssm-command, eb-environment or cloudwatch-alarms' },
);
export type WaitRouterEvent = z.infer<typeof waitRouterEvent>;
