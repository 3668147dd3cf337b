/**
 * Deterministic execution names: one name per (pipeline, commit), so Step Functions itself
 * refuses a second execution of a commit (`ExecutionAlreadyExists`, kept for 90 days after a run
 * closes): a redelivery, or the same push from an organisation hook and a repository hook, never
 * builds, deploys or asks for approval twice. A force-push gets a name of its own per delivery
 * (it may rewind to a commit that ran before, on purpose); `deployctl redeploy` and `retry` pass a
 * nonce. Names are legal everywhere: at most 80 characters of `[0-9A-Za-z_-]`.
 */
import { createHash } from 'node:crypto';

/** What Step Functions accepts for a name (and what CloudWatch Logs needs too). */
export const EXECUTION_NAME = /^[0-9A-Za-z_-]{1,80}$/;

const clean = (text: string, max: number) => text.replace(/[^0-9A-Za-z_-]/g, '_').slice(0, max) || 'x';

/** Why a run starts: a push, a force-push, or deployctl redeploy / retry. */
export type RunPurpose = 'push' | 'forced' | 'redeploy' | 'retry';

/**
 * `<pipeline>-<sha12>-<16 hex>`, e.g. `retail-bank-0123456789ab-5f2c...`: the hex is sha256 of the
 * commit for a push (one run per commit), of the delivery id for a force-push, and of the nonce
 * for a redeploy or retry.
 */
export function executionName(
  pipeline: string,
  commitSha: string,
  deliveryId: string,
  purpose: RunPurpose = 'push',
): string {
  const key = purpose === 'push' ? `push:${pipeline}:${commitSha.toLowerCase()}` : `${purpose}:${deliveryId}`;
  const hash = createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 16);
  return `${clean(pipeline, 40)}-${clean(commitSha.toLowerCase(), 12)}-${hash}`;
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
