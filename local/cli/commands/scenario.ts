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

/** A scenario as the sandbox lists it. */
export interface ScenarioSummary {
  name: string;
  description?: string;
  pipeline?: string;
  expected?: Record<string, unknown>;
}

/** What a scenario run reports: what was expected, what happened, and the executions it ran. */
export interface ScenarioReport {
  name: string;
  expected: Record<string, unknown>;
  actual: Record<string, unknown>;
  match?: boolean;
  executions?: string[];
  [more: string]: unknown;
}

const show = (value: unknown): string => (value === undefined ? '-' : typeof value === 'string' ? value : JSON.stringify(value));

/** Rows of expected vs actual, one per expected field, and whether they all agree. */
export function compareOutcome(report: Pick<ScenarioReport, 'expected' | 'actual' | 'match'>): { rows: string[][]; match: boolean } {
  const rows = Object.entries(report.expected).map(([field, expected]) => {
    const actual = report.actual[field];
    const ok = JSON.stringify(expected) === JSON.stringify(actual);
    return [field, show(expected), show(actual), ok ? 'yes' : 'NO'];
  });
  const match = rows.every((r) => r[3] === 'yes') && report.match !== false;
  return { rows, match };
}

export async function listScenarios(ctx: CliContext): Promise<ScenarioSummary[]> {
  const answer = await ctx.sandbox().request<{ scenarios?: ScenarioSummary[] } | ScenarioSummary[]>('GET', SANDBOX_PATHS.scenarios);
  const scenarios = Array.isArray(answer) ? answer : answer.scenarios;
  if (!Array.isArray(scenarios)) throw new CliError('The sandbox answered the scenarios request without a "scenarios" list.');
  return scenarios;
}

export async function scenarioListCommand(ctx: CliContext): Promise<number> {
  const scenarios = await listScenarios(ctx);
  const { out } = ctx;
  for (const line of renderTable(['SCENARIO', 'PIPELINE', 'DESCRIPTION'], scenarios.map((s) => [s.name, s.pipeline ?? '', s.description ?? '']))) out.line(line);
  return 0;
}

/** Prints a report: each execution's timeline, then expected vs actual. Returns whether it matched. */
export async function printReport(ctx: CliContext, report: ScenarioReport): Promise<boolean> {
  const { out } = ctx;
  for (const executionArn of report.executions ?? []) {
    const tree = await fetchTree(ctx, executionArn);
    for (const line of formatHeader(tree, out)) out.line(line);
    for (const row of timelineRows(tree)) out.line(formatRow(row, out));
    const outcome = formatOutcome(tree, out);
    if (outcome) out.line(outcome);
    out.line();
  }
  const { rows, match } = compareOutcome(report);
  for (const line of renderTable(['FIELD', 'EXPECTED', 'ACTUAL', 'MATCH'], rows)) out.line(line);
  out.line(match ? out.paint('green', `scenario ${report.name}: as expected`) : out.paint('red', `scenario ${report.name}: outcome differs from the expectation`));
  return match;
}

export async function scenarioRunCommand(ctx: CliContext, name: string): Promise<number> {
  if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(name)) throw new CliError(`"${name}" is not a scenario name (lower-case letters, digits and dashes); \`deployctl scenario list\` shows them.`);
  const known = await listScenarios(ctx);
  if (!known.some((s) => s.name === name)) throw new CliError(`Unknown scenario "${name}". Scenarios: ${known.map((s) => s.name).join(', ')}.`);
  ctx.out.line(`running scenario ${name} in the sandbox ...`);
  const report = await ctx.sandbox().request<ScenarioReport>('POST', SANDBOX_PATHS.runScenario(name), {});
  return (await printReport(ctx, report)) ? 0 : 1;
}
