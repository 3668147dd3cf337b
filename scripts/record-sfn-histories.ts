/**
 * `npx tsx scripts/record-sfn-histories.ts`: regenerates events/sfn-history/sandbox/*.json from
 * real runs.
 * Starts the sandbox in this process, plays every failing scenario of scenarios/*.yaml (the real
 * state machines on the sandbox's Step Functions runtime, the real task functions), then stops a
 * retail-bank run while it waits for approval, and writes each pipeline execution's history as
 * GetExecutionHistory answers it on the wire (epoch-second timestamps), oldest event first.
 * test/notifier/failed-step.test.ts reads these files.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetExecutionHistoryCommand, SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { startSandbox, type Sandbox } from '../local/sandbox';
import { runScenario } from '../local/scenarios';
import type { Execution } from '../local/sfn/engine';

/** Every failing scenario of scenarios/*.yaml (each is recorded as events/sfn-history/sandbox/<name>.json). */
export const RECORDED = [
  'build-fails',
  'tests-fail',
  'scan-high',
  'unhealthy-target',
  'canary-regression',
  'verify-fails',
  'alarm-in-bake',
  'approval-timeout',
  'approval-rejected',
  'ssm-instance-fails',
];

const OUT = join(__dirname, '..', 'events', 'sfn-history', 'sandbox');

/** The newest top-level execution of a pipeline that ended with `status`. */
function newest(sandbox: Sandbox, pipeline: string, status: Execution['status']): Execution {
  const found = [...sandbox.engine.executions.values()]
    .filter((e) => !e.parentArn && e.stateMachine.name === `deploy-${pipeline}` && e.status === status)
    .sort((a, b) => b.startDate.getTime() - a.startDate.getTime())[0];
  if (!found) throw new Error(`no ${status} execution of deploy-${pipeline}`);
  return found;
}

async function record(sfn: SFNClient, executionArn: string, file: string): Promise<void> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  // The wire format: timestamps in epoch seconds, as the JSON protocol sends them.
  const wire = events.map((e) => ({ ...e, timestamp: (e.timestamp?.getTime() ?? 0) / 1000 }));
  writeFileSync(join(OUT, `${file}.json`), `${JSON.stringify({ events: wire }, null, 2)}\n`);
  process.stdout.write(`wrote events/sfn-history/sandbox/${file}.json (${wire.length} events)\n`);
}

async function main(): Promise<void> {
  const sandbox = await startSandbox({ sandboxPort: 0, port: 0, speedup: 1200, log: false });
  const sfn = new SFNClient({
    endpoint: sandbox.urls.aws,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIASANDBOXRECORDER', secretAccessKey: 'sandbox' },
  });
  try {
    for (const scenario of RECORDED) {
      const result = await runScenario(sandbox, scenario);
      if (!result.matches)
        throw new Error(`scenario ${scenario} did not end as expected: ${result.mismatches.join('; ')}`);
      const app = sandbox.scenarios.get(scenario)!.app;
      await record(sfn, newest(sandbox, app, 'FAILED').arn, scenario);
    }
    // A run stopped by an operator while it waits for approval (StopExecution, as the console does).
    const template = newest(sandbox, 'retail-bank', 'FAILED');
    const { execution } = sandbox.engine.start(
      template.stateMachine.arn,
      template.input,
      'stopped-while-waiting',
    );
    while (!execution.history.events.some((e) => e.type === 'TaskSubmitted')) {
      if (execution.status !== 'RUNNING') throw new Error(`the run to stop ended ${execution.status}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await sfn.send(
      new StopExecutionCommand({
        executionArn: execution.arn,
        error: 'Stopped',
        cause: 'Stopped by ada from the console: wrong commit',
      }),
    );
    await execution.done;
    await record(sfn, execution.arn, 'stopped-while-waiting');
  } finally {
    await sandbox.stop();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
