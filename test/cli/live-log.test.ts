import { SimClock } from '../../local/clock';
import { LiveLog } from '../../local/live-log';
import type { Execution } from '../../local/sfn/engine';
import { detailsKey, type HistoryEvent } from '../../local/sfn/history';

const execution = {
  arn: 'arn:aws:states:us-east-1:123456789012:execution:deploy-retail-bank:retail-bank-abc',
  name: 'retail-bank-abc',
  stateMachine: { name: 'deploy-retail-bank' },
  startDate: new Date('2026-11-29T10:00:00Z'),
} as unknown as Execution;

function play(events: [string, Record<string, unknown>?][]): string[] {
  const clock = new SimClock(60);
  const lines: string[] = [];
  const log = new LiveLog(clock, (line) => lines.push(line));
  let at = Date.parse('2026-11-29T10:00:00Z');
  events.forEach(([type, details], index) => {
    at += 60_000;
    const event: HistoryEvent = { id: index + 1, previousEventId: index, timestamp: new Date(at), type };
    if (details) event[detailsKey(type)] = details;
    log.onEvent(execution, event);
  });
  clock.stop();
  return lines;
}

const links = {
  approvalId: '6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab',
  approveUrl:
    'http://127.0.0.1:3000/approvals/6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab?decision=approve&expires=1&sig=x',
  rejectUrl:
    'http://127.0.0.1:3000/approvals/6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab?decision=reject&expires=1&sig=y',
  expiresAt: new Date(Date.now() + 3_600_000 * 1000).toISOString(),
};

describe('live log', () => {
  test('a run that starts waiting prints the deadline, the approval link and the deployctl command', () => {
    const lines = play([
      ['TaskStateEntered', { name: 'Wait for approval' }],
      [
        'TaskScheduled',
        {
          resource: 'invoke.waitForTaskToken',
          resourceType: 'lambda',
          parameters: JSON.stringify({ FunctionName: 'x', Payload: { action: 'request', links } }),
        },
      ],
    ]);
    const text = lines.join('\n');
    expect(text).toMatch(
      /⏸ waiting for approval until \d\d:\d\d:\d\d \(.* simulated, about .* real at x60\)/,
    );
    expect(text).toContain(`open      ${links.approveUrl}`);
    expect(text).toContain('deployctl approve retail-bank-abc');
  });

  test('an expired approval is not logged as a success', () => {
    const lines = play([
      ['TaskStateEntered', { name: 'Wait for approval' }],
      ['TaskTimedOut', { error: 'States.Timeout', cause: '' }],
      ['TaskStateExited', { name: 'Wait for approval' }],
    ]);
    const exit = lines.find((l) => l.includes('Wait for approval') && /[✓✗]/.test(l) && !l.includes('…'))!;
    expect(exit).toMatch(/✗ Wait for approval \(\d+m \d\ds\) - failed, caught/);
    expect(lines.join('\n')).not.toMatch(/✓ Wait for approval/);
  });

  test('a task that succeeds after a failed attempt is a success', () => {
    const lines = play([
      ['TaskStateEntered', { name: 'Record start' }],
      ['LambdaFunctionFailed', { error: 'Lambda.ServiceException', cause: 'x' }],
      ['LambdaFunctionSucceeded', { output: '{}' }],
      ['TaskStateExited', { name: 'Record start' }],
    ]);
    expect(lines.join('\n')).toMatch(/✓ Record start/);
  });
});
