/**
 * `deployctl approve|reject <execution>`: decides the approval an execution waits on, through the
 * same single-use path as the Slack links (functions/approval-callback/decide.ts): the Approvals
 * item goes pending -> approved/rejected, then SendTaskSuccess / SendTaskFailure with the token
 * found in the execution's history. A second decision is refused with who decided first.
 */
import { userInfo } from 'node:os';
import { approvalStore } from '../../../functions/approval-request/approval-store';
import { cleanActor, decideByExecution, type Decision } from '../../../functions/approval-callback/decide';
import type { CliContext } from '../context';
import { CliError } from '../errors';
import { describeExecution, resolveExecution } from '../executions';

export interface DecideOptions {
  /** Who decides (default: the OS user). */
  by?: string;
  /** Why (reject): carried in the rejection's cause next to the name. */
  reason?: string;
}

function defaultActor(): string {
  try {
    return userInfo().username;
  } catch {
    return 'deployctl';
  }
}

/** Who, as recorded: the name, and for a rejection the reason (64 characters, plain text). */
export function actorText(decision: Decision, options: DecideOptions): string {
  const who = cleanActor(options.by ?? process.env.USER ?? defaultActor(), 'deployctl');
  if (options.reason !== undefined && !options.reason.trim())
    throw new CliError('--reason must not be empty.');
  if (decision === 'approve' && options.reason !== undefined)
    throw new CliError('--reason goes with reject, not approve.');
  // decideApproval records one "by" string (cleaned, 64 characters): the reason travels in it.
  return options.reason ? cleanActor(`${who} via deployctl - ${options.reason}`) : `${who} via deployctl`;
}

export async function decideCommand(
  ctx: CliContext,
  decision: Decision,
  reference: string,
  options: DecideOptions = {},
): Promise<number> {
  const by = actorText(decision, options);
  const executionArn = await resolveExecution(ctx, reference);
  const execution = await describeExecution(ctx, executionArn);
  const name = execution.name ?? executionArn;
  if (execution.status !== 'RUNNING')
    throw new CliError(`Execution ${name} is ${execution.status}: there is nothing to ${decision}.`);
  const outcome = await decideByExecution(
    { executionArn, decision, by },
    { store: approvalStore(ctx.dynamo), sfn: ctx.sfn },
  );
  const { out } = ctx;
  switch (outcome.kind) {
    case 'decided':
      out.line(
        decision === 'approve'
          ? `${out.paint('green', 'approved')}  ${name} (by ${by}); the deploy continues. Watch it: deployctl show ${name} --follow`
          : `${out.paint('red', 'rejected')}  ${name} (by ${by}); the run ends as "approval rejected".`,
      );
      return 0;
    case 'unknown':
      throw new CliError(
        `Execution ${name} is not waiting for an approval (\`deployctl show ${name}\` shows where it is).`,
      );
    case 'used':
      throw new CliError(
        `The approval of ${name} was already ${outcome.status}${outcome.decidedBy ? ` by ${outcome.decidedBy}` : ''}.`,
      );
    case 'expired':
      throw new CliError(`The approval of ${name} has expired; push again to start a new run.`);
    case 'unavailable':
      throw new CliError(
        `Step Functions did not take the decision for ${name}; the approval is open again, try once more.`,
      );
  }
}
