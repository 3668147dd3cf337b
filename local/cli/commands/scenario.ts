/**
 * `deployctl scenario list|run`: the sandbox's fault scenarios (scenarios/*.yaml). `run` asks the
 * sandbox to play one (its control API runs the scenario runner), prints the timeline of each
 * execution it started and expected vs actual, and exits 1 when they differ.
 */
import type { CliContext } from '../context';
import { CliError } from '../errors';
import { fetchTree } from '../history';
import { formatHeader, formatOutcome, formatRow, timelineRows } from '../render-timeline';
import { SANDBOX_PATHS } from '../sandbox-api';
import { renderTable } from '../table';

/** A scenario as the sandbox lists it (scenarios/*.yaml). */
export interface ScenarioSummary {
  name: string;
  description?: string;
  app?: string;
  expected?: Record<string, unknown>;
}

/** What the sandbox's scenario runner reports (local/scenarios.ts ScenarioResult). */
export interface ScenarioReport {
  name: string;
  expected: Record<string, unknown>;
  actual: Record<string, unknown> & {
    pushes?: { executionArn?: string | null; status?: string; historyOutcome?: string | null }[];
  };
  matches: boolean;
  mismatches?: string[];
  simulatedSeconds?: number;
  realSeconds?: number;
}

/** The outcome fields compared, in the order shown. */
export const OUTCOME_FIELDS = [
  'status',
  'error',
  'historyOutcome',
  'finalVersion',
  'lockReleased',
  'slackNotifications',
  'deadLetters',
] as const;

const show = (value: unknown): string =>
  value === undefined ? '-' : typeof value === 'string' ? value : JSON.stringify(value);

interface PushOutcome {
  status?: string;
  historyOutcome?: string | null;
}

/** `SUCCEEDED (superseded)`: a push's status, with its history outcome when that says more. */
export function pushText(push: PushOutcome | null | undefined): string {
  if (!push) return '-';
  const extra =
    push.historyOutcome && !['succeeded', 'failed'].includes(push.historyOutcome)
      ? ` (${push.historyOutcome})`
      : '';
  return `${push.status ?? '?'}${extra}`;
}

/** Rows of expected vs actual (fields the scenario expects, and each push of a multi-push one), and whether the run matched. */
export function compareOutcome(report: Pick<ScenarioReport, 'expected' | 'actual' | 'matches'>): {
  rows: string[][];
  match: boolean;
} {
  const rows = OUTCOME_FIELDS.filter((field) => report.expected[field] !== undefined).map((field) => {
    const expected = report.expected[field];
    const actual = report.actual[field];
    return [
      field,
      show(expected),
      show(actual),
      JSON.stringify(expected) === JSON.stringify(actual) ? 'yes' : 'NO',
    ];
  });
  const expectedPushes = Array.isArray(report.expected.pushes)
    ? (report.expected.pushes as (PushOutcome | null)[])
    : [];
  const actualPushes = (report.actual.pushes ?? []) as PushOutcome[];
  if (expectedPushes.length > 1) {
    expectedPushes.forEach((want, i) => {
      if (!want) return;
      const got = actualPushes[i];
      const same =
        want.status === got?.status &&
        (want.historyOutcome === undefined || want.historyOutcome === got?.historyOutcome);
      rows.push([`push ${i + 1}`, pushText(want), pushText(got), same ? 'yes' : 'NO']);
    });
  }
  return { rows, match: report.matches && rows.every((r) => r[3] === 'yes') };
}

export async function listScenarios(ctx: CliContext): Promise<ScenarioSummary[]> {
  return (await scenarioIndex(ctx)).scenarios;
}

/** The scenarios and the one active for the next pushes. */
async function scenarioIndex(ctx: CliContext): Promise<{ active?: string; scenarios: ScenarioSummary[] }> {
  const answer = await ctx
    .sandbox()
    .request<{ active?: string; scenarios?: ScenarioSummary[] }>('GET', SANDBOX_PATHS.scenarios);
  if (!Array.isArray(answer.scenarios))
    throw new CliError('The sandbox answered the scenarios request without a "scenarios" list.');
  return { ...(typeof answer.active === 'string' && { active: answer.active }), scenarios: answer.scenarios };
}

