/** Expected vs actual of a scenario run: every differing field shows, and any difference fails the run. */
import {
  compareOutcome,
  printReport,
  pushText,
  type ScenarioReport,
} from '../../local/cli/commands/scenario';
import { createContext } from '../../local/cli/context';
import { memoryOutput } from '../../local/cli/output';

const report = (actual: Record<string, unknown>, matches: boolean): ScenarioReport => ({
  name: 'canary-regression',
  expected: {
    status: 'FAILED',
    error: 'CanaryReverted',
    finalVersion: 'previous',
    slackNotifications: 1,
    pushes: [null],
  },
  actual: {
    status: 'FAILED',
    error: 'CanaryReverted',
    finalVersion: 'previous',
    slackNotifications: 1,
    pushes: [],
    ...actual,
  },
  matches,
  mismatches: matches ? [] : ['final version: expected "previous", got "new"'],
});

describe('compareOutcome', () => {
  it('matches when every expected field agrees and the runner says so', () => {
    const { rows, match } = compareOutcome(report({}, true));
    expect(match).toBe(true);
    expect(rows).toEqual([
      ['status', 'FAILED', 'FAILED', 'yes'],
      ['error', 'CanaryReverted', 'CanaryReverted', 'yes'],
      ['finalVersion', 'previous', 'previous', 'yes'],
      ['slackNotifications', '1', '1', 'yes'],
    ]);
  });

  it('fails on a differing field, and when the runner reports a mismatch of its own', () => {
    const differing = compareOutcome(report({ finalVersion: 'new' }, true));
    expect(differing.match).toBe(false);
    expect(differing.rows[2]).toEqual(['finalVersion', 'previous', 'new', 'NO']);
    expect(compareOutcome(report({}, false)).match).toBe(false);
  });

  it('compares each push of a multi-push scenario', () => {
    const superseded: ScenarioReport = {
      name: 'superseded',
      expected: {
        finalVersion: 'new',
        pushes: [{ status: 'SUCCEEDED' }, { status: 'SUCCEEDED', historyOutcome: 'superseded' }],
      },
      actual: {
        finalVersion: 'new',
        pushes: [
          { status: 'SUCCEEDED', historyOutcome: 'succeeded' },
          { status: 'SUCCEEDED', historyOutcome: 'succeeded' },
        ],
      },
      matches: true,
    };
    const { rows, match } = compareOutcome(superseded);
    expect(rows.slice(1)).toEqual([
      ['push 1', 'SUCCEEDED', 'SUCCEEDED', 'yes'],
      ['push 2', 'SUCCEEDED (superseded)', 'SUCCEEDED', 'NO'],
    ]);
    expect(match).toBe(false);
    expect(pushText(null)).toBe('-');
  });

  it('prints the table, the runner mismatches and the verdict', async () => {
    const out = memoryOutput();
    const ctx = createContext({}, { out, env: {} });
    expect(await printReport(ctx, report({ finalVersion: 'new' }, false))).toBe(false);
    expect(out.text()).toContain('finalVersion        previous        new             NO');
    expect(out.text()).toContain('  mismatch: final version: expected "previous", got "new"');
    expect(out.lines[out.lines.length - 1]).toBe(
      'scenario canary-regression: outcome differs from the expectation',
    );
  });
});
