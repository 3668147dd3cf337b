/**
 * `deployctl rollback <pipeline>`: puts the pipeline's target back on its last good version.
 *
 * It runs the very workflow the pipeline itself uses to roll back: the target kind's deploy
 * sub-workflow (`deploy-beanstalk` / `deploy-ssm`) in "rollback" mode, with the newest succeeded
 * deployment from the deploy history (Beanstalk: its application version; EC2: its commit's
 * release on the instances that deployment updated). Then it follows that execution.
 * It refuses while a pipeline execution is running (that run holds the target), unless --force.
 * The rollback is a sub-workflow execution, not a pipeline run: it is not recorded in the deploy
 * history, so the last good version stays what it was.
 */
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { listRecentDeployments, LAST_GOOD_MAX_PAGES } from '../../../functions/deploy-history/history-store';
import { isGood, type DeploymentRecord } from '../../../functions/deploy-history/history-record';
import { DEPLOY_DEFINITION } from '../../../statemachines/definitions';
import type { CliContext } from '../context';
import { CliError } from '../errors';
import { checkPipeline, describeExecution, listExecutions, listStateMachines } from '../executions';
import { exitCodeFor, showExecution } from './show';

export interface RollbackOptions {
  /** Roll back to this version label (a good one from the history) instead of the newest good. */
  to?: string;
  /** Start even while a pipeline execution is running. */
  force?: boolean;
  /** Start and return without following (default: follow). */
  follow?: boolean;
}

/** The newest good deployment (with `to`: the newest good one with that version label). */
export async function findRollbackTarget(
  ctx: CliContext,
  pipeline: string,
  to?: string,
): Promise<DeploymentRecord> {
  let cursor: Record<string, unknown> | undefined;
  for (let page = 0; page < LAST_GOOD_MAX_PAGES; page++) {
    const result = await listRecentDeployments(pipeline, { client: ctx.dynamo, limit: 25, cursor });
    const good = result.items.find((r) => isGood(r) && (to === undefined || r.versionLabel === to));
    if (good) return good;
    if (!result.cursor) break;
    cursor = result.cursor;
  }
  throw new CliError(
    to === undefined
      ? `No successful deployment of ${pipeline} in the deploy history: there is no good version to roll back to.`
      : `No successful deployment of ${pipeline} with version "${to}" in the deploy history.`,
  );
}

/** The instances a deployment updated (EC2 pipelines), from its execution's output. */
async function updatedInstances(ctx: CliContext, record: DeploymentRecord): Promise<string[]> {
  const execution = await describeExecution(ctx, record.executionArn);
  try {
    const ids = (JSON.parse(execution.output ?? '{}') as { deployed?: { instanceIds?: unknown } }).deployed
      ?.instanceIds;
    if (Array.isArray(ids) && ids.length && ids.every((id) => typeof id === 'string')) return ids as string[];
  } catch {
    // Falls through to the error below.
  }
  throw new CliError(
    `Cannot tell which instances ${record.executionArn.split(':').pop()} updated (its output has no deployed.instanceIds).`,
  );
}

export async function rollbackCommand(
  ctx: CliContext,
  pipeline: string,
  options: RollbackOptions = {},
): Promise<number> {
  checkPipeline(ctx, pipeline);
  const settings = ctx.config().pipelines.find((p) => p.name === pipeline)!;
  const { out } = ctx;
  if (!options.force) {
    const running = await listExecutions(ctx, { pipeline, status: 'RUNNING', limit: 5 });
    if (running.length) {
      throw new CliError(
        `${pipeline} has a running execution (${running.map((e) => e.name).join(', ')}); let it finish or stop it, or pass --force.`,
      );
    }
  }
  const target = await findRollbackTarget(ctx, pipeline, options.to);
  const workflow = DEPLOY_DEFINITION[settings.target.kind];
  const machine = (await listStateMachines(ctx)).find((m) => m.name === workflow);
  if (!machine?.stateMachineArn)
    throw new CliError(
      `The deploy sub-workflow ${workflow} does not exist${ctx.mode === 'aws' ? ' in this account and region' : ' in the sandbox'}.`,
    );
  const input: Record<string, unknown> = {
    mode: 'rollback',
    pipeline,
    rollbackTo: { found: true, versionLabel: target.versionLabel, commitSha: target.commitSha ?? null },
  };
  if (settings.target.kind === 'ec2-ssm') input.instanceIds = await updatedInstances(ctx, target);
  const name = `rollback-${pipeline}-${new Date()
    .toISOString()
    .replace(/[^0-9]/g, '')
    .slice(0, 14)}`.slice(0, 80);
  const started = await ctx.sfn.send(
    new StartExecutionCommand({
      stateMachineArn: machine.stateMachineArn,
      name,
      input: JSON.stringify(input),
    }),
  );
  out.line(
    `${out.paint('yellow', 'rolling back')}  ${pipeline} to ${target.versionLabel}${target.commitSha ? ` (commit ${target.commitSha.slice(0, 7)}, deployed ${target.startedAt})` : ''}`,
  );
  out.line(`  execution ${workflow}/${name}`);
  if (options.follow === false) return 0;
  const tree = await showExecution(ctx, started.executionArn!, { follow: true });
  return exitCodeFor(tree.timeline.status);
}
