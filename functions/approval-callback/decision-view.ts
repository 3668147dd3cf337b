/**
 * What the approval page says, as plain data (no HTML here): what will happen (target, strategy,
 * bake window, alarms), which version is live and which is proposed, the diff, the build, test
 * and scan results, the execution and who pushed. Built from the approval record and the
 * pipeline's settings.
 */
import type { ApprovalRecord } from '../approval-request/approval-store';
import { compareLink } from '../approval-request/compare-link';
import type { ReleaseContext } from '../approval-request/release-context';
import { scanFindingsText } from '../approval-request/scan-findings';
import type { PipelineSettings } from '../commons/config/schema';
import { executionConsoleUrl } from '../commons/console-links';

export interface DecisionRow {
  label: string;
  text: string;
  /** Optional link target for the text (https or the local console). */
  href?: string;
  /** good | bad | neutral: how the row is marked (text and colour, never colour alone). */
  tone?: 'good' | 'bad' | 'neutral';
}

export interface DecisionView {
  pipeline: string;
  rows: DecisionRow[];
  executionUrl: string;
  expiresAt: string;
  /** "expires in 57 min" relative to the server's clock. */
  expiresIn: string;
}

/** The label a person sees for a version: the first 12 characters of a commit sha (EB's label). */
export function shortVersion(label: string): string {
  return /^[0-9a-f]{40}$/.test(label) ? label.slice(0, 12) : label;
}

/** "57 min", "2 h 5 min", "less than a minute". */
export function durationText(ms: number): string {
  if (ms < 60_000) return 'less than a minute';
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours < 48) return rest ? `${hours} h ${rest} min` : `${hours} h`;
  return `${Math.floor(hours / 24)} days`;
}

/** The page of a run: the local console when the sandbox serves one, else the Step Functions console. */
export function executionLink(executionArn: string, env: NodeJS.ProcessEnv = process.env): string {
  const local = env.CONSOLE_BASE_URL?.replace(/\/+$/, '');
  return local
    ? `${local}/executions/${encodeURIComponent(executionArn)}`
    : executionConsoleUrl(executionArn);
}

/** "Elastic Beanstalk environment retail-bank-prod: 10 % canary for 5 min, then all traffic". */
export function targetText(settings: PipelineSettings): string {
  const target = settings.target;
  if (target.kind === 'elastic-beanstalk')
    return (
      `Elastic Beanstalk ${target.application} / ${target.environment}: ` +
      `canary ${target.canary.percent} % of traffic for ${target.canary.evaluationMinutes} min, then all traffic ` +
      `(Beanstalk rolls back by itself if the canary fails)`
    );
  return (
    `EC2 instances tagged ${target.instanceTag.key}=${target.instanceTag.value}, service ${target.service}: ` +
    `rolling release, ${target.maxConcurrency} at a time, error budget ${target.maxErrors} ` +
    `(each instance switches back if its own health check fails)`
  );
}

function verifyText(settings: PipelineSettings): string {
  const alarms = settings.verify.alarms;
  const smoke = `smoke test ${settings.verify.smokeTest.url} (expects ${settings.verify.smokeTest.expectStatus})`;
  const bake =
    settings.verify.bakeMinutes > 0
      ? `${settings.verify.bakeMinutes} min bake watching ${alarms.length ? alarms.join(', ') : 'no alarms'}`
      : 'no bake window';
  return `${smoke}, then ${bake}; on failure it rolls back to the last good version`;
}

function minutes(seconds?: number): string {
  if (seconds === undefined) return '';
  return seconds >= 60
    ? ` in ${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`
    : ` in ${seconds}s`;
}

function buildRows(context: ReleaseContext | undefined, failOn: string): DecisionRow[] {
  const rows: DecisionRow[] = [];
  const build = context?.build;
  if (!build && context?.reusedFrom)
    rows.push({
      label: 'Build',
      text: `not rebuilt: reuses the artifact of ${context.reusedFrom.split(':').at(-1)}, whose build, unit tests and scan passed`,
      tone: 'good',
    });
  else if (!build) rows.push({ label: 'Build', text: 'not available', tone: 'neutral' });
  else {
    rows.push({
      label: 'Build',
      text: `${build.status.toLowerCase()}${minutes(build.durationSeconds)}`,
      tone: build.status === 'SUCCEEDED' ? 'good' : 'bad',
    });
    const tests = build.tests;
    rows.push(
      tests
        ? {
            label: 'Unit tests',
            text: `${tests.passed} passed, ${tests.failed} failed${tests.skipped ? `, ${tests.skipped} skipped` : ''} (${tests.total} in all)`,
            tone: tests.failed === 0 ? 'good' : 'bad',
          }
        : { label: 'Unit tests', text: 'no test report', tone: 'neutral' },
    );
  }
  const scan = context?.scan;
  if (!scan) rows.push({ label: 'Dependency scan', text: 'not available', tone: 'neutral' });
  else {
    const highest =
      scan.highestSeverity === undefined
        ? `nothing at or above ${failOn} (the scan did not report its highest finding)`
        : `${scanFindingsText(scan)}; the gate fails on ${failOn} and above`;
    rows.push({
      label: 'Dependency scan',
      text: `${scan.status.toLowerCase()}${minutes(scan.durationSeconds)}: ${highest}`,
      tone: scan.status === 'SUCCEEDED' ? 'good' : 'bad',
    });
  }
  return rows;
}

/** In the sandbox, simulated time runs SANDBOX_SPEEDUP times faster: say how long that is for a person. */
function sandboxNote(remainingMs: number, env: NodeJS.ProcessEnv): string {
  const speedup = Number(env.SANDBOX_SPEEDUP);
  if (!env.DEPLOY_CONTROLLER_SANDBOX || !Number.isFinite(speedup) || speedup <= 1) return '';
  const real = Math.round(remainingMs / speedup / 1000);
  return ` of sandbox time (x${speedup}: about ${real >= 120 ? `${Math.round(real / 60)} min` : `${real} s`} of real time)`;
}

/** Everything the page shows, in reading order. */
export function decisionView(
  record: ApprovalRecord,
  settings: PipelineSettings | undefined,
  now: Date,
  env: NodeJS.ProcessEnv = process.env,
): DecisionView {
  const live = record.context?.live;
  const proposed = shortVersion(record.commitSha);
  const executionUrl = executionLink(record.executionArn, env);
  const rows: DecisionRow[] = [
    { label: 'Commit', text: `${record.commitTitle || '(no message)'} (${record.commitSha.slice(0, 12)})` },
    { label: 'Pushed by', text: `${record.pusher} to ${record.branch} of ${record.repository}` },
    {
      label: 'Version',
      text: `${live ? shortVersion(live.versionLabel) : 'none recorded yet'} → ${proposed}`,
    },
    { label: 'Changes', text: 'compare on GitHub', href: compareLink(record, live?.commitSha) },
  ];
  if (settings) {
    rows.push({ label: 'Target', text: targetText(settings) });
    rows.push({ label: 'After deploy', text: verifyText(settings) });
  }
  rows.push(...buildRows(record.context, settings?.scan.failOn ?? 'high'));
  rows.push({
    label: 'Execution',
    text: record.executionArn.split(':').pop() ?? record.executionArn,
    href: executionUrl,
  });
  const remaining = Date.parse(record.expiresAt) - now.getTime();
  return {
    pipeline: record.pipeline,
    rows,
    executionUrl,
    expiresAt: record.expiresAt,
    expiresIn:
      remaining > 0 ? `expires in ${durationText(remaining)}${sandboxNote(remaining, env)}` : 'has expired',
  };
}
