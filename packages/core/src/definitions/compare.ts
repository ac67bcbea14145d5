/**
 * Definition diff: the same question under two definition sets, the difference per bridge line,
 * and the customers whose movements differ, each with its movement under both.
 */
import { civilTime, fromCivilTime, type Instant, parseInstant } from '../dates.ts';
import { EngineError } from '../engine-error.ts';
import type { ExchangeRates } from '../fx.ts';
import type { SubscriptionEvent } from '../import/event-types.ts';
import type { MoneyUnits } from '../money.ts';
import { eventsToSpans } from '../normalize/events.ts';
import type { MovementKind, MrrBridge, RetentionReport } from '../reports.ts';
import { checkPeriod, computeRetentionVisiting } from '../retention.ts';
import type { SegmentFilter } from '../segments.ts';
import type { MrrSpan } from '../spans.ts';
import { buildTimeline, entityIdColumnsOf, type Timeline } from '../timeline.ts';
import type { Definitions, ResolvedDefinitions } from './definitions.ts';
import { eventPolicyOf, queryOptionsOf, timelineOptionsOf } from './engine-options.ts';

/** The raw inputs a timeline is rebuilt from under a definition set. */
export interface DefinitionInputs {
  /** Subscription events: turned into spans under each set's discount, past-due, unpaid and pause options. */
  readonly events?: readonly SubscriptionEvent[];
  /** Spans of other imports (subscription periods, invoice lines), which those options do not change. */
  readonly spans?: readonly MrrSpan[];
  /** End of known data for both timelines; default: each timeline's latest change. */
  readonly asOf?: Instant;
}

/**
 * The timeline of the inputs under a definition set: the events become spans under its span
 * options, and all spans become a timeline under its grain, churn date and coalescing window.
 */
export function timelineUnder(inputs: DefinitionInputs, definitions: Definitions): Timeline {
  const spans = [...(inputs.events ? eventsToSpans(inputs.events, eventPolicyOf(definitions)) : [])];
  if (inputs.spans) for (const span of inputs.spans) spans.push(span);
  return buildTimeline(spans, {
    ...timelineOptionsOf(definitions),
    ...(inputs.asOf === undefined ? {} : { asOf: inputs.asOf }),
  });
}

/**
 * A window end: an instant, or a calendar date `YYYY-MM-DD` read as local midnight in each set's
 * time zone (so "January" is Sydney's January under a Sydney set and UTC's under a UTC one).
 */
export type WindowEnd = Instant | string;

/** The question both sets answer: a PERIOD window, a segment and the rates. */
export interface ComparisonQuery {
  readonly from: WindowEnd;
  readonly to: WindowEnd;
  readonly segment?: SegmentFilter;
  readonly rates?: ExchangeRates;
}

/** Bridge lines of a difference (`b − a`): each may be negative. */
export type BridgeDifference = { readonly [K in keyof MrrBridge]: MoneyUnits };

/** One customer under one set: what it adds to each bridge line, and its movements. */
export interface CustomerUnderDefinitions {
  /** The customer's share of each bridge line (all 0 when it is outside the question). */
  readonly bridge: MrrBridge;
  /** One movement at customer grain (none when unchanged); one per changed subscription at subscription grain. */
  readonly movements: readonly {
    readonly entityId: string;
    readonly kind: MovementKind;
    readonly amount: MoneyUnits;
  }[];
}

/** A customer whose movements differ between the two sets. */
export interface CustomerDefinitionDifference {
  readonly customerId: string;
  readonly a: CustomerUnderDefinitions;
  readonly b: CustomerUnderDefinitions;
  /** `b.bridge − a.bridge`, line by line. */
  readonly difference: BridgeDifference;
}

