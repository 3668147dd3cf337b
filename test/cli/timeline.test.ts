/**
 * The timeline parser and renderer over recorded GetExecutionHistory samples (events/sfn-history)
 * and hand-made event lists: statuses, errors and causes, Parallel branches, retries, waiting
 * approvals, nested executions and collapsed polling loops.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { memoryOutput } from '../../local/cli/output';
import type { ExecutionTree } from '../../local/cli/history';
import {
  formatDuration,
  formatOffset,
  formatOutcome,
  formatRow,
  timelineRows,
} from '../../local/cli/render-timeline';
import { buildTimeline, summarizeCause } from '../../local/cli/timeline';

const ARN = 'arn:aws:states:us-east-1:123456789012:execution:deploy-retail-bank:run-1';
const CHILD = 'arn:aws:states:us-east-1:123456789012:execution:deploy-beanstalk:child-1';

function sample(name: string): HistoryEvent[] {
  const raw = JSON.parse(
    readFileSync(join(__dirname, '../../events/sfn-history', `${name}.json`), 'utf8'),
  ) as { events: (HistoryEvent & { timestamp: number })[] };
  return raw.events.map((e) => ({ ...e, timestamp: new Date(e.timestamp * 1000) }));
}

/** A tiny history builder: events in order, one simulated second apart, sequential previousEventId (as the sandbox numbers them). */
function history(...specs: [type: string, details?: Record<string, unknown>][]): HistoryEvent[] {
  return specs.map(([type, details], index) => {
    const key = /StateEntered$/.test(type)
      ? 'stateEnteredEventDetails'
      : /StateExited$/.test(type)
        ? 'stateExitedEventDetails'
        : `${type[0]!.toLowerCase()}${type.slice(1)}EventDetails`;
    return {
      id: index + 1,
      previousEventId: index,
      timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, index)),
      type,
      ...(details && { [key]: details }),
    } as HistoryEvent;
  });
}

const tree = (events: HistoryEvent[], children = new Map<string, ExecutionTree>()): ExecutionTree => ({
  executionArn: ARN,
  timeline: buildTimeline(events),
  children,
});
const lines = (t: ExecutionTree, all = false) =>
  timelineRows(t, { all }).map((row) => formatRow(row, memoryOutput()));

describe('buildTimeline on recorded histories', () => {
  it('marks the failed build inside the Parallel, the aborted scan and the final Fail state with its error', () => {
    const timeline = buildTimeline(sample('build-failed'));
    const byName = Object.fromEntries(timeline.steps.map((s) => [s.name, s]));
    expect(timeline.status).toBe('FAILED');
    expect(timeline.error).toBe('BuildFailed');
    expect(byName['Build and unit tests']).toMatchObject({
      status: 'failed',
      error: 'States.TaskFailed',
      depth: 1,
    });
    expect(byName['Dependency scan']).toMatchObject({ status: 'aborted', depth: 1 });
    expect(byName['Build and test ║ Dependency scan']).toMatchObject({ status: 'failed', depth: 0 });
    expect(byName['Failed: build']).toMatchObject({ type: 'Fail', status: 'failed', error: 'BuildFailed' });
    expect(summarizeCause(byName['Build and unit tests']!.cause)).toMatch(
      /^build microblog-build FAILED in phase INSTALL$/,
    );
  });

  it('shows a rejected approval as a failed step with the person and the reason', () => {
    const timeline = buildTimeline(sample('approval-rejected'));
    const wait = timeline.steps.find((s) => s.name === 'Wait for approval')!;
    expect(wait).toMatchObject({
      status: 'failed',
      error: 'ApprovalRejected',
      resource: 'invoke.waitForTaskToken',
    });
    expect(wait.cause).toMatch(/Rejected by grace/);
    expect(Math.round((wait.endedAt!.getTime() - wait.enteredAt.getTime()) / 60_000)).toBe(7);
  });

  it('keeps the nested execution ARNs of the deploy and rollback sub-workflows', () => {
    const timeline = buildTimeline(sample('verify-failed-rolled-back'));
    const deploy = timeline.steps.find((s) => s.name === 'Deploy')!;
    const rollback = timeline.steps.find((s) => s.name === 'Roll back to last good version')!;
    expect(deploy.childExecutionArn).toMatch(/:execution:deploy-controller[^:]*:/);
    expect(rollback.childExecutionArn).toMatch(/:execution:/);
    expect(rollback.childExecutionArn).not.toBe(deploy.childExecutionArn);
    expect(timeline.steps.find((s) => s.name === 'Smoke test')).toMatchObject({
      status: 'failed',
      error: 'SmokeTestFailedError',
    });
  });

  it('ends open steps of a timed-out execution as failed and says TIMED_OUT', () => {
    const t = tree(sample('timed-out'));
    expect(t.timeline.status).toBe('TIMED_OUT');
    expect(t.timeline.steps.filter((s) => s.status === 'running')).toEqual([]);
    expect(formatOutcome(t, memoryOutput())).toMatch(/^TIMED_OUT after /);
  });

  it('renders every recorded sample without throwing and without running steps once it ended', () => {
    for (const name of [
      'aborted',
      'approval-expired',
      'canary-reverted',
      'health-gate-failed',
      'rollback-failed',
      'scan-failed',
      'ssm-instance-failed',
      'tests-failed',
    ]) {
      const t = tree(sample(name));
      expect(t.timeline.status).not.toBe('RUNNING');
      const rows = timelineRows(t);
      expect(rows.length).toBeGreaterThan(3);
      expect(rows.every((r) => r.final)).toBe(true);
      expect(rows.some((r) => r.status === 'running')).toBe(false);
    }
  });
});

