/**
 * `npm audit --omit=dev --json` for the packages that ship in Lambda bundles, and a verdict on
 * its output. An audit that cannot reach the registry's advisory endpoint is a failure with a
 * message that says so: no advisories read is not the same as no advisories.
 */
import { spawnSync } from 'node:child_process';

/** Severities that fail the check. */
export const FAILING_SEVERITIES = ['high', 'critical'] as const;

export type AuditVerdict =
  | { ok: true; counts: Record<string, number> }
  | { ok: false; reason: 'vulnerable' | 'unreachable' | 'unreadable'; message: string };

interface AuditReport {
  vulnerabilities?: Record<string, { name?: string; severity?: string; via?: unknown[]; range?: string }>;
  metadata?: { vulnerabilities?: Record<string, number> };
  error?: { code?: string; summary?: string; detail?: string };
  message?: string;
  statusCode?: number;
  uri?: string;
}

/** What npm printed and how it exited. */
export interface AuditRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs npm audit for production dependencies in `cwd`. */
export function runNpmAudit(cwd: string): AuditRun {
  const result = spawnSync('npm', ['audit', '--omit=dev', '--json'], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) return { status: null, stdout: '', stderr: `could not run npm: ${result.error.message}` };
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const firstLine = (text: string) =>
  text
    .split('\n')
    .find((l) => /error|ERR!/i.test(l))
    ?.trim() ??
  text.trim().split('\n')[0] ??
  '';

/** Reads npm's JSON report; names every high or critical package and where it comes from. */
export function judgeAudit(run: AuditRun): AuditVerdict {
  let report: AuditReport;
  try {
    report = JSON.parse(run.stdout) as AuditReport;
  } catch {
    return {
      ok: false,
      reason: 'unreadable',
      message: `npm audit printed no JSON report (exit ${run.status}): ${firstLine(run.stderr) || run.stdout.slice(0, 200)}`,
    };
  }
  const counts = report.metadata?.vulnerabilities;
  if (!counts || typeof counts !== 'object') {
    const why =
      report.error?.summary || report.message || firstLine(run.stderr) || 'no advisory data in the report';
    const status =
      report.statusCode !== undefined && !why.startsWith(String(report.statusCode))
        ? `${report.statusCode} `
        : '';
    const where = report.uri && !why.includes(report.uri) ? ` at ${report.uri}` : '';
    return {
      ok: false,
      reason: 'unreachable',
      message:
        `npm audit could not read advisories from the registry (${status}${why}${where}). ` +
        'The dependency audit did not run, so it cannot pass: check network access to the npm registry (and any proxy or mirror: it must allow POST /-/npm/v1/security/advisories/bulk), then run `npm audit --omit=dev`.',
    };
  }
  const failing = Object.values(report.vulnerabilities ?? {}).filter((v) =>
    (FAILING_SEVERITIES as readonly string[]).includes(v.severity ?? ''),
  );
  const total = FAILING_SEVERITIES.reduce((sum, s) => sum + (counts[s] ?? 0), 0);
  if (total > 0 || failing.length > 0) {
    const names = failing.map((v) => {
      const via = (v.via ?? [])
        .map((x) => (typeof x === 'string' ? x : ((x as { title?: string }).title ?? '')))
        .filter(Boolean);
      return `${v.name} (${v.severity}${v.range ? `, ${v.range}` : ''})${via.length ? `: ${via.slice(0, 3).join('; ')}` : ''}`;
    });
    return {
      ok: false,
      reason: 'vulnerable',
      message: `npm audit --omit=dev found ${counts.high ?? 0} high and ${counts.critical ?? 0} critical: ${names.join(', ')}. Upgrade them or pin a fixed version.`,
    };
  }
  return { ok: true, counts };
}
