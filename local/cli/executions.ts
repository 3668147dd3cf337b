/**
 * Finding executions: the pipeline state machines (`deploy-<pipeline>`), their executions
 * newest first, and an execution named by the user (ARN, name or unique name prefix).
 */
import {
  DescribeExecutionCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  type ExecutionListItem,
  type ExecutionStatus,
  type StateMachineListItem,
} from '@aws-sdk/client-sfn';
import { stateMachineName } from '../../functions/commons/types/pipeline-input';
import { DEPLOY_DEFINITION } from '../../statemachines/definitions';
import type { CliContext } from './context';
import { CliError } from './errors';

export const EXECUTION_STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'] as const;

/** Names of the deploy sub-workflows (`deploy-beanstalk`, `deploy-ssm`): not pipelines. */
export const SUB_WORKFLOWS: readonly string[] = Object.values(DEPLOY_DEFINITION);

/** Every state machine (all pages). */
export async function listStateMachines(ctx: CliContext): Promise<StateMachineListItem[]> {
  const out: StateMachineListItem[] = [];
  let nextToken: string | undefined;
  do {
    const page = await ctx.sfn.send(
      new ListStateMachinesCommand({ maxResults: 100, ...(nextToken && { nextToken }) }),
    );
    out.push(...(page.stateMachines ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return out;
}

/** Configured pipeline names (pipelines.yaml). */
export function pipelineNames(ctx: CliContext): string[] {
  return ctx.config().pipelines.map((p) => p.name);
}

/** Checks a pipeline name against pipelines.yaml, naming the known ones. */
export function checkPipeline(ctx: CliContext, pipeline: string): void {
  const names = pipelineNames(ctx);
  if (!names.includes(pipeline))
    throw new CliError(`Unknown pipeline "${pipeline}". Pipelines in pipelines.yaml: ${names.join(', ')}.`);
}

/** A pipeline's state machine ARN, or a clear error when it is not deployed there. */
export async function pipelineStateMachine(ctx: CliContext, pipeline: string): Promise<StateMachineListItem> {
  checkPipeline(ctx, pipeline);
  const name = stateMachineName(pipeline);
  const machine = (await listStateMachines(ctx)).find((m) => m.name === name);
  if (!machine)
    throw new CliError(
      `State machine ${name} does not exist${ctx.mode === 'aws' ? ' in this account and region' : ' in the sandbox'}.`,
    );
  return machine;
}

export interface ListOptions {
  pipeline?: string;
  status?: string;
  /** Most executions returned (newest first). */
  limit: number;
  /** Also the deploy sub-workflows' executions. */
  includeSubWorkflows?: boolean;
}

/** A listed execution with the pipeline it belongs to. */
export interface ListedExecution extends ExecutionListItem {
  pipeline: string;
}

/** Checks a --status value (case-insensitive), returning the API's spelling. */
export function parseStatus(value: string | undefined): ExecutionStatus | undefined {
  if (value === undefined) return undefined;
  const status = value.toUpperCase().replace(/-/g, '_');
  if (!(EXECUTION_STATUSES as readonly string[]).includes(status)) {
    throw new CliError(
      `--status must be one of ${EXECUTION_STATUSES.join(', ')} (any case), got "${value}".`,
    );
  }
  return status as ExecutionStatus;
}

/** Pipeline name of a state machine name (`deploy-retail-bank` -> `retail-bank`). */
function pipelineOf(ctx: CliContext, machineName: string): string | undefined {
  return pipelineNames(ctx).find((p) => stateMachineName(p) === machineName);
}

async function executionsOf(
  ctx: CliContext,
  machine: StateMachineListItem,
  status: ExecutionStatus | undefined,
  limit: number,
): Promise<ExecutionListItem[]> {
  const out: ExecutionListItem[] = [];
  let nextToken: string | undefined;
  do {
    const page = await ctx.sfn.send(
      new ListExecutionsCommand({
        stateMachineArn: machine.stateMachineArn,
        maxResults: Math.min(100, limit),
        ...(status && { statusFilter: status }),
        ...(nextToken && { nextToken }),
      }),
    );
    out.push(...(page.executions ?? []));
    nextToken = page.nextToken;
  } while (nextToken && out.length < limit);
  return out;
}

/** Executions of the pipelines (or one pipeline), newest first. */
export async function listExecutions(ctx: CliContext, options: ListOptions): Promise<ListedExecution[]> {
  const status = parseStatus(options.status);
  if (options.pipeline !== undefined) checkPipeline(ctx, options.pipeline);
  const machines = (await listStateMachines(ctx)).filter((m) => {
    const pipeline = pipelineOf(ctx, m.name ?? '');
    if (options.pipeline !== undefined) return pipeline === options.pipeline;
    return (
      pipeline !== undefined || (options.includeSubWorkflows === true && SUB_WORKFLOWS.includes(m.name ?? ''))
    );
  });
  const lists = await Promise.all(
    machines.map(async (m) =>
      (await executionsOf(ctx, m, status, options.limit)).map((e) => ({
        ...e,
        pipeline: pipelineOf(ctx, m.name ?? '') ?? m.name ?? '',
      })),
    ),
  );
  return lists
    .flat()
    .sort((a, b) => (b.startDate?.getTime() ?? 0) - (a.startDate?.getTime() ?? 0))
    .slice(0, options.limit);
}

const ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[A-Za-z0-9_-]{1,80}:[A-Za-z0-9_-]{1,80}$/;
const NAME = /^[A-Za-z0-9_-]{1,80}$/;

/**
 * The ARN of the execution the user named: an execution ARN as is, else an exact name or a unique
 * name prefix among the pipelines' and sub-workflows' executions (newest 1,000 of each).
 */
export async function resolveExecution(ctx: CliContext, reference: string): Promise<string> {
  const ref = reference.trim();
  if (ref.startsWith('arn:')) {
    if (!ARN.test(ref))
      throw new CliError(
        `"${ref}" is not a Step Functions execution ARN (arn:aws:states:<region>:<account>:execution:<state machine>:<name>).`,
      );
    return ref;
  }
  if (!NAME.test(ref))
    throw new CliError(
      `"${ref}" is neither an execution ARN nor an execution name (1-80 characters of A-Z a-z 0-9 _ -).`,
    );
  const all = await listExecutions(ctx, { limit: 1000, includeSubWorkflows: true });
  const exact = all.filter((e) => e.name === ref);
  const matches = exact.length ? exact : all.filter((e) => e.name?.startsWith(ref));
  if (matches.length === 1) return matches[0]!.executionArn!;
  if (!matches.length)
    throw new CliError(`No execution named "${ref}". \`deployctl executions\` lists them.`);
  const names = matches.slice(0, 5).map((e) => e.name);
  throw new CliError(
    `"${ref}" matches ${matches.length} executions (${names.join(', ')}${matches.length > 5 ? ', ...' : ''}); give more of the name or the ARN.`,
  );
}

/** DescribeExecution, with the not-found case as one clear line. */
export async function describeExecution(ctx: CliContext, executionArn: string) {
  try {
    return await ctx.sfn.send(new DescribeExecutionCommand({ executionArn }));
  } catch (error) {
    if ((error as Error).name === 'ExecutionDoesNotExist')
      throw new CliError(`Execution ${executionArn} does not exist.`);
    throw error;
  }
}