/** Both reports, their difference and the customers behind it. */
export interface DefinitionComparison {
  readonly a: { readonly definitions: ResolvedDefinitions; readonly report: RetentionReport };
  readonly b: { readonly definitions: ResolvedDefinitions; readonly report: RetentionReport };
  /** `b − a` per bridge line, and of the ratios (`null` when either is `null`). */
  readonly difference: BridgeDifference & {
    readonly nrr: number | null;
    readonly grr: number | null;
    readonly logoRetention: number | null;
  };
  /**
   * Every customer whose bridge share or movements differ, largest change first (then by id). Their
   * differences sum exactly to `difference`'s bridge lines; everyone else's are 0.
   */
  readonly customers: readonly CustomerDefinitionDifference[];
}

const LINES: readonly (keyof MrrBridge)[] = [
  'startingMrr',
  'newBusiness',
  'reactivation',
  'expansion',
  'contraction',
  'churn',
  'endingMrr',
];

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A window end as an instant under a time zone. */
function instantOf(end: WindowEnd, timeZone: string | undefined): Instant {
  if (typeof end === 'number') return end;
  const utc = DATE.test(end) ? parseInstant(end) : undefined;
  if (utc === undefined) {
    throw new EngineError(
      'INVALID_PERIOD',
      `a window end must be an instant or a YYYY-MM-DD date, got "${end}"`,
    );
  }
  return fromCivilTime({ ...civilTime(utc), timeOfDay: 0 }, timeZone);
}

/**
 * Answers the query under both sets from the raw inputs (rebuilding the spans from the events and
 * the timeline under each) and compares them. PERIOD method only: for a trailing year, ask for
 * the 12 months themselves. See {@link compareTimelines} to reuse timelines already built.
 */
export function compareDefinitions(
  inputs: DefinitionInputs,
  query: ComparisonQuery,
  a: ResolvedDefinitions,
  b: ResolvedDefinitions,
): DefinitionComparison {
  const timelineA = timelineUnder(inputs, a);
  const timelineB = sameTimeline(a, b) ? timelineA : timelineUnder(inputs, b);
  return compareTimelines(
    query,
    { definitions: a, timeline: timelineA },
    { definitions: b, timeline: timelineB },
  );
}

/** Whether two sets build the same timeline from the same inputs. */
function sameTimeline(a: Definitions, b: Definitions): boolean {
  const x = { ...eventPolicyOf(a), ...timelineOptionsOf(a) };
  const y = { ...eventPolicyOf(b), ...timelineOptionsOf(b) };
  return JSON.stringify(x) === JSON.stringify(y);
}

/** {@link compareDefinitions} on timelines already built under each set (with {@link timelineUnder}). */
export function compareTimelines(
  query: ComparisonQuery,
  a: { readonly definitions: ResolvedDefinitions; readonly timeline: Timeline },
  b: { readonly definitions: ResolvedDefinitions; readonly timeline: Timeline },
): DefinitionComparison {
  return compareShares(
    { definitions: a.definitions, shares: definitionShares(query, a.definitions, a.timeline) },
    { definitions: b.definitions, shares: definitionShares(query, b.definitions, b.timeline) },
  );
}

/**
 * One set's half of a comparison: its report and each included customer's share of it, in
 * columns (typed arrays and arrays of strings), so that it is cheap to pass between threads: it
 * can be computed where the set's timeline lives (a worker) and combined with the other set's by
 * {@link compareShares} elsewhere. Customer `i` is `customerIds[i]`; its share of bridge line `l`
 * (in {@link BRIDGE_LINES} order) is `bridges[i * 7 + l]`; its movements are those at indices
 * `movementStart[i]` to `movementStart[i + 1]` of the movement columns.
 */
export interface DefinitionShares {
  readonly report: RetentionReport;
  /** Every customer the question includes (MRR at either end), in order of first appearance. */
  readonly customerIds: readonly string[];
  /** Seven bridge shares per customer. */
  readonly bridges: Float64Array;
  /** Per customer, where its movements start; one more entry than customers. */
  readonly movementStart: Int32Array;
  /** Per movement, the entity that moved (the customer, or at subscription grain a subscription). */
  readonly movementEntityIds: readonly string[];
  readonly movementKinds: readonly MovementKind[];
  /** Per movement, its amount (positive). */
  readonly movementAmounts: Float64Array;
}

