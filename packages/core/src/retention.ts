import { addMonths, type Granularity, type Instant, type Period, periodsBetween } from './dates.ts';
import { EngineError } from './engine-error.ts';
import {
  addTotals,
  type EvaluateOptions,
  emptyTotals,
  PeriodEngine,
  type PeriodOptions,
  type PeriodTotals,
} from './internal/period-engine.ts';
import type { RetentionMethod, RetentionReport } from './reports.ts';
import {
  attributeValue,
  DEFAULT_SIZE_BAND_THRESHOLDS,
  matchesSizeBand,
  NO_VALUE,
  SIZE_BAND_DIMENSION,
  SIZE_BANDS,
  sizeBandOf,
} from './segments.ts';
import type { Timeline } from './timeline.ts';
import { retentionWarnings, windowAfterData } from './warnings.ts';

/** A retention question: a window, a method and a population. */
export interface RetentionQuery extends PeriodOptions {
  /** Start of the window (inclusive). */
  readonly from: Instant;
  /** End of the window (exclusive). */
  readonly to: Instant;
  /**
   * `PERIOD` (default): the fixed-cohort figure over `[from, to)`. `TRAILING_12M`: the `PERIOD`
   * figure over the 12 months ending at `to` (the report's own from/to say so). `CHAINED`: the
   * product of the monthly figures over `[from, to)`.
   */
  readonly method?: RetentionMethod;
  /** IANA time zone whose calendar months, quarters and years the series and methods follow; default UTC. */
  readonly timeZone?: string | undefined;
}

/** A breakdown: one report per value of a dimension, plus the total they sum to. */
export interface Breakdown {
  readonly dimension: string;
  readonly total: RetentionReport;
  /** Per value, largest starting MRR first; with a `limit`, only the `limit` largest. */
  readonly segments: readonly { readonly value: string; readonly report: RetentionReport }[];
  /**
   * With a `limit` and more values than it: the values left out of `segments` (`values` of them),
   * rolled up into one report, so that `segments` and `rest` still sum to the total.
   */
  readonly rest?: { readonly values: number; readonly report: RetentionReport };
}

const ratio = (numerator: number, denominator: number) => (denominator > 0 ? numerator / denominator : null);

/** Throws `INVALID_PERIOD` unless `from < to` and both are finite. */
export function checkPeriod(from: Instant, to: Instant): void {
  if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from) {
    throw new EngineError(
      'INVALID_PERIOD',
      `a period needs from < to, got ${new Date(from).toISOString()} to ${new Date(to).toISOString()}`,
    );
  }
}

/** The window a method actually measures for a query's `[from, to)`. */
function windowOf(method: RetentionMethod, from: Instant, to: Instant, timeZone: string | undefined): Period {
  return method === 'TRAILING_12M' ? { from: addMonths(to, -12, timeZone), to } : { from, to };
}

/** Month boundaries strictly inside `(from, to)`, with both ends: the steps a CHAINED figure compounds. */
function chainSteps(from: Instant, to: Instant, timeZone: string | undefined): Instant[] {
  const steps = [from];
  for (const period of periodsBetween(from, to, 'MONTH', timeZone)) {
    if (period.from > from && period.from < to) steps.push(period.from);
  }
  steps.push(to);
  return steps;
}

function boundariesFor(
  method: RetentionMethod,
  windows: readonly Period[],
  timeZone: string | undefined,
): Instant[] {
  const boundaries: Instant[] = [];
  for (const window of windows) {
    if (method === 'CHAINED') boundaries.push(...chainSteps(window.from, window.to, timeZone));
    else boundaries.push(window.from, window.to);
  }
  return boundaries;
}