describe('buildTimeline on sandbox-style histories', () => {
  it('tells parallel CodeBuild tasks apart by their project names when events interleave', () => {
    const events = history(
      ['ExecutionStarted', { input: '{}' }],
      ['ParallelStateEntered', { name: 'Build ║ Scan' }],
      ['TaskStateEntered', { name: 'Build' }],
      ['TaskStateEntered', { name: 'Scan' }],
      [
        'TaskScheduled',
        {
          resourceType: 'codebuild',
          resource: 'startBuild.sync',
          parameters: '{"ProjectName":"retail-bank-build"}',
        },
      ],
      [
        'TaskScheduled',
        {
          resourceType: 'codebuild',
          resource: 'startBuild.sync',
          parameters: '{"ProjectName":"retail-bank-scan"}',
        },
      ],
      ['TaskStarted', { resourceType: 'codebuild', resource: 'startBuild.sync' }],
      ['TaskStarted', { resourceType: 'codebuild', resource: 'startBuild.sync' }],
      [
        'TaskFailed',
        {
          resourceType: 'codebuild',
          resource: 'startBuild.sync',
          error: 'States.TaskFailed',
          cause: '{"Build":{"ProjectName":"retail-bank-scan","BuildStatus":"FAILED"}}',
        },
      ],
      [
        'TaskSucceeded',
        {
          resourceType: 'codebuild',
          resource: 'startBuild.sync',
          output: '{"Build":{"ProjectName":"retail-bank-build"}}',
        },
      ],
      ['TaskStateExited', { name: 'Build' }],
      ['ParallelStateFailed', { error: 'States.TaskFailed', cause: 'scan' }],
      ['ExecutionFailed', { error: 'VulnerabilitiesFound', cause: 'high' }],
    );
    const byName = Object.fromEntries(buildTimeline(events).steps.map((s) => [s.name, s]));
    expect(byName.Build).toMatchObject({ status: 'succeeded', depth: 1 });
    expect(byName.Scan).toMatchObject({ status: 'failed', error: 'States.TaskFailed', depth: 1 });
    expect(byName['Build ║ Scan']).toMatchObject({ status: 'failed' });
  });

  it('counts retried attempts and keeps a caught failure failed after the state exits', () => {
    const events = history(
      ['ExecutionStarted', { input: '{}' }],
      ['TaskStateEntered', { name: 'Check target health' }],
      ['LambdaFunctionScheduled', { resource: 'arn:aws:lambda:us-east-1:123456789012:function:health-gate' }],
      ['LambdaFunctionFailed', { error: 'Lambda.TooManyRequestsException', cause: 'Rate Exceeded.' }],
      ['LambdaFunctionScheduled', { resource: 'arn:aws:lambda:us-east-1:123456789012:function:health-gate' }],
      [
        'LambdaFunctionFailed',
        {
          error: 'TargetUnhealthyError',
          cause: '{"errorType":"TargetUnhealthyError","errorMessage":"i-2 CPU 97% over 80%"}',
        },
      ],
      ['TaskStateExited', { name: 'Check target health' }],
      ['PassStateEntered', { name: 'Target unhealthy' }],
      ['PassStateExited', { name: 'Target unhealthy' }],
    );
    const t = tree(events);
    const step = t.timeline.steps[0]!;
    expect(step).toMatchObject({
      status: 'failed',
      attempts: 2,
      error: 'TargetUnhealthyError',
      resource: 'health-gate',
    });
    expect(lines(t)[0]).toMatch(
      /FAILED\s+Check target health {2}2 attempts; TargetUnhealthyError: i-2 CPU 97% over 80%$/,
    );
    expect(timelineRows(t)[0]!.status).toBe('failed');
  });

  it('shows a task waiting for its token as WAITING, and the execution as RUNNING', () => {
    const events = history(
      [
        'ExecutionStarted',
        {
          input:
            '{"commitSha":"7d2e9f1a3b5c7e9d1f3a5b7c9e1d3f5a7b9c1e3d","commitMessage":"Add limits\\n\\nbody","pusher":"ada"}',
        },
      ],
      ['TaskStateEntered', { name: 'Wait for approval' }],
      ['TaskScheduled', { resourceType: 'lambda', resource: 'invoke.waitForTaskToken', parameters: '{}' }],
      ['TaskStarted', { resourceType: 'lambda', resource: 'invoke.waitForTaskToken' }],
      ['TaskSubmitted', { resourceType: 'lambda', resource: 'invoke.waitForTaskToken', output: '{}' }],
    );
    const t = tree(events);
    expect(t.timeline.status).toBe('RUNNING');
    const [row] = timelineRows(t);
    expect(row).toMatchObject({ status: 'waiting', final: false });
    expect(formatRow(row!, memoryOutput())).toMatch(
      /WAITING\s+Wait for approval {2}waiting for a task token/,
    );
  });

  it('collapses polling loops into one row per state with a count, unless --all', () => {
    const loop: [string, Record<string, unknown>?][] = [];
    for (let i = 0; i < 4; i++) {
      loop.push(
        ['TaskStateEntered', { name: 'Follow canary deploy' }],
        ['TaskStateExited', { name: 'Follow canary deploy' }],
      );
      loop.push(
        ['ChoiceStateEntered', { name: 'Canary outcome?' }],
        ['ChoiceStateExited', { name: 'Canary outcome?' }],
      );
      loop.push(
        ['WaitStateEntered', { name: 'Wait for canary deploy' }],
        ['WaitStateExited', { name: 'Wait for canary deploy' }],
      );
    }
    const t = tree(
      history(
        ['ExecutionStarted', { input: '{}' }],
        ...loop,
        ['PassStateEntered', { name: 'Deployed' }],
        ['PassStateExited', { name: 'Deployed' }],
        ['ExecutionSucceeded', { output: '{}' }],
      ),
    );
    const rows = timelineRows(t);
    expect(rows.map((r) => [r.text, r.count ?? 1])).toEqual([
      ['Follow canary deploy', 4],
      ['Wait for canary deploy', 4],
      ['Deployed', 1],
    ]);
    expect(rows[0]!.note).toBe('4 times');
    expect(rows[0]!.durationMs).toBe(19_000);
    expect(timelineRows(t, { all: true })).toHaveLength(13);
  });

  it('indents a nested execution under the step that started it, offsets from the parent start', () => {
    const parent = history(
      ['ExecutionStarted', { input: '{}' }],
      ['TaskStateEntered', { name: 'Deploy' }],
      ['TaskScheduled', { resourceType: 'states', resource: 'startExecution.sync:2', parameters: '{}' }],
      ['TaskStarted', { resourceType: 'states', resource: 'startExecution.sync:2' }],
      [
        'TaskSubmitted',
        {
          resourceType: 'states',
          resource: 'startExecution.sync:2',
          output: JSON.stringify({ ExecutionArn: CHILD }),
        },
      ],
    );
    const child = history(
      ['ExecutionStarted', { input: '{}' }],
      ['TaskStateEntered', { name: 'Create application version' }],
    ).map((e) => ({ ...e, timestamp: new Date(e.timestamp!.getTime() + 4000) }));
    const children = new Map([
      [CHILD, { executionArn: CHILD, timeline: buildTimeline(child), children: new Map() }],
    ]);
    const text = lines(tree(parent, children));
    expect(text[0]).toMatch(/^\s+\+0:01\s+running\s+Deploy$/);
    expect(text[1]).toMatch(/^\s+\+0:04\s+↳ deploy-beanstalk\/child-1$/);
    expect(text[2]).toMatch(/^\s+\+0:05\s+running {4}Create application version$/);
  });
});

