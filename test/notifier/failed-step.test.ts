/**
 * Issue "Wrong failed step in Slack": the notifier finds the failed step from the failing event's
 * ancestry (previousEventId), which only works when the history chains each Parallel branch
 * causally, as Step Functions does. Two sources of histories: the recorded sandbox runs of every
 * failing scenario (events/sfn-history, written by scripts/record-sfn-histories.ts), and fresh
 * runs of the same failures on the sandbox's Step Functions runtime.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { analyseFailure } from '../../functions/notifier/failure-analysis';
import { RECORDED } from '../../scripts/record-sfn-histories';
import { runPipeline, samplePipeline, type Scenario } from '../../bench/support/pipeline-harness';

/** A history recorded by scripts/record-sfn-histories.ts, as the SDK hands it over (Date timestamps). */
function recordedHistory(scenario: string): HistoryEvent[] {
  const file = join(__dirname, '../../events/sfn-history/sandbox', `${scenario}.json`);
  const { events } = JSON.parse(readFileSync(file, 'utf8')) as { events: Record<string, unknown>[] };
  return events.map((e) => ({ ...e, timestamp: new Date(Number(e.timestamp) * 1000) }) as HistoryEvent);
}

/** The step a person must look at, for every failing scenario of scenarios/*.yaml. */
const expectedStep: Record<string, string> = {
  'build-fails': 'Build and unit tests',
  'tests-fail': 'Build and unit tests',
  'scan-high': 'Dependency scan',
  'unhealthy-target': 'Check target health',
  'canary-regression': 'Deploy',
  'verify-fails': 'Smoke test',
  'alarm-in-bake': 'Check alarms',
  'approval-timeout': 'Wait for approval',
  'approval-rejected': 'Wait for approval',
  'ssm-instance-fails': 'Deploy',
};

describe('failed step from the recorded history of every failing scenario', () => {
  it('covers every recorded scenario', () => {
    expect(Object.keys(expectedStep).sort()).toEqual([...RECORDED].sort());
  });

  test.each(RECORDED)('%s', (scenario) => {
    // The API hands the events newest first (reverseOrder), as the notifier reads them.
    const analysis = analyseFailure('FAILED', recordedHistory(scenario).reverse());

    expect(analysis.failedStep).toBe(expectedStep[scenario]);
  });

  it('build-fails: the build failed in its INSTALL phase, not the dependency scan', () => {
    const analysis = analyseFailure('FAILED', recordedHistory('build-fails'));

    expect(analysis.error).toBe('BuildFailed');
    expect(analysis.taskFailure?.state).toBe('Build and unit tests');
    expect(analysis.taskFailure?.cause).toMatch(/"PhaseType":"INSTALL"[^}]*"PhaseStatus":"FAILED"/);
  });
});

const asSdkEvents = (events: Record<string, unknown>[]) => events as unknown as HistoryEvent[];

describe('failed step from fresh runs on the sandbox runtime', () => {
  const retailBank = samplePipeline('retail-bank');
  const microblog = samplePipeline('microblog');
  test.each([
    ['build fails in INSTALL', microblog, { build: 'install-fail' }, 'Build and unit tests'],
    ['unit tests fail', retailBank, { build: 'tests-fail' }, 'Build and unit tests'],
    ['scan finds a high', microblog, { scan: 'vulnerable' }, 'Dependency scan'],
    ['target unhealthy', retailBank, { health: 'unhealthy' }, 'Check target health'],
    ['canary reverted', retailBank, { beanstalk: 'reverted' }, 'Deploy'],
    ['smoke test fails', retailBank, { smoke: 'fail' }, 'Smoke test'],
    ['an alarm ends the bake', retailBank, { alarm: true }, 'Check alarms'],
    ['approval expires', retailBank, { approval: 'expire' }, 'Wait for approval'],
  ] as [string, typeof retailBank, Scenario, string][])('%s: %s', async (_name, settings, scenario, step) => {
    const run = await runPipeline(settings, scenario);

    expect(run.status).toBe('FAILED');
    expect(analyseFailure('FAILED', asSdkEvents(run.events)).failedStep).toBe(step);
  });

  it('chains each Parallel branch from ParallelStateStarted, never from the other branch', async () => {
    const run = await runPipeline(microblog, { build: 'install-fail' });

    const started = run.events.find((e) => e.type === 'ParallelStateStarted')!;
    const entered = (name: string) =>
      run.events.find(
        (e) =>
          e.type === 'TaskStateEntered' && (e.stateEnteredEventDetails as { name: string }).name === name,
      )!;
    expect(entered('Build and unit tests').previousEventId).toBe(started.id);
    expect(entered('Dependency scan').previousEventId).toBe(started.id);
    const failed = run.events.find((e) => e.type === 'ParallelStateFailed')!;
    expect(run.events[failed.previousEventId - 1]!.type).toBe('FailStateEntered');
  });
});
