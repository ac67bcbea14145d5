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
  const entities: EntityTimeline[] = [];
  for (let e = 0; e < built.ids.length; e++) entities.push(materialize(built, e));
  return entities;
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
  /**
   * The spans, as runs of consecutive rows of one entity: run `r` is `spans[runStart[r] ..
   * runStart[r + 1]]`; entity `e` is the runs `runOrder[entityRuns[e] .. entityRuns[e + 1]]`.
   */
  readonly spans: readonly MrrSpan[];
  readonly runStart: readonly number[];
  readonly runOrder: readonly number[];
  readonly entityRuns: readonly number[];
  /** The latest change instant, or -Infinity. */
  readonly latest: number;
}

/**
 * The engine's timeline build, straight from spans to columns. Spans are read in runs of
 * consecutive rows of one entity (exports list a customer's rows together, so usually one run per
 * entity and nothing to sort); runs are sorted by id and merged only when they are not already
 * ascending. Each entity's steps are summed, coalesced and written into shared growable columns
 * through reused scratch buffers: no objects per entity or per change, and no per-span copies,
 * so a large build allocates little more than its result.
 */
function buildColumns(spans: readonly MrrSpan[], options: TimelineOptions): BuiltColumns {
  const grain = options.grain ?? 'CUSTOMER';
  const window = options.coalesceWindowMs ?? DEFAULT_COALESCE_WINDOW_MS;
  const atCancellation = options.churnDate === 'CANCELLATION';
  const count = spans.length;

  // Runs of consecutive spans of one entity.
  const runIds: string[] = [];
  const runCustomers: string[] = [];
  const runStarts: number[] = [];
  let previousCustomer: string | undefined;
  let previousSubscription: string | undefined;
  for (let k = 0; k < count; k++) {
    const span = spans[k] as MrrSpan;
    const customerId = span.customerId;
    if (grain === 'CUSTOMER') {
      if (customerId === previousCustomer) continue;
      runIds.push(customerId);
    } else {
      const subscriptionId = span.subscriptionId;
      if (customerId === previousCustomer && subscriptionId === previousSubscription) continue;
      runIds.push(subscriptionId);
      previousSubscription = subscriptionId;
    }
    runCustomers.push(customerId);
    runStarts.push(k);
    previousCustomer = customerId;
  }
  const runs = runIds.length;
  runStarts.push(count);
  const runStart = runStarts;

  // Entities sorted by id: runs in id order (then by customer at subscription grain, then
  // first-seen), runs of the same entity merged. Already ascending: nothing to sort.
  let ascending = true;
  for (let r = 1; r < runs && ascending; r++) ascending = (runIds[r - 1] as string) < (runIds[r] as string);
  let ids: string[];
  let customerIds: string[];
  let runOrder: number[];
  let entityRuns: number[];
  if (ascending) {
    ids = runIds;
    customerIds = runCustomers;
    runOrder = [];
    entityRuns = [0];
    for (let r = 0; r < runs; r++) {
      runOrder.push(r);
      entityRuns.push(r + 1);
    }
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
    runOrder = order;
    ids = [];
    customerIds = [];
    const starts: number[] = [];
    let previous = -1;
    for (let i = 0; i < runs; i++) {
      const r = order[i] as number;
      const same =
        previous >= 0 &&
        runIds[previous] === runIds[r] &&
        (grain === 'CUSTOMER' || runCustomers[previous] === runCustomers[r]);
      if (!same) {
        ids.push(runIds[r] as string);
        customerIds.push(runCustomers[r] as string);
        starts.push(i);
      }
      previous = r;
    }
    starts.push(runs);
    entityRuns = starts;
  }
  const size = ids.length;

  // Currencies by first appearance; sorted into code order at the end.
  const currencyOf = new Map<string, number>();
  const codes: string[] = [];
  let previousCode: string | undefined;
  let previousCurrency = -1;

  // The columns are plain arrays, on the JavaScript heap: typed arrays would be external memory,
  // whose fixed 64 MB allowance between collections makes every large build force a full
  // collection of the caller's whole heap (seconds, with a million customers' spans in memory).
  const laneStart: number[] = [];
  const laneCurrency: number[] = [];
  const changeStart: number[] = [];
  const times: number[] = [];
  const values: number[] = [];
  const firstPaidAt: number[] = [];
  const paidUntil: number[] = [];
  const scratch = new Scratch();
  let local = new Int32Array(4);
  let totals = new Float64Array(4);
  let lane = 0;
  let change = 0;
  let latest = Number.NEGATIVE_INFINITY;

  for (let e = 0; e < size; e++) {
    laneStart.push(lane);
    let spanCount = 0;
    for (let i = entityRuns[e] as number; i < (entityRuns[e + 1] as number); i++) {
      const r = runOrder[i] as number;
      spanCount += (runStart[r + 1] as number) - (runStart[r] as number);
    }
    scratch.reserve(2 * spanCount, 1);
    const { stepAt, stepDelta, stepCurrency } = scratch;

    // Steps: +mrr at each start, -mrr at each end; the entity's currencies, by first appearance.
    let steps = 0;
    let laneCount = 0;
    for (let i = entityRuns[e] as number; i < (entityRuns[e + 1] as number); i++) {
      const r = runOrder[i] as number;
      for (let k = runStart[r] as number; k < (runStart[r + 1] as number); k++) {
        const span = spans[k] as MrrSpan;
        const start = span.start;
        let end = span.end ?? Number.POSITIVE_INFINITY;
        if (atCancellation) {
          const canceledAt = span.canceledAt;
          if (canceledAt !== undefined && canceledAt < end) end = canceledAt;
        }
        if (!(end > start)) continue;
        const code = span.currency;
        if (code !== previousCode) {
          let index = currencyOf.get(code);
          if (index === undefined) {
            index = codes.length;
            currencyOf.set(code, index);
            codes.push(code);
          }
          previousCode = code;
          previousCurrency = index;
        }
        const currency = previousCurrency;
        let known = 0;
        while (known < laneCount && local[known] !== currency) known++;
        if (known === laneCount) {
          if (laneCount === local.length) local = growInt(local, laneCount * 2);
          local[laneCount++] = currency;
        }
        const mrr = span.mrr;
        if (mrr === 0) continue;
        stepAt[steps] = start;
        stepDelta[steps] = mrr;
        stepCurrency[steps] = known;
        steps++;
        if (end !== Number.POSITIVE_INFINITY) {
          stepAt[steps] = end;
          stepDelta[steps] = -mrr;
          stepCurrency[steps] = known;
          steps++;
        }
      }
    }
    sortSteps(stepAt, stepDelta, stepCurrency, steps);
    if (laneCount > totals.length) totals = new Float64Array(laneCount * 2);
    scratch.reserve(steps, laneCount);

    // Running totals per currency (entity-local index) at each distinct instant.
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

    // One lane per currency, in code order: the instants where that currency's MRR changes.
    let lastChange = Number.NEGATIVE_INFINITY;
    let stillPaying = false;
    let paidAt = Number.NaN;
    const laneOrder =
      laneCount === 1
        ? ONLY_LANE
        : Array.from({ length: laneCount }, (_, c) => c).sort((x, y) =>
            (codes[local[x] as number] as string) < (codes[local[y] as number] as string) ? -1 : 1,
          );
    for (const c of laneOrder) {
      laneCurrency.push(local[c] as number);
      changeStart.push(change);
      let current = 0;
      for (let q = 0; q < groups; q++) {
        const value = groupValues[q * laneCount + c] as number;
        if (value === current) continue;
        const at = groupAt[q] as number;
        times.push(at);
        values.push(value);
        change++;
        current = value;
        if (at > lastChange) lastChange = at;
        if (value > 0 && !(paidAt <= at)) paidAt = at;
      }
      if (current !== 0) stillPaying = true;
      lane++;
    }
    firstPaidAt.push(paidAt);
    paidUntil.push(stillPaying ? Number.POSITIVE_INFINITY : lastChange);
    if (lastChange > latest) latest = lastChange;
  }
  laneStart.push(lane);
  changeStart.push(change);

  // Currency indices in code order (only currencies that have a lane: spans that held no time
  // add none).
  const used = new Uint8Array(codes.length);
  for (let l = 0; l < lane; l++) used[laneCurrency[l] as number] = 1;
  const currencies = codes.filter((_, c) => used[c] === 1).sort();
  const rank = codes.map((code) => currencies.indexOf(code));
  for (let l = 0; l < lane; l++) laneCurrency[l] = rank[laneCurrency[l] as number] as number;

  return {
    grain,
    ids,
    customerIds,
    currencies,
    spans,
    runStart,
    runOrder,
    entityRuns,
    latest,
    columns: { laneStart, laneCurrency, changeStart, times, values, firstPaidAt, paidUntil },
  };
}

