import { addMonths, type Granularity, type Instant, monthsIn, periodLabel, periodsBetween } from './dates.ts';
import { EngineError } from './engine-error.ts';
import type { ExchangeRates } from './fx.ts';
import { PeriodEngine } from './internal/period-engine.ts';
import type { MoneyUnits } from './money.ts';
import {
  attributesAt,
  DEFAULT_SIZE_BAND_THRESHOLDS,
  matchesAttributes,
  matchesSizeBand,
  type SegmentFilter,
  type SizeBandThresholds,
  sizeBandOf,
} from './segments.ts';
import type { Timeline } from './timeline.ts';
import { SMALL_SAMPLE_SIZE } from './warnings.ts';

/** What a cohort cell measures: MRR (revenue retention) or paying customers (logo retention). */
export type CohortMeasure = 'REVENUE' | 'LOGOS';

/** How a cell is expressed: share of the cohort's value at the end of its first period, share of the previous cell, or the value itself. */
export type CohortView = 'PERCENT_OF_START' | 'PERCENT_OF_PREVIOUS' | 'ABSOLUTE';

/** A cohort table request (retention semantics §6). */
export interface CohortQuery {
  /** Cohorts whose first paid period starts in `[from, to)` are listed; cells run up to `to`. */
  readonly from: Instant;
  readonly to: Instant;
  readonly granularity: Granularity;
  readonly measure: CohortMeasure;
  readonly view: CohortView;
  /** Cohorts with fewer customers are flagged `small`; default 10. */
  readonly minCohortSize?: number;
  /** Reporting currency and rates; each cohort is converted at the rates in force at its start. */
  readonly rates?: ExchangeRates;
  /** Picks customers by their attributes (and size band) when they first paid. */
  readonly segment?: SegmentFilter;
  readonly sizeBandThresholds?: SizeBandThresholds;
  /** IANA time zone whose calendar the periods follow; default UTC. */
  readonly timeZone?: string | undefined;
}

/** One cohort: the customers whose first MRR > 0 falls in one period. */
export interface CohortRow {
  /** Start of the cohort's period. */
  readonly cohort: Instant;
  /** `2024-03`, `2024-Q1` or `2024`. */
  readonly label: string;
  /** Customers in the cohort. */
  readonly size: number;
  /** MRR (units) or paying customers at the end of the cohort's first period: the 100% of the row. */
  readonly initial: MoneyUnits | number;
  /** Fewer customers than the minimum cohort size. */
  readonly small: boolean;
  /**
   * Cell k describes the end of period cohort + k: a ratio for the percentage views, MRR units
   * (REVENUE) or a customer count (LOGOS) for ABSOLUTE. `null` when that period ends after the
   * data does (immature), lies past the table's end, or the ratio's denominator is zero.
   */
  readonly cells: readonly (number | null)[];
}

/** A cohort table with the options that produced it. */
export interface CohortTable {
  readonly granularity: Granularity;
  readonly measure: CohortMeasure;
  readonly view: CohortView;
  readonly currency: string;
  /** End of known data; later cells are null. */
  readonly asOf: Instant;
  /** Largest age (number of cells − 1). */
  readonly maxAge: number;
  readonly rows: readonly CohortRow[];
}

/**
 * Cohort retention (retention semantics §6). A customer's cohort is the period of its first
 * MRR > 0 and never changes, even after churn and reactivation. Cell (c, k) compares the cohort's
 * MRR (or paying customers) at the end of period c + k with its value at the end of period c.
 */
export function computeCohorts(timeline: Timeline, query: CohortQuery): CohortTable {
  if (!(query.to > query.from)) throw new EngineError('INVALID_PERIOD', 'a cohort table needs from < to');
  const zone = query.timeZone;
  const periods = periodsBetween(query.from, query.to, query.granularity, zone);
  const step = monthsIn(query.granularity);
  const ends = periods.map((p) => p.to);
  const engine = new PeriodEngine(timeline, ends, query.rates ? { rates: query.rates } : {});
  const width = periods.length;
  const sums = periods.map(() => new Float64Array(width));
  const sizes = new Int32Array(width);
  const firstStart = (periods[0] as { from: Instant }).from;
  const starts = Float64Array.from(periods, (p) => p.from);
  const factorsByCohort = periods.map((p) => engine.factorsAt(p.from));
  const thresholds = query.sizeBandThresholds ?? DEFAULT_SIZE_BAND_THRESHOLDS;
  const { firstPaidAt, paidUntil } = timeline.columns;
  const positions = ends.map((end) => engine.boundaryPosition(end));
  const revenue = query.measure === 'REVENUE';

  for (let e = 0; e < timeline.size; e++) {
    const paidAt = firstPaidAt[e] as number;
    if (!(paidAt >= firstStart && paidAt < query.to)) continue;
    // The cohort: the period holding the first paid instant (periods are contiguous and ascending).
    let low = 0;
    let high = width - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] as number) <= paidAt) low = mid;
      else high = mid - 1;
    }
    const c = low;
    if (query.segment) {
      const attributes = attributesAt({ attributes: timeline.attributesOf(e) }, paidAt + 1);
      if (!matchesAttributes(attributes, query.segment)) continue;
    }
    const factors = factorsByCohort[c] as Float64Array;
    // `sizeBands: []` selects nobody, like any empty list of alternatives.
    if (query.segment?.sizeBands) {
      const band = sizeBandOf(engine.valueAt(e, positions[c] as number, factors), thresholds);
      if (!matchesSizeBand(band, query.segment)) continue;
    }
    sizes[c] = (sizes[c] as number) + 1;
    const row = sums[c] as Float64Array;
    const gone = paidUntil[e] as number;
    for (let k = 0; c + k < width; k++) {
      // Once the customer has left for good, every later cell adds nothing.
      if (gone < (ends[c + k] as number)) break;
      const value = engine.valueAt(e, positions[c + k] as number, factors);
      row[k] = (row[k] as number) + (revenue ? value : value > 0 ? 1 : 0);
    }
  }

  const minimum = query.minCohortSize ?? SMALL_SAMPLE_SIZE;
  const rows: CohortRow[] = periods.map((period, c) => {
    const row = sums[c] as Float64Array;
    const initial = row[0] as number;
    const cells: (number | null)[] = [];
    for (let k = 0; k < width; k++) {
      const end = addMonths(period.from, (k + 1) * step, zone);
      if (c + k >= width || end > timeline.asOf) {
        cells.push(null);
        continue;
      }
      const value = row[k] as number;
      switch (query.view) {
        case 'ABSOLUTE':
          cells.push(value);
          break;
        case 'PERCENT_OF_START':
          cells.push(initial > 0 ? value / initial : null);
          break;
        case 'PERCENT_OF_PREVIOUS': {
          const previous = k === 0 ? initial : (row[k - 1] as number);
          cells.push(previous > 0 ? value / previous : null);
          break;
        }
        default:
          query.view satisfies never;
      }
    }
    return {
      cohort: period.from,
      label: periodLabel(period.from, query.granularity, zone),
      size: sizes[c] as number,
      initial,
      small: (sizes[c] as number) < minimum,
      cells,
    };
  });
  return {
    granularity: query.granularity,
    measure: query.measure,
    view: query.view,
    currency: engine.reportingCurrency,
    asOf: timeline.asOf,
    maxAge: width - 1,
    rows,
  };
}
