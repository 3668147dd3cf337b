/**
 * Deterministic execution names: the same delivery always maps to the same name, so Step
 * Functions itself refuses a second execution for a redelivery (`ExecutionAlreadyExists`).
 * Names are legal everywhere: at most 80 characters of `[0-9A-Za-z_-]`.
 */
import { createHash } from 'node:crypto';

/** What Step Functions accepts for a name (and what CloudWatch Logs needs too). */
export const EXECUTION_NAME = /^[0-9A-Za-z_-]{1,80}$/;

const clean = (text: string, max: number) => text.replace(/[^0-9A-Za-z_-]/g, '_').slice(0, max) || 'x';

/** `<pipeline>-<sha12>-<first 16 hex of sha256(delivery id)>`, e.g. `retail-bank-0123456789ab-5f2c...`. */
export function executionName(pipeline: string, commitSha: string, deliveryId: string): string {
  const delivery = createHash('sha256').update(deliveryId, 'utf8').digest('hex').slice(0, 16);
  return `${clean(pipeline, 40)}-${clean(commitSha.toLowerCase(), 12)}-${delivery}`;
}

/** `arn:aws:states:r:a:stateMachine:sm` + name -> `arn:aws:states:r:a:execution:sm:name`. */
export function executionArn(stateMachineArn: string, name: string): string {
  const parts = stateMachineArn.split(':');
  if (parts.length !== 7 || parts[2] !== 'states' || parts[5] !== 'stateMachine') {
    throw new TypeError('not a state machine ARN');
  }
  parts[5] = 'execution';
  return `${parts.join(':')}:${name}`;
}
