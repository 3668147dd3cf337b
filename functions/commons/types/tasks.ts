/**
 * Contracts between the state machines (statemachines/*.asl.json) and the task functions
 * (functions/<name>/handler.ts). Each function takes one event shape per `action`, written once
 * as a zod/mini schema in ./events/<function>.ts (the function validates with it, the type here
 * is inferred from it); the ASL passes exactly those fields and branches on the outputs and on
 * the error names below. Extend only with optional fields, so both sides stay in step.
 */
export type { ApprovalLinks, PrepareApprovalEvent, RequestApprovalEvent } from './events/approval-request';
export type { ArtifactLocation, BeanstalkDeployEvent } from './events/beanstalk-deploy';
export type { DeployHistoryEvent, DeploymentOutcome, HistoryStartInput } from './events/deploy-history';
export type { DeployLockEvent } from './events/deploy-lock';
export type { HealthGateEvent } from './events/health-gate';
export type { SsmDeployEvent } from './events/ssm-deploy';
export type { VerifyEvent } from './events/verify';

/** Seconds the state machine should wait before polling again (adaptive, never a long fixed sleep). */
export interface PollHint {
  waitSeconds: number;
}

// ---- deploy-lock: one deployment per target, newer commits supersede older waiting ones ----
export type AcquireResult =
  | ({ status: 'acquired'; targetKey: string; leaseExpiresAt: string } & PollHint)
  | ({ status: 'waiting'; targetKey: string; heldBy: string } & PollHint)
  | ({
      status: 'superseded';
      targetKey: string;
      /** The execution that deploys (or deployed) instead. */
      supersededBy: string;
      supersededByCommitSha: string | null;
      /** e.g. "older than 4e8a1c0d7b2f, which is live". */
      reason: string;
    } & PollHint);
export interface ReleaseResult {
  released: boolean;
  targetKey: string;
}

// ---- health-gate: is the target healthy enough to deploy into? ----
export interface HealthFinding {
  /** Environment name or instance id. */
  resource: string;
  check: string;
  ok: boolean;
  detail: string;
}
export interface HealthGateResult {
  healthy: true;
  /** The first findings (all ok); a large fleet's others are counted in omittedFindings. */
  findings: HealthFinding[];
  omittedFindings: number;
}

// ---- beanstalk-deploy: application version, TrafficSplitting canary, status, rollback ----
export interface CreateVersionResult {
  versionLabel: string;
}
export type VersionStatusResult = { status: 'processing' | 'processed' } & PollHint;
export interface StartDeployResult {
  versionLabel: string;
  previousVersionLabel: string | null;
  startedAt: string;
  /** The Beanstalk application and environment updated (what the event-driven wait watches). */
  application: string;
  environment: string;
}
/** in-progress; succeeded; reverted = failed and Beanstalk rolled traffic back itself; failed = anything else. */
export type BeanstalkDeployStatus = 'in-progress' | 'succeeded' | 'reverted' | 'failed';
export type DeployStatusResult = {
  status: BeanstalkDeployStatus;
  deployedVersionLabel: string | null;
  environmentStatus: string;
  health: string;
  /** Newest relevant Beanstalk events since the deploy began, newest first. */
  events: string[];
} & PollHint;
export interface CurrentVersionResult {
  versionLabel: string | null;
}

// ---- ssm-deploy: rolling release of the systemd service through the project's Command document ----
export interface StartReleaseResult {
  commandId: string;
  startedAt: string;
}
export interface InstanceOutcome {
  instanceId: string;
  /** SSM invocation status: Pending, InProgress, Success, Failed, TimedOut, Cancelled, ... */
  status: string;
  /** Last lines of the instance's output (stdout and stderr), trimmed. */
  outputTail: string;
}
export type ReleaseStatusResult = {
  status: 'in-progress' | 'succeeded' | 'failed';
  instances: InstanceOutcome[];
  /** Instances on which the new release completed (candidates for rollback). */
  updatedInstanceIds: string[];
  failedInstanceIds: string[];
} & PollHint;

// ---- verify: smoke test and alarms over the bake window ----
export interface SmokeAttempt {
  status: number | null;
  latencyMs: number;
  error?: string;
}
export interface SmokeTestResult {
  passed: true;
  url: string;
  attempts: SmokeAttempt[];
}
export type AlarmCheckResult = { status: 'baking' | 'passed'; alarmsChecked: string[] } & PollHint;

// ---- approval: prepare signed links, then wait for a person (.waitForTaskToken) ----
/** Output of the waiting task when approved (SendTaskSuccess). Rejection is SendTaskFailure with `ApprovalRejected`. */
export interface ApprovalDecision {
  decision: 'approved';
  by: string;
  at: string;
}

// ---- deploy-history: audit trail, last good version, dashboard numbers ----
export interface LastGoodResult {
  found: boolean;
  versionLabel: string | null;
  commitSha: string | null;
}

// ---- the pipeline's own output ----
/**
 * The output of a pipeline execution that SUCCEEDED: the "Report deployed" and "Report
 * superseded" states produce it, and every consumer (notifier, deployctl, scenarios) reads it
 * through functions/commons/pipeline-output.ts, never the run's working state.
 */
export type PipelineOutput =
  | {
      outcome: 'deployed';
      pipeline: string;
      commitSha: string;
      deployed: { versionLabel: string | null; previousVersionLabel: string | null; instanceIds: string[] };
    }
  | {
      outcome: 'superseded';
      pipeline: string;
      commitSha: string;
      /** The execution that deploys (or deployed) instead, and its commit. */
      supersededBy: string;
      supersededByCommitSha: string | null;
      reason: string;
    };

/**
 * Error names the ASL matches in `ErrorEquals` (Lambda errors surface as their `name`), and the
 * names of the pipeline's Fail states. Stable: dashboards, the notifier and runbooks use them.
 */
export const ErrorNames = {
  // thrown by task functions
  TargetNotFound: 'TargetNotFoundError',
  TargetUnhealthy: 'TargetUnhealthyError',
  VersionProcessingFailed: 'VersionProcessingFailedError',
  DeployRejected: 'DeployRejectedError',
  SmokeTestFailed: 'SmokeTestFailedError',
  AlarmTriggered: 'AlarmTriggeredError',
  Config: 'ConfigError',
  // a deploy sub-workflow's change refused: its pipeline run does not hold the target's lock
  // (deploy-lock/lock-guard.ts); the sub-workflow then fails with DeployLockNotHeld
  DeployLockNotHeldError: 'DeployLockNotHeldError',
  DeployLockNotHeld: 'DeployLockNotHeld',
  // used by the approval callback with SendTaskFailure
  ApprovalRejected: 'ApprovalRejected',
  // Fail states of the pipeline
  BuildFailed: 'BuildFailed',
  TestsFailed: 'TestsFailed',
  ScanFailed: 'VulnerabilitiesFound',
  HealthGateFailed: 'HealthGateFailed',
  ApprovalExpired: 'ApprovalExpired',
  DeployFailed: 'DeployFailed',
  CanaryReverted: 'CanaryReverted',
  VerifyFailedRolledBack: 'VerifyFailedRolledBack',
  RollbackFailed: 'RollbackFailed',
} as const;
