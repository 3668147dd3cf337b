/**
 * Reads an Elastic Beanstalk deployment from the environment's state and its events: a pure
 * function, so every wording Beanstalk uses can be pinned in a table test.
 *
 * - in-progress: the environment is not Ready yet (deploying, evaluating the canary, or rolling back);
 * - succeeded: Ready on our version and no failure event since the deploy began;
 * - reverted: the deployment failed and Beanstalk itself left production on the old version;
 * - failed: anything else that ended badly (Ready on our version with errors, terminated, ...).
 *
 * What Elastic Beanstalk documents for a traffic-splitting deployment that fails its evaluation
 * (EB developer guide, "Deployment policies and settings", traffic-splitting deployments): "If the
 * new instances don't pass their health checks, or if you choose to abort the deployment, Elastic
 * Beanstalk moves traffic back to the old instances and terminates the new ones." The environment
 * ends Ready and reports the failure in its events ("Failed to deploy application.", ERROR). Its
 * VersionLabel is the environment's expected version, which Beanstalk resets after a failed
 * deployment "to the version from the most recent successful deployment" (EB developer guide,
 * "Enhanced health notifications and troubleshooting", application version causes). The label
 * is therefore a weak signal: it may already be back on the old version or, for a while, still
 * name ours. Either way the old instances serve all traffic, so a failed deployment whose events
 * show a traffic-splitting deployment (its policy, its evaluation, traffic moved back) is `reverted` whatever the label says, and the pipeline runs no rollback of its own.
 */
import type { BeanstalkDeployStatus } from '../commons/types/tasks';
import { cutText } from '../commons/text';

export interface EnvironmentSnapshot {
  /** Launching | Updating | Ready | Terminating | Terminated | Aborting | LinkingFrom | LinkingTo */
  status: string;
  /** Green | Yellow | Red | Grey (the enhanced-health colour when available). */
  health: string;
  versionLabel: string | null;
}

export interface BeanstalkEventRecord {
  date: Date;
  /** TRACE | DEBUG | INFO | WARN | ERROR | FATAL */
  severity: string;
  message: string;
}

export interface ClassifyInput {
  environment: EnvironmentSnapshot;
  /** Events since the deploy began, in any order. */
  events: BeanstalkEventRecord[];
  /** The version this deploy (or rollback) put on the environment. */
  versionLabel: string;
  startedAt: Date;
  now: Date;
  /** Canary evaluation window, to wait out its remainder in larger steps. */
  evaluationMinutes?: number;
}

export interface Classification {
  status: BeanstalkDeployStatus;
  reason: string;
  waitSeconds: number;
  /** Newest first, `<ISO time> <SEVERITY> <message>`. */
  events: string[];
}

/** Messages that mean the deployment failed (quoted from Beanstalk / awsebcli where noted in the tests). */
export const FAILURE_PATTERNS: readonly RegExp[] = [
  /Failed to deploy application/i,
  /Failed to deploy configuration/i,
  /operation is complete, but with errors/i,
  /reverted to the previous/i,
  /\broll(?:ed|ing)?[ -]?back\b/i,
  /Command failed on instance/i,
  /Unsuccessful command execution/i,
  /Aborting the operation/i,
  /\babort(?:ed|ing)? (?:the )?(?:deployment|traffic splitting)/i,
];

/** Messages that mean Beanstalk moved traffic back to the old version by itself. */
export const ROLLBACK_PATTERNS: readonly RegExp[] = [
  /\broll(?:ed|ing)?[ -]?back\b/i,
  /reverted to the previous/i,
  /(?:shift|mov|return|send)\w* (?:all )?traffic back/i,
];

/** The canary is taking its share of traffic and being evaluated. */
const EVALUATION_PATTERN = /(?:traffic.*evaluat|evaluat.*traffic)/i;

/**
 * Events that only a traffic-splitting deployment writes: its policy, its evaluation, traffic moved
 * back. (Its temporary Auto Scaling group is not enough: an immutable update, which the rollback
 * uses, creates one too.)
 */
const TRAFFIC_SPLITTING_PATTERNS: readonly RegExp[] = [
  /traffic[ -]splitting/i,
  EVALUATION_PATTERN,
  /(?:shift|mov|return|send|roll)\w* (?:all )?traffic back/i,
];

