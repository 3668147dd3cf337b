/** Plain-text tables: columns padded to the widest cell, colour codes not counted. */

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

/** Visible width of a cell (ANSI colour codes take no room). */
export function visibleWidth(text: string): number {
  return text.replace(ANSI, '').length;
}

/** Lines of a table with a header row; the last column is not padded. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) =>
    Math.max(visibleWidth(h), ...rows.map((r) => visibleWidth(r[i] ?? ''))),
  );
  const format = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell + ' '.repeat(widths[i]! - visibleWidth(cell))))
      .join('  ')
      .trimEnd();
  return [format(header), ...rows.map(format)];
}
