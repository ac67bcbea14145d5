/** Plain-text tables for a terminal: a header, a rule, right-aligned numbers. */
import { escapeControlCharacters } from '@nrr/core';

/** A column: its header, and whether its cells are numbers (right-aligned). */
export interface Column {
  readonly header: string;
  readonly numeric?: boolean;
}

/**
 * Renders rows of cells under `columns`, two spaces between columns. Missing cells print empty.
 * Cells and headers come from imported data (customer ids, plans, …): control characters in them
 * are shown escaped (`\x1b`, `\u202e`; core's `escapeControlCharacters`), and widths count the escapes.
 */
export function renderTable(rawColumns: readonly Column[], rawRows: readonly (readonly string[])[]): string {
  const columns = rawColumns.map((column) => ({ ...column, header: escapeControlCharacters(column.header) }));
  const rows = rawRows.map((row) => row.map(escapeControlCharacters));
  const widths = columns.map((column, index) =>
    Math.max(column.header.length, ...rows.map((row) => (row[index] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    columns
      .map((column, index) => {
        const cell = cells[index] ?? '';
        const width = widths[index] ?? 0;
        return column.numeric ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  const header = line(columns.map((column) => column.header));
  const rule = widths.map((width) => '─'.repeat(width)).join('  ');
  return [header, rule, ...rows.map(line)].join('\n');
}
