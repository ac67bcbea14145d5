import { type Instant, MS_PER_DAY } from '../dates.ts';
import { EngineError } from '../engine-error.ts';
import type { ExchangeRates } from '../fx.ts';
import { convertUnits, type MoneyUnits } from '../money.ts';
import type { MovementKind } from '../reports.ts';
import {
  attributesAt,
  DEFAULT_SIZE_BAND_THRESHOLDS,
  matchesAttributes,
  type SegmentFilter,
  type SizeBandThresholds,
  sizeBandOf,
} from '../segments.ts';
import type { Timeline } from '../timeline.ts';

/** Options shared by every period computation. */
export interface PeriodOptions {
  /** Reporting currency and rates; required when the timeline holds more than one currency. */
  readonly rates?: ExchangeRates;
  readonly segment?: SegmentFilter;
  /** A returning customer whose gap exceeds this many days counts as new business; default: any gap is a reactivation. */
  readonly reactivationWindowDays?: number | null | undefined;
  readonly sizeBandThresholds?: SizeBandThresholds;
}

/** Exact sums of one period for one group of entities. */
export interface PeriodTotals {
  startingMrr: MoneyUnits;
  newBusiness: MoneyUnits;
  reactivation: MoneyUnits;
  expansion: MoneyUnits;
  contraction: MoneyUnits;
  churn: MoneyUnits;
  endingMrr: MoneyUnits;
  /** Σ ending MRR over the starting cohort (NRR's numerator). */
  cohortEndingMrr: MoneyUnits;
  /** Σ min(starting, ending) over the starting cohort (GRR's numerator). */
  grossRetainedMrr: MoneyUnits;
  /** Ending MRR at the rates in force at `to` minus at the rates in force at `from`. */
  fxImpact: MoneyUnits;
  starting: number;
  retained: number;
  churned: number;
  expanded: number;
  contracted: number;
  new: number;
  reactivated: number;
  ending: number;
  /** The three largest starting MRRs and expansions, for the concentration warnings. */
  topStarting: number[];
  topExpansion: number[];
}

export function emptyTotals(): PeriodTotals {
  return {
    startingMrr: 0,
    newBusiness: 0,
    reactivation: 0,
    expansion: 0,
    contraction: 0,
    churn: 0,
    endingMrr: 0,
    cohortEndingMrr: 0,
    grossRetainedMrr: 0,
    fxImpact: 0,
    starting: 0,
    retained: 0,
    churned: 0,
    expanded: 0,
    contracted: 0,
    new: 0,
    reactivated: 0,
    ending: 0,
    topStarting: [],
    topExpansion: [],
  };
}

function pushTop(top: number[], value: number): void {
  if (top.length < 3) {
    top.push(value);
    top.sort((a, b) => b - a);
  } else if (value > (top[2] as number)) {
    top[2] = value;
    top.sort((a, b) => b - a);
  }
}

/** One entity's figures in a period, handed to a visitor. */
export interface EntityPeriod {
  readonly entity: number;
  readonly startingMrr: MoneyUnits;
  readonly endingMrr: MoneyUnits;
  readonly kind: MovementKind | null;
  readonly attributes: Readonly<Record<string, string>>;
}

/** Per-period evaluation hooks: grouping for breakdowns and a visitor for drill-down lists. */
export interface EvaluateOptions {
  /**
   * The group of an included entity, by its attributes at `from` and its MRR (starting, or ending
   * when it had none). Indices are dense from 0; the result has a group for every index returned.
   */
  readonly groups?: { of: (attributes: Readonly<Record<string, string>>, mrr: MoneyUnits) => number };
  readonly visit?: (entity: EntityPeriod) => void;
  /**
   * Whether the visitor reads `attributes` (default true). False spares building each entity's
   * attribute snapshots (from its spans) when nothing else needs them: the visitor is then handed
   * an empty record, unless a segment or grouping needed them anyway.
   */
  readonly visitAttributes?: boolean;
}

/** A window `[from, to)` whose ends are sampled boundaries. */
export interface Window {
  readonly from: Instant;
  readonly to: Instant;
}

