/**
 * The sandbox's Slack sink counts notices and approval messages apart by the mark the controller
 * puts on each message, not by which function happens to be running: a notice about a run stopped
 * while waiting for approval, posted while approval-request is still running, is a notice.
 */
import { approvalDecidedMessage } from '../../functions/approval-request/slack-message';
import { readNoticeInput } from '../../functions/notifier/execution-input';
import { analyseFailure } from '../../functions/notifier/failure-analysis';
import { failureMessage } from '../../functions/notifier/slack-message';
import { SlackSink } from '../../local/sim/slack-sink';
import { record } from '../approval/fixtures';
import { historyInput, loadHistoryEvents } from '../notifier/support/fixtures';

const post = (sink: SlackSink, body: unknown) =>
  sink.handle({
    method: 'POST',
    path: '/_sandbox/slack/T0/B0/x',
    query: new URLSearchParams(),
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify(body)),
  });

function stoppedRunNotice() {
  const input = historyInput('aborted');
  const executionArn = 'arn:aws:states:us-east-1:123456789012:execution:deploy-retail-bank:retail-bank-run-1';
  return failureMessage(
    {
      pipeline: 'retail-bank',
      executionArn,
      executionName: 'retail-bank-run-1',
      status: 'ABORTED',
      input: readNoticeInput(JSON.stringify(input)),
      startDate: new Date('2026-03-02T09:58:14Z'),
      stopDate: new Date('2026-03-02T10:25:04Z'),
    },
    analyseFailure('ABORTED', loadHistoryEvents('aborted')),
  );
}

test('a stopped-at-approval notice posted while an approval function runs is counted as a notice', () => {
  // Prepare: both the notifier and approval-request are running, so the runtime cannot tell.
  const sink = new SlackSink(
    () => false,
    () => undefined,
  );
  const notice = stoppedRunNotice();
  expect(JSON.stringify(notice)).toMatch(/approval/i);

  // Act
  expect(post(sink, notice).status).toBe(200);

  // Assess
  expect(sink.messages.map((m) => m.kind)).toEqual(['notification']);
});

test('approval follow-ups are approval messages whatever is running', () => {
  const sink = new SlackSink(
    () => false,
    () => 'notification',
  );
  post(sink, approvalDecidedMessage(record(), 'approved', 'ada'));
  expect(sink.messages.map((m) => m.kind)).toEqual(['approval']);
});

test('an unmarked message still falls back to the running function, then to its text', () => {
  const sink = new SlackSink(
    () => false,
    () => undefined,
  );
  post(sink, { text: 'Approve it at /approvals/abc' });
  post(sink, { text: 'hello' });
  expect(sink.messages.map((m) => m.kind)).toEqual(['approval', 'notification']);
});
