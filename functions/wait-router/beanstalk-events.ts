/**
 * Elastic Beanstalk's own EventBridge events, as far as a deploy wait needs them. Pure: no AWS client.
 *
 * Elastic Beanstalk Developer Guide, "Using Elastic Beanstalk with Amazon EventBridge": source
 * `aws.elasticbeanstalk`; detail-type "Elastic Beanstalk resource status change" for "state changes
 * for environment operations (including create, update, and terminate operations). The event
 * specifies if the state change has started, succeeded, or failed", and "Health status change" for
 * health transitions; `detail` carries Status, EventDate (epoch ms), ApplicationName, Message,
 * EnvironmentName and Severity ("Example Elastic Beanstalk events"; documented Status values include
 * "Environment creation started", "Environment update failed", "Environment health changed").
 * "Events are emitted on a best effort basis", so every wait keeps a safety poll.
 */

/** detail-type of an environment operation's state change (started, succeeded or failed). */
export const EB_RESOURCE_STATUS_CHANGE = 'Elastic Beanstalk resource status change';
/** detail-type of an environment's health transition. */
export const EB_HEALTH_STATUS_CHANGE = 'Health status change';

/** The wait key of an environment: `eb-environment/<application>/<environment>`. */
export function environmentWaitKey(application: string, environment: string): string {
  return `eb-environment/${application}/${environment}`;
}

/**
 * The rule pattern for the operation state changes of `environments` (the pipelines' Beanstalk
 * environments): the infra rule and the sandbox's rule use the same one. Health transitions are
 * not routed: a canary's health is judged by Beanstalk itself, whose verdict ends the update.
 */
export function beanstalkEnvironmentEventPattern(environments: readonly string[]): {
  source: string[];
  'detail-type': string[];
  detail: { EnvironmentName: string[] };
} {
  return {
    source: ['aws.elasticbeanstalk'],
    'detail-type': [EB_RESOURCE_STATUS_CHANGE],
    detail: { EnvironmentName: [...environments] },
  };
}

/** An environment operation that settled (succeeded or failed), from one event. */
export interface EnvironmentSettled {
  waitKey: string;
  /** Beanstalk's Status words, e.g. "Environment update failed". */
  status: string;
  /** When Beanstalk wrote the event (detail.EventDate). */
  at: Date;
  /** The EventBridge event id: each event ends at most one wait. */
  eventId: string;
}

/**
 * The settled operation an event reports, or undefined when it reports none: another source or
 * detail-type, an operation that only started ("... started"), a malformed detail.
 */
export function settledOfEvent(event: unknown): EnvironmentSettled | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const e = event as { id?: unknown; source?: unknown; 'detail-type'?: unknown; detail?: unknown };
  if (e.source !== 'aws.elasticbeanstalk' || e['detail-type'] !== EB_RESOURCE_STATUS_CHANGE) return undefined;
  const d = (e.detail ?? {}) as Record<string, unknown>;
  const { Status: status, ApplicationName: app, EnvironmentName: env, EventDate: date } = d;
  if (typeof status !== 'string' || typeof app !== 'string' || typeof env !== 'string') return undefined;
  if (app === '' || env === '' || /\bstarted$/i.test(status.trim())) return undefined;
  const at = new Date(typeof date === 'number' || typeof date === 'string' ? date : Number.NaN);
  if (Number.isNaN(at.getTime())) return undefined;
  return {
    waitKey: environmentWaitKey(app, env),
    status,
    at,
    eventId: typeof e.id === 'string' && e.id !== '' ? e.id : `${env}@${at.toISOString()}`,
  };
}
