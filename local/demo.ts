/**
 * `npm run demo`: the whole story on one machine, end to end, with nothing to set up.
 *
 * Starts the sandbox in this process on free ports at a high speed-up, then, with deployctl's own
 * commands: pushes microblog (deploys through SSM), pushes retail-bank (waits for approval, is
 * approved, canary on Elastic Beanstalk), and plays the fault scenarios (canary regression,
 * failed verify with rollback, failing SSM instance, failed build, superseded runs, Slack down,
 * ...). Prints every timeline and a summary table, stops the sandbox and exits 0 only if every
 * outcome is the one expected.
 *
 * Environment: SPEEDUP (simulated seconds per real second, default 300), DEMO_SCENARIOS
 * (comma-separated scenario names, default the list below), DEMO_TIMEOUT_SECONDS (real seconds
 * the whole demo may take, default 600), NO_COLOR.
 */
import { printReport, pushText, type ScenarioReport } from './cli/commands/scenario';
import { createContext, type CliContext } from './cli/context';
import { story, type Outcome } from './demo-story';
import { toCliError } from './cli/errors';
import { processOutput } from './cli/output';
import { renderTable } from './cli/table';
import { startSandbox, type Sandbox } from './sandbox';
import { runScenario } from './scenarios';

const DEFAULT_SCENARIOS = [
  'canary-regression',
  'verify-fails',
  'ssm-instance-fails',
  'build-fails',
  'superseded',
  'slack-down',
  'approval-rejected',
  'unhealthy-target',
];

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
}

/** Plays one scenario with the sandbox's runner and prints its timelines and expected vs actual. */
async function scenario(ctx: CliContext, sandbox: Sandbox, name: string): Promise<Outcome> {
  const { out } = ctx;
  out.line(out.paint('bold', `\n=== deployctl scenario run ${name} ===`));
  const report = (await runScenario(sandbox, name)) as unknown as ScenarioReport;
  const match = await printReport(ctx, report);
  const { expected, actual } = report;
  const describe = (r: Record<string, unknown>) =>
    [r.status, r.error].filter((v) => v !== undefined && v !== null).join(' ');
  // Several pushes (superseded): each push's status, e.g. "SUCCEEDED, SUCCEEDED (superseded), SUCCEEDED".
  const pushes = (r: { pushes?: unknown }) =>
    Array.isArray(r.pushes) ? (r.pushes as Parameters<typeof pushText>[0][]).map(pushText).join(', ') : '';
  const dlq = (r: Record<string, unknown>) =>
    typeof r.deadLetters === 'number' && r.deadLetters > 0 ? ` +${r.deadLetters} DLQ` : '';
  const several = Array.isArray(expected.pushes) && expected.pushes.length > 1;
  return {
    name,
    expected: several ? pushes(expected) : describe(expected),
    actual: several ? pushes(actual) : describe(actual),
    finalVersion: `${String(expected.finalVersion)} / ${String(actual.finalVersion)}`,
    // Slack down: the notice is kept in the dead-letter list instead (counted as "+n DLQ").
    notifications: `${String(expected.slackNotifications)}${dlq(expected)} / ${String(actual.slackNotifications)}${dlq(actual)}`,
    match,
  };
}

async function main(): Promise<number> {
  const speedup = positive('SPEEDUP', 300);
  const timeoutSeconds = positive('DEMO_TIMEOUT_SECONDS', 600);
  const names = process.env.DEMO_SCENARIOS
    ? process.env.DEMO_SCENARIOS.split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : DEFAULT_SCENARIOS;
  const out = processOutput();
  const sandbox = await startSandbox({ sandboxPort: 0, port: 0, speedup, log: false });
  const unknown = names.filter((n) => !sandbox.scenarios.has(n));
  if (unknown.length) {
    await sandbox.stop();
    out.error(
      `Unknown scenario(s) in DEMO_SCENARIOS: ${unknown.join(', ')}. Known: ${[...sandbox.scenarios.keys()].join(', ')}.`,
    );
    return 1;
  }
  const ctx = createContext(
    { endpoint: sandbox.urls.aws, webhookUrl: sandbox.urls.webhook },
    { out, env: { ...process.env, GITHUB_WEBHOOK_SECRET: sandbox.webhookSecret }, pollMs: 20 },
  );
  out.line(
    `deploy-controller demo: sandbox on ${sandbox.urls.aws}, webhook ${sandbox.urls.webhook}, x${speedup} simulated time`,
  );
  const started = performance.now();
  const outcomes: Outcome[] = [];
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the demo took more than ${timeoutSeconds} s (DEMO_TIMEOUT_SECONDS)`)),
      timeoutSeconds * 1000,
    );
  });
  let failure: string | undefined;
  try {
    await Promise.race([
      (async () => {
        for (const app of ['microblog', 'retail-bank'] as const)
          outcomes.push(await story(ctx, sandbox, app));
        for (const name of names) {
          // Each scenario starts from the happy world it expects (its own faults only).
          sandbox.activateScenario('happy');
          outcomes.push(await scenario(ctx, sandbox, name));
        }
      })(),
      deadline,
    ]);
  } catch (error) {
    failure = toCliError(error, { sandbox: true, url: sandbox.urls.aws }).message;
  } finally {
    clearTimeout(timer);
    await sandbox.stop();
  }

  out.line(out.paint('bold', '\n=== summary ==='));
  const rows = outcomes.map((o) => [
    o.name,
    o.expected,
    o.actual,
    o.finalVersion,
    o.notifications,
    o.match ? out.paint('green', 'yes') : out.paint('red', 'NO'),
  ]);
  for (const line of renderTable(
    ['SCENARIO', 'EXPECTED', 'ACTUAL', 'FINAL VERSION (exp / got)', 'NOTIFICATIONS (exp / got)', 'MATCH'],
    rows,
  ))
    out.line(line);
  const matched = outcomes.filter((o) => o.match).length;
  const realSeconds = ((performance.now() - started) / 1000).toFixed(1);
  if (failure) out.error(`demo stopped early: ${failure}`);
  const ok = !failure && matched === outcomes.length && outcomes.length === names.length + 2;
  out.line(
    ok
      ? out.paint('green', `all ${outcomes.length} outcomes as expected (${realSeconds} s)`)
      : out.paint(
          'red',
          `${outcomes.length - matched} of ${outcomes.length} outcomes differ${failure ? ', and the demo did not finish' : ''} (${realSeconds} s)`,
        ),
  );
  return ok ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`demo failed: ${(error as Error).message}\n`);
    process.exitCode = 1;
  },
);
