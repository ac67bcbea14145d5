import { formatMoney, formatPercent } from '../internal/formatters.ts';
import type { CohortRowResult, CohortTableResult, Granularity } from '../types.ts';

const AGE_PREFIX: Record<Granularity, string> = { MONTH: 'Month', QUARTER: 'Quarter', YEAR: 'Year' };

/** Column header of age `k`: `Month 0`, `Quarter 2`, … */
export function ageLabel(granularity: Granularity, age: number): string {
  return `${AGE_PREFIX[granularity]} ${age}`;
}

/** A mature cell: its text, and its shade from 0 to 1. */
export interface CohortCell {
  /** The formatted value shown in the cell. */
  readonly text: string;
  /** Background intensity from 0 to 1. */
  readonly shade: number;
}

/** The raw value of a cell, for shading: a ratio, a count, or an amount; `null` = immature. */
function cellValue(table: CohortTableResult, row: CohortRowResult, age: number): number | null {
  if (table.view === 'ABSOLUTE' && table.measure === 'REVENUE') {
    const amount = row.amounts?.[age];
    return amount == null ? null : Number(amount);
  }
  return row.cells[age] ?? null;
}

/**
 * Reads and formats the cells of a table for its view and measure: percentages with no decimals,
 * ABSOLUTE revenue compact in the table's currency (from the exact `amounts`), counts as integers.
 * Shades run against 150% for ratios (anything above is full) and against the largest cell for
 * absolute values. Immature cells → `null`.
 */
export function cohortCells(table: CohortTableResult, locale: string) {
  const ceiling =
    table.view === 'ABSOLUTE'
      ? Math.max(
          0,
          ...table.rows.flatMap((row) =>
            row.cells.map((_, age) => cellValue(table, row, age)).filter((v): v is number => v !== null),
          ),
        )
      : 1.5;
  const count = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  return (row: CohortRowResult, age: number): CohortCell | null => {
    const value = cellValue(table, row, age);
    if (value === null) return null;
    const shade = ceiling > 0 ? Math.min(Math.max(value / ceiling, 0), 1) : 0;
    if (table.view !== 'ABSOLUTE')
      return { text: formatPercent(value, { locale, fractionDigits: 0 }), shade };
    if (table.measure === 'LOGOS') return { text: count.format(value), shade };
    const amount = row.amounts?.[age] ?? '0';
    return { text: formatMoney(amount, table.currency, { locale, compact: true }), shade };
  };
}
