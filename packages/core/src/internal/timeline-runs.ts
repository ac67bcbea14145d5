/**
 * The first step of the timeline build (../timeline.ts): which spans belong to which entity, and
 * the entities in id order, without copying or regrouping the spans. Spans are read in runs of
 * consecutive rows of one entity (exports list a customer's rows together, so usually one run per
 * entity and nothing to sort); runs are sorted by id and merged only when they are not already
 * ascending.
 */
import type { Grain } from '../reports.ts';
import type { MrrSpan } from '../spans.ts';

/**
 * The entities of a list of spans, in id order (then by customer at subscription grain). Run `r`
 * is `spans[runStart[r] .. runStart[r + 1]]`; entity `e` is the runs
 * `runOrder[entityRuns[e] .. entityRuns[e + 1]]`, in input order.
 */
export interface EntityRuns {
  readonly ids: readonly string[];
  readonly customerIds: readonly string[];
  readonly runStart: readonly number[];
  readonly runOrder: readonly number[];
  readonly entityRuns: readonly number[];
}

/** Groups `spans` into runs and orders the runs into entities (see {@link EntityRuns}). */
export function entityRunsOf(spans: readonly MrrSpan[], grain: Grain): EntityRuns {
  const runs = spanRuns(spans, grain);
  const { runIds, runCustomers, runStart } = runs;
  let ascending = true;
  for (let r = 1; r < runIds.length && ascending; r++)
    ascending = (runIds[r - 1] as string) < (runIds[r] as string);
  if (!ascending) return { runStart, ...mergeRuns(runs, grain) };
  // Already ascending: one run per entity, nothing to sort.
  const runOrder: number[] = [];
  const entityRuns = [0];
  for (let r = 0; r < runIds.length; r++) {
    runOrder.push(r);
    entityRuns.push(r + 1);
  }
  return { ids: runIds, customerIds: runCustomers, runStart, runOrder, entityRuns };
}

/** Runs of consecutive spans of one entity: ids, customers and starts (plus the end, `spans.length`). */
interface SpanRuns {
  readonly runIds: string[];
  readonly runCustomers: string[];
  readonly runStart: number[];
}

function spanRuns(spans: readonly MrrSpan[], grain: Grain): SpanRuns {
  const runIds: string[] = [];
  const runCustomers: string[] = [];
  const runStart: number[] = [];
  let previousCustomer: string | undefined;
  let previousSubscription: string | undefined;
  for (let k = 0; k < spans.length; k++) {
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
    runStart.push(k);
    previousCustomer = customerId;
  }
  runStart.push(spans.length);
  return { runIds, runCustomers, runStart };
}

/**
 * Runs in id order (then by customer at subscription grain, then first-seen), runs of the same
 * entity merged into one.
 */
function mergeRuns({ runIds, runCustomers }: SpanRuns, grain: Grain): Omit<EntityRuns, 'runStart'> {
  const runs = runIds.length;
  const runOrder = Array.from({ length: runs }, (_, r) => r);
  const customerKey = grain === 'SUBSCRIPTION';
  runOrder.sort((a, b) => {
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
  const ids: string[] = [];
  const customerIds: string[] = [];
  const entityRuns: number[] = [];
  let previous = -1;
  for (let i = 0; i < runs; i++) {
    const r = runOrder[i] as number;
    const same =
      previous >= 0 &&
      runIds[previous] === runIds[r] &&
      (grain === 'CUSTOMER' || runCustomers[previous] === runCustomers[r]);
    if (!same) {
      ids.push(runIds[r] as string);
      customerIds.push(runCustomers[r] as string);
      entityRuns.push(i);
    }
    previous = r;
  }
  entityRuns.push(runs);
  return { ids, customerIds, runOrder, entityRuns };
}

/** The spans of entity `e`, in input order. */
export function spansOfEntity(spans: readonly MrrSpan[], runs: EntityRuns, e: number): MrrSpan[] {
  const own: MrrSpan[] = [];
  for (let i = runs.entityRuns[e] as number; i < (runs.entityRuns[e + 1] as number); i++) {
    const r = runs.runOrder[i] as number;
    for (let k = runs.runStart[r] as number; k < (runs.runStart[r + 1] as number); k++) {
      own.push(spans[k] as MrrSpan);
    }
  }
  return own;
}
