/**
 * Fault injection. A scenario's faults are captured per commit when its execution starts, so
 * the simulated build, deploy and app of that commit misbehave while others do not; the
 * service-wide knobs (throttling, 5xx, Lambda faults, Slack down) apply while the scenario is
 * active.
 */
import type { Severity } from '../functions/commons/config/schema';
import { ServiceError } from './aws/service-error';

/** Everything a scenario can break (see scenarios/README.md). */
export interface Faults {
  /** `install-fails`: pip install fails (BuildFailed); `tests-fail`: pytest reports failures (TestsFailed). */
  build?: 'install-fails' | 'tests-fail';
  /** The dependency scan finds a vulnerability of this severity. */
  scanFinding?: Severity;
  /** A microblog instance over its resource thresholds or with its agent offline. */
  unhealthyInstance?: {
    index: number;
    cpuPercent?: number;
    memoryPercent?: number;
    diskPercent?: number;
    agentOffline?: boolean;
  };
  /** The Beanstalk environment's health before the deploy. */
  environmentHealth?: 'Yellow' | 'Red';
  /** The canary's instances return 5xx during evaluation: Beanstalk rolls back by itself. */
  canaryRegression?: boolean;
  /** The app answers the smoke test with 503 while this commit is deployed. */
  smokeTestFails?: boolean;
  /** This alarm goes to ALARM while this commit is deployed. */
  alarmOnNewVersion?: string;
  /** The release health check fails on this instance (0-based index in instance-id order). */
  failingInstance?: number;
  /** Share (0-1) of first attempts of AWS calls answered with ThrottlingException. */
  throttleShare?: number;
  /** Share (0-1) of first attempts of AWS calls answered with a 500 InternalFailure. */
  serverErrorShare?: number;
  /** Share (0-1) of Lambda task invocations answered with Lambda.TooManyRequestsException. */
  lambdaThrottleShare?: number;
  /** This function's first invocation times out (Sandbox.Timedout). */
  lambdaTimeoutOnce?: string;
  /** The Slack sink answers 500. */
  slackDown?: boolean;
  /**
   * AWS service events (SSM command status changes, ...) never reach the rules' targets: EventBridge
   * delivers them best effort, so every event-driven wait must end by its safety poll.
   */
  serviceEventsLost?: boolean;
}

export const FAULT_KEYS: readonly (keyof Faults)[] = [
  'build',
  'scanFinding',
  'unhealthyInstance',
  'environmentHealth',
  'canaryRegression',
  'smokeTestFails',
  'alarmOnNewVersion',
  'failingInstance',
  'throttleShare',
  'serverErrorShare',
  'lambdaThrottleShare',
  'lambdaTimeoutOnce',
  'slackDown',
  'serviceEventsLost',
];

/** Services whose calls can be faulted (the control API never is). */
const FAULTABLE = new Set([
  'sfn',
  'ssm',
  'codebuild',
  'elasticbeanstalk',
  'dynamodb',
  'secretsmanager',
  'cloudwatch',
  'events',
  's3',
]);

export interface CommitInfo {
  pipeline: string;
  scenario: string;
  faults: Faults;
}

export class FaultBook {
  private active: { name: string; faults: Faults } = { name: 'happy', faults: {} };
  private readonly commits = new Map<string, CommitInfo>();
  /** Fingerprints of requests just faulted: their retry is let through. */
  private readonly faulted = new Set<string>();
  private readonly timedOutOnce = new Set<string>();
  private readonly lambdaFaulted = new Set<string>();
  /** Counters for the evidence: how many faults were injected. */
  readonly injected = {
    throttling: 0,
    serverErrors: 0,
    lambdaThrottles: 0,
    lambdaTimeouts: 0,
    serviceEventsLost: 0,
  };

  constructor(private readonly random: () => number = Math.random) {}

  activate(name: string, faults: Faults): void {
    this.active = { name, faults };
    this.timedOutOnce.clear();
  }

