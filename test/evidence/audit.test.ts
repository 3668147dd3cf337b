/**
 * The verdict of `npm run audit` (npm audit --omit=dev): no high or critical advisory in what
 * ships, and an audit that could not reach the registry is a failure, never a pass. The live
 * audit is its own command because this machine's registry refuses the advisory endpoint (405).
 */
import { judgeAudit } from '../../scripts/npm-audit';

describe('the verdict on npm audit output', () => {
  const clean = JSON.stringify({
    auditReportVersion: 2,
    vulnerabilities: {},
    metadata: { vulnerabilities: { info: 0, low: 0, moderate: 0, high: 0, critical: 0, total: 0 } },
  });

  test('no vulnerabilities: passes with the counts', () => {
    expect(judgeAudit({ status: 0, stdout: clean, stderr: '' })).toEqual({
      ok: true,
      counts: expect.objectContaining({ high: 0, critical: 0 }),
    });
  });

  test('low and moderate only: passes', () => {
    const report = {
      vulnerabilities: { x: { name: 'x', severity: 'moderate', via: [] } },
      metadata: { vulnerabilities: { low: 2, moderate: 1, high: 0, critical: 0 } },
    };
    expect(judgeAudit({ status: 1, stdout: JSON.stringify(report), stderr: '' }).ok).toBe(true);
  });

  test('a high or critical advisory fails and names the package and advisory', () => {
    const report = {
      vulnerabilities: {
        'fast-xml-parser': {
          name: 'fast-xml-parser',
          severity: 'high',
          range: '<4.4.1',
          via: [{ title: 'ReDoS in currency parsing' }],
        },
        yaml: { name: 'yaml', severity: 'critical', via: ['fast-xml-parser'] },
      },
      metadata: { vulnerabilities: { low: 0, moderate: 0, high: 1, critical: 1 } },
    };
    const verdict = judgeAudit({ status: 1, stdout: JSON.stringify(report), stderr: '' });
    expect(verdict).toMatchObject({ ok: false, reason: 'vulnerable' });
    expect(verdict.ok || verdict.message).toMatch(
      /1 high and 1 critical: fast-xml-parser \(high, <4\.4\.1\): ReDoS in currency parsing, yaml \(critical\): fast-xml-parser/,
    );
  });

  test('a registry that refuses the advisory endpoint fails, saying the audit did not run', () => {
    const refused = JSON.stringify({
      message: '405 Method Not Allowed - POST https://registry.example/-/npm/v1/security/advisories/bulk',
      statusCode: 405,
      uri: 'https://registry.example/-/npm/v1/security/advisories/bulk',
    });
    const verdict = judgeAudit({
      status: 1,
      stdout: refused,
      stderr: 'npm error audit endpoint returned an error',
    });
    expect(verdict).toMatchObject({ ok: false, reason: 'unreachable' });
    expect(verdict.ok || verdict.message).toMatch(
      /could not read advisories from the registry \(405 .*did not run, so it cannot pass/,
    );
  });

  test('no network at all fails the same way', () => {
    const offline = JSON.stringify({
      error: {
        code: 'ENOTFOUND',
        summary:
          'request to https://registry.npmjs.org/-/npm/v1/security/advisories/bulk failed, reason: getaddrinfo ENOTFOUND registry.npmjs.org',
        detail: '',
      },
    });
    expect(judgeAudit({ status: 1, stdout: offline, stderr: '' })).toMatchObject({
      ok: false,
      reason: 'unreachable',
      message: expect.stringContaining('ENOTFOUND'),
    });
  });

  test('output that is not a report fails instead of passing', () => {
    expect(
      judgeAudit({ status: null, stdout: '', stderr: 'could not run npm: spawn npm ENOENT' }),
    ).toMatchObject({ ok: false, reason: 'unreadable', message: expect.stringContaining('ENOENT') });
  });
});
