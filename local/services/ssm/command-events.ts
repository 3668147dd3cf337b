/**
 * The event SSM puts on the default EventBridge bus when a Run Command command changes status:
 * detail-type "EC2 Command Status-change Notification", source `aws.ssm`, the targeted instances'
 * ARNs as resources, and in `detail` the command id, document name, expiry, parameters, request
 * time and the new status (Systems Manager User Guide, "Amazon EventBridge event examples for
 * Systems Manager", Run Command events; EventBridge events reference, "Amazon EC2 Systems Manager
 * events": delivery is best effort).
 */
import type { Command } from './model';

/** The detail-type of a command's status change (EventBridge events reference, SSM events). */
export const COMMAND_STATUS_CHANGE = 'EC2 Command Status-change Notification';

/** A command's status-change event, as EventBridge hands it to a rule's target. */
export interface CommandStatusEvent {
  version: '0';
  id: string;
  'detail-type': typeof COMMAND_STATUS_CHANGE;
  source: 'aws.ssm';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: {
    'command-id': string;
    'document-name': string;
    'expire-after': string;
    parameters: Record<string, string[]>;
    'requested-date-time': string;
    status: Command['status'];
  };
}

/** The `detail`, source, detail-type and resources of the event for `command`'s current status. */
export function commandStatusEvent(
  command: Command,
  region: string,
  account: string,
): Pick<CommandStatusEvent, 'source' | 'detail-type' | 'resources' | 'detail'> {
  // ExpiresAfter: the request time plus the command's delivery timeout (API reference, Command).
  const expires = new Date(command.requested.getTime() + command.timeoutSeconds * 1000);
  return {
    source: 'aws.ssm',
    'detail-type': COMMAND_STATUS_CHANGE,
    resources: command.instanceIds.map((id) => `arn:aws:ec2:${region}:${account}:instance/${id}`),
    detail: {
      'command-id': command.id,
      'document-name': command.documentName,
      'expire-after': expires.toISOString(),
      parameters: command.parameters,
      'requested-date-time': command.requested.toISOString(),
      status: command.status,
    },
  };
}
