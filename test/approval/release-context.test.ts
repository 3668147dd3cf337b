import { BatchGetBuildsCommand, BatchGetReportsCommand, CodeBuildClient } from '@aws-sdk/client-codebuild';
import { mockClient } from 'aws-sdk-client-mock';
import { releaseContext, testCounts } from '../../functions/approval-request/release-context';
import { scanFindings, scanFindingsText } from '../../functions/approval-request/scan-findings';

const codebuild = mockClient(CodeBuildClient);
const client = new CodeBuildClient({ region: 'us-east-1' });
const ids = { buildId: 'deploy-retail-bank-build:b1', scanBuildId: 'deploy-retail-bank-scan:s1' };
const start = new Date('2026-11-29T10:00:00Z');

beforeEach(() => codebuild.reset());

describe('releaseContext', () => {
  test('live version from the history, build and test counts from CodeBuild, the scan with its exported highest finding', async () => {
    // Prepare
    codebuild.on(BatchGetBuildsCommand).resolves({
      builds: [
        {
          id: ids.buildId,
          buildStatus: 'SUCCEEDED',
          startTime: start,
          endTime: new Date(start.getTime() + 241_000),
          reportArns: [
            'arn:aws:codebuild:us-east-1:123456789012:report/deploy-retail-bank-build-unit-tests:b1',
          ],
        },
        {
          id: ids.scanBuildId,
          buildStatus: 'SUCCEEDED',
          exportedEnvironmentVariables: [
            { name: 'SCAN_HIGHEST_SEVERITY', value: 'medium' },
            { name: 'SCAN_FINDINGS', value: '2' },
          ],
        },
      ],
    });
    codebuild.on(BatchGetReportsCommand).resolves({
      reports: [
        {
          type: 'TEST',
          testSummary: {
            total: 48,
            statusCounts: { SUCCEEDED: 45, FAILED: 1, ERROR: 1, SKIPPED: 1 },
            durationInNanoSeconds: 1,
          },
        },
      ],
    });
    const lastGood = jest
      .fn()
      .mockResolvedValue({ found: true, versionLabel: 'a1b2c3d4e5f6', commitSha: 'a'.repeat(40) });
    // Act
    const context = await releaseContext('retail-bank', ids, { codebuild: client, lastGood });
    // Assess
    expect(context).toEqual({
      live: { versionLabel: 'a1b2c3d4e5f6', commitSha: 'a'.repeat(40) },
      build: {
        status: 'SUCCEEDED',
        durationSeconds: 241,
        tests: { total: 48, passed: 45, failed: 2, skipped: 1 },
      },
      scan: { status: 'SUCCEEDED', highestSeverity: 'medium', findings: 2 },
    });
    expect(lastGood).toHaveBeenCalledWith('retail-bank');
  });

  test('a failing read leaves its part out and is reported, never thrown', async () => {
    codebuild
      .on(BatchGetBuildsCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    const onError = jest.fn();
    const context = await releaseContext('retail-bank', ids, {
      codebuild: client,
      lastGood: () => Promise.reject(new Error('table missing')),
      onError,
    });
    expect(context).toEqual({});
    expect(onError.mock.calls.map(([part]) => part)).toEqual(['live version', 'build results']);
  });

  test('no history and no build ids -> nothing to show, nothing called', async () => {
    const context = await releaseContext(
      'microblog',
      {},
      {
        codebuild: client,
        lastGood: () => Promise.resolve({ found: false, versionLabel: null, commitSha: null }),
      },
    );
    expect(context).toEqual({});
    expect(codebuild.calls()).toHaveLength(0);
  });

  test('an exported severity outside the known words is ignored', async () => {
    codebuild.on(BatchGetBuildsCommand).resolves({
      builds: [
        {
          id: ids.scanBuildId,
          buildStatus: 'SUCCEEDED',
          exportedEnvironmentVariables: [{ name: 'SCAN_HIGHEST_SEVERITY', value: '<b>x' }],
        },
      ],
    });
    const context = await releaseContext(
      'retail-bank',
      { scanBuildId: ids.scanBuildId },
      { codebuild: client },
    );
    expect(context.scan).toEqual({ status: 'SUCCEEDED' });
  });

  test('testCounts counts errors as failures', () => {
    expect(testCounts({ total: 3, statusCounts: { SUCCEEDED: 1, ERROR: 2 } })).toEqual({
      total: 3,
      passed: 1,
      failed: 2,
      skipped: 0,
    });
  });
});

describe('the scan findings the buildspec exports', () => {
  test('read from the exported variables; values the buildspec never writes are left out', () => {
    expect(
      scanFindings([
        { name: 'SCAN_FINDINGS', value: '3' },
        { name: 'SCAN_HIGHEST_SEVERITY', value: 'low' },
        { name: 'SCAN_UNRATED', value: '1' },
      ]),
    ).toEqual({ findings: 3, highestSeverity: 'low', unrated: 1 });
    expect(scanFindings([{ name: 'SCAN_HIGHEST_SEVERITY', value: 'unknown' }])).toEqual({
      highestSeverity: 'unknown',
    });
    expect(
      scanFindings([
        { name: 'SCAN_FINDINGS', value: '-1' },
        { name: 'SCAN_UNRATED', value: '' },
        { name: 'SCAN_HIGHEST_SEVERITY', value: 'severe' },
      ]),
    ).toEqual({});
    expect(scanFindings(undefined)).toEqual({});
  });

  test('in words, with what "highest" means when some findings have no published severity', () => {
    expect(scanFindingsText({ highestSeverity: 'none', findings: 0 })).toBe('no findings');
    expect(scanFindingsText({ highestSeverity: 'medium', findings: 1, unrated: 0 })).toBe(
      'highest finding: medium (1 finding)',
    );
    expect(scanFindingsText({ highestSeverity: 'low', findings: 3, unrated: 1 })).toBe(
      'highest finding: low (3 findings, 1 without a published severity)',
    );
    expect(scanFindingsText({ highestSeverity: 'unknown', findings: 1, unrated: 1 })).toBe(
      'highest finding: no published severity (1 finding, 1 without a published severity)',
    );
    expect(scanFindingsText({})).toBeUndefined();
  });
});