/** Builds the labelled report of a PERIOD or TRAILING_12M window from its exact totals. */
function toReport(
  engine: PeriodEngine,
  method: RetentionMethod,
  window: Period,
  totals: PeriodTotals,
  override?: {
    nrr: number | null;
    grr: number | null;
    logoRetention: number | null;
    endingMrr: number;
    fxImpact: number;
  },
): RetentionReport {
  // A period that starts after the data ends has no measured ratios (warnings.ts, windowAfterData).
  const unknown = windowAfterData(window.from, engine.timeline.asOf);
  const known = (value: number | null) => (unknown ? null : value);
  const nrr = known(override ? override.nrr : ratio(totals.cohortEndingMrr, totals.startingMrr));
  const grr = known(override ? override.grr : ratio(totals.grossRetainedMrr, totals.startingMrr));
  const lost = totals.contraction + totals.churn;
  return {
    method,
    grain: engine.timeline.grain,
    from: window.from,
    to: window.to,
    currency: engine.reportingCurrency,
    startingMrr: totals.startingMrr,
    newBusiness: totals.newBusiness,
    reactivation: totals.reactivation,
    expansion: totals.expansion,
    contraction: totals.contraction,
    churn: totals.churn,
    endingMrr: override ? override.endingMrr : totals.endingMrr,
    nrr,
    grr,
    logoRetention: known(override ? override.logoRetention : ratio(totals.retained, totals.starting)),
    netMrrChurnRate: known(
      override
        ? nrr === null
          ? null
          : 1 - nrr
        : ratio(totals.churn + totals.contraction - totals.expansion, totals.startingMrr),
    ),
    grossMrrChurnRate: known(override ? (grr === null ? null : 1 - grr) : ratio(lost, totals.startingMrr)),
    quickRatio: known(ratio(totals.newBusiness + totals.reactivation + totals.expansion, lost)),
    fxImpact: override ? override.fxImpact : totals.fxImpact,
    customers: {
      starting: totals.starting,
      retained: totals.retained,
      churned: totals.churned,
      expanded: totals.expanded,
      contracted: totals.contracted,
      new: totals.new,
      reactivated: totals.reactivated,
      ending: totals.ending,
    },
    warnings: retentionWarnings({
      nrr,
      grr,
      cohortSize: totals.starting,
      startingMrr: totals.startingMrr,
      expansion: totals.expansion,
      topStarting: totals.topStarting,
      topExpansion: totals.topExpansion,
      from: window.from,
      to: window.to,
      asOf: engine.timeline.asOf,
    }),
  };
}

type Evaluation = { total: PeriodTotals; groups: PeriodTotals[] };

/**
 * Evaluates windows (all groups at once) in one pass over the timeline and returns each window's
 * total and per-group reports. A CHAINED window also evaluates each of its months.
 */
function evaluateWindows(
  engine: PeriodEngine,
  method: RetentionMethod,
  windows: readonly Period[],
  hooks: EvaluateOptions,
  timeZone?: string,
  regroup?: (evaluations: Evaluation[]) => Evaluation[],
): { total: RetentionReport; groups: RetentionReport[] }[] {
  const evaluate = (all: readonly Period[]) => {
    const evaluations = engine.evaluateWindows(all, hooks);
    return regroup ? regroup(evaluations) : evaluations;
  };
  if (method !== 'CHAINED') {
    return evaluate(windows).map((whole, w) => {
      const window = windows[w] as Period;
      return {
        total: toReport(engine, method, window, whole.total),
        groups: whole.groups.map((g) => toReport(engine, method, window, g)),
      };
    });
  }
  // Each window, then each window's months, all in one pass.
  const stepsOf = windows.map((window) => chainSteps(window.from, window.to, timeZone));
  const all: Period[] = [...windows];
  for (const steps of stepsOf) {
    for (let k = 1; k < steps.length; k++)
      all.push({ from: steps[k - 1] as Instant, to: steps[k] as Instant });
  }
  const evaluated = evaluate(all);
  let next = windows.length;
  return windows.map((window, w) => {
    const whole = evaluated[w] as Evaluation;
    const monthCount = (stepsOf[w] as Instant[]).length - 1;
    const months = evaluated.slice(next, next + monthCount);
    next += monthCount;
    return chainReports(engine, window, whole, months);
  });
}

