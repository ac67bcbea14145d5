/**
 * The per-entity step of the timeline build (../timeline.ts): one entity's spans become steps
 * (+mrr at each start, -mrr at each end, per currency), the steps become running totals at each
 * distinct instant, and the totals are coalesced into changes (retention semantics §3). Everything
 * is written into reused, growable scratch buffers: no objects per entity or per change.
 */
import type { MrrSpan } from '../spans.ts';
import type { EntityRuns } from './timeline-runs.ts';

/**
 * Scratch buffers for one entity at a time, reused across entities. After {@link collectSteps}
 * and {@link coalesceSteps}, the entity's changes are `groups` instants `groupAt[q]`, each with
 * the MRR of every lane `c < lanes` in `groupValues[q * lanes + c]`; lane `c` is in currency
 * `local[c]` (an index of {@link CurrencyCodes}).
 */
export class EntityScratch {
  stepAt = new Float64Array(64);
  stepDelta = new Float64Array(64);
  stepCurrency = new Int32Array(64);
  pointAt = new Float64Array(64);
  pointValues = new Float64Array(64);
  groupAt = new Float64Array(64);
  groupValues = new Float64Array(64);
  /** Currency (index of {@link CurrencyCodes}) of each of the entity's lanes, by first appearance. */
  local = new Int32Array(4);
  /** Running totals per lane. */
  totals = new Float64Array(4);
  steps = 0;
  lanes = 0;
  groups = 0;

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

export function growInt(array: Int32Array, size: number): Int32Array<ArrayBuffer> {
  const next = new Int32Array(size);
  next.set(array);
  return next;
}

/** Currency codes of a build, numbered by first appearance. */
export class CurrencyCodes {
  readonly codes: string[] = [];
  private readonly byCode = new Map<string, number>();
  private previousCode: string | undefined;
  private previousIndex = -1;

  /** The number of `code`, numbering it if it is new (consecutive spans mostly share one code). */
  indexOf(code: string): number {
    if (code === this.previousCode) return this.previousIndex;
    let index = this.byCode.get(code);
    if (index === undefined) {
      index = this.codes.length;
      this.byCode.set(code, index);
      this.codes.push(code);
    }
    this.previousCode = code;
    this.previousIndex = index;
    return index;
  }
}

/**
 * Writes the steps of entity `e` into `scratch`, sorted by instant: +mrr at each start, -mrr at
 * each end (at `canceledAt` instead, when earlier, with `atCancellation`). A span that holds no
 * time adds nothing; one of MRR 0 adds a lane for its currency but no step.
 */
export function collectSteps(
  scratch: EntityScratch,
  spans: readonly MrrSpan[],
  runs: EntityRuns,
  e: number,
  currencies: CurrencyCodes,
  atCancellation: boolean,
): void {
  const { entityRuns, runOrder, runStart } = runs;
  let spanCount = 0;
  for (let i = entityRuns[e] as number; i < (entityRuns[e + 1] as number); i++) {
    const r = runOrder[i] as number;
    spanCount += (runStart[r + 1] as number) - (runStart[r] as number);
  }
  scratch.reserve(2 * spanCount, 1);
  const { stepAt, stepDelta, stepCurrency } = scratch;
  let local = scratch.local;
  let steps = 0;
  let lanes = 0;
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
      const currency = currencies.indexOf(span.currency);
      let known = 0;
      while (known < lanes && local[known] !== currency) known++;
      if (known === lanes) {
        if (lanes === local.length) local = growInt(local, lanes * 2);
        local[lanes++] = currency;
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
  scratch.local = local;
  scratch.steps = steps;
  scratch.lanes = lanes;
}

/**
 * Turns the collected steps into the entity's changes: running totals per lane at each distinct
 * instant, then coalesced. A group starts at a change and takes every change within `window` of
 * it; it is dated at its first instant and carries the state after its last change. A group that
 * changes nothing is dropped.
 */
export function coalesceSteps(scratch: EntityScratch, window: number): void {
  const { steps, lanes } = scratch;
  if (lanes > scratch.totals.length) scratch.totals = new Float64Array(lanes * 2);
  scratch.reserve(steps, lanes);
  const { stepAt, stepDelta, stepCurrency, pointAt, pointValues, groupAt, groupValues, totals } = scratch;

  totals.fill(0, 0, lanes);
  let points = 0;
  for (let i = 0; i < steps; ) {
    const at = stepAt[i] as number;
    for (; i < steps && stepAt[i] === at; i++) {
      const c = stepCurrency[i] as number;
      totals[c] = (totals[c] as number) + (stepDelta[i] as number);
    }
    pointAt[points] = at;
    for (let c = 0; c < lanes; c++) pointValues[points * lanes + c] = totals[c] as number;
    points++;
  }

  let groups = 0;
  for (let i = 0; i < points; ) {
    const groupStart = pointAt[i] as number;
    let lastPoint = i;
    for (i++; i < points && (pointAt[i] as number) - groupStart < window; i++) lastPoint = i;
    let differs = false;
    for (let c = 0; c < lanes && !differs; c++) {
      const previous = groups === 0 ? 0 : (groupValues[(groups - 1) * lanes + c] as number);
      differs = pointValues[lastPoint * lanes + c] !== previous;
    }
    if (differs) {
      groupAt[groups] = groupStart;
      for (let c = 0; c < lanes; c++) {
        groupValues[groups * lanes + c] = pointValues[lastPoint * lanes + c] as number;
      }
      groups++;
    }
  }
  scratch.groups = groups;
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
