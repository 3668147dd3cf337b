/**
 * The sandbox's Slack sink counts notices and approval messages apart by the mark the controller
 * puts on each message, not by which function happens to be running: a notice about a run stopped
 * while waiting for approval, posted while approval-request is still running, is a notice.
 */
import { approvalDecidedMessage } from '../../functions/approval-request/slack-message';
import { readNoticeInput } from '../../functions/notifier/execution-input';
import { analyseFailure } from '../../functions/notifier/failure-analysis';
import { failureMessage } from '../../functions/notifier/slack-message';
import { controlApi, type ControlTarget } from '../../local/control-api';
import { SlackSink } from '../../local/sim/slack-sink';
import { record } from '../approval/fixtures';
import type { FailureStatus } from '../../functions/notifier/status-event';
import {
  HISTORY_NAMES,
  historyInput,
  loadHistoryEvents,
  type HistoryName,
} from '../notifier/support/fixtures';

const post = (sink: SlackSink, body: unknown) =>
  sink.handle({
    method: 'POST',
    path: '/_sandbox/slack/T0/B0/x',
    query: new URLSearchParams(),
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify(body)),
  });

function notice(name: HistoryName, status: FailureStatus) {
  const input = historyInput(name);
  const executionArn = 'arn:aws:states:us-east-1:123456789012:execution:deploy-retail-bank:retail-bank-run-1';
  return failureMessage(
    {
      pipeline: 'retail-bank',
      executionArn,
      executionName: 'retail-bank-run-1',
      status,
      input: readNoticeInput(JSON.stringify(input)),
      startDate: new Date('2026-03-02T09:58:14Z'),
      stopDate: new Date('2026-03-02T10:25:04Z'),
    },
    analyseFailure(status, loadHistoryEvents(name)),
  );
}
const stoppedRunNotice = () => notice('aborted', 'ABORTED');

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

describe("Block Kit's limits, answered as Slack answers", () => {
  const sink = () =>
    new SlackSink(
      () => false,
      () => undefined,
    );
  const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

  test.each([
    [
      '51 blocks',
      { blocks: Array.from({ length: 51 }, () => section('x')) },
      'blocks: 51 blocks, at most 50',
    ],
    [
      'a 151-character header',
      { blocks: [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }] },
      'blocks[0].text: 151 characters, at most 150',
    ],
    ['a 3,001-character section', { blocks: [section('s'.repeat(3001))] }, 'blocks[0].text: 3001 characters'],
    [
      '11 section fields',
      {
        blocks: [
          { type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })) },
        ],
      },
      'blocks[0].fields: 11 items, at most 10',
    ],
    [
      'a lone surrogate in a section',
      { blocks: [section(`${'x'.repeat(102)}\uD83D`)] },
      'blocks[0].text: not well-formed UTF-16 (a lone surrogate)',
    ],
  ])('%s is HTTP 400 invalid_blocks and not stored', (_name, body, problem) => {
    const slack = sink();
    const answer = post(slack, body);
    expect(answer).toMatchObject({ status: 400, body: 'invalid_blocks' });
    expect(slack.messages).toEqual([]);
    expect(slack.rejected[0]!.problems.join('\n')).toContain(problem);
  });

  test('a lone surrogate in the top-level text, or a body that is not JSON, is invalid_payload', () => {
    const slack = sink();
    expect(post(slack, { text: 'deployed \uDE80' })).toMatchObject({ status: 400, body: 'invalid_payload' });
    const notJson = slack.handle({
      method: 'POST',
      path: '/_sandbox/slack/T0/B0/x',
      query: new URLSearchParams(),
      headers: {},
      body: Buffer.from('{'),
    });
    expect(notJson).toMatchObject({ status: 400, body: 'invalid_payload' });
    expect(slack.rejected.map((r) => r.error)).toEqual(['invalid_payload', 'invalid_payload']);
  });

  test('at the limits exactly, and a well-formed emoji, the message is taken', () => {
    const slack = sink();
    const body = {
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'h'.repeat(150) } },
        section(`${'s'.repeat(2998)}🚀`),
        ...Array.from({ length: 48 }, () => section('x')),
      ],
    };
    expect(post(slack, body)).toMatchObject({ status: 200, body: 'ok' });
    expect(slack.messages).toHaveLength(1);
  });

  test.each([...HISTORY_NAMES])(
    "the controller's notice for the %s history is within every limit",
    (name) => {
      const status: FailureStatus =
        name === 'aborted' ? 'ABORTED' : name === 'timed-out' ? 'TIMED_OUT' : 'FAILED';
      expect(post(sink(), notice(name, status))).toMatchObject({ status: 200 });
    },
  );
});

test('GET /_sandbox/slack lists what the sink refused beside what it took', async () => {
  // Prepare: a sink behind the control API, one message taken and one refused.
  const slack = new SlackSink(
    () => false,
    () => undefined,
  );
  post(slack, { text: 'ok' });
  post(slack, { blocks: [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }] });

  // Act
  const answer = await controlApi({ slack, faults: { slackDown: false } } as unknown as ControlTarget, {
    method: 'GET',
    path: '/_sandbox/slack',
    query: new URLSearchParams(),
    headers: {},
    body: Buffer.alloc(0),
  });

  // Assess
  const body = JSON.parse(String(answer.body)) as { messages: unknown[]; rejected: { error: string }[] };
  expect(body.messages).toHaveLength(1);
  expect(body.rejected).toEqual([
    { error: 'invalid_blocks', problems: ['blocks[0].text: 151 characters, at most 150'] },
  ]);
});