describe('formatting', () => {
  it('formats durations and offsets', () => {
    expect([
      formatDuration(400),
      formatDuration(45_000),
      formatDuration(185_000),
      formatDuration(3_720_000),
    ]).toEqual(['0.4s', '45.0s', '3m05s', '1h02m']);
    expect([formatOffset(0), formatOffset(185_000), formatOffset(3_723_000), formatOffset(-5)]).toEqual([
      '+0:00',
      '+3:05',
      '+1:02:03',
      '+0:00',
    ]);
  });

  it('summarizes Lambda, nested-execution and plain causes on one line', () => {
    expect(summarizeCause('{"errorType":"X","errorMessage":"boom\\nat line 2"}')).toBe('boom at line 2');
    expect(summarizeCause(JSON.stringify({ Error: 'CanaryReverted', Cause: 'Beanstalk reverted' }))).toBe(
      'CanaryReverted: Beanstalk reverted',
    );
    expect(summarizeCause('x'.repeat(500))).toHaveLength(160);
    expect(summarizeCause(undefined)).toBeUndefined();
  });

  it("opens a reverted canary's cause with the failure, not with the environment that looks healthy again", () => {
    const cause = `Environment Ready, health Green. Newest events: ${JSON.stringify([
      '2026-11-30T06:58:01.570Z INFO Environment health has transitioned from Degraded to Ok.',
      '2026-11-30T06:58:01.561Z ERROR Failed to deploy application.',
      '2026-11-30T06:50:00.000Z INFO Sending 10% of traffic to the new application version.',
    ])}`;
    expect(summarizeCause(cause, 240)).toBe(
      'Failed to deploy application. Afterwards the environment is Ready, health Green.',
    );
  });
});

