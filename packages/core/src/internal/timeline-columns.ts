/**
 * The timeline build (../timeline.ts), straight from spans to the engine's columns: entities in id
 * order (./timeline-runs.ts), each entity's changes through reused scratch buffers
 * (./timeline-steps.ts), written into shared growable columns. No per-span copies and no objects
 * per entity or per change, so a large build allocates little more than its result; entities as
 * objects are made on demand from the columns and the spans ({@link materializeEntity}).
 */
import type { Grain } from '../reports.ts';
import type { MrrSpan } from '../spans.ts';
import type {
  AttributeChange,
  CurrencyLane,
  EntityTimeline,
  TimelineColumns,
  TimelineOptions,
} from '../timeline-types.ts';
import { type EntityRuns, entityRunsOf, spansOfEntity } from './timeline-runs.ts';
import { CurrencyCodes, coalesceSteps, collectSteps, EntityScratch } from './timeline-steps.ts';

/** Default of {@link TimelineOptions.coalesceWindowMs}: 60 minutes. */
export const DEFAULT_COALESCE_WINDOW_MS = 60 * 60 * 1000;

/** Columns built from spans, plus what is needed to materialise an entity on demand. */
export interface BuiltColumns extends EntityRuns {
  readonly grain: Grain;
  readonly currencies: readonly string[];
  readonly columns: TimelineColumns;
  /** The spans the columns were built from (entity `e`'s are {@link spansOfEntity}). */
  readonly spans: readonly MrrSpan[];
  /** The latest change instant, or -Infinity. */
  readonly latest: number;
}

/**
 * Builds the columns of `spans`: per entity, steps summed per currency, the churn-date policy
 * applied, changes within the coalescing window merged; one lane per currency, in code order.
 */
export function buildColumns(spans: readonly MrrSpan[], options: TimelineOptions): BuiltColumns {
  const grain = options.grain ?? 'CUSTOMER';
  const window = options.coalesceWindowMs ?? DEFAULT_COALESCE_WINDOW_MS;
  const atCancellation = options.churnDate === 'CANCELLATION';
  const runs = entityRunsOf(spans, grain);
  const currencies = new CurrencyCodes();
  const writer = new ColumnWriter();
  const scratch = new EntityScratch();
  for (let e = 0; e < runs.ids.length; e++) {
    collectSteps(scratch, spans, runs, e, currencies, atCancellation);
    coalesceSteps(scratch, window);
    writer.appendEntity(scratch, currencies.codes);
  }
  const { codes, columns, latest } = writer.finish(currencies.codes);
  return { grain, ...runs, currencies: codes, spans, latest, columns };
}

/** The lane order of an entity billed in one currency. */
const ONLY_LANE: readonly number[] = [0];

/**
 * The columns being written, one entity after another. They are plain arrays, on the JavaScript
 * heap: typed arrays would be external memory, whose fixed 64 MB allowance between collections
 * makes every large build force a full collection of the caller's whole heap (seconds, with a
 * million customers' spans in memory).
 */
class ColumnWriter {
  private readonly laneStart: number[] = [];
  private readonly laneCurrency: number[] = [];
  private readonly changeStart: number[] = [];
  private readonly times: number[] = [];
  private readonly values: number[] = [];
  private readonly firstPaidAt: number[] = [];
  private readonly paidUntil: number[] = [];
  private lane = 0;
  private change = 0;
  private latest = Number.NEGATIVE_INFINITY;

  /**
   * Appends the entity in `scratch` (after {@link coalesceSteps}): one lane per currency, in
   * code order, holding the instants where that currency's MRR changes.
   */
  appendEntity(scratch: EntityScratch, codes: readonly string[]): void {
    const { lanes, groups, groupAt, groupValues, local } = scratch;
    const { laneCurrency, changeStart, times, values } = this;
    this.laneStart.push(this.lane);
    let lastChange = Number.NEGATIVE_INFINITY;
    let stillPaying = false;
    let paidAt = Number.NaN;
    const laneOrder =
      lanes === 1
        ? ONLY_LANE
        : Array.from({ length: lanes }, (_, c) => c).sort((x, y) =>
            (codes[local[x] as number] as string) < (codes[local[y] as number] as string) ? -1 : 1,
          );
    let lane = this.lane;
    let change = this.change;
    for (const c of laneOrder) {
      laneCurrency.push(local[c] as number);
      changeStart.push(change);
      let current = 0;
      for (let q = 0; q < groups; q++) {
        const value = groupValues[q * lanes + c] as number;
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
    this.lane = lane;
    this.change = change;
    this.firstPaidAt.push(paidAt);
    this.paidUntil.push(stillPaying ? Number.POSITIVE_INFINITY : lastChange);
    if (lastChange > this.latest) this.latest = lastChange;
  }

  /**
   * Closes the columns and renumbers lane currencies into code order, keeping only currencies
   * that have a lane (spans that held no time add none).
   */
  finish(numbered: readonly string[]): { codes: string[]; columns: TimelineColumns; latest: number } {
    const { laneStart, laneCurrency, changeStart, times, values, firstPaidAt, paidUntil, lane } = this;
    laneStart.push(lane);
    changeStart.push(this.change);
    const used = new Uint8Array(numbered.length);
    for (let l = 0; l < lane; l++) used[laneCurrency[l] as number] = 1;
    const codes = numbered.filter((_, c) => used[c] === 1).sort();
    const rank = numbered.map((code) => codes.indexOf(code));
    for (let l = 0; l < lane; l++) laneCurrency[l] = rank[laneCurrency[l] as number] as number;
    return {
      codes,
      latest: this.latest,
      columns: { laneStart, laneCurrency, changeStart, times, values, firstPaidAt, paidUntil },
    };
  }
}

/** Entity `e` of built columns as a plain {@link EntityTimeline}. */
export function materializeEntity(
  built: BuiltColumns,
  e: number,
  attributes: readonly AttributeChange[],
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

/**
 * The attribute snapshots of entity `e`: its spans' attributes by start, each snapshot the
 * previous one overlaid with a span's attributes, kept only when it changes something (the last
 * one wins at a shared start).
 */
export function attributeChangesOf(built: BuiltColumns, e: number): AttributeChange[] {
  const withAttributes = spansOfEntity(built.spans, built, e).filter(
    (s) => s.attributes && Object.keys(s.attributes).length > 0,
  );
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
