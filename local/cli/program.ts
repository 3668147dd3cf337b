/**
 * The deployctl command line (commander): global options, one subcommand per task, help with
 * examples, and `runCli` that turns every failure into one line and an exit code (0 ok, 1 failed
 * or refused, 2 sandbox/endpoint unreachable).
 */
import { Command, CommanderError, Option } from 'commander';
import {
  createContext,
  defaultEndpoint,
  defaultWebhookUrl,
  type CliContext,
  type GlobalOptions,
} from './context';
import { consoleCommand } from './commands/console';
import { decideCommand } from './commands/decide';
import { doctorCommand } from './commands/doctor';
import { executionsCommand } from './commands/executions';
import { pushCommand } from './commands/push';
import { redeployCommand, retryCommand } from './commands/rerun';
import { redriveCommand } from './commands/redrive';
import { rollbackCommand } from './commands/rollback';
import { scenarioListCommand, scenarioRunCommand, scenarioUseCommand } from './commands/scenario';
import { showCommand } from './commands/show';
import { slackCommand } from './commands/slack';
import { toCliError } from './errors';
import { processOutput, type Output } from './output';

export interface CliIo {
  out: Output;
  env?: NodeJS.ProcessEnv;
  /** Real milliseconds between --follow polls. */
  pollMs?: number;
}

