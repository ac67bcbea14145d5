/**
 * The timeline patch (../timeline.ts, `patchTimeline`): a built timeline's columns with some
 * entities removed and freshly built ones spliced in, in id order, without rebuilding the others.
 * Untouched entities are copied range by range (their lanes and changes re-offset, their
 * currencies renumbered when the set of currencies changes); nothing of them is recomputed.
 */
import type { MrrSpan } from '../spans.ts';
import type { TimelineColumns } from '../timeline-types.ts';
import type { BuiltColumns } from './timeline-columns.ts';
import type { EntityRuns } from './timeline-runs.ts';

/** Spliced columns, and the merged index of each entity of the patch (in the patch's order). */
export interface SplicedColumns {
  readonly built: BuiltColumns;
  /** Lanes per currency of `built.currencies`. */
  readonly laneCounts: Int32Array;
  readonly inserted: readonly number[];
}

/** Lanes per currency (index of `built.currencies`). */
export function laneCountsOf(built: BuiltColumns): Int32Array {
  const counts = new Int32Array(built.currencies.length);
  const { laneCurrency } = built.columns;
  for (let l = 0; l < laneCurrency.length; l++) {
    const c = laneCurrency[l] as number;
    counts[c] = (counts[c] as number) + 1;
  }
  return counts;
}

/**
 * Base's entities at the ascending indices `removed` dropped and `patch`'s entities inserted in
 * id order (then customer at subscription grain), as if built from the remaining spans followed
 * by the patch's. `baseLaneCounts` is {@link laneCountsOf} `base`. Both inputs are left as they are.
 */
export function spliceColumns(
  base: BuiltColumns,
  baseLaneCounts: Int32Array,
  removed: readonly number[],
  patch: BuiltColumns,
): SplicedColumns {
  const currencies = mergedCurrencies(base, baseLaneCounts, removed, patch);
  const out = new ColumnsOut(base, patch, currencies.codes, currencies.baseRank, currencies.patchRank);
  const positions = patch.ids.map((_, j) => insertionPoint(base, patch, j));
  const inserted: number[] = [];
  const n = base.ids.length;
  let cursor = 0;
  let r = 0;
  let j = 0;
  while (cursor < n || j < patch.ids.length) {
    const nextRemoval = r < removed.length ? (removed[r] as number) : n;
    const nextInsertion = j < positions.length ? (positions[j] as number) : n;
    const stop = Math.min(nextRemoval, nextInsertion);
    if (stop > cursor) {
      out.copyBase(cursor, stop);
      cursor = stop;
    }
    if (j < positions.length && positions[j] === cursor) {
      inserted.push(out.size);
      out.copyPatch(j++);
    } else if (r < removed.length && removed[r] === cursor) {
      cursor++;
      r++;
    }
  }
  const latest = latestAfter(base, removed, patch, out.columns.times);
  const built: BuiltColumns = {
    grain: base.grain,
    currencies: currencies.codes,
    spans: out.spans,
    latest,
    columns: out.finish(),
    ...out.runs(),
  };
  return { built, laneCounts: currencies.counts, inserted };
}

/** The first base entity whose key (id, then customer at subscription grain) is above patch entity `j`'s. */
function insertionPoint(base: BuiltColumns, patch: BuiltColumns, j: number): number {
  const id = patch.ids[j] as string;
  const customerId = patch.customerIds[j] as string;
  const byCustomer = base.grain === 'SUBSCRIPTION';
  let low = 0;
  let high = base.ids.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    const other = base.ids[mid] as string;
    const after =
      other > id || (byCustomer && other === id && (base.customerIds[mid] as string) > customerId);
    if (after) high = mid;
    else low = mid + 1;
  }
  return low;
}

/**
 * The sorted currencies that still have a lane after the splice, their lane counts, and the
 * new index of each of base's and the patch's currencies (-1 for one left without a lane).
 */
function mergedCurrencies(
  base: BuiltColumns,
  baseLaneCounts: Int32Array,
  removed: readonly number[],
  patch: BuiltColumns,
): { codes: string[]; counts: Int32Array; baseRank: Int32Array; patchRank: Int32Array } {
  const lanes = new Map<string, number>();
  base.currencies.forEach((code, c) => {
    lanes.set(code, baseLaneCounts[c] as number);
  });
  const { laneStart, laneCurrency } = base.columns;
  for (const e of removed) {
    for (let l = laneStart[e] as number; l < (laneStart[e + 1] as number); l++) {
      const code = base.currencies[laneCurrency[l] as number] as string;
      lanes.set(code, (lanes.get(code) as number) - 1);
    }
  }
  const patchLanes = patch.columns.laneCurrency;
  for (let l = 0; l < patchLanes.length; l++) {
    const code = patch.currencies[patchLanes[l] as number] as string;
    lanes.set(code, (lanes.get(code) ?? 0) + 1);
  }
  const codes = [...lanes.keys()].filter((code) => (lanes.get(code) as number) > 0).sort();
  const rank = (code: string) => codes.indexOf(code);
  return {
    codes,
    counts: Int32Array.from(codes, (code) => lanes.get(code) as number),
    baseRank: Int32Array.from(base.currencies, rank),
    patchRank: Int32Array.from(patch.currencies, rank),
  };
}

/**
 * The latest change instant after the splice: base's, unless only removed entities held it and
 * the patch has nothing as late, in which case the merged `times` are scanned.
 */
