/**
 * `deployctl rollback <pipeline>`: puts the pipeline's target back on the good version before the
 * one deployed now (or a chosen good version).
 *
 * It runs the very workflow the pipeline itself uses to roll back: the target kind's deploy
 * sub-workflow (`deploy-beanstalk` / `deploy-ssm`) in "rollback" mode, with that deployment from
 * the deploy history (Beanstalk: its application version; EC2: its commit's release on the
 * instances it updated). Then it follows that execution.
 * It refuses while a pipeline execution is running (that run holds the target), unless --force.
 * When the rollback succeeds, the deployment it replaced is marked `rolled-back` in the deploy
 * history, so neither this command nor a pipeline's automatic rollback picks it as good again.
 */
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DeployHistoryTable, tableName } from '../../../functions/commons/tables';
import { listRecentDeployments, LAST_GOOD_MAX_PAGES } from '../../../functions/deploy-history/history-store';
import { isGood, type DeploymentRecord } from '../../../functions/deploy-history/history-record';
import { DEPLOY_DEFINITION } from '../../../statemachines/definitions';
import type { CliContext } from '../context';
import { CliError } from '../errors';
import { checkPipeline, describeExecution, listExecutions, listStateMachines } from '../executions';
import { exitCodeFor, showExecution } from './show';
import { SANDBOX_PATHS } from '../sandbox-api';

export interface RollbackOptions {
  /** Roll back to this version label (a good one from the history) instead of the newest good. */
  to?: string;
  /** Start even while a pipeline execution is running. */
  force?: boolean;
  /** Start and return without following (default: follow). */
  follow?: boolean;
}

/** Where a rollback goes: the target deployment, and the version live now (newest good one). */
export interface RollbackPlan {
  target: DeploymentRecord;
  current?: DeploymentRecord;
}

/**
 * The good deployment before the one live now: the newest succeeded deployment is what runs
 * (a failed run rolls itself back), so the target is the newest good one with another version.
 * With `to`: the newest good deployment with that version label.
 */
export async function planRollback(ctx: CliContext, pipeline: string, to?: string): Promise<RollbackPlan> {
  let cursor: Record<string, unknown> | undefined;
  let current: DeploymentRecord | undefined;
  for (let page = 0; page < LAST_GOOD_MAX_PAGES; page++) {
    const result = await listRecentDeployments(pipeline, { client: ctx.dynamo, limit: 25, cursor });
    for (const record of result.items) {
      if (!isGood(record)) continue;
      current ??= record;
      const wanted =
        to === undefined ? record.versionLabel !== current.versionLabel : record.versionLabel === to;
      if (wanted) return { target: record, current };
    }
    if (!result.cursor) break;
    cursor = result.cursor;
  }
  if (to !== undefined)
    throw new CliError(`No successful deployment of ${pipeline} with version "${to}" in the deploy history.`);
  throw new CliError(
    current
      ? `${pipeline} has one good version in the deploy history (${current.versionLabel}, live now): there is no earlier good version to roll back to.`
      : `No successful deployment of ${pipeline} in the deploy history: there is no good version to roll back to.`,
  );
}

/**
 * Marks the replaced deployment rolled back (only if it is still recorded as succeeded). Its other
 * fields, end time included, stay as the pipeline wrote them.
 */
export async function markRolledBack(ctx: CliContext, record: DeploymentRecord, to: string): Promise<void> {
  await ctx.dynamo.send(
    new UpdateCommand({
      TableName: tableName(DeployHistoryTable),
      Key: { pipeline: record.pipeline, executionArn: record.executionArn },
      UpdateExpression: 'SET #outcome = :rolledBack, #rolledBack = :true, #cause = :cause',
      ConditionExpression: '#outcome = :succeeded',
      ExpressionAttributeNames: { '#outcome': 'outcome', '#rolledBack': 'rolledBack', '#cause': 'cause' },
      ExpressionAttributeValues: {
        ':rolledBack': 'rolled-back',
        ':true': true,
        ':succeeded': 'succeeded',
        ':cause': `rolled back to ${to} with deployctl rollback`,
      },
    }),
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

/**
 * "Now" where the run happens: the sandbox's simulated clock (`/_sandbox/health` `now`), so the
 * rollback's name sorts with the executions around it; the local clock against AWS.
 */
export async function serviceNow(ctx: CliContext): Promise<Date> {
  if (ctx.mode !== 'sandbox') return new Date();
  const health = await ctx.sandbox().request<{ now?: unknown }>('GET', SANDBOX_PATHS.health);
  const now =
    typeof health.now === 'string' || typeof health.now === 'number' ? new Date(health.now) : new Date(NaN);
  return Number.isNaN(now.getTime()) ? new Date() : now;
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
  const { target, current } = await planRollback(ctx, pipeline, options.to);
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
  const name = `rollback-${pipeline}-${(await serviceNow(ctx))
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
    `${out.paint('yellow', 'rolling back')}  ${pipeline}${current ? ` from ${current.versionLabel}` : ''} to ${target.versionLabel}${target.commitSha ? ` (commit ${target.commitSha.slice(0, 7)}, deployed ${target.startedAt})` : ''}`,
  );
  out.line(`  execution ${workflow}/${name}`);
  if (options.follow === false) return 0;
  const tree = await showExecution(ctx, started.executionArn!, { follow: true });
  if (tree.timeline.status === 'SUCCEEDED' && current && current.versionLabel !== target.versionLabel) {
    await markRolledBack(ctx, current, target.versionLabel!);
    out.line(`deploy history: ${current.versionLabel} marked rolled-back`);
  }
  return exitCodeFor(tree.timeline.status);
}
