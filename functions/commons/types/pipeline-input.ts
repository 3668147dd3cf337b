/**
 * The input of a pipeline execution, as the webhook starts it. Every field is data: nothing here
 * is ever spliced into a shell command (the SSM document takes constrained parameters only).
 */
export interface PipelineInput {
  /** Pipeline name from pipelines.yaml, e.g. "retail-bank". */
  pipeline: string;
  /** GitHub "owner/name". */
  repository: string;
  /** Full 40-hex commit sha of the head commit (`after`). */
  commitSha: string;
  /** Full ref, e.g. "refs/heads/main". */
  ref: string;
  /** Branch name, e.g. "main". */
  branch: string;
  /** Head commit message, trimmed to 1,000 characters. */
  commitMessage: string;
  /** Head commit author name (or login). */
  commitAuthor: string;
  /** Head commit timestamp (ISO 8601), the start of lead time. */
  commitTimestamp: string;
  /** Who pushed (GitHub login or name). */
  pusher: string;
  /** GitHub compare URL of the push. */
  compareUrl: string;
  /** X-GitHub-Delivery GUID. */
  deliveryId: string;
  /** When the webhook accepted the delivery (ISO 8601). */
  receivedAt: string;
  /** The push's `before`: the commit the branch was on (absent for a new branch). Orders commits. */
  beforeSha?: string | null | undefined;
  /** A force-push: deploys even when it rewinds the branch. */
  forced?: boolean | undefined;
  /** `deployctl redeploy` / `retry`: deploy this commit although it is live or was deployed. */
  redeploy?: boolean | undefined;
  /** `deployctl retry`: the run whose build artifact is reused (build, tests and scan passed). */
  reuseArtifact?: { executionArn: string; bucket: string; key: string } | undefined;
}

/** Name of the state machine that runs a pipeline: one per pipeline. */
export function stateMachineName(pipeline: string): string {
  return `deploy-${pipeline}`;
}
