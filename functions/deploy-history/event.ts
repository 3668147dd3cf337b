/** Validates the deploy-history task event (functions/commons/types/events/deploy-history.ts). */
import { parseEvent } from '../commons/parse-event';
import { deployHistoryEvent } from '../commons/types/events/deploy-history';

/** The event, validated; throws InvalidEventError naming every bad field. */
export const parseDeployHistoryEvent = parseEvent(deployHistoryEvent, 'deploy-history');
