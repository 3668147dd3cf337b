/** verify's event: a smoke test, or an alarm check over the bake window. */
import * as z from 'zod/mini';
import { text, timestamp } from './fields';

export const verifyEvent = z.discriminatedUnion(
  'action',
  [
    z.object({ action: z.literal('smokeTest'), pipeline: text }),
    z.object({ action: z.literal('alarmCheck'), pipeline: text, bakeStartedAt: timestamp }),
  ],
  { error: 'action must be "smokeTest" or "alarmCheck"' },
);
export type VerifyEvent = z.infer<typeof verifyEvent>;
