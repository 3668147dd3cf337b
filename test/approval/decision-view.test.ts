import { compareLink } from '../../functions/approval-request/compare-link';
import {
  decisionView,
  durationText,
  shortVersion,
  targetText,
} from '../../functions/approval-callback/decision-view';
import { getPipelineSettings } from '../../functions/commons/config/pipeline-settings';
import { record } from './fixtures';

describe('decision view', () => {
  test('durations read as a person says them', () => {
    expect(durationText(30_000)).toBe('less than a minute');
    expect(durationText(57 * 60_000 + 10_000)).toBe('57 min');
    expect(durationText(125 * 60_000)).toBe('2 h 5 min');
    expect(durationText(5 * 24 * 3600_000)).toBe('5 days');
  });

  test('a full sha label is shown as sha12, like Elastic Beanstalk labels', () => {
    expect(shortVersion('3f2a9c1b7d4e5f60718293a4b5c6d7e8f9012345')).toBe('3f2a9c1b7d4e');
    expect(shortVersion('3f2a9c1b7d4e')).toBe('3f2a9c1b7d4e');
  });

  test('the diff: live...proposed, else the push range when it names the commit, else the commit', () => {
    const r = record();
    expect(compareLink(r, 'a'.repeat(40))).toBe(
      'https://github.com/example-org/retail-bank/compare/aaaaaaaaaaaa...3f2a9c1b7d4e',
    );
    expect(compareLink(r)).toBe(r.compareUrl);
    expect(
      compareLink({ ...r, compareUrl: 'https://github.com/example-org/retail-bank/compare/1...2' }),
    ).toBe(`https://github.com/example-org/retail-bank/commit/${r.commitSha}`);
  });

  test('EC2 targets name tag, service, concurrency and error budget', () => {
    const text = targetText(getPipelineSettings('microblog'));
    expect(text).toMatch(
      /EC2 instances tagged App=microblog, service microblog: rolling release, \S+ at a time, error budget \S+/,
    );
  });

  test('in the sandbox the expiry also says how long that is in real time', () => {
    const now = new Date(Date.parse(record().expiresAt) - 60 * 60_000);
    const view = decisionView(record(), undefined, now, {
      DEPLOY_CONTROLLER_SANDBOX: '1',
      SANDBOX_SPEEDUP: '60',
    });
    expect(view.expiresIn).toBe('expires in 1 h of sandbox time (x60: about 60 s of real time)');
    expect(decisionView(record(), undefined, now, {}).expiresIn).toBe('expires in 1 h');
  });

  test('a retry that reuses an artifact says whose build it reuses instead of "not available"', () => {
    const reused = 'arn:aws:states:us-east-1:123456789012:execution:deploy-retail-bank:retail-bank-0c28f6';
    const view = decisionView(
      { ...record(), context: { reusedFrom: reused } },
      getPipelineSettings('retail-bank'),
      new Date(Date.parse(record().expiresAt) - 60_000),
      {},
    );
    expect(view.rows.find((r) => r.label === 'Build')).toEqual({
      label: 'Build',
      text: 'not rebuilt: reuses the artifact of retail-bank-0c28f6, whose build, unit tests and scan passed',
      tone: 'good',
    });
  });
});