/**
 * Evaluates periods over a fixed set of boundary instants. Entities are visited one at a time: an
 * entity's lanes are sampled at every boundary into a small reused row (a merge walk, linear in
 * its changes + boundaries), then every window is classified from that row, in constant currency
 * (rates at the window's start). No matrix of all entities is ever built: memory stays O(boundaries)
 * and the row stays in cache.
 */
export class PeriodEngine {
  readonly reportingCurrency: string;
  /** The sampled boundaries, ascending. */
  private readonly grid: Float64Array;
  private readonly boundaryIndex = new Map<Instant, number>();
  /** Number of boundaries. */
  readonly width: number;
  /** Scratch: the sampled entity's lane `k` at boundary `j` is `row[k * width + j]`. */
  private row: Float64Array;
  private rowEntity = -1;
  private readonly laneStart: readonly number[];
  private readonly laneCurrency: readonly number[];

  constructor(
    readonly timeline: Timeline,
    boundaries: readonly Instant[],
    readonly options: PeriodOptions = {},
  ) {
    const sorted = [...new Set(boundaries)].sort((a, b) => a - b);
    for (const [i, b] of sorted.entries()) this.boundaryIndex.set(b, i);
    this.width = sorted.length;
    this.grid = Float64Array.from(sorted);
    this.row = new Float64Array(Math.max(1, this.width * 4));
    this.laneStart = timeline.columns.laneStart;
    this.laneCurrency = timeline.columns.laneCurrency;
    this.reportingCurrency = reportingCurrencyOf(timeline, options.rates);
  }

  /**
   * Samples an entity's lanes at every boundary (MRR just before it) into the scratch row, which
   * stays valid until another entity is sampled.
   */
  private sample(entity: number): Float64Array {
    if (this.rowEntity === entity) return this.row;
    const { laneStart, changeStart, times, values } = this.timeline.columns;
    const { grid, width } = this;
    const firstLane = laneStart[entity] as number;
    const lastLane = laneStart[entity + 1] as number;
    if ((lastLane - firstLane) * width > this.row.length) {
      this.row = new Float64Array((lastLane - firstLane) * width * 2);
    }
    const row = this.row;
    for (let lane = firstLane; lane < lastLane; lane++) {
      let p = changeStart[lane] as number;
      const end = changeStart[lane + 1] as number;
      const base = (lane - firstLane) * width;
      let value = 0;
      for (let j = 0; j < width; j++) {
        const boundary = grid[j] as number;
        while (p < end && (times[p] as number) < boundary) {
          value = values[p] as number;
          p++;
        }
        row[base + j] = value;
      }
    }
    this.rowEntity = entity;
    return row;
  }

  /** Position of a sampled boundary, for {@link valueAt}. */
  boundaryPosition(boundary: Instant): number {
    const j = this.boundaryIndex.get(boundary);
    if (j === undefined) throw new Error('boundary was not sampled');
    return j;
  }

  /** An entity's MRR just before the boundary at position `j`, converted with the given factors. */
  valueAt(entity: number, j: number, factors: Float64Array): MoneyUnits {
    const { laneStart, laneCurrency } = this;
    const row = this.sample(entity);
    const firstLane = laneStart[entity] as number;
    const lastLane = laneStart[entity + 1] as number;
    if (lastLane - firstLane === 1) {
      const value = row[j] as number;
      return value === 0 ? 0 : convertUnits(value, factors[laneCurrency[firstLane] as number] as number);
    }
    let total = 0;
    for (let lane = firstLane; lane < lastLane; lane++) {
      const value = row[(lane - firstLane) * this.width + j] as number;
      if (value !== 0) total += convertUnits(value, factors[laneCurrency[lane] as number] as number);
    }
    return total;
  }

  /** Conversion factor per currency index at an instant (1 for the reporting currency). */
  factorsAt(at: Instant): Float64Array {
    return conversionFactors(this.timeline, this.reportingCurrency, this.options.rates, at);
  }

  /** Totals of `[from, to)` for the whole (segment-filtered) population and, if asked, per group. */
  evaluate(
    from: Instant,
    to: Instant,
    hooks: EvaluateOptions = {},
  ): { total: PeriodTotals; groups: PeriodTotals[] } {
    return this.evaluateWindows([{ from, to }], hooks)[0] as { total: PeriodTotals; groups: PeriodTotals[] };
  }

