/**
 * Definition diff: the same question under two definition sets, the difference per bridge line,
 * and the customers whose movements differ, each with its movement under both.
 */
import { civilTime, fromCivilTime, type Instant, parseInstant } from '../dates.ts';
import { EngineError } from '../engine-error.ts';
import type { ExchangeRates } from '../fx.ts';
import type { SubscriptionEvent } from '../import/event-types.ts';
import { PeriodEngine } from '../internal/period-engine.ts';
import type { MoneyUnits } from '../money.ts';
import { eventsToSpans } from '../normalize/events.ts';
import type { MovementKind, MrrBridge, RetentionReport } from '../reports.ts';
import { checkPeriod, computeRetention } from '../retention.ts';
import type { SegmentFilter } from '../segments.ts';
import type { MrrSpan } from '../spans.ts';
import { buildTimeline, type Timeline } from '../timeline.ts';
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

/** A customer's share of one set's answer (see {@link DefinitionShares}). */
export interface CustomerShare extends CustomerUnderDefinitions {
  readonly customerId: string;
}

/**
 * One set's half of a comparison: its report and each customer's share of it. Plain data (arrays
 * and objects of numbers and strings), so it can be computed where the set's timeline lives (a
 * worker thread) and combined with the other set's by {@link compareShares} elsewhere.
 */
export interface DefinitionShares {
  readonly report: RetentionReport;
  /** Every customer the question includes (MRR at either end or a movement), in timeline order. */
  readonly customers: readonly CustomerShare[];
}

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
  const { report, customers } = answer(query, definitions, timeline);
  return {
    report,
    customers: Array.from(customers, ([customerId, share]) => ({ customerId, ...share })),
  };
}

/**
 * The comparison of two sets' halves ({@link definitionShares}, on the same data and query):
 * exactly what {@link compareTimelines} answers.
 */
export function compareShares(
  a: { readonly definitions: ResolvedDefinitions; readonly shares: DefinitionShares },
  b: { readonly definitions: ResolvedDefinitions; readonly shares: DefinitionShares },
): DefinitionComparison {
  const byCustomer = (shares: DefinitionShares) =>
    new Map(shares.customers.map(({ customerId, bridge, movements }) => [customerId, { bridge, movements }]));
  const sideA = byCustomer(a.shares);
  const sideB = byCustomer(b.shares);
  const customers: CustomerDefinitionDifference[] = [];
  const empty: CustomerUnderDefinitions = { bridge: zeroBridge(), movements: [] };
  const ids = new Set([...sideA.keys(), ...sideB.keys()]);
  for (const customerId of ids) {
    const underA = sideA.get(customerId) ?? empty;
    const underB = sideB.get(customerId) ?? empty;
    const difference = subtract(underB.bridge, underA.bridge);
    if (LINES.some((line) => difference[line] !== 0) || !sameMovements(underA, underB)) {
      customers.push({ customerId, a: underA, b: underB, difference });
    }
  }
  const size = (c: CustomerDefinitionDifference) =>
    Math.max(...LINES.map((line) => Math.abs(c.difference[line])));
  customers.sort(
    (x, y) => size(y) - size(x) || (x.customerId < y.customerId ? -1 : x.customerId > y.customerId ? 1 : 0),
  );
  const ratio = (x: number | null, y: number | null) => (x === null || y === null ? null : y - x);
  const reportA = a.shares.report;
  const reportB = b.shares.report;
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

/** The report of one set and each included customer's share of it. */
function answer(
  query: ComparisonQuery,
  definitions: Definitions,
  timeline: Timeline,
): { report: RetentionReport; customers: Map<string, { bridge: MrrBridge; movements: MovementList }> } {
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
  const report = computeRetention(timeline, { ...periodOptions, from, to, timeZone: options.timeZone });
  const customers = new Map<string, { bridge: Record<keyof MrrBridge, number>; movements: MovementList }>();
  new PeriodEngine(timeline, [from, to], periodOptions).evaluate(from, to, {
    visit: ({ entity, startingMrr, endingMrr, kind }) => {
      const { id, customerId } = timeline.entityAt(entity);
      let share = customers.get(customerId);
      if (!share) {
        share = { bridge: zeroBridge(), movements: [] };
        customers.set(customerId, share);
      }
      share.bridge.startingMrr += startingMrr;
      share.bridge.endingMrr += endingMrr;
      if (kind === null) return;
      const amount = addMovement(share.bridge, kind, startingMrr, endingMrr);
      share.movements.push({ entityId: id, kind, amount });
    },
  });
  return { report, customers };
}

type MovementList = { entityId: string; kind: MovementKind; amount: MoneyUnits }[];

/** Adds a movement to its bridge line and returns its (positive) amount. */
function addMovement(
  bridge: Record<keyof MrrBridge, number>,
  kind: MovementKind,
  starting: MoneyUnits,
  ending: MoneyUnits,
): MoneyUnits {
  switch (kind) {
    case 'NEW':
      bridge.newBusiness += ending;
      return ending;
    case 'REACTIVATION':
      bridge.reactivation += ending;
      return ending;
    case 'EXPANSION':
      bridge.expansion += ending - starting;
      return ending - starting;
    case 'CONTRACTION':
      bridge.contraction += starting - ending;
      return starting - ending;
    case 'CHURN':
      bridge.churn += starting;
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

function sameMovements(a: CustomerUnderDefinitions, b: CustomerUnderDefinitions): boolean {
  return (
    a.movements.length === b.movements.length &&
    a.movements.every((m, i) => {
      const n = b.movements[i];
      return n !== undefined && m.entityId === n.entityId && m.kind === n.kind && m.amount === n.amount;
    })
  );
}