/** The lane order of an entity billed in one currency. */
const ONLY_LANE: readonly number[] = [0];

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

/** The spans of one entity of built columns, in input order. */
function entitySpans(built: BuiltColumns, e: number): MrrSpan[] {
  const own: MrrSpan[] = [];
  for (let i = built.entityRuns[e] as number; i < (built.entityRuns[e + 1] as number); i++) {
    const r = built.runOrder[i] as number;
    for (let k = built.runStart[r] as number; k < (built.runStart[r + 1] as number); k++) {
      own.push(built.spans[k] as MrrSpan);
    }
  }
  return own;
}

/** One entity of built columns as a plain {@link EntityTimeline}. */
function materialize(
  built: BuiltColumns,
  e: number,
  attributes: readonly AttributeChange[] = attributeChanges(entitySpans(built, e)),
): EntityTimeline {
  const { laneStart, laneCurrency, changeStart, times, values } = built.columns;
  const lanes: CurrencyLane[] = [];
  for (let lane = laneStart[e] as number; lane < (laneStart[e + 1] as number); lane++) {
    const from = changeStart[lane] as number;
    const to = changeStart[lane + 1] as number;
    lanes.push({
      currency: built.currencies[laneCurrency[lane] as number] as string,
      at: times.slice(from, to),
      mrr: values.slice(from, to),
    });
  }
  return { id: built.ids[e] as string, customerId: built.customerIds[e] as string, lanes, attributes };
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
  /** The attribute snapshots of the entity at an index (without creating the whole entity). */
  attributesOf(index: number): readonly AttributeChange[];
  /** Index of an entity by id, or `undefined`. */
  indexOf(id: string): number | undefined;
  /** @internal Columnar index used by the engine. */
  readonly columns: TimelineColumns;
}

