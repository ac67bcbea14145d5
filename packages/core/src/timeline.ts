import type { Instant } from './dates.ts';
import type { MoneyUnits } from './money.ts';
import type { Grain } from './reports.ts';
import type { MrrSpan } from './spans.ts';

/** How spans become a timeline (retention semantics §3). */
export interface TimelineOptions {
  /** Entity whose MRR is compared: `'CUSTOMER'` (default) or `'SUBSCRIPTION'` (Chargebee-style). */
  readonly grain?: Grain;
  /**
   * Changes of one entity within this many milliseconds of the first change of a group coalesce
   * into one change, dated at the group's first instant, so that a plan switch (cancel + new
   * subscription) is one expansion or contraction rather than churn + new. Default 60 minutes.
   */
  readonly coalesceWindowMs?: number;
  /**
   * When churn is dated: `'END_OF_SERVICE'` (default: when the paid service period ends) or
   * `'CANCELLATION'` (when the customer asked to cancel, for spans that carry `canceledAt`).
   */
  readonly churnDate?: 'END_OF_SERVICE' | 'CANCELLATION';
}

/** The MRR of one entity in one currency over time: `mrr[i]` holds from `at[i]` until `at[i + 1]`. */
export interface CurrencyLane {
  readonly currency: string;
  /** Ascending instants of change. */
  readonly at: readonly Instant[];
  /** MRR in units from the matching instant on (0 after the last subscription ends). */
  readonly mrr: readonly MoneyUnits[];
}

/** The entity's attributes from `at` on (a full snapshot, not a diff). */
export interface AttributeChange {
  readonly at: Instant;
  readonly values: Readonly<Record<string, string>>;
}

/**
 * One customer's (or, at subscription grain, one subscription's) coalesced MRR history: plain,
 * JSON-serialisable data, so it can be stored per customer and rebuilt only for customers an
 * import touched.
 */
export interface EntityTimeline {
  /** Customer id, or subscription id at subscription grain. */
  readonly id: string;
  readonly customerId: string;
  /** One lane per currency the entity was ever billed in (almost always one). */
  readonly lanes: readonly CurrencyLane[];
  /** Attribute snapshots, ascending by `at`. */
  readonly attributes: readonly AttributeChange[];
}

export const DEFAULT_COALESCE_WINDOW_MS = 60 * 60 * 1000;

/**
 * Turns spans into per-entity timelines: sums each entity's spans per currency into a step
 * function, applies the churn-date policy and coalesces changes that fall within the window.
 * Spans may come in any order; the result is sorted by entity id.
 */
