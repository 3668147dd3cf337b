/**
 * Contracts between the state machines (statemachines/*.asl.json) and the task functions
 * (functions/<name>/handler.ts). Each function takes one event shape per `action`; the ASL
 * passes exactly these fields and branches on the outputs and on the error names below.
 * Extend only with optional fields, so both sides stay in step.
 */
import type { PipelineInput } from './pipeline-input';

/** Where CodeBuild put the packaged release of a commit. */
export interface ArtifactLocation {
  bucket: string;
  /** `<pipeline>/<commitSha>/app.zip` (Elastic Beanstalk) or `.../release.tar.gz` (EC2). */
  key: string;
}

/** Seconds the state machine should wait before polling again (adaptive, never a long fixed sleep). */
export interface PollHint {
  waitSeconds: number;
}

// ---- deploy-lock: one deployment per target, newer commits supersede older waiting ones ----
export type DeployLockEvent =
  | {
      action: 'acquire';
      pipeline: string;
      commitSha: string;
      executionArn: string;
      receivedAt: string;
      /** The execution input, for what orders commits (repository, beforeSha, forced, redeploy). */
      input?:
        | {
            repository?: string | undefined;
            beforeSha?: string | null | undefined;
            forced?: boolean | undefined;
            redeploy?: boolean | undefined;
          }
        | undefined;
    }
  /** `deployed`: the success path's release; the holder's commit becomes the target's live commit. */
  | { action: 'release'; pipeline: string; executionArn: string; deployed?: boolean | undefined };
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
export interface HealthGateEvent {
  pipeline: string;
}
export interface HealthFinding {
  /** Environment name or instance id. */
  resource: string;
  check: string;
  ok: boolean;
  detail: string;
}
export interface HealthGateResult {
  healthy: true;
  findings: HealthFinding[];
}

// ---- beanstalk-deploy: application version, TrafficSplitting canary, status, rollback ----
export type BeanstalkDeployEvent =
  | {
      action: 'createVersion';
      pipeline: string;
      commitSha: string;
      artifact: ArtifactLocation;
      description?: string;
    }
  | { action: 'versionStatus'; pipeline: string; versionLabel: string }
  | { action: 'startDeploy'; pipeline: string; versionLabel: string }
  | { action: 'deployStatus'; pipeline: string; versionLabel: string; startedAt: string }
  | { action: 'currentVersion'; pipeline: string }
  | { action: 'rollback'; pipeline: string; versionLabel: string };
export interface CreateVersionResult {
  versionLabel: string;
}
export type VersionStatusResult = { status: 'processing' | 'processed' } & PollHint;
export interface StartDeployResult {
  versionLabel: string;
  previousVersionLabel: string | null;
  startedAt: string;
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
export type SsmDeployEvent =
  | { action: 'startRelease'; pipeline: string; commitSha: string; artifact: ArtifactLocation }
  | { action: 'releaseStatus'; pipeline: string; commandId: string }
  | { action: 'rollback'; pipeline: string; instanceIds: string[]; commitSha: string | null };
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
export type VerifyEvent =
  | { action: 'smokeTest'; pipeline: string }
  | { action: 'alarmCheck'; pipeline: string; bakeStartedAt: string };
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
export interface PrepareApprovalEvent {
  action: 'prepare';
  pipeline: string;
  executionArn: string;
  input: PipelineInput;
}
export interface ApprovalLinks {
  approvalId: string;
  approveUrl: string;
  rejectUrl: string;
  expiresAt: string;
}
export interface RequestApprovalEvent {
  action: 'request';
  taskToken: string;
  pipeline: string;
  executionArn: string;
  input: PipelineInput;
  links: ApprovalLinks;
  /** The build and scan of this run (the pipeline's `$.build`), for the approval page. */
  build?: { buildId?: string; scanBuildId?: string };
}
/** Output of the waiting task when approved (SendTaskSuccess). Rejection is SendTaskFailure with `ApprovalRejected`. */
export interface ApprovalDecision {
  decision: 'approved';
  by: string;
  at: string;
}

// ---- deploy-history: audit trail, last good version, dashboard numbers ----
export type DeploymentOutcome =
  'succeeded' | 'failed' | 'rolled-back' | 'superseded' | 'rejected' | 'approval-expired';
export type DeployHistoryEvent =
  | { action: 'recordStart'; executionArn: string; input: PipelineInput }
  | {
      action: 'recordOutcome';
      pipeline: string;
      executionArn: string;
      outcome: DeploymentOutcome;
      versionLabel?: string | null;
      error?: string | null;
      cause?: string | null;
      rolledBack?: boolean;
    }
  | { action: 'lastGood'; pipeline: string };
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