/** @internal Columnar storage: lanes of entity `e` are `laneStart[e] .. laneStart[e+1]`. */
export interface TimelineColumns {
  readonly laneStart: readonly number[];
  readonly laneCurrency: readonly number[];
  readonly changeStart: readonly number[];
  readonly times: readonly number[];
  readonly values: readonly number[];
  /** First instant the entity's MRR was above 0, or NaN. */
  readonly firstPaidAt: readonly number[];
  /** When the entity's MRR dropped to 0 for good (its last change), or +Infinity while still paying. */
  readonly paidUntil: readonly number[];
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

  // Packed arrays (not `new Array(n)`, which is holey), like buildTimeline's columns.
  const zeros = (n: number): number[] => {
    const array: number[] = [];
    for (let i = 0; i < n; i++) array.push(0);
    return array;
  };
  const laneStart = zeros(list.length + 1);
  const laneCurrency = zeros(laneCount);
  const changeStart = zeros(laneCount + 1);
  const times = zeros(changeCount);
  const values = zeros(changeCount);
  const firstPaidAt = zeros(list.length).fill(Number.NaN);
  const paidUntil = zeros(list.length);
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
    attributesOf: (e) => {
      const entity = list[e];
      if (!entity) throw new RangeError(`no entity at index ${e}`);
      return entity.attributes;
    },
    indexOf: (id) => index.get(id),
    columns: { laneStart, laneCurrency, changeStart, times, values, firstPaidAt, paidUntil },
  };
}

/**
 * Spans straight to a queryable timeline: the same timeline as {@link createTimeline} of
 * {@link buildEntityTimelines}, built without an object per entity (entities and their attribute
 * snapshots are created on demand). The timeline keeps a reference to `spans` for that.
 *
 * `asOf` (the end of known data) defaults to the latest change instant in the spans;
 * `asOfAtLeast` keeps that default unless the given instant is later (the time of the export
 * the spans come from: subscriptions still open then are known to be paying up to it).
 */
export function buildTimeline(
  spans: Iterable<MrrSpan>,
  options: TimelineOptions & { asOf?: Instant; asOfAtLeast?: Instant } = {},
): Timeline {
  const { asOf: given, asOfAtLeast, ...rest } = options;
  const built = buildColumns(Array.isArray(spans) ? spans : [...spans], rest);
  const size = built.ids.length;
  for (let e = 1; e < size; e++) {
    // Possible at subscription grain, when two customers use the same subscription id.
    if (built.ids[e - 1] === built.ids[e])
      throw new Error(`duplicate entity id in timeline: ${built.ids[e]}`);
  }
  const latest = Number.isFinite(built.latest) ? built.latest : 0;
  const asOf = given ?? (asOfAtLeast !== undefined && asOfAtLeast > latest ? asOfAtLeast : latest);
  const cache: (EntityTimeline | undefined)[] = new Array(size);
  const attributeCache: (readonly AttributeChange[] | undefined)[] = new Array(size);
  const attributesOf = (e: number): readonly AttributeChange[] => {
    if (!(e >= 0 && e < size)) throw new RangeError(`no entity at index ${e}`);
    let changes = attributeCache[e];
    if (!changes) {
      changes = attributeChanges(entitySpans(built, e));
      attributeCache[e] = changes;
    }
    return changes;
  };
  let index: Map<string, number> | undefined;
  let all: EntityTimeline[] | undefined;
  const entityAt = (e: number): EntityTimeline => {
    if (!(e >= 0 && e < size)) throw new RangeError(`no entity at index ${e}`);
    let entity = cache[e];
    if (!entity) {
      entity = materialize(built, e, attributesOf(e));
      cache[e] = entity;
    }
    return entity;
  };
  return {
    grain: built.grain,
    asOf,
    size,
    currencies: built.currencies,
    get entities() {
      all ??= Array.from({ length: size }, (_, e) => entityAt(e));
      return all;
    },
    entityAt,
    attributesOf,
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