/** Checks a scenario name against the sandbox's list. */
async function knownScenario(ctx: CliContext, name: string): Promise<{ active?: string }> {
  if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(name))
    throw new CliError(
      `"${name}" is not a scenario name (lower-case letters, digits and dashes); \`deployctl scenario list\` shows them.`,
    );
  const index = await scenarioIndex(ctx);
  if (!index.scenarios.some((s) => s.name === name))
    throw new CliError(
      `Unknown scenario "${name}". Scenarios: ${index.scenarios.map((s) => s.name).join(', ')}.`,
    );
  return index;
}

/** Makes a scenario's faults apply to the pushes that follow (`deployctl push`, GitHub). */
export async function scenarioUseCommand(ctx: CliContext, name: string): Promise<number> {
  await knownScenario(ctx, name);
  await ctx.sandbox().request('POST', SANDBOX_PATHS.activate, { name });
  ctx.out.line(
    `scenario ${name} is active: the next pushes run with its faults (\`deployctl scenario use happy\` to go back)`,
  );
  return 0;
}

/** The first sentence of a description, at most 100 characters (the table stays one line a row). */
function firstSentence(text: string): string {
  const sentence = text.split(/(?<=\.)\s/, 1)[0]!;
  return sentence.length > 100 ? `${sentence.slice(0, 97)}...` : sentence;
}

export async function scenarioListCommand(ctx: CliContext): Promise<number> {
  const scenarios = await listScenarios(ctx);
  const { out } = ctx;
  for (const line of renderTable(
    ['SCENARIO', 'PIPELINE', 'DESCRIPTION'],
    scenarios.map((s) => [s.name, s.app ?? '', firstSentence(s.description ?? '')]),
  ))
    out.line(line);
  return 0;
}

/** Prints a report: each execution's timeline, then expected vs actual. Returns whether it matched. */
export async function printReport(ctx: CliContext, report: ScenarioReport): Promise<boolean> {
  const { out } = ctx;
  const executions = (report.actual.pushes ?? []).flatMap((p) => (p.executionArn ? [p.executionArn] : []));
  for (const executionArn of executions) {
    const tree = await fetchTree(ctx, executionArn);
    for (const line of formatHeader(tree, out)) out.line(line);
    for (const row of timelineRows(tree)) out.line(formatRow(row, out));
    const outcome = formatOutcome(tree, out);
    if (outcome) out.line(outcome);
    out.line();
  }
  const { rows, match } = compareOutcome(report);
  for (const line of renderTable(['FIELD', 'EXPECTED', 'ACTUAL', 'MATCH'], rows)) out.line(line);
  for (const mismatch of report.mismatches ?? []) out.line(out.paint('red', `  mismatch: ${mismatch}`));
  if (report.simulatedSeconds !== undefined)
    out.line(
      out.paint('dim', `simulated ${report.simulatedSeconds} s in ${report.realSeconds ?? '?'} s real time`),
    );
  out.line(
    match
      ? out.paint('green', `scenario ${report.name}: as expected`)
      : out.paint('red', `scenario ${report.name}: outcome differs from the expectation`),
  );
  return match;
}

export async function scenarioRunCommand(ctx: CliContext, name: string): Promise<number> {
  const { active } = await knownScenario(ctx, name);
  ctx.out.line(`running scenario ${name} in the sandbox ...`);
  let report: ScenarioReport;
  try {
    report = await ctx.sandbox().request<ScenarioReport>('POST', SANDBOX_PATHS.runScenario(name), {});
  } finally {
    // The runner leaves its scenario active; later pushes get the one the user had chosen.
    if (active && active !== name)
      await ctx.sandbox().request('POST', SANDBOX_PATHS.activate, { name: active });
  }
  return (await printReport(ctx, report)) ? 0 : 1;
}