/** The bridge lines in the order of {@link DefinitionShares.bridges}. */
export const BRIDGE_LINES: readonly (keyof MrrBridge)[] = LINES;

const STARTING = 0;
const ENDING = 6;

/**
 * One set's answer to the query on a timeline built under it: the report and each included
 * customer's share of its bridge lines, with its movements. Window ends given as calendar dates
 * are read in the set's time zone; PERIOD method only.
 */
export function definitionShares(
  query: ComparisonQuery,
  definitions: Definitions,
  timeline: Timeline,
): DefinitionShares {
  const options = queryOptionsOf(definitions);
  const from = instantOf(query.from, options.timeZone);
  const to = instantOf(query.to, options.timeZone);
  checkPeriod(from, to);
  const periodOptions = {
    ...(query.segment ? { segment: query.segment } : {}),
    ...(query.rates ? { rates: query.rates } : {}),
    reactivationWindowDays: options.reactivationWindowDays,
    sizeBandThresholds: options.sizeBandThresholds,
  };
  // Ids from the build's columns: materialising entities (lanes, attribute snapshots from the
  // spans) cost most of the pass. A timeline made elsewhere is read through `entityAt`.
  const idColumns = entityIdColumnsOf(timeline);
  const entityIdAt = idColumns
    ? (e: number) => idColumns.ids[e] as string
    : (e: number) => timeline.entityAt(e).id;
  const customerIdAt = idColumns
    ? (e: number) => idColumns.customerIds[e] as string
    : (e: number) => timeline.entityAt(e).customerId;
  // One window: each entity is visited at most once, so at customer grain each visit is a new
  // customer; at subscription grain a customer's subscriptions may be anywhere in id order.
  const indexOf = timeline.grain === 'SUBSCRIPTION' ? new Map<string, number>() : undefined;
  // Sized for every entity (an upper bound on customers and movements) and cut to length below.
  const customerIds: string[] = [];
  const bridges = new Float64Array(timeline.size * LINES.length);
  // Movements in visit order, with their customer's index; grouped by customer below.
  const owners = new Int32Array(timeline.size);
  const entityIds: string[] = [];
  const kinds: MovementKind[] = [];
  const amounts = new Float64Array(timeline.size);
  let movementCount = 0;
  // The report's own pass hands each included entity over: its share is attributed there.
  const report = computeRetentionVisiting(
    timeline,
    { ...periodOptions, from, to, timeZone: options.timeZone },
    {
      visitAttributes: false,
      visit: ({ entity, startingMrr, endingMrr, kind }) => {
        let index: number | undefined;
        if (indexOf) {
          const customerId = customerIdAt(entity);
          index = indexOf.get(customerId);
          if (index === undefined) {
            index = customerIds.length;
            indexOf.set(customerId, index);
            customerIds.push(customerId);
          }
        } else {
          index = customerIds.length;
          customerIds.push(customerIdAt(entity));
        }
        const base = index * LINES.length;
        bridges[base + STARTING] = (bridges[base + STARTING] as number) + startingMrr;
        bridges[base + ENDING] = (bridges[base + ENDING] as number) + endingMrr;
        if (kind === null) return;
        const line = movementLine(kind);
        const amount = movementAmount(kind, startingMrr, endingMrr);
        bridges[base + line] = (bridges[base + line] as number) + amount;
        owners[movementCount] = index;
        entityIds.push(entityIdAt(entity));
        kinds.push(kind);
        amounts[movementCount] = amount;
        movementCount++;
      },
    },
  );
  const customerCount = customerIds.length;
  // Counting sort by customer, stable: each customer's movements in visit (entity) order. At
  // customer grain the movements are already in customer order (one per customer at most).
  const movementStart = new Int32Array(customerCount + 1);
  for (let m = 0; m < movementCount; m++) {
    const owner = owners[m] as number;
    movementStart[owner + 1] = (movementStart[owner + 1] as number) + 1;
  }
  for (let i = 0; i < customerCount; i++) {
    movementStart[i + 1] = (movementStart[i + 1] as number) + (movementStart[i] as number);
  }
  if (indexOf === undefined) {
    return {
      report,
      customerIds,
      bridges: bridges.slice(0, customerCount * LINES.length),
      movementStart,
      movementEntityIds: entityIds,
      movementKinds: kinds,
      movementAmounts: amounts.slice(0, movementCount),
    };
  }
  const next = movementStart.slice(0, customerCount);
  const movementEntityIds = new Array<string>(movementCount);
  const movementKinds = new Array<MovementKind>(movementCount);
  const movementAmounts = new Float64Array(movementCount);
  for (let m = 0; m < movementCount; m++) {
    const owner = owners[m] as number;
    const at = next[owner] as number;
    next[owner] = at + 1;
    movementEntityIds[at] = entityIds[m] as string;
    movementKinds[at] = kinds[m] as MovementKind;
    movementAmounts[at] = amounts[m] as number;
  }
  return {
    report,
    customerIds,
    bridges: bridges.slice(0, customerCount * LINES.length),
    movementStart,
    movementEntityIds,
    movementKinds,
    movementAmounts,
  };
}