/** A CHAINED window's reports from its whole-window and monthly evaluations. */
function chainReports(
  engine: PeriodEngine,
  window: Period,
  whole: Evaluation,
  months: readonly Evaluation[],
): { total: RetentionReport; groups: RetentionReport[] } {
  // A group may appear in some months only: every group gets a report, empty where absent.
  const groupCount = Math.max(whole.groups.length, ...months.map((m) => m.groups.length));
  const chain = (pick: (m: Evaluation) => PeriodTotals, whole: PeriodTotals) => {
    const monthly = months.map(pick);
    const first = monthly[0] as PeriodTotals;
    const last = monthly[monthly.length - 1] as PeriodTotals;
    const flows = emptyTotals();
    for (const m of monthly) addTotals(flows, m);
    let nrr: number | null = 1;
    let grr: number | null = 1;
    let logoRetention: number | null = 1;
    for (const m of monthly) {
      const n = ratio(m.cohortEndingMrr, m.startingMrr);
      const g = ratio(m.grossRetainedMrr, m.startingMrr);
      const l = ratio(m.retained, m.starting);
      nrr = nrr === null || n === null ? null : nrr * n;
      grr = grr === null || g === null ? null : grr * g;
      logoRetention = logoRetention === null || l === null ? null : logoRetention * l;
    }
    const endingMrr =
      first.startingMrr +
      flows.newBusiness +
      flows.reactivation +
      flows.expansion -
      flows.contraction -
      flows.churn;
    // Amounts: flows summed month by month; counts of the first cohort from the whole window.
    const totals: PeriodTotals = {
      ...flows,
      startingMrr: first.startingMrr,
      starting: first.starting,
      retained: whole.retained,
      ending: last.ending,
      topStarting: whole.topStarting,
      topExpansion: whole.topExpansion,
    };
    const fxImpact = last.endingMrr + last.fxImpact - endingMrr;
    return toReport(engine, 'CHAINED', window, totals, { nrr, grr, logoRetention, endingMrr, fxImpact });
  };
  return {
    total: chain((m) => m.total, whole.total),
    groups: Array.from({ length: groupCount }, (_, index) =>
      chain((m) => m.groups[index] ?? emptyTotals(), whole.groups[index] ?? emptyTotals()),
    ),
  };
}

/**
 * Retention figures for one window (retention semantics §5): the bridge, NRR, GRR, logo
 * retention, churn rates, quick ratio, customer counts and warnings, in constant currency.
 */
export function computeRetention(timeline: Timeline, query: RetentionQuery): RetentionReport {
  return computeRetentionVisiting(timeline, query, {});
}

/**
 * @internal {@link computeRetention}, whose one pass over the timeline also hands each entity the
 * report includes to `hooks.visit` (with a PERIOD or TRAILING_12M window, each at most once), so
 * that a caller attributing the report to entities needs no second pass.
 */
export function computeRetentionVisiting(
  timeline: Timeline,
  query: RetentionQuery,
  hooks: Pick<EvaluateOptions, 'visit' | 'visitAttributes'>,
): RetentionReport {
  checkPeriod(query.from, query.to);
  const method = query.method ?? 'PERIOD';
  const window = windowOf(method, query.from, query.to, query.timeZone);
  const engine = new PeriodEngine(timeline, boundariesFor(method, [window], query.timeZone), query);
  return (evaluateWindows(engine, method, [window], hooks, query.timeZone)[0] as { total: RetentionReport })
    .total;
}

/**
 * One report per month, quarter or year in `[from, to)`. With `TRAILING_12M`, the point for a
 * period covers the 12 months ending with it; with `CHAINED`, it compounds that period's months.
 * All points share one sampling pass over the timeline.
 */
export function computeRetentionSeries(
  timeline: Timeline,
  query: RetentionQuery & { readonly granularity: Granularity },
): RetentionReport[] {
  checkPeriod(query.from, query.to);
  const method = query.method ?? 'PERIOD';
  const zone = query.timeZone;
  const windows = periodsBetween(query.from, query.to, query.granularity, zone).map((p) =>
    windowOf(method, p.from, p.to, zone),
  );
  const engine = new PeriodEngine(timeline, boundariesFor(method, windows, zone), query);
  return evaluateWindows(engine, method, windows, {}, zone).map((r) => r.total);
}

/**
 * Retention per value of a dimension (an attribute name, or `size_band`), judged at the window's
 * start, plus the total; per-value bridges sum exactly to the total bridge. Entities with no
 * value for the attribute are grouped under `(none)`. Values are sorted by starting MRR, largest first.
 * With `limit`, only the `limit` largest are reported one by one and the rest rolled up (`rest`).
 */
