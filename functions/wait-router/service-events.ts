/**
 * The AWS service events a deploy sub-workflow waits for, and what each means for the wait:
 * which wait it ends (`waitKey`) and the outcome handed to the waiting task. Pure: no AWS client.
 *
 * SSM: "EC2 Command Status-change Notification" (source `aws.ssm`; detail `command-id`,
 * `document-name`, `status`, `requested-date-time`, ...), Systems Manager User Guide, "Amazon
 * EventBridge event examples for Systems Manager" (Run Command); statuses from the API reference,
 * Command.Status: Pending | InProgress | Success | Cancelled | Failed | TimedOut | Cancelling.
 * EventBridge delivers these best effort (EventBridge events reference, "Amazon EC2 Systems
 * Manager events"), so every wait also has a safety poll.
 */

/** The kinds of thing a task can wait for, with the id that names one. */
export type WaitKind = 'ssm-command';

/** The table key of a wait: `<kind>/<id>`. */
export function waitKeyOf(kind: WaitKind, id: string): string {
  return `${kind}/${id}`;
}

/** detail-type of SSM's command status changes. */
export const SSM_COMMAND_STATUS_CHANGE = 'EC2 Command Status-change Notification';

/** Command statuses after which the command does nothing more (API reference, Command.Status). */
export const SSM_FINAL_STATUSES = ['Success', 'Failed', 'Cancelled', 'TimedOut'] as const;

/**
 * The EventBridge rule pattern for the final status changes of commands of `documentName` (the
 * release document): the infra rule and the sandbox's rule use the same one.
 */
export function ssmCommandEventPattern(documentName: string): {
  source: string[];
  'detail-type': string[];
  detail: { 'document-name': string[]; status: string[] };
} {
  return {
    source: ['aws.ssm'],
    'detail-type': [SSM_COMMAND_STATUS_CHANGE],
    detail: { 'document-name': [documentName], status: [...SSM_FINAL_STATUSES] },
  };
}

/** What an event says about a wait. */
export interface WaitOutcome {
  waitKey: string;
  /** The service's status word, as the event carries it. */
  status: string;
}

/**
 * The wait an event ends, or undefined when it ends none (another source or detail-type, a
 * status that is not final, a malformed detail).
 */
export function outcomeOfEvent(event: unknown): WaitOutcome | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const e = event as { source?: unknown; 'detail-type'?: unknown; detail?: unknown };
  if (e.source !== 'aws.ssm' || e['detail-type'] !== SSM_COMMAND_STATUS_CHANGE) return undefined;
  const detail = (e.detail ?? {}) as { 'command-id'?: unknown; status?: unknown };
  const commandId = detail['command-id'];
  const status = detail.status;
  if (typeof commandId !== 'string' || commandId === '' || typeof status !== 'string') return undefined;
  if (!(SSM_FINAL_STATUSES as readonly string[]).includes(status)) return undefined;
  return { waitKey: waitKeyOf('ssm-command', commandId), status };
}

/** True for an EventBridge event (as opposed to a task's register request). */
export function isServiceEvent(event: unknown): boolean {
  return typeof event === 'object' && event !== null && 'detail-type' in event && 'source' in event;
}

/**
 * The outcome of a group of awaited commands once every one has a final status: the first
 * status that is not Success (in group order), else Success. Undefined while any is still running.
 */
export function groupOutcome(
  items: readonly { waitKey: string; finalStatus?: string }[],
): WaitOutcome | undefined {
  if (items.length === 0 || items.some((i) => i.finalStatus === undefined)) return undefined;
  const failed = items.find((i) => i.finalStatus !== 'Success');
  return {
    waitKey: items.map((i) => i.waitKey).join(','),
    status: (failed ?? items[0]!).finalStatus!,
  };
}