describe('buildTimeline over a redriven execution', () => {
  it('is RUNNING again after ExecutionRedriven, then ends with the new attempt', () => {
    const events = history(
      ['ExecutionStarted', { input: '{}' }],
      ['TaskStateEntered', { name: 'Deploy', input: '{}' }],
      ['ExecutionAborted', {}],
      ['ExecutionRedriven', { redriveCount: 1 }],
      ['TaskStateEntered', { name: 'Deploy', input: '{}' }],
    );
    const running = tree(events);
    expect(running.timeline.status).toBe('RUNNING');
    expect(running.timeline.endedAt).toBeUndefined();
    expect(running.timeline.steps.map((s) => `${s.name}:${s.status}`)).toEqual([
      'Deploy:aborted',
      'Deploy:running',
    ]);

    const ended = tree([
      ...events,
      ...history(
        ['TaskStateExited', { name: 'Deploy', output: '{}' }],
        ['ExecutionSucceeded', { output: '{}' }],
      ).map((e, i) => ({ ...e, id: events.length + i + 1, previousEventId: events.length + i })),
    ]);
    expect(ended.timeline.status).toBe('SUCCEEDED');
    expect(ended.timeline.steps.map((s) => `${s.name}:${s.status}`)).toEqual([
      'Deploy:aborted',
      'Deploy:succeeded',
    ]);
  });

  it("shows the redriven attempt's steps after a marker, never folded into the first attempt's", () => {
    const events = history(
      ['ExecutionStarted', { input: '{}' }],
      ['TaskStateEntered', { name: 'Deploy', input: '{}' }],
      ['ExecutionAborted', {}],
      ['ExecutionRedriven', { redriveCount: 1 }],
      ['TaskStateEntered', { name: 'Deploy', input: '{}' }],
    );
    const rows = timelineRows(tree(events));
    expect(rows.map((r) => [r.text, r.status, r.final])).toEqual([
      ['Deploy', 'aborted', true],
      ['↻ redriven: attempt 2, from the step that did not succeed', 'header', true],
      ['Deploy', 'running', false],
    ]);
    expect(rows[1]!.offsetMs).toBe(3000);
    expect(lines(tree(events))[1]).toBe(
      '   +0:03                    ↻ redriven: attempt 2, from the step that did not succeed',
    );
  });
});
