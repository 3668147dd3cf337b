/**
 * `npm start`: the controller on this machine. Starts the local AWS endpoint and the webhook,
 * prints where everything is, follows every execution in a live log, and shuts down cleanly on
 * Ctrl-C (SIGINT) or SIGTERM.
 *
 * Environment: SANDBOX_PORT (4566), PORT (3000), GITHUB_WEBHOOK_SECRET (local-sandbox-secret),
 * SPEEDUP (60 simulated seconds per real second), SCENARIO (happy), SLACK_WEBHOOK_URL (the
 * sandbox's own sink unless set), PIPELINES_FILE (pipelines.yaml), POWERTOOLS_LOG_LEVEL (WARN).
 */
import { startSandbox, type Sandbox, type SandboxOptions } from './sandbox';

export { startSandbox, type Sandbox, type SandboxOptions };

/** What `npm start` prints first: where everything is, and which pushes each pipeline takes. */
export function banner(sandbox: Sandbox): string {
  const pipelines = sandbox.config.pipelines
    .map(
      (p) =>
        `    ${p.name.padEnd(12)} pushes to ${p.repository} ${p.branch}  ->  ${sandbox.engine.stateMachineArn(`deploy-${p.name}`)}`,
    )
    .join('\n');
  return [
    'deploy-controller local sandbox',
    `  console          ${sandbox.urls.console}   (pipelines, runs live, approvals, failures, DORA metrics)`,
    `  webhook          POST ${sandbox.urls.webhook}`,
    `  webhook secret   ${sandbox.webhookSecret}   (GITHUB_WEBHOOK_SECRET)`,
    `  approvals        ${sandbox.urls.approvals}/{id}`,
    `  AWS endpoint     ${sandbox.urls.aws}   (AWS_ENDPOINT_URL for the AWS CLI / SDK, any fake keys)`,
    `  control API      ${sandbox.urls.control}/state | /scenarios | /slack | /notifications`,
    `  Slack            ${sandbox.env.SLACK_WEBHOOK_URL === sandbox.urls.slack ? `sink at ${sandbox.urls.control}/slack` : 'your SLACK_WEBHOOK_URL'}`,
    `  speed-up         x${sandbox.speedup} (a 4-minute build takes ${(240 / sandbox.speedup).toFixed(1)} s)`,
    `  scenario         ${sandbox.faults.activeScenario.name}   (POST ${sandbox.urls.control}/scenario {"name": ...})`,
    '  pipelines        (repository and branch each one listens to -> its state machine)',
    pipelines,
    '',
    'Try: npx deployctl push microblog     (or sign events/github/push-microblog-main.json yourself)',
    'Ctrl-C stops everything.',
  ].join('\n');
}

async function main(): Promise<void> {
  let sandbox: Sandbox;
  try {
    sandbox = await startSandbox({ color: process.stdout.isTTY });
  } catch (error) {
    console.error(`sandbox did not start: ${(error as Error).message}`);
    process.exit(1);
  }
  console.log(banner(sandbox));
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the sandbox...`);
    sandbox.stop().then(
      () => {
        console.log('stopped.');
        process.exit(0);
      },
      (error: unknown) => {
        console.error(`error while stopping: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

if (require.main === module) void main();
