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
  const built = buildColumns(Array.isArray(spans) ? spans : [...spans], options);
  return Array.from({ length: built.ids.length }, (_, e) => materialize(built, e));
}

/** Growable scratch buffers for one entity at a time, reused across entities. */
class Scratch {
  stepAt = new Float64Array(64);
  stepDelta = new Float64Array(64);
  stepCurrency = new Int32Array(64);
  pointAt = new Float64Array(64);
  pointValues = new Float64Array(64);
  groupAt = new Float64Array(64);
  groupValues = new Float64Array(64);

  /** Makes room for `steps` steps over `currencies` currencies. */
  reserve(steps: number, currencies: number): void {
    if (steps > this.stepAt.length) {
      const size = Math.max(steps, this.stepAt.length * 2);
      this.stepAt = grow(this.stepAt, size);
      this.stepDelta = grow(this.stepDelta, size);
      this.stepCurrency = growInt(this.stepCurrency, size);
      this.pointAt = new Float64Array(size);
      this.groupAt = new Float64Array(size);
    }
    const cells = this.stepAt.length * currencies;
    if (cells > this.pointValues.length) {
      this.pointValues = new Float64Array(cells);
      this.groupValues = new Float64Array(cells);
    }
  }
}

function grow(array: Float64Array, size: number): Float64Array<ArrayBuffer> {
  const next = new Float64Array(size);
  next.set(array);
  return next;
}

function growInt(array: Int32Array, size: number): Int32Array<ArrayBuffer> {
  const next = new Int32Array(size);
  next.set(array);
  return next;
}

/** Columns built from spans, plus what is needed to materialise an entity on demand. */
interface BuiltColumns {
  readonly grain: Grain;
  readonly ids: readonly string[];
  readonly customerIds: readonly string[];
  readonly currencies: readonly string[];
  readonly columns: TimelineColumns;
  /** The spans, and each entity's span indices (`spanOrder[spanStart[e] .. spanStart[e + 1]]`, in input order). */
  readonly spans: readonly MrrSpan[];
  readonly spanOrder: Int32Array;
  readonly spanStart: Int32Array;
  /** The latest change instant, or -Infinity. */
  readonly latest: number;
}

/**
 * The engine's timeline build, straight from spans to columns: entities are grouped with one map
 * lookup per span and counting-sorted, and each entity's steps are summed, coalesced and written
 * into shared typed arrays through reused scratch buffers (no objects per entity or per change).
 */
