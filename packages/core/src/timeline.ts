/**
 * The timeline: spans become per-entity MRR histories that the retention functions query. The
 * types are in ./timeline-types.ts; the build's parts are ./internal/timeline-runs.ts (entities in
 * id order), ./internal/timeline-steps.ts (one entity's changes) and
 * ./internal/timeline-columns.ts (the engine's columns); patching a built timeline is
 * ./internal/timeline-splice.ts.
 */
import type { Instant } from './dates.ts';
import {
  attributeChangesOf,
  type BuiltColumns,
  buildColumns,
  DEFAULT_COALESCE_WINDOW_MS,
  materializeEntity,
} from './internal/timeline-columns.ts';
import { laneCountsOf, spliceColumns } from './internal/timeline-splice.ts';
import type { MoneyUnits } from './money.ts';
import type { MrrSpan } from './spans.ts';
import type {
  AttributeChange,
  EntityTimeline,
  Timeline,
  TimelineColumns,
  TimelineOptions,
} from './timeline-types.ts';

export type {
  AttributeChange,
  CurrencyLane,
  EntityTimeline,
  Timeline,
  TimelineColumns,
  TimelineOptions,
} from './timeline-types.ts';
export { DEFAULT_COALESCE_WINDOW_MS };

/**
 * Spans to a queryable timeline, the one way timelines are built (retention semantics §3): each
 * entity's spans are summed per currency into a step function, the churn-date policy is applied
 * and changes within the coalescing window are merged. Spans may come in any order; entities are
 * sorted by id. The engine reads the timeline's columns; entities and their attribute snapshots
 * are created on demand, so the timeline keeps a reference to `spans`. Throws when two entities
 * share an id (possible at subscription grain, when two customers use the same subscription id).
 *
 * `asOf` (the end of known data) defaults to the latest change instant in the spans;
 * `asOfAtLeast` keeps that default unless the given instant is later (the time of the export
 * the spans come from: subscriptions still open then are known to be paying up to it).
 */
export function buildTimeline(
  spans: Iterable<MrrSpan>,
  options: TimelineOptions & { asOf?: Instant; asOfAtLeast?: Instant } = {},
): Timeline {
  const { asOf, asOfAtLeast, ...rest } = options;
  const built = buildColumns(Array.isArray(spans) ? spans : [...spans], rest);
  checkDistinctIds(built.ids, 1, built.ids.length);
  const end: EndOfData =
    asOf !== undefined ? { kind: 'GIVEN', asOf } : { kind: 'LATEST', atLeast: asOfAtLeast };
  return timelineOf({ built, options: rest, end, laneCounts: undefined });
}

/** Customers whose spans changed, with all their current spans. */
export interface TimelinePatch {
  /** Customers whose entities are replaced; a customer with no span in `spans` is removed. */
  readonly customerIds: Iterable<string>;
  /** Every current span of those customers (only theirs: another customer's span is an error). */
  readonly spans: readonly MrrSpan[];
  /** As buildTimeline's `asOfAtLeast`: the end of known data is at least this (e.g. the latest import's time). */
  readonly asOfAtLeast?: Instant;
}

/**
 * `base` with the patch's customers rebuilt under the options `base` was built with; the result
 * is indistinguishable from `buildTimeline` of base's spans minus those customers' plus
 * `patch.spans` (same options). `base` is left unchanged and stays usable.
 *
 * Only the patch's spans are built; every other entity's columns are copied as they are (cost
 * linear in the timeline's size, no per-entity work), so a patched timeline answers as a rebuilt
 * one would. At subscription grain every entity of a patched customer is replaced. The end of
 * known data stays when `base` was built with an explicit `asOf`; otherwise it is the latest
 * change, at least `patch.asOfAtLeast` when given, else at least base's `asOfAtLeast`. A patched
 * timeline can be patched again. Throws when a span's customer is not in `customerIds`, when the
 * patch makes two entities share an id (as `buildTimeline`), or when `base` was not built by
 * `buildTimeline` or `patchTimeline`.
 */
export function patchTimeline(base: Timeline, patch: TimelinePatch): Timeline {
  const state = builds.get(base);
  if (!state)
    throw new Error('patchTimeline: the base timeline was not made by buildTimeline or patchTimeline');
  const customers = new Set(patch.customerIds);
  patch.spans.forEach((span, k) => {
    if (!customers.has(span.customerId))
      throw new Error(
        `patchTimeline: spans[${k}] (customer ${JSON.stringify(span.customerId)}, subscription ` +
          `${JSON.stringify(span.subscriptionId)}) belongs to a customer that is not in the patch's ` +
          'customerIds; a patch carries only the spans of the customers it replaces',
      );
  });
  const { built: baseBuilt, options } = state;
  const fresh = buildColumns(patch.spans, options);
  const removed = entitiesOf(baseBuilt, customers);
  state.laneCounts ??= laneCountsOf(baseBuilt);
  const { built, laneCounts, inserted } = spliceColumns(baseBuilt, state.laneCounts, removed, fresh);
  for (const e of inserted) checkDistinctIds(built.ids, Math.max(1, e), Math.min(e + 2, built.ids.length));
  const end: EndOfData =
    state.end.kind === 'LATEST' && patch.asOfAtLeast !== undefined
      ? { kind: 'LATEST', atLeast: patch.asOfAtLeast }
      : state.end;
  return timelineOf({ built, options, end, laneCounts });
}