function latestAfter(
  base: BuiltColumns,
  removed: readonly number[],
  patch: BuiltColumns,
  times: readonly number[],
): number {
  if (patch.latest >= base.latest) return patch.latest;
  const { laneStart, changeStart } = base.columns;
  let removedLatest = Number.NEGATIVE_INFINITY;
  for (const e of removed) {
    const from = changeStart[laneStart[e] as number] as number;
    const to = changeStart[laneStart[e + 1] as number] as number;
    for (let p = from; p < to; p++) {
      const at = base.columns.times[p] as number;
      if (at > removedLatest) removedLatest = at;
    }
  }
  if (removedLatest < base.latest) return base.latest;
  let latest = Number.NEGATIVE_INFINITY;
  for (let p = 0; p < times.length; p++) if ((times[p] as number) > latest) latest = times[p] as number;
  return latest;
}

/** Whether entity `e`'s spans are the one run `e` for every `e` (as in a spliced or presorted build). */
function oneRunPerEntity(runs: EntityRuns): boolean {
  const { runOrder, ids } = runs;
  if (runOrder.length !== ids.length) return false;
  for (let r = 0; r < runOrder.length; r++) if (runOrder[r] !== r) return false;
  return true;
}

/** The spliced columns being written: ranges of base's entities and single patch entities. */
class ColumnsOut {
  readonly ids: string[] = [];
  readonly customerIds: string[] = [];
  readonly spans: MrrSpan[] = [];
  private readonly spanStart: number[] = [];
  readonly columns = {
    laneStart: [] as number[],
    laneCurrency: [] as number[],
    changeStart: [] as number[],
    times: [] as number[],
    values: [] as number[],
    firstPaidAt: [] as number[],
    paidUntil: [] as number[],
  };
  private readonly baseContiguous: boolean;
  /** Base's lane currencies keep their numbers. */
  private readonly sameCodes: boolean;

  constructor(
    private readonly base: BuiltColumns,
    private readonly patch: BuiltColumns,
    codes: readonly string[],
    private readonly baseRank: Int32Array,
    private readonly patchRank: Int32Array,
  ) {
    this.baseContiguous = oneRunPerEntity(base);
    this.sameCodes =
      codes.length === base.currencies.length && base.currencies.every((code, c) => codes[c] === code);
  }

  get size(): number {
    return this.ids.length;
  }

  /** Appends base's entities `from .. to`. */
  copyBase(from: number, to: number): void {
    const { base } = this;
    append(this.ids, base.ids, from, to);
    append(this.customerIds, base.customerIds, from, to);
    if (this.baseContiguous) {
      const first = base.runStart[from] as number;
      appendShifted(this.spanStart, base.runStart, from, to, this.spans.length - first);
      append(this.spans, base.spans, first, base.runStart[to] as number);
    } else {
      for (let e = from; e < to; e++) this.appendSpans(base, e);
    }
    this.copyColumns(base.columns, from, to, this.sameCodes ? undefined : this.baseRank);
  }

  /** Appends the patch's entity `j`. */
  copyPatch(j: number): void {
    const { patch } = this;
    this.ids.push(patch.ids[j] as string);
    this.customerIds.push(patch.customerIds[j] as string);
    this.appendSpans(patch, j);
    this.copyColumns(patch.columns, j, j + 1, this.patchRank);
  }

  private appendSpans(built: BuiltColumns, e: number): void {
    this.spanStart.push(this.spans.length);
    const { entityRuns, runOrder, runStart, spans } = built;
    for (let i = entityRuns[e] as number; i < (entityRuns[e + 1] as number); i++) {
      const run = runOrder[i] as number;
      append(this.spans, spans, runStart[run] as number, runStart[run + 1] as number);
    }
  }

  /** Entities `from .. to` of `columns`, lane currencies renumbered by `rank` when given. */
  private copyColumns(
    columns: TimelineColumns,
    from: number,
    to: number,
    rank: Int32Array | undefined,
  ): void {
    const out = this.columns;
    const firstLane = columns.laneStart[from] as number;
    const lastLane = columns.laneStart[to] as number;
    const firstChange = columns.changeStart[firstLane] as number;
    const lastChange = columns.changeStart[lastLane] as number;
    appendShifted(out.laneStart, columns.laneStart, from, to, out.laneCurrency.length - firstLane);
    appendShifted(out.changeStart, columns.changeStart, firstLane, lastLane, out.times.length - firstChange);
    if (rank) {
      for (let l = firstLane; l < lastLane; l++)
        out.laneCurrency.push(rank[columns.laneCurrency[l] as number] as number);
    } else append(out.laneCurrency, columns.laneCurrency, firstLane, lastLane);
    append(out.times, columns.times, firstChange, lastChange);
    append(out.values, columns.values, firstChange, lastChange);
    append(out.firstPaidAt, columns.firstPaidAt, from, to);
    append(out.paidUntil, columns.paidUntil, from, to);
  }

  /** Closes the columns. */
  finish(): TimelineColumns {
    const out = this.columns;
    out.laneStart.push(out.laneCurrency.length);
    out.changeStart.push(out.times.length);
    return out;
  }

  /** The spliced entities' runs: entity `e`'s spans are the one run `e`. */
  runs(): EntityRuns {
    const n = this.ids.length;
    this.spanStart.push(this.spans.length);
    return {
      ids: this.ids,
      customerIds: this.customerIds,
      runStart: this.spanStart,
      runOrder: Array.from({ length: n }, (_, e) => e),
      entityRuns: Array.from({ length: n + 1 }, (_, e) => e),
    };
  }
}

function append<T>(out: T[], from: readonly T[], start: number, end: number): void {
  for (let i = start; i < end; i++) out.push(from[i] as T);
}

function appendShifted(
  out: number[],
  from: readonly number[],
  start: number,
  end: number,
  shift: number,
): void {
  for (let i = start; i < end; i++) out.push((from[i] as number) + shift);
}