function buildColumns(spans: readonly MrrSpan[], options: TimelineOptions): BuiltColumns {
  const grain = options.grain ?? 'CUSTOMER';
  const window = options.coalesceWindowMs ?? DEFAULT_COALESCE_WINDOW_MS;
  const atCancellation = options.churnDate === 'CANCELLATION';
  const count = spans.length;

  // Runs of consecutive spans of one entity (exports list a customer's rows together, so there
  // are usually as many runs as entities), and each span's currency, start, effective end
  // (+Infinity while open; NaN when the span holds no time) and MRR, read from the objects once.
  const runIds: string[] = [];
  const runCustomers: string[] = [];
  const spanRun = new Int32Array(count);
  const currencyOf = new Map<string, number>();
  const spanCurrency = new Int32Array(count);
  const spanFrom = new Float64Array(count);
  const spanTo = new Float64Array(count);
  const spanMrr = new Float64Array(count);
  let previousCustomer: string | undefined;
  let previousSubscription: string | undefined;
  let previousCurrencyCode: string | undefined;
  let previousCurrency = -1;
  for (let k = 0; k < count; k++) {
    const span = spans[k] as MrrSpan;
    const customerId = span.customerId;
    const subscriptionId = span.subscriptionId;
    if (
      customerId !== previousCustomer ||
      (grain === 'SUBSCRIPTION' && subscriptionId !== previousSubscription)
    ) {
      runIds.push(grain === 'CUSTOMER' ? customerId : subscriptionId);
      runCustomers.push(customerId);
      previousCustomer = customerId;
      previousSubscription = subscriptionId;
    }
    spanRun[k] = runIds.length - 1;
    const code = span.currency;
    if (code !== previousCurrencyCode) {
      let currency = currencyOf.get(code);
      if (currency === undefined) {
        currency = currencyOf.size;
        currencyOf.set(code, currency);
      }
      previousCurrencyCode = code;
      previousCurrency = currency;
    }
    spanCurrency[k] = previousCurrency;
    const start = span.start;
    let end = span.end ?? Number.POSITIVE_INFINITY;
    if (atCancellation) {
      const canceledAt = span.canceledAt;
      if (canceledAt !== undefined && canceledAt < end) end = canceledAt;
    }
    spanFrom[k] = start;
    spanTo[k] = end > start ? end : Number.NaN;
    spanMrr[k] = span.mrr;
  }
  const runs = runIds.length;

  // Entities sorted by id: runs in id order (then by customer at subscription grain, then
  // first-seen), runs of the same entity merged. Already ascending: nothing to sort.
  let ascending = true;
  for (let r = 1; r < runs && ascending; r++) ascending = (runIds[r - 1] as string) < (runIds[r] as string);
  const rank = new Int32Array(runs);
  let ids: string[];
  let customerIds: string[];
  if (ascending) {
    for (let r = 0; r < runs; r++) rank[r] = r;
    ids = runIds;
    customerIds = runCustomers;
  } else {
    const order = Array.from({ length: runs }, (_, r) => r);
    const customerKey = grain === 'SUBSCRIPTION';
    order.sort((a, b) => {
      const x = runIds[a] as string;
      const y = runIds[b] as string;
      if (x !== y) return x < y ? -1 : 1;
      if (customerKey) {
        const p = runCustomers[a] as string;
        const q = runCustomers[b] as string;
        if (p !== q) return p < q ? -1 : 1;
      }
      return a - b;
    });
    ids = [];
    customerIds = [];
    let previous = -1;
    for (const r of order) {
      const same =
        previous >= 0 &&
        runIds[previous] === runIds[r] &&
        (grain === 'CUSTOMER' || runCustomers[previous] === runCustomers[r]);
      if (!same) {
        ids.push(runIds[r] as string);
        customerIds.push(runCustomers[r] as string);
      }
      rank[r] = ids.length - 1;
      previous = r;
    }
  }
  const size = ids.length;

  // Spans counting-sorted by entity, stable (input order within an entity).
  const spanStart = new Int32Array(size + 1);
  for (let k = 0; k < count; k++) {
    const e = rank[spanRun[k] as number] as number;
    spanStart[e + 1] = (spanStart[e + 1] as number) + 1;
  }
  for (let e = 0; e < size; e++) spanStart[e + 1] = (spanStart[e + 1] as number) + (spanStart[e] as number);
  let spanOrder: Int32Array;
  if (ascending) {
    spanOrder = new Int32Array(count);
    for (let k = 0; k < count; k++) spanOrder[k] = k;
  } else {
    const fill = spanStart.slice(0, size);
    spanOrder = new Int32Array(count);
    for (let k = 0; k < count; k++) {
      const e = rank[spanRun[k] as number] as number;
      spanOrder[fill[e] as number] = k;
      fill[e] = (fill[e] as number) + 1;
    }
  }

  // Currency indices in code order.
  const currencies = [...currencyOf.keys()].sort();
  const currencyRank = new Int32Array(currencies.length);
  for (const [code, index] of currencyOf) currencyRank[index] = currencies.indexOf(code);

  // Each span adds at most one lane and two changes.
  const laneStart = new Int32Array(size + 1);
  const laneCurrencyBuffer = new Int32Array(count);
  const changeStartBuffer = new Int32Array(count + 1);
  const timesBuffer = new Float64Array(2 * count);
  const valuesBuffer = new Float64Array(2 * count);
  const firstPaidAt = new Float64Array(size).fill(Number.NaN);
  const paidUntil = new Float64Array(size);
  const scratch = new Scratch();
  const local = new Int32Array(Math.max(1, currencies.length));
  const totals = new Float64Array(Math.max(1, currencies.length));
  let lane = 0;
  let change = 0;
  let latest = Number.NEGATIVE_INFINITY;

  for (let e = 0; e < size; e++) {
    laneStart[e] = lane;
    const first = spanStart[e] as number;
    const last = spanStart[e + 1] as number;
    scratch.reserve(2 * (last - first), currencies.length);
    const { stepAt, stepDelta, stepCurrency } = scratch;

    // Steps: +mrr at each start, -mrr at each end; the entity's currencies, ascending.
    let steps = 0;
    let laneCount = 0;
    for (let k = first; k < last; k++) {
      const index = spanOrder[k] as number;
      const end = spanTo[index] as number;
      if (Number.isNaN(end)) continue;
      const currency = currencyRank[spanCurrency[index] as number] as number;
      let known = 0;
      while (known < laneCount && local[known] !== currency) known++;
      if (known === laneCount) {
        // Insert keeping ascending order.
        let at = laneCount++;
        while (at > 0 && (local[at - 1] as number) > currency) {
          local[at] = local[at - 1] as number;
          at--;
        }
        local[at] = currency;
      }
      const mrr = spanMrr[index] as number;
      if (mrr === 0) continue;
      stepAt[steps] = spanFrom[index] as number;
      stepDelta[steps] = mrr;
      stepCurrency[steps] = currency;
      steps++;
      if (end !== Number.POSITIVE_INFINITY) {
        stepAt[steps] = end;
        stepDelta[steps] = -mrr;
        stepCurrency[steps] = currency;
        steps++;
      }
    }
    sortSteps(stepAt, stepDelta, stepCurrency, steps);
    if (laneCount > 1) {
      for (let i = 0; i < steps; i++) {
        let c = 0;
        while (local[c] !== stepCurrency[i]) c++;
        stepCurrency[i] = c;
      }
    } else stepCurrency.fill(0, 0, steps);

    // Running totals per currency at each distinct instant.
    const { pointAt, pointValues, groupAt, groupValues } = scratch;
    totals.fill(0, 0, laneCount);
    let points = 0;
    for (let i = 0; i < steps; ) {
      const at = stepAt[i] as number;
      for (; i < steps && stepAt[i] === at; i++) {
        const c = stepCurrency[i] as number;
        totals[c] = (totals[c] as number) + (stepDelta[i] as number);
      }
      pointAt[points] = at;
      for (let c = 0; c < laneCount; c++) pointValues[points * laneCount + c] = totals[c] as number;
      points++;
    }

    // Coalesce: a group starts at a change and takes every change within `window` of it; it is
    // dated at its first instant and carries the state after its last change.
    let groups = 0;
    for (let i = 0; i < points; ) {
      const groupStart = pointAt[i] as number;
      let lastPoint = i;
      for (i++; i < points && (pointAt[i] as number) - groupStart < window; i++) lastPoint = i;
      let differs = false;
      for (let c = 0; c < laneCount && !differs; c++) {
        const previous = groups === 0 ? 0 : (groupValues[(groups - 1) * laneCount + c] as number);
        differs = pointValues[lastPoint * laneCount + c] !== previous;
      }
      if (differs) {
        groupAt[groups] = groupStart;
        for (let c = 0; c < laneCount; c++) {
          groupValues[groups * laneCount + c] = pointValues[lastPoint * laneCount + c] as number;
        }
        groups++;
      }
    }

    // One lane per currency: the instants where that currency's MRR changes.
    let lastChange = Number.NEGATIVE_INFINITY;
    let stillPaying = false;
    let paidAt = Number.NaN;
    for (let c = 0; c < laneCount; c++) {
      laneCurrencyBuffer[lane] = local[c] as number;
      changeStartBuffer[lane] = change;
      let current = 0;
      for (let q = 0; q < groups; q++) {
        const value = groupValues[q * laneCount + c] as number;
        if (value === current) continue;
        const at = groupAt[q] as number;
        timesBuffer[change] = at;
        valuesBuffer[change] = value;
        change++;
        current = value;
        if (at > lastChange) lastChange = at;
        if (value > 0 && !(paidAt <= at)) paidAt = at;
      }
      if (current !== 0) stillPaying = true;
      lane++;
    }
    firstPaidAt[e] = paidAt;
    paidUntil[e] = stillPaying ? Number.POSITIVE_INFINITY : lastChange;
    if (lastChange > latest) latest = lastChange;
  }
  laneStart[size] = lane;
  changeStartBuffer[lane] = change;

  // Currencies of spans that held no time (end ≤ start) have no lane: drop them from the list.
  const used = new Int32Array(currencies.length).fill(-1);
  for (let l = 0; l < lane; l++) used[laneCurrencyBuffer[l] as number] = 1;
  const kept = currencies.filter((_, c) => used[c] === 1);
  if (kept.length < currencies.length) {
    for (let c = 0, next = 0; c < currencies.length; c++) if (used[c] === 1) used[c] = next++;
    for (let l = 0; l < lane; l++) laneCurrencyBuffer[l] = used[laneCurrencyBuffer[l] as number] as number;
  }

  return {
    grain,
    ids,
    customerIds,
    currencies: kept,
    spans,
    spanOrder,
    spanStart,
    latest,
    columns: {
      laneStart,
      laneCurrency: laneCurrencyBuffer.slice(0, lane),
      changeStart: changeStartBuffer.slice(0, lane + 1),
      times: timesBuffer.slice(0, change),
      values: valuesBuffer.slice(0, change),
      firstPaidAt,
      paidUntil,
    },
  };
}

