/**
 * `deployctl retry <execution>` and `deployctl redeploy <pipeline> <sha>`: a new pipeline run for a
 * commit that already ran, on purpose.
 *
 * - retry: a failed, timed-out or stopped run again, as a new execution with the same input. When
 *   its build, unit tests and dependency scan passed and the build artifact is still in S3, the
 *   new run reuses that artifact instead of building again (CodePipeline's "retry failed
 *   actions"). For a transient failure in place, `aws stepfunctions redrive-execution` works too.
 * - redeploy: deploy a commit again although it is live or was deployed before (one run per
 *   commit otherwise: the webhook and the deploy lock refuse a second). Reuses the artifact the
 *   same way.
 * Both then follow the new run (`--no-follow` returns at once).
 */
import { randomUUID } from 'node:crypto';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetExecutionHistoryCommand, StartExecutionCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { readPipelineOutput } from '../../../functions/commons/pipeline-output';
import type { PipelineInput } from '../../../functions/commons/types/pipeline-input';
import { listRecentDeployments } from '../../../functions/deploy-history/history-store';
import {
  executionArn,
  executionName,
  type RunPurpose,
} from '../../../functions/github-webhook/execution-name';
import type { CliContext } from '../context';
import { CliError } from '../errors';
import { checkPipeline, describeExecution, pipelineStateMachine, resolveExecution } from '../executions';
import { exitCodeFor, showExecution } from './show';

/** The Parallel state whose success means build, unit tests and scan all passed. */
export const BUILD_STATE = 'Build and test ║ Dependency scan';

export interface RerunOptions {
  follow?: boolean;
}

/** The run's artifact, when its build, tests and scan passed (from its history). */
export function passedBuildArtifact(events: readonly HistoryEvent[]): { bucket: string; key: string } | null {
  const built = events.some(
    (e) => e.type === 'ParallelStateExited' && e.stateExitedEventDetails?.name === BUILD_STATE,
  );
  if (!built) return null;
  const settings = events.find(
    (e) => e.type === 'PassStateExited' && e.stateExitedEventDetails?.name === 'Read pipeline settings',
  );
  try {
    const artifact = (
      JSON.parse(settings?.stateExitedEventDetails?.output ?? 'null') as {
        artifact?: { bucket?: unknown; key?: unknown };
      } | null
    )?.artifact;
    return typeof artifact?.bucket === 'string' && typeof artifact.key === 'string'
      ? { bucket: artifact.bucket, key: artifact.key }
      : null;
  } catch {
    return null;
  }
}

