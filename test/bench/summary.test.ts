/** The bench summary that scripts and the README read from .bench/results.json. */
import { END, START, summaryMarkdown, withSummary } from '../../bench/readme';
import { buildSummary, SUMMARY_NAMES, verdict } from '../../bench/summary';

test('the summary has exactly the names the performance issue lists, in that order', () => {
  expect(Object.keys(buildSummary([]))).toEqual([
    'webhookImportMsOverEmptyNode',
    'webhookBundleBytes',
    'warmRatioDuplicate',
    'warmRatioIgnored',
    'costRatioMinDeploying',
    'transitionsCanary',
    'transitionsSsm',
    'overheadShareHappyMax',
    'pollLagSecondsHappy',
    'leadTimeSecondsCanary',
    'leadTimeSecondsSsm',
  ]);
});

test('parts from several modules merge; names no module measured stay null', () => {
  const summary = buildSummary([{ webhookBundleBytes: 1000 }, { transitionsCanary: 40, transitionsSsm: 30 }]);
  expect(summary.webhookBundleBytes).toBe(1000);
  expect(summary.transitionsSsm).toBe(30);
  expect(summary.leadTimeSecondsSsm).toBeNull();
  expect(SUMMARY_NAMES.every((name) => name in summary)).toBe(true);
});

test('a figure that is not a finite number is refused rather than written', () => {
  expect(() => buildSummary([{ warmRatioIgnored: Number.NaN }])).toThrow(/warmRatioIgnored/);
});

test('verdicts follow the aims: at most for costs, at least for ratios', () => {
  expect(verdict('transitionsCanary', 52)).toBe('met');
  expect(verdict('transitionsCanary', 53)).toBe('NOT met');
  expect(verdict('warmRatioDuplicate', 0.49)).toBe('NOT met');
  expect(verdict('costRatioMinDeploying', 40)).toBe('met');
  expect(verdict('pollLagSecondsHappy', 3)).toBe('');
  expect(verdict('transitionsSsm', null)).toBe('');
});

test('the README block between the markers is replaced, the rest kept', () => {
  const readme = `# x\n\nbefore\n${START}\nstale figures\n${END}\nafter\n`;
  const block = summaryMarkdown(buildSummary([{ transitionsSsm: 41 }]), '2026-11-29T00:00:00Z');

  const updated = withSummary(readme, block);

  expect(updated.startsWith('# x\n\nbefore\n')).toBe(true);
  expect(updated.endsWith('\nafter\n')).toBe(true);
  expect(updated).toContain('| `transitionsSsm` | state transitions, EC2 deploy via SSM | 41 | <= 42 met |');
  expect(updated).not.toContain('stale figures');
  expect(() => withSummary('# no markers', block)).toThrow(/bench-summary/);
});
