/**
 * Reads an Elastic Beanstalk deployment from the environment's state and its events: a pure
 * function, so every wording Beanstalk uses can be pinned in a table test.
 *
 * - in-progress: the environment is not Ready yet (deploying, evaluating the canary, or rolling back);
 * - succeeded: Ready on our version and no failure event since the deploy began;
 * - reverted: a failure event and the environment is back on another version: Beanstalk's own
 *   traffic-splitting rollback moved the traffic back and terminated the new fleet;
 * - failed: anything else that ended badly (Ready on our version with errors, terminated, ...).
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
