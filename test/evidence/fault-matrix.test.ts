/**
 * Fault matrix on the local sandbox (speed-up 300): every scenario in scenarios/, alone and with
 * AWS faults injected by the sandbox on top: ThrottlingException and 500s on 20% of first
 * attempts, one Lambda task (deploy-lock) timing out once, and every AWS service event lost
 * (EventBridge delivers them best effort: event-driven waits end by their safety poll). Transient faults must be absorbed:
 * each run ends as its scenario expects, the target is left on a known-good version (the new
 * commit after a success, the previous one otherwise), the deploy lock is released, and each
 * failed run yields exactly one notification (a dead letter when Slack is down).
 */
import { startSandbox, type Sandbox } from '../../local/sandbox';
import { loadScenarios } from '../../local/scenarios';
import { seeded } from './support/burst';
import { describeCell, OVERLAYS, overlaysFor, runCell, type MatrixCell } from './support/fault-matrix';

// High enough to bound the run, low enough that real processing time does not distort the simulated
// clock (at 1000, one real millisecond is a simulated second and retry timings start to slip).
const SPEEDUP = 300;
let sandbox: Sandbox;
const cells: MatrixCell[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ sandboxPort: 0, port: 0, speedup: SPEEDUP, log: false, random: seeded(7) });
});

afterAll(async () => {
  await sandbox?.stop();
  // The matrix as a table in the test output, for docs/performance.md.
  if (cells.length)
    process.stdout.write(`\nfault matrix:\n${cells.map((c) => `  ${describeCell(c)}`).join('\n')}\n`);
});

/**
 * The scenario files, read the way the sandbox reads them, before it starts; the scale scenarios
 * (a fleet of their own size) play in test/sandbox/scale-scenarios.test.ts.
 */
const scenarioNames = (): string[] =>
  [...loadScenarios()].filter(([, s]) => s.fleetSize === undefined).map(([name]) => name);
// Cells that lose service events run after all the others: the faults of the other cells come
// from one seeded sequence, which the extra cells would otherwise shift.
const lastly = (overlay: string) => (OVERLAYS[overlay]?.serviceEventsLost === true ? 1 : 0);
const rows = scenarioNames()
  .flatMap((scenario) => overlaysFor(scenario).map((overlay) => ({ scenario, overlay })))
  .sort((a, b) => lastly(a.overlay) - lastly(b.overlay));

describe('fault matrix', () => {
  test('covers every scenario with every overlay (run-lifecycle scenarios with the overlays that matter to them)', () => {
    for (const scenario of scenarioNames())
      expect({ scenario, overlays: rows.filter((r) => r.scenario === scenario).length }).toEqual({
        scenario,
        overlays: overlaysFor(scenario).length,
      });
    for (const overlay of new Set(rows.map((r) => r.overlay)))
      expect(Object.keys(OVERLAYS)).toContain(overlay);
    expect(scenarioNames().length).toBeGreaterThanOrEqual(10);
  });

  test.each(rows)('$scenario + $overlay', async ({ scenario, overlay }) => {
    const cell = await runCell(sandbox, scenario, overlay);
    cells.push(cell);
    const line = describeCell(cell);
    expect({ line, thrown: cell.thrown ?? null }).toEqual({ line, thrown: null });
    expect({
      line,
      knownGood: cell.knownGood,
      lockReleased: cell.lockReleased,
      oneNoticePerFailure: cell.oneNoticePerFailure,
    }).toEqual({ line, knownGood: true, lockReleased: true, oneNoticePerFailure: true });
    expect({ line, asExpected: cell.asExpected }).toEqual({ line, asExpected: true });
  });

  test('with service events lost, the SSM release waits really lost their events (and ended by safety poll)', () => {
    const cell = cells.find((c) => c.scenario === 'happy' && c.overlay === 'service events lost');
    expect(cell?.asExpected).toBe(true);
    expect(cell?.injected.serviceEventsLost).toBeGreaterThanOrEqual(1);
  });
});
