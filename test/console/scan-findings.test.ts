/**
 * The dependency scan's highest finding, end to end in the sandbox: its CodeBuild exports the
 * buildspec's SCAN_* variables, the approval request reads them with BatchGetBuilds, and the
 * decision page, the console's waiting approvals and the run's timeline all show them.
 */
import { randomBytes } from 'node:crypto';
import { useConsoleSandbox, waitFor } from './support';

const box = useConsoleSandbox(1200);
const { consoleUrl } = box;

test('a medium finding under a high gate: "highest finding: medium" on the decision page, the approvals list and the timeline', async () => {
  // Prepare: a commit whose scan finds one medium advisory (retail-bank fails on high and above).
  const sha = randomBytes(20).toString('hex');
  box.sandbox.faults.setCommit(sha, {
    pipeline: 'retail-bank',
    scenario: 'test',
    faults: { scanFinding: 'medium' },
  });
  const arn = await box.push(sha);

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
  box.sandbox.engine.executions.get(arn)?.abort();
});
