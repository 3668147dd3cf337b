/**
 * `deployctl redrive <execution>`: RedriveExecution, the same call as
 * `aws stepfunctions redrive-execution`, against the sandbox or (with --aws) the account. It
 * restarts a FAILED, TIMED_OUT or ABORTED run from the step that did not succeed, with the same
 * input and ARN (Step Functions API reference, RedriveExecution). Step Functions' refusal
 * (ExecutionNotRedrivable with its reason, e.g. "Execution is SUCCEEDED and cannot be redriven.")
 * is printed as AWS answers it.
 */
import { randomUUID } from 'node:crypto';
import { RedriveExecutionCommand } from '@aws-sdk/client-sfn';
import { diedOutsideCatch } from '../../../functions/notifier/run-cleanup';
import type { CliContext } from '../context';
import { CliError } from '../errors';
import { describeExecution, resolveExecution } from '../executions';

/**
 * Redrives an execution; refuses, before asking AWS, a run that ended in one of the pipeline's
 * named Fail states (it cleaned up already: a redrive restarts at that Fail state and fails again).
 */
export async function redriveCommand(ctx: CliContext, reference: string): Promise<number> {
  const executionArn = await resolveExecution(ctx, reference);
  const before = await describeExecution(ctx, executionArn);
  const name = before.name ?? executionArn;
  if (before.status === 'FAILED' && !diedOutsideCatch('FAILED', before.error ?? null))
    throw new CliError(
      `Execution ${name} ended in its "${before.error}" state after its cleanup (lock released, outcome recorded): a redrive would only fail there again. Push a fix instead.`,
    );
  // The SDK sends a fresh client token; one per command keeps a retried request idempotent.
  const answer = await ctx.sfn.send(new RedriveExecutionCommand({ executionArn, clientToken: randomUUID() }));
  const { out } = ctx;
  out.line(
    `${out.paint('green', 'redriven')}  ${name} from the step that did not succeed (redrive ${(before.redriveCount ?? 0) + 1}, ${answer.redriveDate?.toISOString() ?? 'now'}). Watch it: deployctl show ${name} --follow`,
  );
  return 0;
}
