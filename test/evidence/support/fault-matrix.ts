/**
 * The fault matrix: every sandbox scenario, alone and with AWS faults injected on top (throttling
 * and 500s on a share of calls, one Lambda task timing out once). Each cell runs the scenario
 * through the sandbox's own runner on a freshly reset world and reports what the evidence needs:
 * how it ended, whether the target is on a known-good version, the lock, and the notifications.
 */
import type { Faults } from '../../../local/faults';
import type { Sandbox } from '../../../local/sandbox';
import { runScenario, type Scenario, type ScenarioResult } from '../../../local/scenarios';

/** AWS faults laid over a scenario's own faults. */
export const OVERLAYS: Record<string, Faults> = {
  none: {},
  'throttling 20%': { throttleShare: 0.2 },
  '500s 20%': { serverErrorShare: 0.2 },
  // deploy-lock runs in every scenario that gets past the build.
  'deploy-lock times out once': { lambdaTimeoutOnce: 'deploy-lock' },
  // EventBridge delivers service events best effort: each event-driven wait ends by its safety poll.
  'service events lost': { serviceEventsLost: true },
};

/**
 * Overlays for the run-lifecycle scenarios (stop, approval channels, commit order, duplicates,
 * force-push), whose faults sit in the lock and the approval rather than in AWS calls: fewer
 * cells keep the matrix fast. Every other scenario runs under every overlay, stopped-run included:
 * under throttling its notice was once miscounted as an approval message (local/sim/slack-sink.ts).
 */
export const LIFECYCLE_OVERLAYS: Record<string, string[]> = {
  'approval-console': ['none', 'throttling 20%'],
  'approval-console-reject': ['none'],
  'out-of-order': ['none', 'deploy-lock times out once'],
  'same-commit-twice': ['none', '500s 20%'],
  'force-push-rewind': ['none'],
  // A redriven run re-takes its lock (or changes nothing while another run holds it) under faults too.
  'redrive-while-locked': ['none', 'throttling 20%'],
  'redrive-after-stop': ['none', '500s 20%'],
};

/** The overlays a scenario runs under in the matrix. */
export function overlaysFor(scenario: string): string[] {
  return LIFECYCLE_OVERLAYS[scenario] ?? Object.keys(OVERLAYS);
}

export interface MatrixCell {
  scenario: string;
  overlay: string;
  result?: ScenarioResult;
  /** The runner itself threw (a hang past its bound, or an error). */
  thrown?: string;
  injected: Record<string, number>;
  /** The outcome the scenario expects (status, error, history outcome, version, lock, Slack). */
  asExpected: boolean;
  /** Live version is the new commit after a success, the previous one after a failure. */
  knownGood: boolean;
  lockReleased: boolean;
  failedRuns: number;
  notifications: number;
  deadLetters: number;
  /** One notification (or, with Slack down, one dead letter) per failed run, none otherwise. */
  oneNoticePerFailure: boolean;
}

/** Runs one cell on a reset sandbox; never throws. */
export async function runCell(sandbox: Sandbox, scenario: string, overlay: string): Promise<MatrixCell> {
  const base = sandbox.scenarios.get(scenario);
  if (!base) throw new Error(`no scenario ${scenario}`);
  const faults = OVERLAYS[overlay];
  if (!faults) throw new Error(`no overlay ${overlay}`);
  await sandbox.reset();
  const name = overlay === 'none' ? scenario : `${scenario}-with-faults`;
  if (name !== scenario) {
    // Injected faults delay runs by retry backoffs (real time, multiplied by the speed-up), so with
    // several pushes which older run ends superseded, if any, depends on timing; every push must
    // still succeed, the newest deploy last and the lock be released.
    const expected = { ...base.expected };
    delete expected.supersededRuns;
    // Likewise which run reaches the lock first: each push must succeed (superseded or deployed),
    // and the commit the scenario names must end live.
    const pushes =
      base.pushes.length > 1
        ? base.pushes.map((p) =>
            p.expect ? { ...p, expect: { status: p.expect.status, error: p.expect.error } } : p,
          )
        : base.pushes;
    sandbox.scenarios.set(name, {
      ...base,
      name,
      pushes,
      expected,
      faults: { ...base.faults, ...faults },
    } as Scenario);
  }
  const before = { ...sandbox.faults.injected };
  const cell: MatrixCell = {
    scenario,
    overlay,
    injected: {},
    asExpected: false,
    knownGood: false,
    lockReleased: false,
    failedRuns: 0,
    notifications: 0,
    deadLetters: 0,
    oneNoticePerFailure: false,
  };
  try {
    const result = await runScenario(sandbox, name);
    const { actual } = result;
    const runs = new Map(actual.pushes.map((p) => [p.executionArn, p]));
    // Every attempt that ended unsuccessfully is a failure with its own notice: a run stopped and
    // then redriven to success failed once (its ExecutionAborted event stays in its history).
    const failed = [...runs.values()]
      .map((p) => {
        const events =
          (p.executionArn && sandbox.engine.executions.get(p.executionArn)?.history.events) || [];
        const ended = events.filter((e) => /^Execution(Failed|Aborted|TimedOut)$/.test(e.type)).length;
        return Math.max(ended, p.status === 'SUCCEEDED' ? 0 : 1);
      })
      .reduce((sum, n) => sum + n, 0);
    const succeeded = actual.status === 'SUCCEEDED';
    Object.assign(cell, {
      result,
      asExpected: result.matches,
      knownGood: base.expected.liveCommit
        ? actual.liveCommitLabel === base.expected.liveCommit
        : succeeded
          ? actual.finalVersion === 'new'
          : actual.finalVersion === 'previous',
      lockReleased: actual.lockReleased,
      failedRuns: failed,
      notifications: actual.slackNotifications,
      deadLetters: actual.deadLetters,
      oneNoticePerFailure: base.faults.slackDown
        ? actual.deadLetters === failed && actual.slackNotifications === 0
        : actual.slackNotifications === failed && actual.deadLetters === 0,
    });
  } catch (error) {
    cell.thrown = (error as Error).message;
  } finally {
    if (name !== scenario) sandbox.scenarios.delete(name);
    const after = sandbox.faults.injected as Record<string, number>;
    cell.injected = Object.fromEntries(
      Object.entries(after)
        .map(([k, v]) => [k, v - ((before as Record<string, number>)[k] ?? 0)])
        .filter(([, v]) => v !== 0),
    );
  }
  return cell;
}

/** One line per cell for a failure message or the docs. */
export function describeCell(cell: MatrixCell): string {
  if (cell.thrown) return `${cell.scenario} + ${cell.overlay}: runner threw: ${cell.thrown}`;
  const a = cell.result!.actual;
  return `${cell.scenario} + ${cell.overlay}: ${a.status}${a.error ? ` ${a.error}` : ''}, live ${a.finalVersion}, lock ${a.lockReleased ? 'released' : 'HELD'}, ${a.slackNotifications} notice(s), ${a.deadLetters} dead letter(s), injected ${JSON.stringify(cell.injected)}${cell.result!.mismatches.length ? `; differs: ${cell.result!.mismatches.join('; ')}` : ''}`;
}
