/** Validates approval-request events (functions/commons/types/events/approval-request.ts). */
import { parseEvent } from '../commons/parse-event';
import { approvalRequestEvent } from '../commons/types/events/approval-request';

/** The event, validated; errors name the field and never echo the task token. */
export const parseApprovalRequestEvent = parseEvent(approvalRequestEvent, 'approval-request');
