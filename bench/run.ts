/**
 * `npm run bench`: runs every bench module in order, prints each table and writes them all to
 * .bench/results.json. Each module compares against a baseline measured in the same run.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
  const tables: BenchTable[] = [];
  for (const [name, load] of Object.entries(modules)) {
    if (only.length && !only.includes(name)) continue;
    process.stderr.write(`bench: ${name}...\n`);
    for (const table of await (await load()).run()) {
      tables.push(table);
      console.log(`${renderTable(table)}\n`);
    }
  }
  const dir = join(__dirname, '..', '.bench');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'results.json'),
    `${JSON.stringify({ at: new Date().toISOString(), node: process.version, tables }, null, 2)}\n`,
  );
  console.log(`written: .bench/results.json`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