/** How a timeline's end of known data is set: given, or the latest change (at least some instant). */
type EndOfData =
  | { readonly kind: 'GIVEN'; readonly asOf: Instant }
  | { readonly kind: 'LATEST'; readonly atLeast: Instant | undefined };

/** What a timeline was built from and with, for {@link patchTimeline}. */
interface TimelineBuild {
  readonly built: BuiltColumns;
  readonly options: TimelineOptions;
  readonly end: EndOfData;
  /** Lanes per currency of `built.currencies`, computed on the first patch. */
  laneCounts: Int32Array | undefined;
}

/** Every timeline made here, with its build: the `Timeline` interface stays plain data and methods. */
const builds = new WeakMap<Timeline, TimelineBuild>();

/**
 * @internal Entity `e`'s id and customer id are `ids[e]` and `customerIds[e]`: read from the
 * build's columns, without creating the entity ({@link Timeline.entityAt} does, with its lanes and
 * attribute snapshots). A timeline not made by {@link buildTimeline} or {@link patchTimeline} has
 * no such columns: `undefined`, and the caller reads `entityAt`.
 */
export function entityIdColumnsOf(
  timeline: Timeline,
): { readonly ids: readonly string[]; readonly customerIds: readonly string[] } | undefined {
  return builds.get(timeline)?.built;
}

/** Throws when two consecutive ids of `ids[from - 1 .. to]` are equal. */
function checkDistinctIds(ids: readonly string[], from: number, to: number): void {
  for (let e = from; e < to; e++) {
    // Possible at subscription grain, when two customers use the same subscription id.
    if (ids[e - 1] === ids[e]) throw new Error(`duplicate entity id in timeline: ${ids[e]}`);
  }
}

/** Indices of the entities of `customers`, ascending. */
function entitiesOf(built: BuiltColumns, customers: ReadonlySet<string>): number[] {
  const found: number[] = [];
  if (built.grain === 'SUBSCRIPTION') {
    // Entities are ordered by subscription id: a customer's may be anywhere.
    for (let e = 0; e < built.customerIds.length; e++)
      if (customers.has(built.customerIds[e] as string)) found.push(e);
    return found;
  }
  for (const id of customers) {
    const e = indexOfSorted(built.ids, id);
    if (e >= 0) found.push(e);
  }
  return found.sort((a, b) => a - b);
}

function indexOfSorted(ids: readonly string[], id: string): number {
  let low = 0;
  let high = ids.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const other = ids[mid] as string;
    if (other === id) return mid;
    if (other < id) low = mid + 1;
    else high = mid - 1;
  }
  return -1;
}

/** The timeline over built columns, entities and attribute snapshots made on demand. */
function timelineOf(state: TimelineBuild): Timeline {
  const { built, end } = state;
  const size = built.ids.length;
  const latest = Number.isFinite(built.latest) ? built.latest : 0;
  const asOf =
    end.kind === 'GIVEN'
      ? end.asOf
      : end.atLeast !== undefined && end.atLeast > latest
        ? end.atLeast
        : latest;
  // Allocated on first use: a patched timeline that is only queried through its columns needs neither.
  let cache: (EntityTimeline | undefined)[] | undefined;
  let attributeCache: (readonly AttributeChange[] | undefined)[] | undefined;
  const attributesOf = (e: number): readonly AttributeChange[] => {
    if (!(e >= 0 && e < size)) throw new RangeError(`no entity at index ${e}`);
    attributeCache ??= new Array(size);
    let changes = attributeCache[e];
    if (!changes) {
      changes = attributeChangesOf(built, e);
      attributeCache[e] = changes;
    }
    return changes;
  };
  let index: Map<string, number> | undefined;
  let all: EntityTimeline[] | undefined;
  const entityAt = (e: number): EntityTimeline => {
    if (!(e >= 0 && e < size)) throw new RangeError(`no entity at index ${e}`);
    cache ??= new Array(size);
    let entity = cache[e];
    if (!entity) {
      entity = materializeEntity(built, e, attributesOf(e));
      cache[e] = entity;
    }
    return entity;
  };
  const timeline: Timeline = {
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
  builds.set(timeline, state);
  return timeline;
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
