/** health-gate's event: the pipeline whose target is checked. */
import * as z from 'zod/mini';
import { text } from './fields';

export const healthGateEvent = z.object({ pipeline: text });
export type HealthGateEvent = z.infer<typeof healthGateEvent>;