async function history(ctx: CliContext, arn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await ctx.sfn.send(
      new GetExecutionHistoryCommand({
        executionArn: arn,
        maxResults: 1000,
        ...(nextToken && { nextToken }),
      }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

function s3Client(ctx: CliContext): S3Client {
  return ctx.mode === 'aws'
    ? new S3Client({ region: ctx.region })
    : new S3Client({
        region: ctx.region,
        endpoint: ctx.endpoint,
        forcePathStyle: true,
        credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' },
      });
}

/** The artifact to reuse, or why the new run builds again. */
async function reusable(
  ctx: CliContext,
  sourceArn: string,
): Promise<{ artifact: { bucket: string; key: string } } | { rebuild: string }> {
  const artifact = passedBuildArtifact(await history(ctx, sourceArn));
  if (!artifact) return { rebuild: 'its build, unit tests or scan did not pass' };
  const s3 = s3Client(ctx);
  try {
    await s3.send(new HeadObjectCommand({ Bucket: artifact.bucket, Key: artifact.key }));
    return { artifact };
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'NotFound' || name === 'NoSuchKey' || name === 'Forbidden')
      return { rebuild: `its artifact s3://${artifact.bucket}/${artifact.key} is gone (${name})` };
    throw error;
  } finally {
    s3.destroy();
  }
}

async function startRun(
  ctx: CliContext,
  stateMachineArn: string,
  source: { arn: string; input: PipelineInput },
  purpose: RunPurpose,
  options: RerunOptions,
): Promise<number> {
  const nonce = randomUUID();
  const reuse = await reusable(ctx, source.arn);
  const input: PipelineInput = {
    ...source.input,
    deliveryId: `${purpose}-${nonce}`,
    receivedAt: new Date().toISOString(),
    // Both are deliberate: the lock must not take them for a duplicate of the earlier run.
    redeploy: true,
  };
  delete input.reuseArtifact;
  if ('artifact' in reuse) input.reuseArtifact = { executionArn: source.arn, ...reuse.artifact };
  const name = executionName(input.pipeline, input.commitSha, nonce, purpose);
  await ctx.sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
  const arn = executionArn(stateMachineArn, name);
  const build =
    'artifact' in reuse
      ? `reusing the build artifact s3://${reuse.artifact.bucket}/${reuse.artifact.key}`
      : `building again: ${reuse.rebuild}`;
  ctx.out.line(
    `started  ${input.pipeline}  ${name}  (${purpose} of ${input.commitSha.slice(0, 12)}; ${build})`,
  );
  if (options.follow === false) {
    ctx.out.line(`  follow it:  deployctl show ${name} --follow`);
    return 0;
  }
  return exitCodeFor((await showExecution(ctx, arn, { follow: true })).timeline.status);
}

function inputOf(text: string | undefined, arn: string): PipelineInput {
  try {
    const input = JSON.parse(text ?? '') as PipelineInput;
    if (typeof input.pipeline === 'string' && typeof input.commitSha === 'string') return input;
  } catch {
    // fall through
  }
  throw new CliError(`${arn} has no pipeline input (pipeline, commitSha): not a pipeline run.`);
}

/** `deployctl retry <execution>`. */
export async function retryCommand(
  ctx: CliContext,
  reference: string,
  options: RerunOptions = {},
): Promise<number> {
  const arn = await resolveExecution(ctx, reference);
  const execution = await describeExecution(ctx, arn);
  const input = inputOf(execution.input, arn);
  const name = arn.split(':').pop();
  if (execution.status === 'RUNNING')
    throw new CliError(
      `${name} is still running: wait for it, or stop it first (aws stepfunctions stop-execution).`,
    );
  if (execution.status === 'SUCCEEDED' && readPipelineOutput(execution.output)?.outcome === 'deployed')
    throw new CliError(
      `${name} deployed ${input.commitSha.slice(0, 12)} successfully; to deploy it again use: deployctl redeploy ${input.pipeline} ${input.commitSha}`,
    );
  return startRun(ctx, execution.stateMachineArn!, { arn, input }, 'retry', options);
}

/** `deployctl redeploy <pipeline> <sha>`: the newest run of that commit in the deploy history, again. */
export async function redeployCommand(
  ctx: CliContext,
  pipeline: string,
  sha: string,
  options: RerunOptions = {},
): Promise<number> {
  checkPipeline(ctx, pipeline);
  const wanted = sha.trim().toLowerCase();
  if (!/^[0-9a-f]{7,40}$/.test(wanted))
    throw new CliError(`"${sha}" is not a commit id (7 to 40 hex characters).`);
  const { items } = await listRecentDeployments(pipeline, { client: ctx.dynamo, limit: 100 });
  const record = items.find((r) => r.commitSha?.startsWith(wanted));
  if (!record)
    throw new CliError(
      `No run of ${pipeline} for commit ${wanted} in the newest 100 deployments; push it, or give the full sha of a recent one.`,
    );
  const execution = await describeExecution(ctx, record.executionArn);
  const machine = await pipelineStateMachine(ctx, pipeline);
  return startRun(
    ctx,
    machine.stateMachineArn!,
    { arn: record.executionArn, input: inputOf(execution.input, record.executionArn) },
    'redeploy',
    options,
  );
}
