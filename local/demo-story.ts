/**
 * The demo's own path (`npm run demo`, local/demo.ts): an app pushed with deployctl's push, its
 * run followed with deployctl show (and, for retail-bank, approved with deployctl approve as a
 * person would), checked to end deployed with no notification. Kept apart from the demo's entry
 * point so tests can play the same path (test/iam/mutation.test.ts).
 */
import { randomBytes } from 'node:crypto';
import { decideCommand } from './cli/commands/decide';
import { pushDelivery } from './cli/commands/push';
import { showExecution } from './cli/commands/show';
import type { CliContext } from './cli/context';
import type { Sandbox } from './sandbox';

/** One line of the summary table. */
export interface Outcome {
  name: string;
  expected: string;
  actual: string;
  finalVersion: string;
  notifications: string;
  match: boolean;
}

const notices = (sandbox: Sandbox) => sandbox.slack.messages.filter((m) => m.kind === 'notification').length;

/** Pushes an app with deployctl's push, follows the run (approving it when it waits), and checks it deployed. */
export async function story(
  ctx: CliContext,
  sandbox: Sandbox,
  app: 'microblog' | 'retail-bank',
): Promise<Outcome> {
  const { out } = ctx;
  const sha = randomBytes(20).toString('hex');
  const noticesBefore = notices(sandbox);
  out.line(out.paint('bold', `\n=== deployctl push ${app} ===`));
  const pushed = await pushDelivery(ctx, app, { sha, message: `Demo change to ${app}` });
  const execution = pushed.executions[0];
  if (pushed.status !== 202 || !execution)
    throw new Error(`the webhook answered ${pushed.status} ${JSON.stringify(pushed.body)}`);
  out.line(`started  ${execution.pipeline}  ${execution.name}`);
  if (app === 'retail-bank') {
    // Production waits for a person: show where it waits, then approve as `deployctl approve` does.
    while (!sandbox.tokens.list().some((t) => t.executionArn === execution.executionArn)) {
      if (sandbox.engine.executions.get(execution.executionArn)?.status !== 'RUNNING') break;
      await ctx.sleep(ctx.pollMs);
    }
    out.line(out.paint('bold', `\n=== deployctl show ${execution.name} ===`));
    await showExecution(ctx, execution.executionArn);
    out.line(out.paint('bold', `\n=== deployctl approve ${execution.name} ===`));
    await decideCommand(ctx, 'approve', execution.executionArn, { by: 'demo' });
  }
  out.line(out.paint('bold', `\n=== deployctl show ${execution.name} --follow ===`));
  const tree = await showExecution(ctx, execution.executionArn, { follow: true });
  const live = sandbox.liveCommit(app);
  const finalVersion = live === sha ? 'new' : 'other';
  const sent = notices(sandbox) - noticesBefore;
  return {
    name: `push ${app}${app === 'retail-bank' ? ' + approve' : ''}`,
    expected: 'SUCCEEDED',
    actual: tree.timeline.status,
    finalVersion: `new / ${finalVersion}`,
    notifications: `0 / ${sent}`,
    match: tree.timeline.status === 'SUCCEEDED' && finalVersion === 'new' && sent === 0,
  };
}
