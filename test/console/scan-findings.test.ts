/**
 * The dependency scan's highest finding, end to end in the sandbox: its CodeBuild exports the
 * buildspec's SCAN_* variables, the approval request reads them with BatchGetBuilds, and the
 * decision page, the console's waiting approvals and the run's timeline all show them.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { signDelivery } from '../../events/sign-delivery';
import { startSandbox, type Sandbox } from '../../local/sandbox';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ sandboxPort: 0, port: 0, speedup: 1200, log: false });
});
afterAll(async () => {
  await sandbox?.stop();
});

const consoleUrl = (path: string) => new URL(path, sandbox.urls.console).toString();

async function waitFor<T>(read: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('a medium finding under a high gate: "highest finding: medium" on the decision page, the approvals list and the timeline', async () => {
  // Prepare: a commit whose scan finds one medium advisory (retail-bank fails on high and above).
  const sha = randomBytes(20).toString('hex');
  sandbox.faults.setCommit(sha, {
    pipeline: 'retail-bank',
    scenario: 'test',
    faults: { scanFinding: 'medium' },
  });
  const push = await fetch(sandbox.urls.webhook, {
    method: 'POST',
    ...signDelivery('push-retail-bank-main', {
      secret: sandbox.webhookSecret,
      sha,
      deliveryId: randomUUID(),
    }),
  });
  const arn = ((await push.json()) as { executions: { executionArn: string }[] }).executions[0]!.executionArn;

  // Act: the console's waiting approvals, then the decision page it links to.
  const row = await waitFor(async () => {
    const page = await (await fetch(consoleUrl('/approvals'))).text();
    return page.includes(arn.split(':').at(-1)!) && page.includes('/approvals/') ? page : undefined;
  });
  const link = /href="(http:\/\/127\.0\.0\.1:\d+\/approvals\/[^"]+)"/.exec(row)![1]!.replace(/&amp;/g, '&');
  const decision = await (await fetch(link)).text();
  const timeline = (await (
    await fetch(consoleUrl(`/executions/${encodeURIComponent(arn)}/timeline.json`))
  ).json()) as { rows: { name: string; note: string }[] };

  // Assess
  expect(decision).toContain('highest finding: medium (1 finding); the gate fails on high and above');
  expect(row).toContain('<td>highest finding: medium (1 finding)</td>');
  expect(timeline.rows).toContainEqual(
    expect.objectContaining({ name: 'Dependency scan', note: 'highest finding: medium (1 finding)' }),
  );
  sandbox.engine.executions.get(arn)?.abort();
});
