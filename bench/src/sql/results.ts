/**
 * Turns the playbook queries' result rows (from DuckDB or Postgres, whose drivers return exact
 * sums as bigint or numeric strings) into {@link Figures}.
 */
import type { Dataset } from '../dataset.ts';
import { type CohortFigures, type Figures, type MonthFigures, monthLabel } from '../figures.ts';

/** A value as a driver returns it: bigint (DuckDB hugeint), string (Postgres numeric, int8) or number. */
export type SqlValue = bigint | string | number | null | undefined;

/** A result row by column name. */
export type SqlRow = Readonly<Record<string, SqlValue | unknown>>;

/** An exact sum of units as a number; throws if it is not an integer a double holds exactly. */
export function units(value: unknown, column: string): number {
  if (value === null || value === undefined) return 0;
  const number = Number(value as SqlValue);
  if (!Number.isSafeInteger(number)) {
    throw new Error(`${column}: expected a whole number of units, got ${String(value)}`);
  }
  return number;
}

/** A ratio as a number, `null` when SQL returned NULL. */
export function ratio(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value as SqlValue);
}

/** Figures from the bridges, trailing and cohorts result rows (see `sql/playbook.ts`). */
export function figuresFromRows(
  dataset: Dataset,
  rows: { bridges: readonly SqlRow[]; trailing: readonly SqlRow[]; cohorts: readonly SqlRow[] },
): Figures {
  const bridges = new Map(rows.bridges.map((row) => [Number(row.month_index), row]));
  const trailing = new Map(rows.trailing.map((row) => [Number(row.month_index), row]));
  const months: MonthFigures[] = [];
  for (let m = 0; m < dataset.months; m++) {
    const row = bridges.get(m) ?? {};
    months.push({
      month: monthLabel(dataset.start, m),
      startingMrr: units(row.starting_mrr, 'starting_mrr'),
      newBusiness: units(row.new_business, 'new_business'),
      reactivation: units(row.reactivation, 'reactivation'),
      expansion: units(row.expansion, 'expansion'),
      contraction: units(row.contraction, 'contraction'),
      churn: units(row.churn, 'churn'),
      endingMrr: units(row.ending_mrr, 'ending_mrr'),
      nrr: ratio(row.nrr),
      grr: ratio(row.grr),
    });
  }
  const cohorts = new Map<number, { size: number; mrr: (number | null)[]; percent: (number | null)[] }>();
  for (const row of rows.cohorts) {
    const c = Number(row.cohort_index);
    const age = Number(row.age);
    const cohort = cohorts.get(c) ?? { size: 0, mrr: [], percent: [] };
    if (age === 0) cohort.size = units(row.customers, 'customers');
    cohort.mrr[age] = units(row.mrr, 'mrr');
    cohort.percent[age] = ratio(row.percent_of_start);
    cohorts.set(c, cohort);
  }
  const cohortRows: CohortFigures[] = [...cohorts.entries()]
    .filter(([c]) => c >= 0 && c < dataset.months)
    .sort(([a], [b]) => a - b)
    .map(([c, cohort]) => {
      const width = dataset.months - c;
      const mrr = Array.from({ length: width }, (_, k) => cohort.mrr[k] ?? 0);
      const percentOfStart = Array.from({ length: width }, (_, k) => cohort.percent[k] ?? null);
      const initial = mrr[0] ?? 0;
      return {
        cohort: monthLabel(dataset.start, c),
        size: cohort.size,
        // The engine's percentage view has no sums where the initial MRR is 0 (see CohortFigures).
        mrr: mrr.map((value, k) => (k > 0 && initial === 0 ? null : value)),
        percentOfStart,
      };
    });
  return {
    months,
    trailing: months.map(({ month }, m) => {
      const row = trailing.get(m) ?? {};
      return {
        month,
        startingMrr: units(row.starting_mrr, 'starting_mrr'),
        cohortEndingMrr: units(row.cohort_ending_mrr, 'cohort_ending_mrr'),
        grossRetainedMrr: units(row.gross_retained_mrr, 'gross_retained_mrr'),
        nrr: ratio(row.nrr),
        grr: ratio(row.grr),
      };
    }),
    cohorts: cohortRows,
  };
}