/** Sorts the first `n` steps by instant (the order of equal instants does not matter: they are summed). */
function sortSteps(at: Float64Array, delta: Float64Array, currency: Int32Array, n: number): void {
  if (n <= 32) {
    for (let i = 1; i < n; i++) {
      const t = at[i] as number;
      if ((at[i - 1] as number) <= t) continue;
      const d = delta[i] as number;
      const c = currency[i] as number;
      let j = i - 1;
      for (; j >= 0 && (at[j] as number) > t; j--) {
        at[j + 1] = at[j] as number;
        delta[j + 1] = delta[j] as number;
        currency[j + 1] = currency[j] as number;
      }
      at[j + 1] = t;
      delta[j + 1] = d;
      currency[j + 1] = c;
    }
    return;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (at[a] as number) - (at[b] as number));
  const at2 = order.map((i) => at[i] as number);
  const delta2 = order.map((i) => delta[i] as number);
  const currency2 = order.map((i) => currency[i] as number);
  at.set(at2);
  delta.set(delta2);
  currency.set(currency2);
}

/** One entity of built columns as a plain {@link EntityTimeline}. */
function materialize(built: BuiltColumns, e: number): EntityTimeline {
  const { laneStart, laneCurrency, changeStart, times, values } = built.columns;
  const lanes: CurrencyLane[] = [];
  for (let lane = laneStart[e] as number; lane < (laneStart[e + 1] as number); lane++) {
    const from = changeStart[lane] as number;
    const to = changeStart[lane + 1] as number;
    lanes.push({
      currency: built.currencies[laneCurrency[lane] as number] as string,
      at: Array.from(times.subarray(from, to)),
      mrr: Array.from(values.subarray(from, to)),
    });
  }
  const own: MrrSpan[] = [];
  for (let k = built.spanStart[e] as number; k < (built.spanStart[e + 1] as number); k++) {
    own.push(built.spans[built.spanOrder[k] as number] as MrrSpan);
  }
  return {
    id: built.ids[e] as string,
    customerId: built.customerIds[e] as string,
    lanes,
    attributes: attributeChanges(own),
  };
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
  /**
   * The entities, in index order. A timeline built from spans ({@link buildTimeline}) creates
   * these objects on first access; the engine itself reads {@link Timeline.columns}.
   */
  readonly entities: readonly EntityTimeline[];
  /** The entity at an index (created on demand for a timeline built from spans). */
  entityAt(index: number): EntityTimeline;
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
    entityAt: (e) => {
      const entity = list[e];
      if (!entity) throw new RangeError(`no entity at index ${e}`);
      return entity;
    },
    indexOf: (id) => index.get(id),
    columns: { laneStart, laneCurrency, changeStart, times, values, firstPaidAt, paidUntil },
  };
}

