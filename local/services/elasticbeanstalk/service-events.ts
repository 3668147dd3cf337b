/**
 * The events the simulated Elastic Beanstalk puts on the default EventBridge bus, at the moments
 * its event stream records them (Elastic Beanstalk Developer Guide, "Using Elastic Beanstalk with
 * Amazon EventBridge"; source `aws.elasticbeanstalk`; detail Status, EventDate in epoch
 * milliseconds, ApplicationName, Message, EnvironmentName, Severity; the environment's ARN as the
 * resource; delivered best effort):
 * - "Elastic Beanstalk resource status change" when an environment update starts, succeeds or
 *   fails ("The event specifies if the state change has started, succeeded, or failed"; the guide
 *   documents Status "Environment update failed" with Severity ERROR, and "Environment creation
 *   started" for a start; the success word follows the same form);
 * - "Health status change" with Status "Environment health changed" when the environment's health
 *   transitions (the guide's example carries Beanstalk's "Environment health has transitioned from
 *   ... to ..." message).
 */
import type { EbEvent } from './model';

/** An event for the bus: what EventBridgeModel.emit takes. */
export interface BeanstalkBusEvent {
  source: 'aws.elasticbeanstalk';
  detailType: string;
  detail: {
    Status: string;
    EventDate: number;
    ApplicationName: string;
    Message: string;
    EnvironmentName: string;
    Severity: EbEvent['Severity'];
  };
  resources: string[];
}

/** The Status of the event stream messages that mark an environment operation's state change. */
const OPERATION_STATUS: readonly [RegExp, string][] = [
  [/^Environment update is starting\.$/, 'Environment update started'],
  [/^Environment update completed successfully\.$/, 'Environment update successful'],
  [/^Failed to deploy application\.$/, 'Environment update failed'],
];

/**
 * The bus event for one entry of an environment's event stream, or undefined for the entries that
 * mark no state change (instance launches, traffic shifts, ...) or belong to no environment.
 */
export function busEventOf(event: EbEvent, region: string, account: string): BeanstalkBusEvent | undefined {
  if (!event.EnvironmentName) return undefined;
  const health = /^Environment health has transitioned from /.test(event.Message);
  const status = health
    ? 'Environment health changed'
    : OPERATION_STATUS.find(([pattern]) => pattern.test(event.Message))?.[1];
  if (!status) return undefined;
  return {
    source: 'aws.elasticbeanstalk',
    detailType: health ? 'Health status change' : 'Elastic Beanstalk resource status change',
    detail: {
      Status: status,
      EventDate: event.EventDate.getTime(),
      ApplicationName: event.ApplicationName,
      Message: event.Message,
      EnvironmentName: event.EnvironmentName,
      Severity: event.Severity,
    },
    resources: [
      `arn:aws:elasticbeanstalk:${region}:${account}:environment/${event.ApplicationName}/${event.EnvironmentName}`,
    ],
  };
}
