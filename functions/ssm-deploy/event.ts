/** Validates the ssm-deploy task event (functions/commons/types/events/ssm-deploy.ts). */
import { parseEvent } from '../commons/parse-event';
import { ssmDeployEvent } from '../commons/types/events/ssm-deploy';

/** The event, validated; throws InvalidEventError naming every bad field. */
export const parseSsmDeployEvent = parseEvent(ssmDeployEvent, 'ssm-deploy');
