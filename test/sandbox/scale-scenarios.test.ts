/**
 * The scale scenarios (scenarios/*.yaml with a `fleetSize`): a verify failure rolled back on 53
 * instances and a rolling release to 300, end to end on the sandbox with its limits on, and the
 * largest payload of any state in each run measured against Step Functions' 256 KiB.
 *
 * They play at speed-up 100 rather than the scenarios suite's 1200: hundreds of SSM invocations,
 * each call authorised, cost the sandbox real seconds, and at 1200 every real second counts as
 * twenty simulated minutes against the deploy's one-hour timeout.
 */
import { startSandbox, type Sandbox } from '../../local/sandbox';
import { loadScenarios, runScenario } from '../../local/scenarios';
import type { Execution } from '../../local/sfn/engine';
import { PAYLOAD_LIMIT_BYTES } from '../../local/sfn/payload-limits';

let sandbox: Sandbox;
const measured: string[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ sandboxPort: 0, port: 0, speedup: 100, log: false });
});
afterAll(async () => {
  await sandbox?.stop();
  if (measured.length)
    process.stdout.write(`\nscale scenarios:\n${measured.map((m) => `  ${m}`).join('\n')}\n`);
});

const names = [...loadScenarios()].filter(([, s]) => s.fleetSize !== undefined).map(([name]) => name);

/** The largest input, output or parameters payload any history event of these executions holds. */
function largestPayload(executions: Execution[]): { bytes: number; where: string } {
  let largest = { bytes: 0, where: '' };
  for (const execution of executions)
    for (const event of execution.history.events)
      for (const [key, details] of Object.entries(event)) {
        if (!key.endsWith('EventDetails') || !details || typeof details !== 'object') continue;
        const fields = details as Record<string, unknown>;
        for (const field of ['input', 'output', 'parameters']) {
          const text = fields[field];
          if (typeof text !== 'string') continue;
          const bytes = Buffer.byteLength(text, 'utf8');
          const name = typeof fields.name === 'string' ? ` "${fields.name}"` : '';
          if (bytes > largest.bytes)
            largest = { bytes, where: `${execution.stateMachine.name} ${event.type}${name} ${field}` };
        }
      }
  return largest;
}

test('the scale scenarios are there: a 53-instance rollback and a 300-instance release', () => {
  expect(names).toEqual(expect.arrayContaining(['scale-rollback-53', 'scale-release-300']));
});

test.each(names)('scale scenario %s ends as it expects, every state under 256 KiB', async (name) => {
  // Prepare
  const before = new Set(sandbox.engine.executions.keys());
  const commandsBefore = new Set(sandbox.fleet.commands.keys());
  const streamedBefore = sandbox.fleet.streamedOutput.length;

  // Act
  const result = await runScenario(sandbox, name);

  // Assess
  expect(result.mismatches).toEqual([]);
  const executions = [...sandbox.engine.executions.values()].filter((e) => !before.has(e.arn));
  const largest = largestPayload(executions);
  measured.push(
    `${name}: largest state payload ${largest.bytes.toLocaleString('en-US')} bytes (${largest.where}); ` +
      `${result.simulatedSeconds} simulated s, ${result.realSeconds} real s`,
  );
  expect(largest.bytes).toBeLessThan(PAYLOAD_LIMIT_BYTES);
  expect(executions.every((e) => e.error !== 'States.DataLimitExceeded')).toBe(true);

  const fleetSize = sandbox.scenarios.get(name)!.fleetSize!;
  const commands = [...sandbox.fleet.commands.values()].filter((c) => !commandsBefore.has(c.id));
  const release = commands.find((c) => c.parameters.action?.[0] === 'release')!;
  expect(release.instanceIds).toHaveLength(fleetSize);
  // The complete output of every release invocation went to CloudWatch Logs (CloudWatchOutputConfig).
  const streamed = sandbox.fleet.streamedOutput
    .slice(streamedBefore)
    .filter((s) => s.commandId === release.id);
  expect(new Set(streamed.map((s) => s.instanceId)).size).toBe(fleetSize);
  const rollbacks = commands.filter((c) => c.parameters.action?.[0] === 'rollback');
  if (name === 'scale-rollback-53') {
    // SendCommand takes at most 50 instance ids: the rollback goes out in two batches, reaching all 53.
    expect(rollbacks.map((c) => c.instanceIds.length).sort((a, b) => b - a)).toEqual([50, 3]);
    expect(rollbacks.every((c) => c.status === 'Success')).toBe(true);
  } else {
    expect(rollbacks).toEqual([]);
  }
});
