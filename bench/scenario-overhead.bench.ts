/**
 * Controller overhead per sandbox scenario: how long each execution ran (simulated seconds) minus
 * the time the work it waits for was actually happening. The sandbox does not report service time,
 * so it is read from its simulators and the execution history:
 * - service: CodeBuild builds (start to end), SSM commands (requested to last instance finished),
 *   Elastic Beanstalk updates ("Environment update is starting." to completed/failed);
 * - policy: approval waits (the waitForTaskToken task) and the bake window (first to last alarm check);
 * overhead = execution time minus the union of those intervals, so parallel work counts once.
 * What is left is the controller's own share: polls that notice late, Lambda and state transitions.
 */
import { startSandbox, type Sandbox } from '../local/sandbox';
import { runScenario } from '../local/scenarios';
import type { Execution } from '../local/sfn/engine';
import type { BenchTable } from './table';

/** Simulated seconds per real second. Real processing time counts too, scaled by this. */
export const SPEEDUP = 100;

type Interval = [number, number];

/** Total length of the union of intervals clipped to [from, to]. */
export function unionLength(intervals: Interval[], from: number, to: number): number {
  const clipped = intervals
    .map(([a, b]): Interval => [Math.max(a, from), Math.min(b, to)])
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let total = 0;
  let current: Interval | undefined;
  for (const [a, b] of clipped) {
    if (!current || a > current[1]) {
      if (current) total += current[1] - current[0];
      current = [a, b];
    } else current[1] = Math.max(current[1], b);
  }
  return total + (current ? current[1] - current[0] : 0);
}

/** Busy intervals of the simulated services, whichever execution asked for them. */
function serviceIntervals(sandbox: Sandbox, until: number): Interval[] {
  const out: Interval[] = [];
  for (const build of sandbox.codebuild.builds.values())
    out.push([build.startTime.getTime(), build.endTime?.getTime() ?? until]);
  for (const command of sandbox.fleet.commands.values()) {
    const ends = [...command.invocations.values()].map((i) => i.ended?.getTime() ?? until);
    out.push([command.requested.getTime(), Math.max(command.requested.getTime(), ...ends)]);
  }
  const open = new Map<string, number>();
  for (const event of sandbox.beanstalk.events) {
    const env = event.EnvironmentName ?? '';
    const at = event.EventDate.getTime();
    if (event.Message === 'Environment update is starting.') open.set(env, at);
    else if (
      /^(Environment update completed successfully\.|Failed to deploy application\.)$/.test(event.Message) &&
      open.has(env)
    ) {
      out.push([open.get(env)!, at]);
      open.delete(env);
    }
  }
  for (const start of open.values()) out.push([start, until]);
  return out;
}

const details = (e: Record<string, unknown>) =>
  Object.entries(e).find(([k]) => k.endsWith('EventDetails'))?.[1] as Record<string, unknown> | undefined;

/** Approval waits and bake windows of an execution and its children, from their history. */
function policyIntervals(execution: Execution): Interval[] {
  const out: Interval[] = [];
  for (const ex of [execution, ...execution.children]) {
    const events = ex.history.events;
    let tokenStart: number | undefined;
    const alarmChecks: number[] = [];
    for (const event of events) {
      const d = details(event);
      const at = event.timestamp.getTime();
      if (event.type === 'TaskScheduled') {
        const resource = String(d?.resource ?? '');
        const parameters = String(d?.parameters ?? '');
        if (resource.includes('waitForTaskToken')) tokenStart = at;
        if (parameters.includes('"alarmCheck"')) alarmChecks.push(at);
      }
      if (tokenStart !== undefined && /^Task(Succeeded|Failed|TimedOut)$/.test(event.type)) {
        out.push([tokenStart, at]);
        tokenStart = undefined;
      }
    }
    if (alarmChecks.length > 1) out.push([alarmChecks[0]!, alarmChecks[alarmChecks.length - 1]!]);
  }
  return out;
}

const transitionsOf = (execution: Execution) =>
  [execution, ...execution.children].reduce(
    (n, ex) => n + ex.history.events.filter((e) => /StateEntered$/.test(e.type)).length,
    0,
  );

export async function run(): Promise<BenchTable[]> {
  const sandbox = await startSandbox({
    sandboxPort: 0,
    port: 0,
    speedup: SPEEDUP,
    log: false,
    random: () => 0.5,
  });
  const rows: (string | number)[][] = [];
  try {
    for (const name of sandbox.scenarios.keys()) {
      await sandbox.reset();
      const invocationsBefore = sandbox.lambda.invocations.length;
      const result = await runScenario(sandbox, name);
      const executions = result.actual.pushes.flatMap((p) =>
        p.executionArn ? [sandbox.engine.executions.get(p.executionArn)!] : [],
      );
      let total = 0;
      let service = 0;
      let policy = 0;
      let busy = 0;
      for (const execution of executions) {
        const from = execution.startDate.getTime();
        const to = (execution.stopDate ?? new Date(sandbox.clock.now())).getTime();
        const services = serviceIntervals(sandbox, to);
        const policies = policyIntervals(execution);
        total += to - from;
        service += unionLength(services, from, to);
        policy += unionLength(policies, from, to);
        busy += unionLength([...services, ...policies], from, to);
      }
      const overhead = total - busy;
      const s = (ms: number) => (ms / 1000).toFixed(0);
      rows.push([
        name,
        result.actual.status + (result.actual.error ? ` ${result.actual.error}` : ''),
        result.matches ? 'yes' : 'NO',
        s(total),
        s(service),
        s(policy),
        s(overhead),
        total > 0 ? `${((100 * overhead) / total).toFixed(1)} %` : '-',
        executions.reduce((n, e) => n + transitionsOf(e), 0),
        sandbox.lambda.invocations.length - invocationsBefore,
      ]);
    }
  } finally {
    await sandbox.stop();
  }
  return [
    {
      title: 'Controller overhead per sandbox scenario (simulated seconds)',
      columns: [
        'scenario',
        'ends as',
        'as expected',
        'execution s',
        'service s',
        'policy s',
        'overhead s',
        'overhead share',
        'transitions',
        'Lambda calls',
      ],
      rows,
      notes: [
        `Sandbox at speed-up ${SPEEDUP}: each real millisecond of local processing counts as ${SPEEDUP / 1000} simulated s, so overhead is an upper bound for this machine.`,
        'service: CodeBuild builds, SSM commands (health checks, releases, rollbacks), Beanstalk updates; policy: approval waits and the bake window; their union is subtracted once.',
        'overhead = execution time - union(service, policy): poll lag, Lambda and engine time. Summed over every push of a scenario (superseded has three).',
        'Transitions: states entered in the pipeline and its deploy sub-workflow; Lambda calls: task functions plus the notifier and its retries.',
      ],
    },
  ];
}