export function buildEntityTimelines(
  spans: Iterable<MrrSpan>,
  options: TimelineOptions = {},
): EntityTimeline[] {
  const grain = options.grain ?? 'CUSTOMER';
  const byEntity = new Map<string, MrrSpan[]>();
  for (const span of spans) {
    const key = grain === 'CUSTOMER' ? span.customerId : `${span.customerId}\u0000${span.subscriptionId}`;
    const list = byEntity.get(key);
    if (list) list.push(span);
    else byEntity.set(key, [span]);
  }
  const entities: EntityTimeline[] = [];
  for (const list of byEntity.values()) {
    const first = list[0] as MrrSpan;
    const id = grain === 'CUSTOMER' ? first.customerId : first.subscriptionId;
    entities.push(entityTimeline(id, first.customerId, list, options));
  }
  return entities.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

interface Step {
  at: Instant;
  currency: string;
  delta: MoneyUnits;
}

function entityTimeline(
  id: string,
  customerId: string,
  spans: MrrSpan[],
  options: TimelineOptions,
): EntityTimeline {
  const window = options.coalesceWindowMs ?? DEFAULT_COALESCE_WINDOW_MS;
  const atCancellation = options.churnDate === 'CANCELLATION';
  const steps: Step[] = [];
  const currencies = new Set<string>();
  for (const span of spans) {
    let end = span.end;
    if (atCancellation && span.canceledAt !== undefined && (end === null || span.canceledAt < end)) {
      end = span.canceledAt;
    }
    if (end !== null && end <= span.start) continue;
    currencies.add(span.currency);
    if (span.mrr === 0) continue;
    steps.push({ at: span.start, currency: span.currency, delta: span.mrr });
    if (end !== null) steps.push({ at: end, currency: span.currency, delta: -span.mrr });
  }
  steps.sort((a, b) => a.at - b.at);

  // Running totals per currency at each distinct instant.
  const order = [...currencies].sort();
  const totals = new Map<string, number>(order.map((c) => [c, 0]));
  const points: { at: Instant; values: number[] }[] = [];
  for (let i = 0; i < steps.length; ) {
    const at = (steps[i] as Step).at;
    for (; i < steps.length && (steps[i] as Step).at === at; i++) {
      const step = steps[i] as Step;
      totals.set(step.currency, (totals.get(step.currency) ?? 0) + step.delta);
    }
    points.push({ at, values: order.map((c) => totals.get(c) ?? 0) });
  }

  // Coalesce: a group starts at a change and takes every change within `window` of it; the group
  // is dated at its first instant and carries the state after its last change.
  const coalesced: { at: Instant; values: number[] }[] = [];
  let previous = order.map(() => 0);
  for (let i = 0; i < points.length; ) {
    const groupStart = (points[i] as { at: Instant }).at;
    let last = points[i] as { at: Instant; values: number[] };
    for (i++; i < points.length && (points[i] as { at: Instant }).at - groupStart < window; i++) {
      last = points[i] as { at: Instant; values: number[] };
    }
    if (last.values.some((v, c) => v !== previous[c])) {
      coalesced.push({ at: groupStart, values: last.values });
      previous = last.values;
    }
  }

  const lanes: CurrencyLane[] = order.map((currency, c) => {
    const at: Instant[] = [];
    const mrr: MoneyUnits[] = [];
    let current = 0;
    for (const point of coalesced) {
      const value = point.values[c] as number;
      if (value !== current) {
        at.push(point.at);
        mrr.push(value);
        current = value;
      }
    }
    return { currency, at, mrr };
  });

  return { id, customerId, lanes, attributes: attributeChanges(spans) };
}

function attributeChanges(spans: MrrSpan[]): AttributeChange[] {
  const withAttributes = spans.filter((s) => s.attributes && Object.keys(s.attributes).length > 0);
  withAttributes.sort((a, b) => a.start - b.start);
  const changes: AttributeChange[] = [];
  let current: Record<string, string> = {};
  for (const span of withAttributes) {
    const next = { ...current, ...span.attributes };
    if (!sameValues(current, next)) {
      const lastChange = changes[changes.length - 1];
      if (lastChange && lastChange.at === span.start)
        changes[changes.length - 1] = { at: span.start, values: next };
      else changes.push({ at: span.start, values: next });
      current = next;
    }
  }
  return changes;
}

function sameValues(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(b);
  return keys.length === Object.keys(a).length && keys.every((k) => a[k] === b[k]);
}

/**
 * An indexed, read-only collection of entity timelines that the retention functions query.
 * Build with {@link createTimeline} or {@link buildTimeline}.
 */
export interface Timeline {
  readonly grain: Grain;
  /** The end of known data: periods and cohort cells reaching past it are immature. */
  readonly asOf: Instant;
  /** Number of entities. */
  readonly size: number;
  /** Every currency any entity was billed in, sorted. */
  readonly currencies: readonly string[];
  /** The entities, in index order. */
  readonly entities: readonly EntityTimeline[];
  /** Index of an entity by id, or `undefined`. */
  indexOf(id: string): number | undefined;
  /** @internal Columnar index used by the engine. */
  readonly columns: TimelineColumns;
}

/** @internal Columnar storage: lanes of entity `e` are `laneStart[e] .. laneStart[e+1]`. */
export interface TimelineColumns {
  readonly laneStart: Int32Array;
  readonly laneCurrency: Int32Array;
  readonly changeStart: Int32Array;
  readonly times: Float64Array;
  readonly values: Float64Array;
  /** First instant the entity's MRR was above 0, or NaN. */
  readonly firstPaidAt: Float64Array;
  /** When the entity's MRR dropped to 0 for good (its last change), or +Infinity while still paying. */
  readonly paidUntil: Float64Array;
}

/**
 * Indexes entity timelines for querying. `asOf` (the end of known data) defaults to the latest
 * change instant in the data; pass the import time or "now" when subscriptions are still open.
 */
export function createTimeline(
  entities: Iterable<EntityTimeline>,
  options: { grain?: Grain; asOf?: Instant } = {},
): Timeline {
  const list = [...entities];
  const currencyIndex = new Map<string, number>();
  let laneCount = 0;
  let changeCount = 0;
  for (const entity of list) {
    for (const lane of entity.lanes) {
      laneCount++;
      changeCount += lane.at.length;
      if (!currencyIndex.has(lane.currency)) currencyIndex.set(lane.currency, currencyIndex.size);
    }
  }
  const currencies = [...currencyIndex.keys()].sort();
  for (const [i, c] of currencies.entries()) currencyIndex.set(c, i);

  const laneStart = new Int32Array(list.length + 1);
  const laneCurrency = new Int32Array(laneCount);
  const changeStart = new Int32Array(laneCount + 1);
  const times = new Float64Array(changeCount);
  const values = new Float64Array(changeCount);
  const firstPaidAt = new Float64Array(list.length).fill(Number.NaN);
  const paidUntil = new Float64Array(list.length);
  const index = new Map<string, number>();
  let lane = 0;
  let change = 0;
  let latest = Number.NEGATIVE_INFINITY;
  list.forEach((entity, e) => {
    if (index.has(entity.id)) throw new Error(`duplicate entity id in timeline: ${entity.id}`);
    index.set(entity.id, e);
    laneStart[e] = lane;
    let lastChange = Number.NEGATIVE_INFINITY;
    let stillPaying = false;
    for (const { currency, at, mrr } of entity.lanes) {
      const lastIndex = at.length - 1;
      if (lastIndex >= 0) {
        lastChange = Math.max(lastChange, at[lastIndex] as number);
        if ((mrr[lastIndex] as number) !== 0) stillPaying = true;
      }
      laneCurrency[lane] = currencyIndex.get(currency) as number;
      changeStart[lane] = change;
      for (let i = 0; i < at.length; i++) {
        const t = at[i] as number;
        times[change] = t;
        values[change] = mrr[i] as number;
        if (t > latest) latest = t;
        if ((mrr[i] as number) > 0 && !((firstPaidAt[e] as number) <= t)) firstPaidAt[e] = t;
        change++;
      }
      lane++;
    }
    paidUntil[e] = stillPaying ? Number.POSITIVE_INFINITY : lastChange;
  });
  laneStart[list.length] = lane;
  changeStart[laneCount] = change;

  return {
    grain: options.grain ?? 'CUSTOMER',
    asOf: options.asOf ?? (Number.isFinite(latest) ? latest : 0),
    size: list.length,
    currencies,
    entities: list,
    indexOf: (id) => index.get(id),
    columns: { laneStart, laneCurrency, changeStart, times, values, firstPaidAt, paidUntil },
  };
}

/** {@link buildEntityTimelines} then {@link createTimeline}: spans straight to a queryable timeline. */
export function buildTimeline(
  spans: Iterable<MrrSpan>,
  options: TimelineOptions & { asOf?: Instant } = {},
): Timeline {
  const { asOf, ...rest } = options;
  return createTimeline(buildEntityTimelines(spans, rest), {
    grain: options.grain ?? 'CUSTOMER',
    ...(asOf === undefined ? {} : { asOf }),
  });
}

/** MRR of one lane just before `at` (after every change effective strictly before it). */
export function laneValueBefore(columns: TimelineColumns, lane: number, at: Instant): MoneyUnits {
  const { changeStart, times, values } = columns;
  let low = changeStart[lane] as number;
  let high = (changeStart[lane + 1] as number) - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if ((times[mid] as number) < at) {
      found = mid;
      low = mid + 1;
    } else high = mid - 1;
  }
  return found < 0 ? 0 : (values[found] as number);
}