/**
 * Spans straight to a queryable timeline: the same timeline as {@link createTimeline} of
 * {@link buildEntityTimelines}, built without an object per entity (entities and their attribute
 * snapshots are created on demand). The timeline keeps a reference to `spans` for that.
 */
export function buildTimeline(
  spans: Iterable<MrrSpan>,
  options: TimelineOptions & { asOf?: Instant } = {},
): Timeline {
  const { asOf, ...rest } = options;
  const built = buildColumns(Array.isArray(spans) ? spans : [...spans], rest);
  const size = built.ids.length;
  for (let e = 1; e < size; e++) {
    // Possible at subscription grain, when two customers use the same subscription id.
    if (built.ids[e - 1] === built.ids[e])
      throw new Error(`duplicate entity id in timeline: ${built.ids[e]}`);
  }
  const cache: (EntityTimeline | undefined)[] = new Array(size);
  let index: Map<string, number> | undefined;
  let all: EntityTimeline[] | undefined;
  const entityAt = (e: number): EntityTimeline => {
    if (!(e >= 0 && e < size)) throw new RangeError(`no entity at index ${e}`);
    let entity = cache[e];
    if (!entity) {
      entity = materialize(built, e);
      cache[e] = entity;
    }
    return entity;
  };
  return {
    grain: built.grain,
    asOf: asOf ?? (Number.isFinite(built.latest) ? built.latest : 0),
    size,
    currencies: built.currencies,
    get entities() {
      all ??= Array.from({ length: size }, (_, e) => entityAt(e));
      return all;
    },
    entityAt,
    indexOf(id) {
      if (!index) {
        index = new Map();
        for (let e = 0; e < size; e++) index.set(built.ids[e] as string, e);
      }
      return index.get(id);
    },
    columns: built.columns,
  };
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