  /**
   * Totals of many windows in one pass over the entities (each entity's samples are one
   * contiguous row). The visitor, if any, sees entities in order and, per entity, windows in order.
   */
  evaluateWindows(
    windows: readonly Window[],
    hooks: EvaluateOptions = {},
  ): { total: PeriodTotals; groups: PeriodTotals[] }[] {
    const count = windows.length;
    const { timeline, width, options } = this;
    const currencyCount = timeline.currencies.length;
    const starts = new Int32Array(count);
    const ends = new Int32Array(count);
    const fromAt = new Float64Array(count);
    const toAt = new Float64Array(count);
    // Conversion factors per window and currency, at the window's start and end.
    const fromFactors = new Float64Array(count * currencyCount);
    const toFactors = new Float64Array(count * currencyCount);
    const sameRates = new Uint8Array(count);
    for (let w = 0; w < count; w++) {
      const { from, to } = windows[w] as Window;
      const i = this.boundaryIndex.get(from);
      const j = this.boundaryIndex.get(to);
      if (i === undefined || j === undefined) throw new Error('period boundaries were not sampled');
      starts[w] = i;
      ends[w] = j;
      fromAt[w] = from;
      toAt[w] = to;
      const f = this.factorsAt(from);
      const t = this.factorsAt(to);
      fromFactors.set(f, w * currencyCount);
      toFactors.set(t, w * currencyCount);
      sameRates[w] = f.every((x, c) => x === t[c]) ? 1 : 0;
    }
    const { laneStart, laneCurrency, firstPaidAt, paidUntil } = timeline.columns;
    const segment = options.segment;
    const needAttributes = Boolean(
      segment?.attributes?.length || hooks.groups || (hooks.visit && hooks.visitAttributes !== false),
    );
    // `sizeBands: []` is an empty set of bands: it selects nobody (absent = every band).
    const bands = segment?.sizeBands ? new Set(segment.sizeBands) : undefined;
    const thresholds = options.sizeBandThresholds ?? DEFAULT_SIZE_BAND_THRESHOLDS;
    const windowMs = reactivationWindowMs(options.reactivationWindowDays);
    const results = windows.map(() => ({ total: emptyTotals(), groups: [] as PeriodTotals[] }));
    const empty: Readonly<Record<string, string>> = {};

    // The span of time any window covers: entities entirely outside it are skipped unsampled.
    let earliest = Number.POSITIVE_INFINITY;
    let latest = Number.NEGATIVE_INFINITY;
    for (let w = 0; w < count; w++) {
      earliest = Math.min(earliest, fromAt[w] as number);
      latest = Math.max(latest, toAt[w] as number);
    }

    for (let e = 0; e < timeline.size; e++) {
      const firstLane = laneStart[e] as number;
      const lastLane = laneStart[e + 1] as number;
      if (firstLane === lastLane) continue;
      const paidAt = firstPaidAt[e] as number;
      const gone = paidUntil[e] as number;
      if (!(paidAt < latest) || gone < earliest) continue;
      const row = this.sample(e);
      const single = lastLane - firstLane === 1;
      const currency = laneCurrency[firstLane] as number;
      for (let w = 0; w < count; w++) {
        const from = fromAt[w] as number;
        const to = toAt[w] as number;
        // Not paying yet by `to`, or gone for good before `from`: no MRR at either end.
        if (!(paidAt < to) || gone < from) continue;
        let starting = 0;
        let ending = 0;
        let endingAtToRates = 0;
        if (single) {
          const s = row[starts[w] as number] as number;
          const t = row[ends[w] as number] as number;
          if (s === 0 && t === 0) continue;
          const factor = fromFactors[w * currencyCount + currency] as number;
          if (s !== 0) starting = convertUnits(s, factor);
          if (t !== 0) {
            ending = convertUnits(t, factor);
            endingAtToRates =
              sameRates[w] === 1
                ? ending
                : convertUnits(t, toFactors[w * currencyCount + currency] as number);
          }
        } else {
          for (let lane = firstLane; lane < lastLane; lane++) {
            const c = w * currencyCount + (laneCurrency[lane] as number);
            const base = (lane - firstLane) * width;
            const s = row[base + (starts[w] as number)] as number;
            const t = row[base + (ends[w] as number)] as number;
            if (s !== 0) starting += convertUnits(s, fromFactors[c] as number);
            if (t !== 0) {
              ending += convertUnits(t, fromFactors[c] as number);
              endingAtToRates += convertUnits(t, toFactors[c] as number);
            }
          }
        }
        if (starting === 0 && ending === 0) continue;
        const attributes = needAttributes
          ? attributesAt({ attributes: timeline.attributesOf(e) }, from)
          : empty;
        if (segment && !matchesAttributes(attributes, segment)) continue;
        const band =
          bands || hooks.groups ? sizeBandOf(starting > 0 ? starting : ending, thresholds) : undefined;
        if (bands && !bands.has(band as never)) continue;

        const kind = classifyMovement(timeline, e, starting, ending, windows[w] as Window, windowMs);
        const fx = endingAtToRates - ending;
        const result = results[w] as { total: PeriodTotals; groups: PeriodTotals[] };
        accumulate(result.total, starting, ending, kind, fx);
        if (hooks.groups) {
          const index = hooks.groups.of(attributes, starting > 0 ? starting : ending);
          result.groups[index] ??= emptyTotals();
          accumulate(result.groups[index], starting, ending, kind, fx);
        }
        hooks.visit?.({ entity: e, startingMrr: starting, endingMrr: ending, kind, attributes });
      }
    }
    for (const result of results) {
      for (let g = 0; g < result.groups.length; g++) result.groups[g] ??= emptyTotals();
    }
    return results;
  }
}

