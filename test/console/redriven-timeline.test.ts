/**
 * The console's execution timeline of a redriven run, from the sandbox's own history: a run stopped
 * while it waited for approval, then redriven (RedriveExecution), waits again. The second attempt's
 * steps come after a marker and never fold into the first attempt's rows, as in `deployctl show`.
 */
import { RedriveExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { timelineJsonPath, type TimelineView } from '../../local/console/execution-page';
import { useConsoleSandbox } from './support';

const box = useConsoleSandbox(600);

const execution = (arn: string) => box.sandbox.engine.executions.get(arn)!;
/** Resolves once the run waits for a decision after its `redrives`-th redrive. */
async function waitingForApproval(arn: string, redrives: number): Promise<void> {
  for (;;) {
    const events = execution(arn).history.events;
    const lastRedrive = events.findLast((e) => e.type === 'ExecutionRedriven')?.id ?? 0;
    const redriven = events.filter((e) => e.type === 'ExecutionRedriven').length;
    const waiting = events.some(
      (e) =>
        e.id > lastRedrive &&
        e.type === 'TaskSubmitted' &&
        (e.taskSubmittedEventDetails as { resource?: string } | undefined)?.resource ===
          'invoke.waitForTaskToken',
    );
    if (redriven === redrives && waiting) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('a redriven run shows its second attempt after a marker, not folded into the first', async () => {
  // Prepare: a push that waits for approval, stopped by an operator, then redriven.
  const arn = await box.push();
  await waitingForApproval(arn, 0);
  execution(arn).abort();
  await execution(arn).done;
  const sfn = new SFNClient({
    endpoint: box.sandbox.urls.aws,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDSANDBOX', secretAccessKey: 'sandbox' },
  });
  await sfn.send(new RedriveExecutionCommand({ executionArn: arn }));
  await waitingForApproval(arn, 1);

  // Act
  const response = await fetch(new URL(timelineJsonPath(arn), box.sandbox.urls.console));
  const view = (await response.json()) as TimelineView;

  // Assess
  expect(response.status).toBe(200);
  expect(view.status).toBe('RUNNING');
  const marker = view.rows.findIndex((r) => r.status === 'header' && r.name.startsWith('↻ redriven'));
  expect(marker).toBeGreaterThan(0);
  expect(view.rows[marker]!.name).toBe('↻ redriven: attempt 2, from the step that did not succeed');
  const approvals = view.rows
    .map((row, index) => ({ ...row, index }))
    .filter((r) => r.name === 'Wait for approval');
  expect(approvals.map((r) => [r.status, r.index < marker ? 'first' : 'second'])).toEqual([
    ['aborted', 'first'],
    ['waiting', 'second'],
  ]);
  expect(approvals.every((r) => !r.note.includes('2 times'))).toBe(true);
  expect(view.approveUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/approvals\//);
  // The HTML page draws the marker as a header row too.
  const page = await (
    await fetch(new URL(`/executions/${encodeURIComponent(arn)}`, box.sandbox.urls.console))
  ).text();
  expect(page).toContain('<em>↻ redriven: attempt 2, from the step that did not succeed</em>');
});
