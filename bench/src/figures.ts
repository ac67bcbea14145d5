/**
 * The figures every contender must produce, in one comparable shape, and the check that makes a
 * contender's time count only when its figures equal @nrr/core's: bridges and exact sums in units
 * must be identical, ratios within {@link RATIO_TOLERANCE}.
 */
import type { MoneyUnits, MrrBridge } from '@nrr/core';

/** The monthly MRR bridge of one calendar month, in reporting-currency units, constant currency. */
export interface MonthFigures extends MrrBridge {
  /** `2024-03`. */
  readonly month: string;
  /** Monthly NRR; `null` when no customer paid at the month's start. */
  readonly nrr: number | null;
  /** Monthly GRR; `null` likewise. */
  readonly grr: number | null;
}

/** The trailing-12-month figure for the 12 months ending with `month`. */
export interface TrailingFigures {
  /** Last month of the window, `2024-03`. */
  readonly month: string;
  /** Σ MRR of the cohort paying 12 months before the month's end, in units at that instant's rates. */
  readonly startingMrr: MoneyUnits;
  /** Σ the same customers' MRR at the month's end, at the same rates (NRR's numerator). */
  readonly cohortEndingMrr: MoneyUnits;
  /** Σ min(starting, ending) over the cohort (GRR's numerator). */
  readonly grossRetainedMrr: MoneyUnits;
  readonly nrr: number | null;
  readonly grr: number | null;
}

/** One row of the monthly revenue cohort table; cohorts with no customers are left out. */
export interface CohortFigures {
  /** Month of the customers' first MRR > 0, `2024-03`. */
  readonly cohort: string;
  readonly size: number;
  /**
   * Σ the cohort's MRR at the end of month cohort + k, in units at the rates of the cohort's first
   * day, for every k up to the last month of data (so the row has one value per mature cell);
   * `null` for k > 0 when `mrr[0]` is 0 (the engine's percentage view carries no sum there).
   */
  readonly mrr: readonly (MoneyUnits | null)[];
  /** `mrr[k] / mrr[0]` (% of start); `null` where `mrr[0]` is 0. */
  readonly percentOfStart: readonly (number | null)[];
}

/** Everything one contender computes from one dataset. */
export interface Figures {
  readonly months: readonly MonthFigures[];
  readonly trailing: readonly TrailingFigures[];
  readonly cohorts: readonly CohortFigures[];
}

/** Largest difference allowed between two contenders' ratios (NRR, GRR, cohort percentages). */
export const RATIO_TOLERANCE = 1e-9;

/** Where two contenders' figures first disagree. */
export interface FiguresMismatch {
  /** `months`, `trailing` or `cohorts`. */
  readonly table: keyof Figures;
  /** Month or cohort label of the first differing row (`2024-03`), or `(row count)`. */
  readonly row: string;
  /** Field (and cohort age, `mrr[4]`) that differs. */
  readonly field: string;
  readonly expected: number | string | null;
  readonly actual: number | string | null;
}

/** Thrown by a contender whose figures differ from the reference; its time must not count. */
export class FiguresMismatchError extends Error {
  constructor(
    readonly contender: string,
    readonly mismatch: FiguresMismatch,
  ) {
    super(
      `${contender} disagrees with @nrr/core in ${mismatch.table} at ${mismatch.row}, ${mismatch.field}: ` +
        `expected ${mismatch.expected}, got ${mismatch.actual}`,
    );
    this.name = 'FiguresMismatchError';
  }
}

// Figures rows are plain objects whose fields are numbers, strings, null or arrays of those.
type Row = object;

function sameValue(expected: unknown, actual: unknown, exact: boolean): boolean {
  if (expected === null || actual === null) return expected === actual;
  if (typeof expected === 'number' && typeof actual === 'number') {
    return exact ? expected === actual : Math.abs(expected - actual) <= RATIO_TOLERANCE;
  }
  return expected === actual;
}

function compareRows(
  table: keyof Figures,
  key: string,
  expected: readonly Row[],
  actual: readonly Row[],
  ratios: ReadonlySet<string>,
): FiguresMismatch | undefined {
  const count = Math.max(expected.length, actual.length);
  for (let i = 0; i < count; i++) {
    const e = expected[i];
    const a = actual[i];
    if (e === undefined || a === undefined) {
      return {
        table,
        row: String(((e ?? a) as Readonly<Record<string, unknown>> | undefined)?.[key] ?? '(row count)'),
        field: '(row missing)',
        expected: expected.length,
        actual: actual.length,
      };
    }
    const er = e as Readonly<Record<string, unknown>>;
    const ar = a as Readonly<Record<string, unknown>>;
    for (const field of Object.keys(er)) {
      const ev = er[field];
      const av = ar[field];
      if (Array.isArray(ev) || Array.isArray(av)) {
        const el = (ev ?? []) as unknown[];
        const al = (av ?? []) as unknown[];
        for (let k = 0; k < Math.max(el.length, al.length); k++) {
          if (!sameValue(el[k] ?? null, al[k] ?? null, !ratios.has(field))) {
            return {
              table,
              row: String(er[key]),
              field: `${field}[${k}]`,
              expected: (el[k] ?? null) as number | null,
              actual: (al[k] ?? null) as number | null,
            };
          }
        }
      } else if (!sameValue(ev, av ?? null, !ratios.has(field))) {
        return {
          table,
          row: String(er[key]),
          field,
          expected: ev as number | string | null,
          actual: (av ?? null) as number | string | null,
        };
      }
    }
  }
  return undefined;
}

/**
 * The first place, in month order, where `actual` differs from `expected`: amounts and counts
 * must be identical, ratios within {@link RATIO_TOLERANCE}. `undefined` when they agree.
 */
export function compareFigures(expected: Figures, actual: Figures): FiguresMismatch | undefined {
  const ratios = new Set(['nrr', 'grr', 'percentOfStart']);
  return (
    compareRows('months', 'month', expected.months, actual.months, ratios) ??
    compareRows('trailing', 'month', expected.trailing, actual.trailing, ratios) ??
    compareRows('cohorts', 'cohort', expected.cohorts, actual.cohorts, ratios)
  );
}

/** Throws {@link FiguresMismatchError} unless `actual` agrees with the reference figures. */
export function assertSameFigures(contender: string, expected: Figures, actual: Figures): void {
  const mismatch = compareFigures(expected, actual);
  if (mismatch) throw new FiguresMismatchError(contender, mismatch);
}

/** `YYYY-MM` of the month that starts `months` after the 1st of `start`'s month (UTC). */
export function monthLabel(start: number, months: number): string {
  const date = new Date(start);
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1)).toISOString().slice(0, 7);
}
