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
  const spliced = out.finish();
  const built: BuiltColumns = {
    ...spliced,
    grain: base.grain,
    currencies: currencies.codes,
    latest: latestAfter(base, removed, patch, spliced.columns.times),
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

/**
 * Identity arrays (`a[i] === i`) shared by spliced timelines as their `runOrder` and
 * `entityRuns`: indexing is all they need, so one long array serves every size up to its length.
 */
const identities = new WeakSet<readonly number[]>();
let identity: readonly number[] = [];

/** A shared identity array of length at least `length`. */
function identityOf(length: number): readonly number[] {
  if (identity.length < length) {
    const next: number[] = [];
    for (let i = 0; i < length + (length >> 3); i++) next.push(i);
    identities.add(next);
    identity = next;
  }
  return identity;
}

/** Whether entity `e`'s spans are the one run `e` for every `e` (as in a spliced or presorted build). */
function oneRunPerEntity(runs: EntityRuns): boolean {
  const { runOrder, ids } = runs;
  if (identities.has(runOrder)) return true;
  if (runOrder.length !== ids.length) return false;
  for (let r = 0; r < runOrder.length; r++) if (runOrder[r] !== r) return false;
  return true;
}

/** Entities `from .. to` of `source`, lane currencies renumbered by `rank` when given. */
interface Piece {
  readonly source: BuiltColumns;
  readonly from: number;
  readonly to: number;
  readonly rank: Int32Array | undefined;
  /** Entity `e`'s spans are `source`'s run `e`. */
  readonly contiguous: boolean;
}

/**
 * The spliced columns: ranges of base's entities and single patch entities, recorded as pieces,
 * then copied once into arrays of the final length (lanes and changes re-offset, currencies
 * renumbered). Plain arrays, as in the build (./timeline-columns.ts); one copy and no
 * intermediate slices, since the garbage of copying large arrays costs as much as the copying.
 */
class ColumnsOut {
  private readonly pieces: Piece[] = [];
  /** Entities written so far. */
  size = 0;
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

  /** Appends base's entities `from .. to`. */
  copyBase(from: number, to: number): void {
    const rank = this.sameCodes ? undefined : this.baseRank;
    this.pieces.push({ source: this.base, from, to, rank, contiguous: this.baseContiguous });
    this.size += to - from;
  }

  /** Appends the patch's entity `j`. */
  copyPatch(j: number): void {
    this.pieces.push({ source: this.patch, from: j, to: j + 1, rank: this.patchRank, contiguous: false });
    this.size++;
  }

  /** The entities' runs (entity `e`'s spans are the one run `e`) and columns. */
  finish(): EntityRuns & { spans: MrrSpan[]; columns: TimelineColumns } {
    const { pieces } = this;
    const n = this.size;
    let lanes = 0;
    let changes = 0;
    let spanCount = 0;
    for (const { source, from, to, contiguous } of pieces) {
      const { laneStart, changeStart } = source.columns;
      lanes += (laneStart[to] as number) - (laneStart[from] as number);
      changes +=
        (changeStart[laneStart[to] as number] as number) - (changeStart[laneStart[from] as number] as number);
      if (contiguous) spanCount += (source.runStart[to] as number) - (source.runStart[from] as number);
      else for (let e = from; e < to; e++) spanCount += spansIn(source, e);
    }
    const ids = new Array<string>(n);
    const customerIds = new Array<string>(n);
    const spans = new Array<MrrSpan>(spanCount);
    const runStart = new Array<number>(n + 1);
    const laneStart = new Array<number>(n + 1);
    const laneCurrency = new Array<number>(lanes);
    const changeStart = new Array<number>(lanes + 1);
    const times = new Array<number>(changes);
    const values = new Array<number>(changes);
    const firstPaidAt = new Array<number>(n);
    const paidUntil = new Array<number>(n);
    let entity = 0;
    let lane = 0;
    let change = 0;
    let span = 0;
    for (const { source, from, to, rank, contiguous } of pieces) {
      const { columns } = source;
      const firstLane = columns.laneStart[from] as number;
      const lastLane = columns.laneStart[to] as number;
      const firstChange = columns.changeStart[firstLane] as number;
      const lastChange = columns.changeStart[lastLane] as number;
      copyItems(ids, entity, source.ids, from, to);
      copyItems(customerIds, entity, source.customerIds, from, to);
      copyNumbers(firstPaidAt, entity, columns.firstPaidAt, from, to);
      copyNumbers(paidUntil, entity, columns.paidUntil, from, to);
      copyShifted(laneStart, entity, columns.laneStart, from, to, lane - firstLane);
      copyShifted(changeStart, lane, columns.changeStart, firstLane, lastLane, change - firstChange);
      if (rank) copyRanked(laneCurrency, lane, columns.laneCurrency, firstLane, lastLane, rank);
      else copyNumbers(laneCurrency, lane, columns.laneCurrency, firstLane, lastLane);
      copyNumbers(times, change, columns.times, firstChange, lastChange);
      copyNumbers(values, change, columns.values, firstChange, lastChange);
      if (contiguous) {
        const first = source.runStart[from] as number;
        copyShifted(runStart, entity, source.runStart, from, to, span - first);
        copyItems(spans, span, source.spans, first, source.runStart[to] as number);
        span += (source.runStart[to] as number) - first;
      } else {
        for (let e = from; e < to; e++) {
          runStart[entity + e - from] = span;
          span = copySpansOf(spans, span, source, e);
        }
      }
      entity += to - from;
      lane += lastLane - firstLane;
      change += lastChange - firstChange;
    }
    runStart[n] = span;
    laneStart[n] = lane;
    changeStart[lanes] = change;
    const order = identityOf(n + 1);
    return {
      ids,
      customerIds,
      spans,
      runStart,
      runOrder: order,
      entityRuns: order,
      columns: { laneStart, laneCurrency, changeStart, times, values, firstPaidAt, paidUntil },
    };
  }
}

/** The number of entity `e`'s spans. */
function spansIn(built: BuiltColumns, e: number): number {
  const { entityRuns, runOrder, runStart } = built;
  let count = 0;
  for (let i = entityRuns[e] as number; i < (entityRuns[e + 1] as number); i++) {
    const run = runOrder[i] as number;
    count += (runStart[run + 1] as number) - (runStart[run] as number);
  }
  return count;
}

/** Copies entity `e`'s spans, in input order, to `out` from `at`; returns the next free index. */
function copySpansOf(out: MrrSpan[], at: number, built: BuiltColumns, e: number): number {
  const { entityRuns, runOrder, runStart, spans } = built;
  let next = at;
  for (let i = entityRuns[e] as number; i < (entityRuns[e + 1] as number); i++) {
    const run = runOrder[i] as number;
    copyItems(out, next, spans, runStart[run] as number, runStart[run + 1] as number);
    next += (runStart[run + 1] as number) - (runStart[run] as number);
  }
  return next;
}

function copyItems<T>(out: T[], at: number, from: readonly T[], start: number, end: number): void {
  for (let i = start, o = at; i < end; i++, o++) out[o] = from[i] as T;
}

function copyNumbers(out: number[], at: number, from: readonly number[], start: number, end: number): void {
  for (let i = start, o = at; i < end; i++, o++) out[o] = from[i] as number;
}

function copyShifted(
  out: number[],
  at: number,
  from: readonly number[],
  start: number,
  end: number,
  shift: number,
): void {
  for (let i = start, o = at; i < end; i++, o++) out[o] = (from[i] as number) + shift;
}

function copyRanked(
  out: number[],
  at: number,
  from: readonly number[],
  start: number,
  end: number,
  rank: Int32Array,
): void {
  for (let i = start, o = at; i < end; i++, o++) out[o] = rank[from[i] as number] as number;
}
