/**
 * End to end: the sandbox on free ports with the real handlers, the real ASL files and a high
 * speed-up. Each scenario pushes signed deliveries over HTTP to the webhook, approves or rejects
 * through the approval links, and is followed through the Step Functions SDK; the outcome, the
 * target's final version, the lock, the deployment history and the notifications must all be
 * what the scenario file says.
 */
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { startSandbox, type Sandbox } from '../../local/sandbox';
import { loadScenarios, runScenario } from '../../local/scenarios';

let sandbox: Sandbox;
let sfn: SFNClient;

beforeAll(async () => {
  sandbox = await startSandbox({ sandboxPort: 0, port: 0, speedup: 1200, log: false });
  sfn = new SFNClient({
    endpoint: sandbox.urls.aws,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' },
  });
});
afterAll(() => sandbox?.stop());

// Scenarios on a fleet of their own size play in scale-scenarios.test.ts, at a speed-up that suits them.
const names = [...loadScenarios()].filter(([, s]) => s.fleetSize === undefined).map(([name]) => name);

test('every scenario file is covered', () => {
  expect(names).toEqual(
    expect.arrayContaining([
      'happy',
      'build-fails',
      'tests-fail',
      'scan-high',
      'unhealthy-target',
      'approval-rejected',
      'approval-timeout',
      'canary-regression',
      'verify-fails',
      'ssm-instance-fails',
      'superseded',
      'throttling',
      'slack-down',
    ]),
  );
});

test.each(names)('scenario %s ends as it expects', async (name) => {
  const result = await runScenario(sandbox, name);
  expect(result.mismatches).toEqual([]);
  expect(result.matches).toBe(true);

  // What the scenario saw, checked again through the SDK as a client would.
  for (const push of result.actual.pushes) {
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: push.executionArn! }));
    expect(described.status).toBe(push.status);
    expect(described.error ?? null).toBe(push.error);
    const history = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn: push.executionArn!, reverseOrder: true, maxResults: 1 }),
    );
    expect(history.events?.[0]?.type).toBe(
      `Execution${push.status === 'SUCCEEDED' ? 'Succeeded' : push.status === 'FAILED' ? 'Failed' : push.status === 'TIMED_OUT' ? 'TimedOut' : 'Aborted'}`,
    );
    // Deployment history written, lock not held by the run any more.
    expect(push.historyOutcome).not.toBeNull();
    expect(push.lockReleased).toBe(true);
  }
  // The status notices went to the notifier: one per status change (RUNNING, then the end) of each
  // attempt of each execution (a redrive is one more), all settled. A duplicate push names the
  // execution already started for its commit.
  const executions = new Set(result.actual.pushes.map((p) => p.executionArn));
  const deliveries = sandbox.statusEvents.deliveries.filter((d) => executions.has(d.executionArn));
  const attempts = [...executions].reduce(
    (sum, arn) => sum + 1 + (sandbox.engine.executions.get(arn!)?.redriveCount ?? 0),
    0,
  );
  expect(deliveries.length).toBe(attempts * 2);
  expect(deliveries.every((d) => d.state !== 'pending')).toBe(true);
  expect(result.timeline.length).toBeGreaterThan(0);
});

test('the deploy sub-workflows run as nested executions visible in ListExecutions', async () => {
  const nested = await sfn.send(
    new ListExecutionsCommand({ stateMachineArn: sandbox.engine.stateMachineArn('deploy-beanstalk') }),
  );
  expect(nested.executions?.length).toBeGreaterThan(0);
  const ssm = await sfn.send(
    new ListExecutionsCommand({ stateMachineArn: sandbox.engine.stateMachineArn('deploy-ssm') }),
  );
  expect(ssm.executions?.length).toBeGreaterThan(0);
});

test('unsigned and badly signed deliveries start nothing', async () => {
  const before = sandbox.engine.executions.size;
  const unsigned = await fetch(sandbox.urls.webhook, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': 'x-1' },
    body: '{}',
  });
  expect(unsigned.status).toBe(401);
  const forged = await fetch(sandbox.urls.webhook, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-github-delivery': 'x-2',
      'x-hub-signature-256': `sha256=${'0'.repeat(64)}`,
    },
    body: '{"ref":"refs/heads/main"}',
  });
  expect(forged.status).toBe(401);
  expect((await fetch(`${sandbox.urls.webhook}/nope`, { method: 'POST' })).status).toBe(404);
  expect(sandbox.engine.executions.size).toBe(before);
});
