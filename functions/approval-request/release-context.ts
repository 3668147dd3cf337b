/**
 * What an approver needs to know about a release, gathered once when the run starts waiting and
 * stored with the approval: the version live now (deploy history), and the results of the build,
 * the unit tests and the dependency scan (CodeBuild). Each part is optional: a read that fails
 * leaves that part out and the page says "not available"; it never blocks the approval.
 *
 * AWS sources: CodeBuild API Reference, BatchGetBuilds (Build: buildStatus, startTime, endTime,
 * reportArns, exportedEnvironmentVariables) and BatchGetReports (Report: status, testSummary with
 * total and statusCounts keyed SUCCEEDED / FAILED / SKIPPED / ERROR / UNKNOWN); botocore
 * `codebuild/2016-10-06/service-2.json`.
 */
import {
  BatchGetBuildsCommand,
  BatchGetReportsCommand,
  type CodeBuildClient,
} from '@aws-sdk/client-codebuild';
import type { LastGoodResult } from '../commons/types/tasks';
import { scanFindings, type ScanFindings } from './scan-findings';

export interface TestCounts {
  total: number;
  passed: number;
  failed: number;
  skipped: number;
}

export interface BuildSummary {
  /** CodeBuild buildStatus: SUCCEEDED, FAILED, ... */
  status: string;
  durationSeconds?: number;
  /** Unit test counts from the build's test report, when it has one. */
  tests?: TestCounts;
}

export interface ScanSummary extends ScanFindings {
  status: string;
  durationSeconds?: number;
}

/** Stored on the approval record; every field optional. */
export interface ReleaseContext {
  live?: { versionLabel: string; commitSha?: string };
  /** The execution whose build artifact this run reuses (deployctl retry / redeploy). */
  reusedFrom?: string;
  build?: BuildSummary;
  scan?: ScanSummary;
}

export interface ContextDeps {
  codebuild?: Pick<CodeBuildClient, 'send'>;
  lastGood?: (pipeline: string) => Promise<LastGoodResult>;
  onError?: (part: string, error: Error) => void;
}

function seconds(start?: Date, end?: Date): number | undefined {
  return start && end ? Math.max(0, Math.round((end.getTime() - start.getTime()) / 1000)) : undefined;
}

/** Test counts of a report's testSummary. */
export function testCounts(summary: {
  total?: number | undefined;
  statusCounts?: Record<string, number> | undefined;
}): TestCounts {
  const counts = summary.statusCounts ?? {};
  const failed = (counts.FAILED ?? 0) + (counts.ERROR ?? 0);
  return {
    total: summary.total ?? 0,
    passed: counts.SUCCEEDED ?? 0,
    failed,
    skipped: counts.SKIPPED ?? 0,
  };
}

/** The run's build and scan ids (`$.build`); null when it reused another run's artifact. */
export interface BuildIds {
  buildId?: string | null;
  scanBuildId?: string | null;
  reusedFrom?: string;
}

async function builds(
  codebuild: Pick<CodeBuildClient, 'send'>,
  ids: BuildIds,
): Promise<Pick<ReleaseContext, 'build' | 'scan'>> {
  const wanted = [ids.buildId, ids.scanBuildId].filter((id): id is string => Boolean(id));
  if (wanted.length === 0) return {};
  const out = await codebuild.send(new BatchGetBuildsCommand({ ids: wanted }));
  const byId = new Map((out.builds ?? []).map((b) => [b.id, b]));
  const result: Pick<ReleaseContext, 'build' | 'scan'> = {};
  const build = ids.buildId ? byId.get(ids.buildId) : undefined;
  if (build) {
    result.build = { status: build.buildStatus ?? 'UNKNOWN' };
    const duration = seconds(build.startTime, build.endTime);
    if (duration !== undefined) result.build.durationSeconds = duration;
    if (build.reportArns?.length) {
      const reports = await codebuild.send(new BatchGetReportsCommand({ reportArns: build.reportArns }));
      const totals = (reports.reports ?? [])
        .filter((r) => r.type === undefined || r.type === 'TEST')
        .map((r) => testCounts(r.testSummary ?? {}));
      if (totals.length > 0)
        result.build.tests = totals.reduce((a, b) => ({
          total: a.total + b.total,
          passed: a.passed + b.passed,
          failed: a.failed + b.failed,
          skipped: a.skipped + b.skipped,
        }));
    }
  }
  const scan = ids.scanBuildId ? byId.get(ids.scanBuildId) : undefined;
  if (scan) {
    result.scan = { status: scan.buildStatus ?? 'UNKNOWN' };
    const duration = seconds(scan.startTime, scan.endTime);
    if (duration !== undefined) result.scan.durationSeconds = duration;
    Object.assign(result.scan, scanFindings(scan.exportedEnvironmentVariables));
  }
  return result;
}

/** Reads what it can; never throws (each failing part is reported to `onError` and left out). */
export async function releaseContext(
  pipeline: string,
  ids: BuildIds,
  deps: ContextDeps,
): Promise<ReleaseContext> {
  const context: ReleaseContext = ids.reusedFrom ? { reusedFrom: ids.reusedFrom } : {};
  const [live, results] = await Promise.allSettled([
    deps.lastGood ? deps.lastGood(pipeline) : Promise.resolve(undefined),
    deps.codebuild ? builds(deps.codebuild, ids) : Promise.resolve({}),
  ]);
  if (live.status === 'fulfilled') {
    const good = live.value;
    if (good?.found && good.versionLabel)
      context.live = {
        versionLabel: good.versionLabel,
        ...(good.commitSha ? { commitSha: good.commitSha } : {}),
      };
  } else deps.onError?.('live version', live.reason as Error);
  if (results.status === 'fulfilled') Object.assign(context, results.value);
  else deps.onError?.('build results', results.reason as Error);
  return context;
}
