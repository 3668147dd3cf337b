/** Validates the beanstalk-deploy task event (functions/commons/types/events/beanstalk-deploy.ts). */
import { parseEvent } from '../commons/parse-event';
import { beanstalkDeployEvent } from '../commons/types/events/beanstalk-deploy';

/** The event, validated; throws InvalidEventError naming every bad field. */
export const parseBeanstalkDeployEvent = parseEvent(beanstalkDeployEvent, 'beanstalk-deploy');