export function computeBreakdown(
  timeline: Timeline,
  query: RetentionQuery & {
    readonly by: string;
    /**
     * Most values reported one by one (a positive integer); the others are rolled up into
     * {@link Breakdown.rest}. Default: every value.
     */
    readonly limit?: number;
  },
): Breakdown {
  checkPeriod(query.from, query.to);
  const method = query.method ?? 'PERIOD';
  const zone = query.timeZone;
  const window = windowOf(method, query.from, query.to, zone);
  const engine = new PeriodEngine(timeline, boundariesFor(method, [window], zone), query);
  const values: string[] = [];
  const indexOf = new Map<string, number>();
  const groupOf = (value: string) => {
    let index = indexOf.get(value);
    if (index === undefined) {
      index = values.length;
      indexOf.set(value, index);
      values.push(value);
    }
    return index;
  };
  // Every band the segment selects gets a row, even an empty one; bands it excludes get none.
  if (query.by === SIZE_BAND_DIMENSION) {
    for (const band of SIZE_BANDS) if (matchesSizeBand(band, query.segment)) groupOf(band);
  }
  const bandOf = (mrr: number) => sizeBandOf(mrr, query.sizeBandThresholds ?? DEFAULT_SIZE_BAND_THRESHOLDS);
  const groups = {
    of: (attributes: Readonly<Record<string, string>>, mrr: number) =>
      groupOf(
        query.by === SIZE_BAND_DIMENSION ? bandOf(mrr) : (attributeValue(attributes, query.by) ?? NO_VALUE),
      ),
  };
  const limit = query.limit;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    throw new EngineError('INVALID_OPTION', `a breakdown limit must be a positive integer, got ${limit}`);
  }
  // With a limit, groups are ranked on their totals (the order reports would sort in) and every
  // group past the limit is summed into one before any report is built: the work of reporting
  // stays proportional to the limit, not to the number of values.
  let kept: number[] | undefined;
  const regroup =
    limit === undefined
      ? undefined
      : (evaluations: Evaluation[]) => {
          // The starting MRR a group's report shows: the window's (CHAINED: its first month's).
          const ranking = (method === 'CHAINED' ? evaluations[1] : evaluations[0]) as Evaluation;
          const order = values.map((_, index) => index);
          const starting = (index: number) => ranking.groups[index]?.startingMrr ?? 0;
          order.sort(
            (a, b) => starting(b) - starting(a) || (values[a] as string).localeCompare(values[b] as string),
          );
          if (order.length <= limit) {
            kept = order;
            return evaluations;
          }
          kept = order.slice(0, limit);
          const slot = new Int32Array(values.length).fill(limit);
          for (const [rank, index] of kept.entries()) slot[index] = rank;
          return evaluations.map((evaluation) => {
            const merged = Array.from({ length: limit + 1 }, emptyTotals);
            for (const [index, totals] of evaluation.groups.entries()) {
              if (totals) addTotals(merged[slot[index] as number] as PeriodTotals, totals);
            }
            return { total: evaluation.total, groups: merged };
          });
        };
  const result = evaluateWindows(engine, method, [window], { groups }, zone, regroup)[0] as {
    total: RetentionReport;
    groups: RetentionReport[];
  };
  const empty = toReport(engine, method, window, emptyTotals());
  if (kept !== undefined && limit !== undefined) {
    const ranked = kept;
    const regrouped = ranked.length < values.length;
    const segments = ranked.map((index, rank) => ({
      value: values[index] as string,
      report: result.groups[regrouped ? rank : index] ?? empty,
    }));
    if (!regrouped) return { dimension: query.by, total: result.total, segments };
    const rest = { values: values.length - limit, report: result.groups[limit] ?? empty };
    return { dimension: query.by, total: result.total, segments, rest };
  }
  const segments = values.map((value, index) => ({ value, report: result.groups[index] ?? empty }));
  segments.sort((a, b) => b.report.startingMrr - a.report.startingMrr || a.value.localeCompare(b.value));
  return { dimension: query.by, total: result.total, segments };
}
