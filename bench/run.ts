/**
 * `npm run bench`: runs every bench module in order, prints each table and writes them all to
 * .bench/results.json with a `summary` of the headline figures (bench/summary.ts). Each module
 * compares against a baseline measured in the same run.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { AIMS, buildSummary, SUMMARY_NAMES, verdict, type Summary } from './summary';
import { renderTable, type BenchTable } from './table';

type BenchModule = { run: () => Promise<BenchTable[]> };

/** Every `bench/*.bench.ts`, in file-name order; `npm run bench -- <name>` runs only the named ones. */
const modules = Object.fromEntries(
  readdirSync(__dirname)
    .filter((file) => file.endsWith('.bench.ts'))
    .sort()
    .map((file) => [
      file.replace(/\.bench\.ts$/, ''),
      () => import(join(__dirname, file)) as Promise<BenchModule>,
    ]),
);

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const tables: Omit<BenchTable, 'summary'>[] = [];
  const parts: Partial<Summary>[] = [];
  for (const [name, load] of Object.entries(modules)) {
    if (only.length && !only.includes(name)) continue;
    process.stderr.write(`bench: ${name}...\n`);
    for (const { summary, ...table } of await (await load()).run()) {
      tables.push(table);
      if (summary) parts.push(summary);
      console.log(`${renderTable(table)}\n`);
    }
  }
  const summary = buildSummary(parts);
  console.log(`${renderTable(summaryTable(summary))}\n`);
  const dir = join(__dirname, '..', '.bench');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'results.json'),
    `${JSON.stringify({ at: new Date().toISOString(), node: process.version, loadAverage: Math.round(10 * loadavg()[0]!) / 10, cpus: availableParallelism(), summary, tables }, null, 2)}\n`,
  );
  console.log(`written: .bench/results.json (npm run bench:readme copies the summary into README.md)`);
}

/** The summary as a table: name, value, aim, verdict. */
function summaryTable(summary: Summary): BenchTable {
  return {
    title: 'Summary (.bench/results.json "summary")',
    columns: ['name', 'value', 'aim', 'verdict'],
    rows: SUMMARY_NAMES.map((name) => [
      name,
      summary[name] === null ? 'not measured' : String(summary[name]),
      AIMS[name]?.text ?? '',
      verdict(name, summary[name]),
    ]),
  };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
