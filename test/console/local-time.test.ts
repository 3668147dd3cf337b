/**
 * The one script the approval pages and the console share: it must rewrite each `<time data-local>`
 * in the reader's zone. Run here in a VM with a stand-in document (the browser suite runs it for real).
 */
import { runInNewContext } from 'node:vm';
import { LOCAL_TIME_SCRIPT, timeHtml } from '../../functions/approval-callback/pages';

function run(datetime: string): string {
  const element = {
    textContent: /data-local>([^<]*)</.exec(timeHtml(datetime))![1]!,
    getAttribute: (name: string) => (name === 'datetime' ? datetime : null),
  };
  const document = { querySelectorAll: () => [element] };
  // The VM's own Date and Intl, as a page has them; TZ is the process's.
  runInNewContext(LOCAL_TIME_SCRIPT, { document });
  return element.textContent;
}

test('times are rewritten in the reader zone, with the zone named', () => {
  const text = run('2026-11-29T13:22:00.000Z');
  expect(text).not.toBe('29 Nov 2026 13:22 UTC');
  expect(text).toMatch(/2026/);
  expect(text).toMatch(/\d{1,2}:22/);
  expect(text).toMatch(/UTC|GMT|[A-Z]{2,5}/);
});

test('an unreadable datetime keeps the server text', () => {
  expect(run('not a date')).toBe('not a date');
});
