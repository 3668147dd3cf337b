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
 * named Fail states, pointing at `deployctl retry`. Every Task's Catch takes States.ALL, so any task
 * error leads through the cleanup path to such a Fail state; the failed state of that run is the
 * Fail state itself, and RedriveExecution "continues the failed execution from the unsuccessful
 * step" (Step Functions developer guide, "Restarting state machine executions with redrive in Step
 * Functions", https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html): it
 * would enter that Fail state again and fail with the same error, changing nothing. Stopped,
 * timed-out and States.Runtime / States.DataLimitExceeded runs (errors no Catch takes: "Handling
 * errors in Step Functions workflows") are redriven.
 */
export async function redriveCommand(ctx: CliContext, reference: string): Promise<number> {
  const executionArn = await resolveExecution(ctx, reference);
  const before = await describeExecution(ctx, executionArn);
  const name = before.name ?? executionArn;
  if (before.status === 'FAILED' && !diedOutsideCatch('FAILED', before.error ?? null))
    throw new CliError(
      `Execution ${name} ended in its "${before.error}" Fail state after its cleanup (lock released, outcome recorded): a redrive restarts at that Fail state and fails again. Run the commit again with: deployctl retry ${name} (it reuses the build artifact when build, tests and scan passed), or push a fix.`,
    );
  // The SDK sends a fresh client token; one per command keeps a retried request idempotent.
  const answer = await ctx.sfn.send(new RedriveExecutionCommand({ executionArn, clientToken: randomUUID() }));
  const { out } = ctx;
  out.line(
    `${out.paint('green', 'redriven')}  ${name} from the step that did not succeed (redrive ${(before.redriveCount ?? 0) + 1}, ${answer.redriveDate?.toISOString() ?? 'now'}). Watch it: deployctl show ${name} --follow`,
  );
  return 0;
}