function accumulate(
  totals: PeriodTotals,
  starting: number,
  ending: number,
  kind: MovementKind | null,
  fx: number,
) {
  totals.endingMrr += ending;
  totals.fxImpact += fx;
  if (ending > 0) totals.ending++;
  if (starting > 0) {
    totals.starting++;
    totals.startingMrr += starting;
    totals.cohortEndingMrr += ending;
    totals.grossRetainedMrr += Math.min(starting, ending);
    pushTop(totals.topStarting, starting);
    if (ending > 0) totals.retained++;
  }
  switch (kind) {
    case 'CHURN':
      totals.churn += starting;
      totals.churned++;
      break;
    case 'EXPANSION':
      totals.expansion += ending - starting;
      totals.expanded++;
      pushTop(totals.topExpansion, ending - starting);
      break;
    case 'CONTRACTION':
      totals.contraction += starting - ending;
      totals.contracted++;
      break;
    case 'NEW':
      totals.newBusiness += ending;
      totals.new++;
      break;
    case 'REACTIVATION':
      totals.reactivation += ending;
      totals.reactivated++;
      break;
    case null:
      break;
    default:
      kind satisfies never;
  }
}

/** Adds `b` into `a` (amounts and counts; top lists merged). */
export function addTotals(a: PeriodTotals, b: PeriodTotals): void {
  for (const key of Object.keys(a) as (keyof PeriodTotals)[]) {
    if (key === 'topStarting' || key === 'topExpansion') {
      for (const v of b[key]) pushTop(a[key], v);
    } else (a[key] as number) += b[key] as number;
  }
}

/** The reporting currency: the rate table's, else the only currency in the data. */
export function reportingCurrencyOf(timeline: Timeline, rates: ExchangeRates | undefined): string {
  if (rates) return rates.reportingCurrency;
  if (timeline.currencies.length > 1) {
    throw new EngineError(
      'REPORTING_CURRENCY_REQUIRED',
      `the data holds ${timeline.currencies.length} currencies (${timeline.currencies.join(', ')}); ` +
        'pass exchange rates with a reporting currency to combine them',
    );
  }
  return timeline.currencies[0] ?? 'USD';
}

