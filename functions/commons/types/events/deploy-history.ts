/** deploy-history's event: record a start or an outcome, or look up the last good version. */
import * as z from 'zod/mini';
import { text } from './fields';

const anyText = z.string({ error: 'must be a string' });

/** How a deployment ended (the history's `outcome`). */
export const DEPLOYMENT_OUTCOMES = [
  'succeeded',
  'failed',
  'rolled-back',
  'superseded',
  'rejected',
  'approval-expired',
] as const;
export type DeploymentOutcome = (typeof DEPLOYMENT_OUTCOMES)[number];

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

export const deployHistoryEvent = z.discriminatedUnion(
  'action',
  [
    z.object({ action: z.literal('recordStart'), executionArn: text, input }),
    z.object({
      action: z.literal('recordOutcome'),
      pipeline: text,
      executionArn: text,
      outcome: z.enum(DEPLOYMENT_OUTCOMES, { error: `must be one of ${DEPLOYMENT_OUTCOMES.join(', ')}` }),
      versionLabel: z.nullish(anyText),
      error: z.nullish(anyText),
      cause: z.nullish(anyText),
      rolledBack: z.exactOptional(z.boolean({ error: 'must be true or false' })),
    }),
    z.object({ action: z.literal('lastGood'), pipeline: text }),
  ],
  { error: 'action must be "recordStart", "recordOutcome" or "lastGood"' },
);
export type DeployHistoryEvent = z.infer<typeof deployHistoryEvent>;
/** The execution input fields a start records. */
export type HistoryStartInput = Extract<DeployHistoryEvent, { action: 'recordStart' }>['input'];