  get activeScenario(): { name: string; faults: Faults } {
    return this.active;
  }

  /** Records the commit of a starting execution; its faults are the active scenario's unless set before. */
  noteCommit(commitSha: string, pipeline: string): CommitInfo {
    let info = this.commits.get(commitSha);
    if (!info) {
      info = { pipeline, scenario: this.active.name, faults: this.active.faults };
      this.commits.set(commitSha, info);
    }
    return info;
  }

  /** Sets a commit's faults ahead of its push (the scenario runner). */
  setCommit(commitSha: string, info: CommitInfo): void {
    this.commits.set(commitSha, info);
  }

  commit(commitSha: string | undefined | null): CommitInfo | undefined {
    return commitSha ? this.commits.get(commitSha) : undefined;
  }

  faultsFor(commitSha: string | undefined | null): Faults {
    return this.commit(commitSha)?.faults ?? {};
  }

  /** An injected AWS error for a call, or undefined. A faulted request's retry always passes. */
  forCall(service: string, operation: string, fingerprint: string): ServiceError | undefined {
    if (!FAULTABLE.has(service)) return undefined;
    if (this.faulted.delete(fingerprint)) return undefined;
    const { throttleShare = 0, serverErrorShare = 0 } = this.active.faults;
    const roll = this.random();
    let error: ServiceError | undefined;
    if (roll < throttleShare) {
      this.injected.throttling++;
      error =
        service === 'elasticbeanstalk'
          ? new ServiceError('Throttling', 'Rate exceeded')
          : new ServiceError('ThrottlingException', 'Rate exceeded');
    } else if (roll < throttleShare + serverErrorShare) {
      this.injected.serverErrors++;
      error = new ServiceError(
        service === 'elasticbeanstalk' ? 'InternalFailure' : 'InternalServerError',
        `injected 500 for ${operation}`,
        500,
      );
    }
    if (error) {
      this.faulted.add(fingerprint);
      if (this.faulted.size > 10_000) this.faulted.clear();
    }
    return error;
  }

  /** A Lambda function error to return instead of running the handler (timeouts). */
  lambdaFunctionFault(functionName: string): { errorType: string; errorMessage: string } | undefined {
    const target = this.active.faults.lambdaTimeoutOnce;
    if (!target || target !== functionName || this.timedOutOnce.has(functionName)) return undefined;
    this.timedOutOnce.add(functionName);
    this.injected.lambdaTimeouts++;
    return {
      errorType: 'Sandbox.Timedout',
      errorMessage: `Task timed out after 30.00 seconds (injected by the sandbox scenario "${this.active.name}")`,
    };
  }

  /** A Lambda service error for a task invocation; never twice in a row for the same state. */
  lambdaServiceFault(functionName: string, stateKey: string): { error: string; cause: string } | undefined {
    const share = this.active.faults.lambdaThrottleShare ?? 0;
    if (this.lambdaFaulted.delete(stateKey) || this.random() >= share) return undefined;
    this.lambdaFaulted.add(stateKey);
    this.injected.lambdaThrottles++;
    return {
      error: 'Lambda.TooManyRequestsException',
      cause: `Rate Exceeded. (Service: Lambda, Status Code: 429, function ${functionName})`,
    };
  }

  /** True when a service event is lost on its way to the rules' targets (counted). */
  dropsServiceEvent(): boolean {
    if (this.active.faults.serviceEventsLost !== true) return false;
    this.injected.serviceEventsLost++;
    return true;
  }

  get slackDown(): boolean {
    return this.active.faults.slackDown === true;
  }

  reset(): void {
    this.active = { name: 'happy', faults: {} };
    this.commits.clear();
    this.faulted.clear();
    this.timedOutOnce.clear();
    this.lambdaFaulted.clear();
    Object.assign(this.injected, {
      throttling: 0,
      serverErrors: 0,
      lambdaThrottles: 0,
      lambdaTimeouts: 0,
      serviceEventsLost: 0,
    });
  }
}