const examples = (...lines: string[]) => `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;

/** Builds the program; `run` receives each command's async work and records its exit code. */
export function buildProgram(
  io: CliIo,
  run: (work: (ctx: CliContext) => Promise<number>) => Promise<void>,
): Command {
  const env = io.env ?? process.env;
  const program = new Command('deployctl')
    .description(
      'Drive the deploy controller: push sample commits, watch executions as timelines, approve, roll back, play fault scenarios.\nTalks to the local sandbox (`npm start`) unless --aws is given.',
    )
    .addOption(
      new Option('--endpoint <url>', 'local sandbox AWS endpoint').default(
        defaultEndpoint(env),
        'http://127.0.0.1:$SANDBOX_PORT or :4566',
      ),
    )
    .addOption(
      new Option('--webhook-url <url>', 'GitHub webhook URL for push').default(
        defaultWebhookUrl(env),
        'http://127.0.0.1:$PORT/webhooks/github, PORT default 3000; with --aws: $WEBHOOK_URL',
      ),
    )
    .option(
      '--aws',
      'use the real AWS account (default credential chain, region from AWS_REGION) instead of the sandbox',
    )
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => io.out.line(s.replace(/\n$/, '')),
      writeErr: (s) => io.out.error(s.replace(/\n$/, '')),
    })
    .exitOverride()
    .addHelpText(
      'after',
      examples(
        'npm start                              # in another shell: the local sandbox',
        'deployctl push retail-bank',
        'deployctl executions',
        'deployctl show retail-bank --follow',
        'deployctl --aws executions --pipeline microblog',
      ),
    );

  const globals = (): GlobalOptions => {
    const opts = program.opts<{ endpoint?: string; webhookUrl?: string; aws?: boolean }>();
    // The default endpoint does not count as "given" next to --aws.
    const endpointGiven = program.getOptionValueSource('endpoint') === 'cli';
    return {
      ...(endpointGiven && { endpoint: opts.endpoint! }),
      ...(program.getOptionValueSource('webhookUrl') === 'cli' && { webhookUrl: opts.webhookUrl! }),
      ...(opts.aws && { aws: true }),
    };
  };
  const context = () =>
    createContext(globals(), { out: io.out, env, ...(io.pollMs !== undefined && { pollMs: io.pollMs }) });
  const act = (work: (ctx: CliContext) => Promise<number>) => run(async () => work(context()));

  program
    .command('push')
    .summary('send a signed sample GitHub push to the webhook')
    .description(
      'send a signed sample GitHub push (events/github/push-<app>-main.json) to the webhook, as GitHub would',
    )
    .argument('<app>', 'retail-bank or microblog')
    .option(
      '--sha <sha>',
      'head commit id (40 hex; default: a fresh random one, so every push is a new commit)',
    )
    .option('--message <text>', 'head commit message (try "[skip ci] docs")')
    .option('--branch <name>', 'branch pushed to (default main; other branches are ignored by the webhook)')
    .option(
      '--delivery <id>',
      'X-GitHub-Delivery id; send the same one twice to see a redelivery answered as a duplicate',
    )
    .addHelpText(
      'after',
      examples(
        'deployctl push retail-bank',
        'deployctl push microblog --message "Fix follower count"',
        'deployctl push microblog --branch feature/x     # ignored: not main',
        'deployctl push retail-bank --sha 7d2e9f1a3b5c7e9d1f3a5b7c9e1d3f5a7b9c1e3d',
      ),
    )
    .action((app: string, opts: { sha?: string; message?: string; branch?: string; delivery?: string }) =>
      act((ctx) => pushCommand(ctx, app, opts)),
    );

  program
    .command('doctor')
    .summary('preflight: is the account (or the sandbox) ready for the first push?')
    .description(
      'check what a first push needs, one line per check (✓, or ✗ with the fix), exit 1 on any ✗:\n' +
        'every role the controller runs as, simulated (iam:SimulatePrincipalPolicy) for each action its\n' +
        'synthesized policy grants; each Beanstalk environment has an Application Load Balancer and\n' +
        'enhanced health; the tagged instances are Online with SSM Agent 3.3.2746.0 or later; CodeBuild\n' +
        'holds a GitHub source credential; each secret holds a real value; each verify alarm exists.\n' +
        'With --aws: run it after `npx cdk deploy` and before the first push.',
    )
    .addHelpText('after', examples('deployctl doctor', 'deployctl --aws doctor'))
    .action(() => act((ctx) => doctorCommand(ctx)));

  program
    .command('executions')
    .alias('ls')
    .description('list pipeline executions, newest first: name, pipeline, status, started, duration')
    .option('--pipeline <name>', 'only this pipeline (from pipelines.yaml)')
    .option('--status <status>', 'RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED')
    .option('--limit <n>', 'most rows', '20')
    .addHelpText(
      'after',
      examples('deployctl executions', 'deployctl executions --pipeline retail-bank --status failed'),
    )
    .action((opts: { pipeline?: string; status?: string; limit?: string }) =>
      act((ctx) => executionsCommand(ctx, opts)),
    );

  program
    .command('show')
    .summary('an execution as a timeline of steps (offsets, durations, errors, nested deploys)')
    .description(
      'an execution as a timeline: each step with its start offset, duration, status, error and cause;\nnested deploy/rollback sub-workflows indented under the step that ran them',
    )
    .argument('<execution>', 'execution ARN, name, or a unique start of a name')
    .option(
      '-f, --follow',
      'poll until the execution ends, printing steps as they finish (exit 0 only if it succeeded)',
    )
    .option('--all', 'also show Choice states')
    .addHelpText(
      'after',
      examples(
        'deployctl show retail-bank-7d2e9f1a3b5c',
        'deployctl show retail-bank --follow          # the one execution whose name starts so',
        'deployctl show arn:aws:states:us-east-1:000000000000:execution:deploy-microblog:microblog-...',
      ),
    )
    .action((execution: string, opts: { follow?: boolean; all?: boolean }) =>
      act((ctx) => showCommand(ctx, execution, opts)),
    );

  program
    .command('approve')
    .summary('approve the release an execution is waiting for')
    .description(
      'approve the production release an execution is waiting for (same single-use approval as the Slack link)',
    )
    .argument('<execution>', 'execution ARN, name, or a unique start of a name')
    .option('--by <name>', 'who approves (default: your user name)')
    .addHelpText('after', examples('deployctl approve retail-bank-7d2e9f1a3b5c'))
    .action((execution: string, opts: { by?: string }) =>
      act((ctx) => decideCommand(ctx, 'approve', execution, opts)),
    );

  program
    .command('reject')
    .description('reject the release an execution is waiting for; the run ends as "approval rejected"')
    .argument('<execution>', 'execution ARN, name, or a unique start of a name')
    .option('--reason <text>', 'why (kept with your name in the rejection, 64 characters)')
    .option('--by <name>', 'who rejects (default: your user name)')
    .addHelpText('after', examples('deployctl reject retail-bank-7d2e9f1a3b5c --reason "release freeze"'))
    .action((execution: string, opts: { by?: string; reason?: string }) =>
      act((ctx) => decideCommand(ctx, 'reject', execution, opts)),
    );

  program
    .command('redrive')
    .summary('restart a failed, timed-out or stopped run from the step that did not succeed')
    .description(
      'restart a FAILED, TIMED_OUT or ABORTED execution from the step that did not succeed, with the same input and ARN (Step Functions RedriveExecution, as `aws stepfunctions redrive-execution`)',
    )
    .argument('<execution>', 'execution ARN, name, or a unique start of a name')
    .addHelpText(
      'after',
      examples('deployctl redrive microblog-7d2e9f1a3b5c', 'deployctl --aws redrive <execution ARN>'),
    )
    .action((execution: string) => act((ctx) => redriveCommand(ctx, execution)));

  program
    .command('rollback')
    .summary("put a pipeline's target back on the previous good version, and follow it")
    .description(
      "put a pipeline's target back on the good version before the one deployed now (the newest\nsucceeded deployment in the deploy history is what runs; the target is the newest succeeded one\nwith another version). It runs the target's deploy sub-workflow (deploy-beanstalk / deploy-ssm)\nin rollback mode, the same one the pipeline rolls back with, and follows it.\nRefused while a pipeline run is in progress (--force overrides). When it succeeds, the replaced\ndeployment is marked rolled-back in the deploy history, so it is never picked as good again.\nWith --no-follow the history is left as is.",
    )
    .argument('<pipeline>', 'pipeline name from pipelines.yaml')
    .option(
      '--to <version>',
      'a specific good version label from the history (default: the one before the live one)',
    )
    .option('--force', 'start even while a pipeline execution is running')
    .option('--no-follow', 'start the rollback and return')
    .addHelpText(
      'after',
      examples('deployctl rollback retail-bank', 'deployctl rollback microblog --no-follow'),
    )
    .action((pipeline: string, opts: { to?: string; force?: boolean; follow?: boolean }) =>
      act((ctx) => rollbackCommand(ctx, pipeline, opts)),
    );

  program
    .command('retry')
    .summary('run a failed, timed-out or stopped execution again, reusing its build when it passed')
    .description(
      'start a new pipeline run for the same commit as <execution> (ARN or name). When that run\'s build,\nunit tests and dependency scan passed and its artifact is still in S3, the new run reuses it instead\nof building again (CodePipeline\'s "retry failed actions"). For a transient failure in place,\naws stepfunctions redrive-execution works too. A successful deploy is redeployed with redeploy.',
    )
    .argument('<execution>', 'execution ARN or name (a unique name prefix is enough)')
    .option('--no-follow', 'start the run and return')
    .addHelpText('after', examples('deployctl retry retail-bank-0c28f67f1b55', 'deployctl --aws retry <arn>'))
    .action((execution: string, opts: { follow?: boolean }) =>
      act((ctx) => retryCommand(ctx, execution, opts)),
    );

  program
    .command('redeploy')
    .summary('deploy a commit again on purpose, although it is live or ran before')
    .description(
      'start a new pipeline run for <sha> (7-40 hex, a commit in the deploy history of <pipeline>). One run\nper commit otherwise: the webhook answers a second delivery of a commit with its existing run, and\nthe deploy lock supersedes a commit that is already live. Reuses the build artifact like retry.',
    )
    .argument('<pipeline>', 'pipeline name from pipelines.yaml')
    .argument('<sha>', 'commit id (7 to 40 hex characters)')
    .option('--no-follow', 'start the run and return')
    .addHelpText('after', examples('deployctl redeploy microblog 0c28f67f1b55'))
    .action((pipeline: string, sha: string, opts: { follow?: boolean }) =>
      act((ctx) => redeployCommand(ctx, pipeline, sha, opts)),
    );

  const scenario = program
    .command('scenario')
    .description('fault scenarios of the local sandbox (scenarios/*.yaml)')
    .addHelpText(
      'after',
      examples(
        'deployctl scenario list',
        'deployctl scenario run canary-regression',
        'deployctl scenario use slack-down',
      ),
    );
  scenario
    .command('list')
    .description('the scenarios the sandbox knows')
    .action(() => act((ctx) => scenarioListCommand(ctx)));
  scenario
    .command('use')
    .description("make a scenario's faults apply to the pushes that follow (`happy` for none)")
    .argument('<name>', 'scenario name (deployctl scenario list)')
    .addHelpText(
      'after',
      examples(
        'deployctl scenario use canary-regression && deployctl push retail-bank',
        'deployctl scenario use happy',
      ),
    )
    .action((name: string) => act((ctx) => scenarioUseCommand(ctx, name)));
  scenario
    .command('run')
    .description('play a scenario, print its timeline and expected vs actual; exit 1 when they differ')
    .argument('<name>', 'scenario name (deployctl scenario list)')
    .addHelpText('after', examples('deployctl scenario run verify-fails'))
    .action((name: string) => act((ctx) => scenarioRunCommand(ctx, name)));

  program
    .command('console')
    .summary('serve the console (pipelines, runs live, approvals, failures, DORA) on 127.0.0.1')
    .description(
      'serve the console on http://127.0.0.1:<port>/ until Ctrl-C: pipelines with the live version and\n' +
        'recent runs, each run as a live step timeline, waiting approvals (through the signed approval\n' +
        'page), recent failures with their notice, and the four DORA keys over 30 days. The sandbox\n' +
        '(`npm start`) serves the same pages on its own port; with --aws this reads your account with\n' +
        'your credentials (region from AWS_REGION; DEPLOY_HISTORY_TABLE names the deploy history table).',
    )
    .option('--port <n>', 'port on 127.0.0.1 (0: any free port)', env.CONSOLE_PORT ?? '3001')
    .addHelpText('after', examples('deployctl --aws console', 'deployctl console --port 8080'))
    .action((opts: { port?: string }) => act((ctx) => consoleCommand(ctx, opts)));

  program
    .command('slack')
    .description("messages the sandbox's Slack stand-in received: approval requests and failure notices")
    .option('--limit <n>', 'newest n messages', '20')
    .option('--json', 'the raw messages as JSON')
    .addHelpText('after', examples('deployctl slack', 'deployctl slack --json --limit 1'))
    .action((opts: { limit?: string; json?: boolean }) => act((ctx) => slackCommand(ctx, opts)));

  return program;
}

/** Runs deployctl with `argv` (without node and script); resolves with the exit code. */
export async function runCli(argv: readonly string[], io: CliIo = { out: processOutput() }): Promise<number> {
  let exitCode = 0;
  let sandboxUrl = defaultEndpoint(io.env ?? process.env);
  let sandbox = true;
  const program = buildProgram(io, async (work) => {
    const opts = program.opts<{ endpoint?: string; aws?: boolean }>();
    sandboxUrl = (opts.endpoint ?? sandboxUrl).replace(/\/+$/, '');
    sandbox = opts.aws !== true;
    exitCode = await work(undefined as never);
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end "successfully"; usage errors were already printed by commander.
      return error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.help' ||
        error.code === 'commander.version'
        ? 0
        : 1;
    }
    const failure = toCliError(error, { sandbox, url: sandboxUrl });
    io.out.error(failure.message);
    return failure.exitCode;
  }
  return exitCode;
}
