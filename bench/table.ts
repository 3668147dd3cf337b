import type { Summary } from './summary';

/** A printed benchmark table: one per bench module, all written together to .bench/results.json. */
export interface BenchTable {
  title: string;
  columns: string[];
  rows: (string | number)[][];
  /** Short notes printed under the table (baseline, method, aims). */
  notes?: string[];
  /** Headline figures this table measured (bench/summary.ts); not printed with the table. */
  summary?: Partial<Summary>;
}

/** Renders a table with right-aligned numbers and left-aligned text. */
export function renderTable(table: BenchTable): string {
  const cells = [table.columns, ...table.rows.map((row) => row.map(String))];
  const widths = table.columns.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) =>
    row
      .map((cell, i) =>
        /^[-+]?[0-9.,]+( ?[%a-zA-Z$×x]+)?$/.test(cell) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!),
      )
      .join('  ');
  const out = [
    `## ${table.title}`,
    line(table.columns),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...cells.slice(1).map(line),
  ];
  for (const note of table.notes ?? []) out.push(`  ${note}`);
  return out.join('\n');
}