const NOT_READY_YET = new Set(['Launching', 'Updating', 'Aborting', 'LinkingFrom', 'LinkingTo']);
/** After UpdateEnvironment, a Describe may still show the old state for a moment. */
const START_GRACE_MS = 90_000;
const MAX_EVENTS = 10;

const matchesAny = (patterns: readonly RegExp[], message: string) => patterns.some((p) => p.test(message));

/** ERROR/FATAL events and failure wordings. */
export function isFailureEvent(event: BeanstalkEventRecord): boolean {
  return (
    event.severity === 'ERROR' || event.severity === 'FATAL' || matchesAny(FAILURE_PATTERNS, event.message)
  );
}

/** One event as a log line, bounded so a chatty message cannot blow the state's 256 KB payload. */
export function formatEvent(event: BeanstalkEventRecord): string {
  const message = event.message.replace(/\s+/g, ' ').trim();
  return `${event.date.toISOString()} ${event.severity} ${cutText(message, 300, { ellipsis: '...' })}`;
}

function evaluationWait(input: ClassifyInput, newestFirst: BeanstalkEventRecord[]): number | null {
  const started = newestFirst.find((e) => EVALUATION_PATTERN.test(e.message));
  if (!started) return null;
  if (input.evaluationMinutes === undefined) return 30;
  const remainingSeconds =
    (started.date.getTime() + input.evaluationMinutes * 60_000 - input.now.getTime()) / 1000;
  return Math.round(Math.min(30, Math.max(10, remainingSeconds)));
}

/** The deployment's status, a reason for the logs, the next poll interval and the newest events. */
export function classifyDeploy(input: ClassifyInput): Classification {
  const newestFirst = [...input.events].sort((a, b) => b.date.getTime() - a.date.getTime());
  const events = newestFirst.slice(0, MAX_EVENTS).map(formatEvent);
  const failures = newestFirst.filter(isFailureEvent);
  const { status, versionLabel } = input.environment;
  const elapsedMs = input.now.getTime() - input.startedAt.getTime();
  const done = (result: BeanstalkDeployStatus, reason: string): Classification => ({
    status: result,
    reason,
    waitSeconds: 0,
    events,
  });

  if (status === 'Terminating' || status === 'Terminated') return done('failed', `environment is ${status}`);

  if (NOT_READY_YET.has(status)) {
    if (failures.length > 0) {
      return {
        status: 'in-progress',
        reason: `failure reported, Beanstalk is still ${status}: ${failures[0]!.message}`,
        waitSeconds: 15,
        events,
      };
    }
    const canary = evaluationWait(input, newestFirst);
    if (canary !== null)
      return { status: 'in-progress', reason: 'canary is being evaluated', waitSeconds: canary, events };
    // Early on, polls are cheap and the first instance events come fast; later the fleet launch takes minutes.
    return {
      status: 'in-progress',
      reason: `environment is ${status}`,
      waitSeconds: elapsedMs < 60_000 ? 10 : 20,
      events,
    };
  }

  if (status !== 'Ready') return done('failed', `environment is in an unexpected state: ${status}`);

  if (failures.length > 0) {
    const cause = failures[0]!.message;
    if (versionLabel !== input.versionLabel) {
      const rolledBack = failures.some((e) => matchesAny(ROLLBACK_PATTERNS, e.message));
      return done(
        'reverted',
        `Beanstalk ${rolledBack ? 'rolled back' : 'kept'} version ${versionLabel ?? '(none)'}: ${cause}`,
      );
    }
    // Still labelled with our version: after a failed traffic-splitting deployment the old
    // instances serve all traffic all the same (see the header), so there is nothing to roll back.
    if (newestFirst.some((e) => matchesAny(TRAFFIC_SPLITTING_PATTERNS, e.message))) {
      return done(
        'reverted',
        `Beanstalk moved traffic back to the old instances (the environment still reports ${versionLabel}): ${cause}`,
      );
    }
    return done('failed', `deployed with errors: ${cause}`);
  }

  if (versionLabel === input.versionLabel)
    return done('succeeded', `environment is Ready on ${versionLabel}`);

  if (newestFirst.length === 0 && elapsedMs < START_GRACE_MS) {
    return { status: 'in-progress', reason: 'update accepted, not visible yet', waitSeconds: 10, events };
  }
  return done(
    'failed',
    `environment is Ready on ${versionLabel ?? '(no version)'}, not ${input.versionLabel}, and reported no failure`,
  );
}