/** Conversion factor per currency index of the timeline, at the rates in force at `at`. */
export function conversionFactors(
  timeline: Timeline,
  reportingCurrency: string,
  rates: ExchangeRates | undefined,
  at: Instant,
): Float64Array {
  const factors = new Float64Array(timeline.currencies.length);
  timeline.currencies.forEach((currency, c) => {
    const rate = currency === reportingCurrency ? 1 : rates?.rateAt(currency, at);
    if (rate === undefined) {
      const date = new Date(at).toISOString().slice(0, 10);
      throw new EngineError(
        'MISSING_FX_RATE',
        `no exchange rate from ${currency} to ${reportingCurrency} at ${date}; add ${currency} to the rate table`,
        { currency, reportingCurrency, date },
      );
    }
    factors[c] = rate;
  });
  return factors;
}

/** The reactivation window in milliseconds; `undefined` (any gap is a reactivation) when not set. */
export function reactivationWindowMs(days: number | null | undefined): number | undefined {
  return days === null || days === undefined ? undefined : days * MS_PER_DAY;
}

/**
 * The movement of an entity between MRR `starting` and `ending` across `[from, to)` (retention
 * semantics §4): churn, expansion or contraction for a paying entity; for one that was not paying,
 * reactivation if it paid before `from` (and, with a window, returned within it), else new
 * business; `null` when nothing changed. The one classification the bridge and the ledger share.
 */
export function classifyMovement(
  timeline: Timeline,
  entity: number,
  starting: MoneyUnits,
  ending: MoneyUnits,
  window: { readonly from: Instant; readonly to: Instant },
  reactivationWindow: number | undefined,
): MovementKind | null {
  if (starting > 0) {
    if (ending === 0) return 'CHURN';
    return ending > starting ? 'EXPANSION' : ending < starting ? 'CONTRACTION' : null;
  }
  if (ending === 0) return null;
  const paidBefore = (timeline.columns.firstPaidAt[entity] as number) < window.from;
  return paidBefore &&
    (reactivationWindow === undefined ||
      reactivationGap(timeline, entity, window.from, window.to) <= reactivationWindow)
    ? 'REACTIVATION'
    : 'NEW';
}

/**
 * For an entity with no MRR at `from` that pays again within `[from, to)`: the time between its
 * MRR last dropping to zero before `from` and it first becoming positive again.
 */
export function reactivationGap(timeline: Timeline, entity: number, from: Instant, to: Instant): number {
  const { laneStart, changeStart, times, values } = timeline.columns;
  const firstLane = laneStart[entity] as number;
  if ((laneStart[entity + 1] as number) - firstLane === 1) {
    // One currency (almost every entity): its changes are already ascending, so the walk below
    // needs no merged, sorted copy (a repeated instant keeps its last value, as below).
    let positive = false;
    let droppedAt = Number.NEGATIVE_INFINITY;
    const end = changeStart[firstLane + 1] as number;
    for (let p = changeStart[firstLane] as number; p < end; ) {
      const at = times[p] as number;
      let value = values[p] as number;
      for (p++; p < end && (times[p] as number) === at; p++) value = values[p] as number;
      const now = value > 0;
      if (at < from && positive && !now) droppedAt = at;
      if (at >= from && at < to && !positive && now) return at - droppedAt;
      positive = now;
    }
    return Number.POSITIVE_INFINITY;
  }
  const events: { at: number; lane: number; value: number }[] = [];
  for (let lane = laneStart[entity] as number; lane < (laneStart[entity + 1] as number); lane++) {
    for (let p = changeStart[lane] as number; p < (changeStart[lane + 1] as number); p++) {
      events.push({ at: times[p] as number, lane, value: values[p] as number });
    }
  }
  events.sort((a, b) => a.at - b.at);
  const current = new Map<number, number>();
  let positive = false;
  let droppedAt = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < events.length; ) {
    const at = (events[k] as { at: number }).at;
    for (; k < events.length && (events[k] as { at: number }).at === at; k++) {
      const event = events[k] as { lane: number; value: number };
      current.set(event.lane, event.value);
    }
    const now = [...current.values()].some((v) => v > 0);
    if (at < from && positive && !now) droppedAt = at;
    if (at >= from && at < to && !positive && now) return at - droppedAt;
    positive = now;
  }
  return Number.POSITIVE_INFINITY;
}
