/** Validates the deploy-lock task event (functions/commons/types/events/deploy-lock.ts). */
import { parseEvent } from '../commons/parse-event';
import { deployLockEvent } from '../commons/types/events/deploy-lock';

/** The event, validated; throws InvalidEventError naming every bad field. */
export const parseDeployLockEvent = parseEvent(deployLockEvent, 'deploy-lock');
