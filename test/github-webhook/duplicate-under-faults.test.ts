/**
 * A second delivery of a commit under injected 500s (the fault matrix's "same-commit-twice + 500s"
 * cell): the duplicate must answer 202 naming the first run, never 503 with nothing started.
 *
 * Root cause of the old 503: the sandbox's AWS endpoint dated its answers with Node's real clock
 * while the SDK clients of the same process read the simulated clock, so every answer looked
 * hours off. The SDK corrected the skew and marked the error `clockSkewCorrected`, which its retry
 * strategy treats as transient: ExecutionAlreadyExists was asked again, that repeat drew a fresh
 * injected 500 (the fault book lets only the first retry through), and the webhook answered 503.
 * Every first attempt is faulted here (random 0.1 < share 0.2), so the old code fails every time.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { signDelivery } from '../../events/sign-delivery';
import { startSandbox, type Sandbox } from '../../local/sandbox';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ sandboxPort: 0, port: 0, speedup: 300, log: false, random: () => 0.1 });
});
afterAll(async () => {
  await sandbox?.stop();
});

const deliver = async (sha: string) => {
  const delivery = signDelivery('push-retail-bank-main', {
    secret: sandbox.webhookSecret,
    sha,
    deliveryId: randomUUID(),
  });
  const response = await fetch(sandbox.urls.webhook, {
    method: 'POST',
    headers: delivery.headers,
    body: delivery.body,
  });
  return {
    status: response.status,
    body: (await response.json()) as { status?: string; executions: { executionArn: string }[] },
  };
};

test('the AWS endpoint dates its answers by the sandbox clock, as AWS does by its own', async () => {
  const response = await fetch(`${sandbox.urls.aws}/_sandbox/health`);
  const served = Date.parse(response.headers.get('date') ?? '');
  expect(Math.abs(served - sandbox.clock.now())).toBeLessThan(60_000 * 5);
});

test('a duplicate delivery under injected 500s answers 202 duplicate with the first run', async () => {
  // Prepare
  sandbox.faults.activate('same-commit-twice-with-faults', { serverErrorShare: 0.2 });
  const sha = randomBytes(20).toString('hex');
  const first = await deliver(sha);
  expect(first.status).toBe(202);

  // Act
  const second = await deliver(sha);
  const concurrent = await Promise.all([deliver(sha), deliver(sha)]);

  // Assess
  const arn = first.body.executions[0]!.executionArn;
  for (const answer of [second, ...concurrent])
    expect(answer).toEqual({
      status: 202,
      body: { status: 'duplicate', executions: [expect.objectContaining({ executionArn: arn })] },
    });
  expect(sandbox.faults.injected.serverErrors).toBeGreaterThanOrEqual(4);
});

test('ExecutionAlreadyExists is answered after one retry of the injected 500, not retried again', async () => {
  sandbox.faults.activate('duplicate-name', { serverErrorShare: 0.2 });
  const sfn = new SFNClient({
    endpoint: sandbox.urls.aws,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' },
  });
  const name = `duplicate-name-${randomBytes(4).toString('hex')}`;
  const start = (n: number) =>
    sfn.send(
      new StartExecutionCommand({
        stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:deploy-retail-bank',
        name,
        input: JSON.stringify({ commitSha: 'a'.repeat(40), n }),
      }),
    );
  try {
    await start(1);
    const error = (await start(2).catch((e: unknown) => e)) as {
      name: string;
      $metadata: { attempts: number };
    };
    expect({ name: error.name, attempts: error.$metadata.attempts }).toEqual({
      name: 'ExecutionAlreadyExists',
      attempts: 2,
    });
  } finally {
    sfn.destroy();
  }
});
