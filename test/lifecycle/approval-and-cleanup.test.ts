/**
 * Stories 4 and 5 of the run lifecycle on the sandbox (real handlers, real ASL, the Step Functions
 * API on the sandbox's endpoint): an approval from the console or the CLI (SendTaskSuccess with
 * any JSON output, SendTaskFailure) never ends in States.Runtime, and a run stopped while it holds
 * the deploy lock has that lock released by the EventBridge status change, with one notice saying so.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { signDelivery } from '../../events/sign-delivery';
import { startSandbox, type Sandbox } from '../../local/sandbox';
import { runScenario } from '../../local/scenarios';

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
afterAll(async () => {
  sfn?.destroy();
  await sandbox?.stop();
});
beforeEach(() => sandbox.reset());

const notices = () =>
  sandbox.slack.messages.filter((m) => m.kind === 'notification').map((m) => JSON.stringify(m.body));

test('SendTaskSuccess with "{}" is an approval via the Step Functions console / API', async () => {
  const result = await runScenario(sandbox, 'approval-console');
  expect(result.mismatches).toEqual([]);
  const execution = sandbox.engine.executions.get(result.actual.pushes[0]!.executionArn!)!;
  const approved = execution.history.events.find(
    (e) =>
      e.type === 'PassStateExited' &&
      (e.stateExitedEventDetails as { name?: string })?.name === 'Approved in the console or API',
  );
  expect(approved).toBeDefined();
  const output = JSON.parse(String((approved!.stateExitedEventDetails as { output?: string }).output));
  expect(output.approvalDecision).toMatchObject({
    decision: 'approved',
    via: 'Step Functions console / API',
  });
});

test('SendTaskFailure without a cause is a rejection, not a runtime error', async () => {
  const result = await runScenario(sandbox, 'approval-console-reject');
  expect(result.mismatches).toEqual([]);
  expect(result.actual.error).toBe('ApprovalRejected');
});

test('a typed note as the SendTaskSuccess output approves too', async () => {
  sandbox.activateScenario('happy');
  const push = await fetch(sandbox.urls.webhook, {
    method: 'POST',
    ...signedPush(sandbox),
  });
  expect(push.status).toBe(202);
  const arn = ((await push.json()) as { executions: { executionArn: string }[] }).executions[0]!.executionArn;
  const token = await waitFor(() => sandbox.tokens.list().find((t) => t.executionArn === arn)?.token);
  await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '"looks good, ship it"' }));
  const execution = sandbox.engine.executions.get(arn)!;
  await execution.done;
  expect({ status: execution.status, error: execution.error ?? null }).toEqual({
    status: 'SUCCEEDED',
    error: null,
  });
});

test('a stopped run has its lock released and its outcome recorded; the notice says so', async () => {
  const result = await runScenario(sandbox, 'stopped-run');
  expect(result.mismatches).toEqual([]);
  expect(result.actual.status).toBe('ABORTED');
  const [notice] = notices();
  expect(notice).toContain('stopped (StopExecution) before its cleanup ran');
  expect(notice).toContain('was released, so the next push can deploy');
  expect(notice).toContain('recorded in the deployment history');
});

async function waitFor<T>(read: () => T | undefined): Promise<T> {
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 5));
  }
}

function signedPush(box: Sandbox): { headers: Record<string, string>; body: string } {
  return signDelivery('push-retail-bank-main', {
    secret: box.webhookSecret,
    sha: randomBytes(20).toString('hex'),
    deliveryId: randomUUID(),
  });
}
