/**
 * Reads a rolling SSM release from the command and its per-instance invocations (pure).
 * A release succeeds only when every targeted instance succeeded: MaxErrors bounds how far a bad
 * release spreads before SSM stops sending it, it does not make a mixed fleet a success.
 */
import type { InstanceOutcome, ReleaseStatusResult } from '../commons/types/tasks';

export interface CommandSnapshot {
  /** Pending | InProgress | Success | Cancelled | Failed | TimedOut | Cancelling */
  status: string;
  /** e.g. "No Instances In Tag", "Incomplete", "Rate Exceeded". */
  statusDetails?: string;
  targetCount: number;
}

export interface InvocationSnapshot {
  instanceId: string;
  status: string;
  outputTail: string;
}

const COMMAND_RUNNING = new Set(['Pending', 'InProgress', 'Cancelling']);
const INVOCATION_RUNNING = new Set(['Pending', 'InProgress', 'Delayed', 'Cancelling']);
/** Instances where the release ran and did not finish well (the document has switched them back). */
const INVOCATION_FAILED = new Set(['Failed', 'TimedOut']);

export type ReleaseClassification = ReleaseStatusResult & { reason: string };

/** Status, per-instance outcomes, who was updated, who failed, and when to poll again. */
export function classifyRelease(
  command: CommandSnapshot,
  invocations: InvocationSnapshot[],
): ReleaseClassification {
  const instances: InstanceOutcome[] = [...invocations]
    .sort((a, b) => a.instanceId.localeCompare(b.instanceId))
    .map(({ instanceId, status, outputTail }) => ({ instanceId, status, outputTail }));
  const updatedInstanceIds = instances.filter((i) => i.status === 'Success').map((i) => i.instanceId);
  const failedInstanceIds = instances.filter((i) => INVOCATION_FAILED.has(i.status)).map((i) => i.instanceId);
  const cancelled = instances.filter(
    (i) =>
      i.status === 'Cancelled' ||
      (!COMMAND_RUNNING.has(command.status) && INVOCATION_RUNNING.has(i.status) && i.status !== 'InProgress'),
  );
  const base = { instances, updatedInstanceIds, failedInstanceIds };

  // The command is the authority on completion; an invocation still InProgress after it ended is a read lag.
  const running = COMMAND_RUNNING.has(command.status) || instances.some((i) => i.status === 'InProgress');
  if (running) {
    const active = instances.some((i) => i.status === 'InProgress');
    return {
      ...base,
      status: 'in-progress',
      reason: `${updatedInstanceIds.length}/${command.targetCount} instances released`,
      waitSeconds: active ? 10 : 5,
    };
  }
  if (instances.length === 0) {
    return {
      ...base,
      status: 'failed',
      reason: `no instance ran the release (${command.statusDetails ?? command.status})`,
      waitSeconds: 0,
    };
  }
  if (command.status === 'Success' && updatedInstanceIds.length === instances.length) {
    return {
      ...base,
      status: 'succeeded',
      reason: `all ${instances.length} instances released`,
      waitSeconds: 0,
    };
  }
  const parts = [
    failedInstanceIds.length > 0 ? `failed on ${failedInstanceIds.join(', ')}` : '',
    cancelled.length > 0
      ? `not run on ${cancelled.map((i) => i.instanceId).join(', ')} (SSM stopped at MaxErrors)`
      : '',
    `${updatedInstanceIds.length}/${instances.length} released`,
  ].filter(Boolean);
  return {
    ...base,
    status: 'failed',
    reason: `release ${command.status}: ${parts.join('; ')}`,
    waitSeconds: 0,
  };
}
