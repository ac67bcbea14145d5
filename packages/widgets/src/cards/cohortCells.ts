import { formatMoney, formatPercent } from '../internal/formatters.ts';
import type { CohortTableResult, Granularity } from '../types.ts';

const AGE_PREFIX: Record<Granularity, string> = { MONTH: 'Month', QUARTER: 'Quarter', YEAR: 'Year' };

/** Column header of age `k`: `Month 0`, `Quarter 2`, … */
export function ageLabel(granularity: Granularity, age: number): string {
  return `${AGE_PREFIX[granularity]} ${age}`;
}

/** Formats a cell for its table's view and measure; `null` (immature) → empty string. */
export function cellFormatter(table: CohortTableResult, locale: string): (cell: number | null) => string {
  if (table.view !== 'ABSOLUTE') {
    return (cell) => (cell === null ? '' : formatPercent(cell, { locale, fractionDigits: 0 }));
  }
  if (table.measure === 'REVENUE') {
    return (cell) => (cell === null ? '' : formatMoney(cell, table.currency, { locale, compact: true }));
  }
  const count = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  return (cell) => (cell === null ? '' : count.format(cell));
}

/**
 * Shade of a cell from 0 to 1: ratios against 150% (anything above is full), absolute values
 * against the table's largest cell. Immature cells have no shade.
 */
export function cellIntensity(table: CohortTableResult): (cell: number | null) => number | undefined {
  const ceiling =
    table.view === 'ABSOLUTE'
      ? Math.max(0, ...table.rows.flatMap((row) => row.cells.filter((cell): cell is number => cell !== null)))
      : 1.5;
  return (cell) => (cell === null ? undefined : ceiling > 0 ? Math.min(Math.max(cell / ceiling, 0), 1) : 0);
}