/**
 * The comparison of two sets' halves ({@link definitionShares}, on the same data and query):
 * exactly what {@link compareTimelines} answers. Time linear in the customers; objects are made
 * only for the customers that differ.
 */
export function compareShares(
  a: { readonly definitions: ResolvedDefinitions; readonly shares: DefinitionShares },
  b: { readonly definitions: ResolvedDefinitions; readonly shares: DefinitionShares },
): DefinitionComparison {
  const sideA = a.shares;
  const sideB = b.shares;
  const idsA = sideA.customerIds;
  const idsB = sideB.customerIds;
  const customers: CustomerDefinitionDifference[] = [];
  const consider = (customerId: string, i: number, j: number) => {
    if (!differs(sideA, i, sideB, j)) return;
    const underA = shareAt(sideA, i);
    const underB = shareAt(sideB, j);
    customers.push({ customerId, a: underA, b: underB, difference: subtract(underB.bridge, underA.bridge) });
  };
  // Both halves list customers in entity order, usually the same customers in the same order:
  // b's next customer is tried first, and b is indexed by id only when it is not the one.
  let indexB: Map<string, number> | undefined;
  let nextB = 0;
  const seenB = new Uint8Array(idsB.length);
  for (let i = 0; i < idsA.length; i++) {
    const customerId = idsA[i] as string;
    let j = -1;
    if (idsB[nextB] === customerId) j = nextB++;
    else {
      if (!indexB) {
        indexB = new Map();
        for (let k = 0; k < idsB.length; k++) indexB.set(idsB[k] as string, k);
      }
      j = indexB.get(customerId) ?? -1;
      if (j >= 0) nextB = j + 1;
    }
    if (j >= 0) seenB[j] = 1;
    consider(customerId, i, j);
  }
  for (let j = 0; j < idsB.length; j++) {
    if (seenB[j] === 0) consider(idsB[j] as string, -1, j);
  }
  const size = (c: CustomerDefinitionDifference) =>
    Math.max(...LINES.map((line) => Math.abs(c.difference[line])));
  const sizes = new Map(customers.map((c) => [c, size(c)]));
  customers.sort(
    (x, y) =>
      (sizes.get(y) as number) - (sizes.get(x) as number) ||
      (x.customerId < y.customerId ? -1 : x.customerId > y.customerId ? 1 : 0),
  );
  const ratio = (x: number | null, y: number | null) => (x === null || y === null ? null : y - x);
  const reportA = sideA.report;
  const reportB = sideB.report;
  return {
    a: { definitions: a.definitions, report: reportA },
    b: { definitions: b.definitions, report: reportB },
    difference: {
      ...subtract(reportB, reportA),
      nrr: ratio(reportA.nrr, reportB.nrr),
      grr: ratio(reportA.grr, reportB.grr),
      logoRetention: ratio(reportA.logoRetention, reportB.logoRetention),
    },
    customers,
  };
}

