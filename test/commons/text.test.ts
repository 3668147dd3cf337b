/**
 * The one text helper for what leaves the controller: cuts between code points, never leaves a
 * lone surrogate, and budgets the length after escaping.
 */
import { approvalRequestMessage, commitTitle } from '../../functions/approval-request/slack-message';
import { cutMrkdwn, cutText, cutTextStart, firstLineOf, wellFormed } from '../../functions/commons/text';
import { readNoticeInput } from '../../functions/notifier/execution-input';
import { analyseFailure } from '../../functions/notifier/failure-analysis';
import { failureMessage } from '../../functions/notifier/slack-message';
import { versionDescription } from '../../functions/beanstalk-deploy/version-label';
import { trimMessage } from '../../functions/github-webhook/decide';
import { EXECUTION_ARN, record } from '../approval/fixtures';
import { historyInput, loadHistoryEvents } from '../notifier/support/fixtures';

const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Every string anywhere in `value`. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

// The titles, and the same emoji placed on every cut position of the old code (117, 119, 149, 197).
const TITLES = [
  `${'x'.repeat(102)}🚀`,
  `${'y'.repeat(116)}🎉`,
  ...[100, 101, 102, 116, 117, 118, 119, 120, 148, 149, 196, 197].map(
    (n) => `${'z'.repeat(n)}🚀 and more text after it`,
  ),
];

describe('cutText', () => {
  test('keeps short text as it is', () => {
    expect(cutText('hello', 5)).toBe('hello');
  });

  test('never splits a surrogate pair', () => {
    for (let max = 1; max <= 8; max += 1) {
      const out = cutText('ab🚀🎉cd', max);
      expect(LONE.test(out)).toBe(false);
      expect(out.length).toBeLessThanOrEqual(max);
    }
    expect(cutText('ab🚀cd', 4)).toBe('ab…');
    expect(cutText('ab🚀cd', 5)).toBe('ab🚀…');
  });

  test('budgets the length after escaping and never splits an escape', () => {
    const escaped = cutMrkdwn('a<b>&c'.repeat(20), 20);
    expect(escaped.length).toBeLessThanOrEqual(20);
    expect(escaped).toBe('a&lt;b&gt;&amp;ca…');
    expect(cutMrkdwn('<<<<', 6)).toBe('&lt;…');
  });

  test('replaces lone surrogates already in the input', () => {
    expect(wellFormed('a\uD83Db')).toBe('a\uFFFDb');
    expect(cutText('\uDE80xyz', 10)).toBe('\uFFFDxyz');
  });

  test('a budget smaller than the marker gives what fits', () => {
    expect(cutText('abcdef', 0)).toBe('');
    expect(cutText('abcdef', 2, { ellipsis: '...' })).toBe('..');
    expect(() => cutText('x', -1)).toThrow(RangeError);
  });

  test('cutTextStart keeps the end', () => {
    expect(cutTextStart('🚀abcdef', 4)).toBe('…def');
    expect(cutTextStart('abc🚀', 3)).toBe('…🚀');
  });

  test('firstLineOf takes the first line of any line ending', () => {
    expect(firstLineOf('one\r\ntwo', 10)).toBe('one');
    expect(firstLineOf(undefined, 10)).toBe('');
  });
});

describe('what leaves the controller is well-formed UTF-16 for every commit title', () => {
  test.each(TITLES.map((t) => [t.length, t]))('approval request, title of %d units', (_n, title) => {
    const message = approvalRequestMessage({ ...record(), commitTitle: commitTitle(title) }, {
      approveUrl: 'https://approvals.example.com/a',
      rejectUrl: 'https://approvals.example.com/r',
      expiresAt: '2026-03-02T11:00:00Z',
      approvalId: 'a1',
    } as never);
    for (const text of strings(message)) expect(LONE.test(text)).toBe(false);
    expect(EXECUTION_ARN).toContain('execution');
  });

  test.each(TITLES.map((t) => [t.length, t]))('failure notice, title of %d units', (_n, title) => {
    const input = { ...historyInput('verify-failed-rolled-back'), commitMessage: `${title}\n\nbody` };
    const message = failureMessage(
      {
        pipeline: 'retail-bank',
        executionArn: 'arn:aws:states:eu-west-1:123456789012:execution:deploy-retail-bank:run-1',
        executionName: 'run-1',
        status: 'FAILED',
        input: readNoticeInput(JSON.stringify(input)),
        startDate: new Date('2026-03-02T09:58:14Z'),
        stopDate: new Date('2026-03-02T10:25:04Z'),
      },
      analyseFailure('FAILED', loadHistoryEvents('verify-failed-rolled-back')),
    );
    for (const text of strings(message)) expect(LONE.test(text)).toBe(false);
  });

  test.each(TITLES.map((t) => [t.length, t]))(
    'version description and execution input, %d units',
    (_n, title) => {
      expect(LONE.test(versionDescription('retail-bank', 'a'.repeat(40), title))).toBe(false);
      expect(versionDescription('retail-bank', 'a'.repeat(40), title).length).toBeLessThanOrEqual(200);
      expect(LONE.test(trimMessage(`${'m'.repeat(999)}🚀`))).toBe(false);
    },
  );
});
