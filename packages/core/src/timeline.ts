/**
 * The timeline: spans become per-entity MRR histories that the retention functions query. The
 * types are in ./timeline-types.ts; the build's parts are ./internal/timeline-runs.ts (entities in
 * id order), ./internal/timeline-steps.ts (one entity's changes) and
 * ./internal/timeline-columns.ts (the engine's columns).
 */
import type { Instant } from './dates.ts';
import {
  attributeChangesOf,
  buildColumns,
  DEFAULT_COALESCE_WINDOW_MS,
  materializeEntity,
} from './internal/timeline-columns.ts';
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
      changes = attributeChangesOf(built, e);
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
      entity = materializeEntity(built, e, attributesOf(e));
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