/** Whether customer `i` of `a` and `j` of `b` (-1: absent) differ in a bridge share or a movement. */
function differs(a: DefinitionShares, i: number, b: DefinitionShares, j: number): boolean {
  for (let line = 0; line < LINES.length; line++) {
    const x = i < 0 ? 0 : (a.bridges[i * LINES.length + line] as number);
    const y = j < 0 ? 0 : (b.bridges[j * LINES.length + line] as number);
    if (x !== y) return true;
  }
  const startA = i < 0 ? 0 : (a.movementStart[i] as number);
  const countA = i < 0 ? 0 : (a.movementStart[i + 1] as number) - startA;
  const startB = j < 0 ? 0 : (b.movementStart[j] as number);
  const countB = j < 0 ? 0 : (b.movementStart[j + 1] as number) - startB;
  if (countA !== countB) return true;
  for (let k = 0; k < countA; k++) {
    if (
      a.movementEntityIds[startA + k] !== b.movementEntityIds[startB + k] ||
      a.movementKinds[startA + k] !== b.movementKinds[startB + k] ||
      a.movementAmounts[startA + k] !== b.movementAmounts[startB + k]
    ) {
      return true;
    }
  }
  return false;
}

/** Customer `i` of a half as plain data (`-1`: not included, all 0 and no movements). */
function shareAt(shares: DefinitionShares, i: number): CustomerUnderDefinitions {
  const bridge = zeroBridge();
  if (i < 0) return { bridge, movements: [] };
  LINES.forEach((line, l) => {
    bridge[line] = shares.bridges[i * LINES.length + l] as number;
  });
  const movements: MovementList = [];
  for (let m = shares.movementStart[i] as number; m < (shares.movementStart[i + 1] as number); m++) {
    movements.push({
      entityId: shares.movementEntityIds[m] as string,
      kind: shares.movementKinds[m] as MovementKind,
      amount: shares.movementAmounts[m] as number,
    });
  }
  return { bridge, movements };
}

type MovementList = { entityId: string; kind: MovementKind; amount: MoneyUnits }[];

/** A movement's bridge line (index in {@link LINES}). */
function movementLine(kind: MovementKind): number {
  switch (kind) {
    case 'NEW':
      return 1;
    case 'REACTIVATION':
      return 2;
    case 'EXPANSION':
      return 3;
    case 'CONTRACTION':
      return 4;
    case 'CHURN':
      return 5;
    default:
      return kind satisfies never;
  }
}

/** A movement's (positive) amount, from the entity's MRR at the window's ends. */
function movementAmount(kind: MovementKind, starting: MoneyUnits, ending: MoneyUnits): MoneyUnits {
  switch (kind) {
    case 'NEW':
    case 'REACTIVATION':
      return ending;
    case 'EXPANSION':
      return ending - starting;
    case 'CONTRACTION':
      return starting - ending;
    case 'CHURN':
      return starting;
    default:
      return kind satisfies never;
  }
}

function zeroBridge(): Record<keyof MrrBridge, number> {
  return {
    startingMrr: 0,
    newBusiness: 0,
    reactivation: 0,
    expansion: 0,
    contraction: 0,
    churn: 0,
    endingMrr: 0,
  };
}

function subtract(b: MrrBridge, a: MrrBridge): BridgeDifference {
  const difference = zeroBridge();
  for (const line of LINES) difference[line] = b[line] - a[line];
  return difference;
}
