import type { Instant } from './dates.ts';
import type { ExchangeRates } from './fx.ts';
import {
  classifyMovement,
  conversionFactors,
  PeriodEngine,
  reactivationWindowMs,
  reportingCurrencyOf,
} from './internal/period-engine.ts';
import { convertUnits, type MoneyUnits } from './money.ts';
import type { MovementKind } from './reports.ts';
import { checkPeriod, type RetentionQuery } from './retention.ts';
import { laneValueBefore, type Timeline } from './timeline.ts';

/** One entity's net movement over a period; these sum exactly to the period's bridge. */
export interface CustomerMovement {
  /** Customer id, or subscription id at subscription grain. */
  readonly entityId: string;
  readonly customerId: string;
  readonly kind: MovementKind;
  /** Size of the movement in reporting-currency units (always positive). */
  readonly amount: MoneyUnits;
  readonly startingMrr: MoneyUnits;
  readonly endingMrr: MoneyUnits;
  /** First change of the entity inside the period. */
  readonly at: Instant;
  /** Attributes at the period's start. */
  readonly attributes: Readonly<Record<string, string>>;
}

/** One coalesced change in the event-level ledger, for drill-down (retention semantics §4). */
export interface LedgerEntry {
  readonly entityId: string;
  readonly customerId: string;
  readonly at: Instant;
  readonly kind: MovementKind;
  /** Size of the change in reporting-currency units (always positive). */
  readonly amount: MoneyUnits;
  readonly mrrBefore: MoneyUnits;
  readonly mrrAfter: MoneyUnits;
  /** Reporting currency of the amounts. */
  readonly currency: string;
}

function movementAmount(kind: MovementKind, starting: number, ending: number): number {
  switch (kind) {
    case 'NEW':
    case 'REACTIVATION':
      return ending;
    case 'CHURN':
      return starting;
    case 'EXPANSION':
      return ending - starting;
    case 'CONTRACTION':
      return starting - ending;
    default:
      return kind satisfies never;
  }
}

/** Instants of every change of an entity, ascending and distinct. */
function changeInstants(timeline: Timeline, entity: number): number[] {
  const { laneStart, changeStart, times } = timeline.columns;
  const instants: number[] = [];
  for (let lane = laneStart[entity] as number; lane < (laneStart[entity + 1] as number); lane++) {
    for (let p = changeStart[lane] as number; p < (changeStart[lane + 1] as number); p++)
      instants.push(times[p] as number);
  }
  return [...new Set(instants)].sort((a, b) => a - b);
}

/**
 * The per-entity movements of a period (customer grain by default), as in the bridge: each entity
 * is compared between its starting and ending MRR. Sorted by the first change in the period,
 * then by entity id. `kinds` keeps only some movement kinds.
 */
export function computeMovements(
  timeline: Timeline,
  query: RetentionQuery & { readonly kinds?: readonly MovementKind[] },
): CustomerMovement[] {
  checkPeriod(query.from, query.to);
  const engine = new PeriodEngine(timeline, [query.from, query.to], query);
  const kinds = query.kinds?.length ? new Set(query.kinds) : undefined;
  const movements: CustomerMovement[] = [];
  engine.evaluate(query.from, query.to, {
    visit: ({ entity, startingMrr, endingMrr, kind, attributes }) => {
      if (kind === null || (kinds && !kinds.has(kind))) return;
      const id = timeline.entityAt(entity);
      if (!id) return;
      const at = changeInstants(timeline, entity).find((t) => t >= query.from && t < query.to) ?? query.from;
      movements.push({
        entityId: id.id,
        customerId: id.customerId,
        kind,
        amount: movementAmount(kind, startingMrr, endingMrr),
        startingMrr,
        endingMrr,
        at,
        attributes,
      });
    },
  });
  return movements.sort(
    (a, b) => a.at - b.at || (a.entityId < b.entityId ? -1 : a.entityId > b.entityId ? 1 : 0),
  );
}

/** MRR of an entity just before `at` in the reporting currency (rates in force at `rateAt`, default `at`). */
function valueBefore(timeline: Timeline, entity: number, at: Instant, factors: Float64Array): MoneyUnits {
  const { laneStart, laneCurrency } = timeline.columns;
  let total = 0;
  for (let lane = laneStart[entity] as number; lane < (laneStart[entity + 1] as number); lane++) {
    const value = laneValueBefore(timeline.columns, lane, at);
    if (value !== 0) total += convertUnits(value, factors[laneCurrency[lane] as number] as number);
  }
  return total;
}

/** Options of the ledger: a window, the kinds to keep and the rates (at the window's start). */
export interface LedgerQuery {
  readonly from: Instant;
  readonly to: Instant;
  readonly kinds?: readonly MovementKind[];
  readonly rates?: ExchangeRates;
  readonly reactivationWindowDays?: number | null | undefined;
  /** Only this entity (for a customer's history). */
  readonly entityId?: string;
}

/**
 * The event-level ledger: every coalesced change of every entity in `[from, to)`, classified by
 * the MRR just before and just after it, in constant currency (rates at `from`). Sorted by time.
 */
export function movementLedger(timeline: Timeline, query: LedgerQuery): LedgerEntry[] {
  checkPeriod(query.from, query.to);
  const currency = reportingCurrencyOf(timeline, query.rates);
  const factors = conversionFactors(timeline, currency, query.rates, query.from);
  const kinds = query.kinds?.length ? new Set(query.kinds) : undefined;
  const windowMs = reactivationWindowMs(query.reactivationWindowDays);
  const only = query.entityId === undefined ? undefined : timeline.indexOf(query.entityId);
  if (query.entityId !== undefined && only === undefined) return [];
  const entries: LedgerEntry[] = [];
  const first = only ?? 0;
  const last = only === undefined ? timeline.size : only + 1;
  for (let e = first; e < last; e++) {
    const entity = timeline.entityAt(e);
    if (!entity) continue;
    for (const at of changeInstants(timeline, e)) {
      if (at < query.from || at >= query.to) continue;
      const before = valueBefore(timeline, e, at, factors);
      const after = valueBefore(timeline, e, at + 1, factors);
      const kind = classifyMovement(timeline, e, before, after, { from: at, to: at + 1 }, windowMs);
      if (kind === null || (kinds && !kinds.has(kind))) continue;
      entries.push({
        entityId: entity.id,
        customerId: entity.customerId,
        at,
        kind,
        amount: movementAmount(kind, before, after),
        mrrBefore: before,
        mrrAfter: after,
        currency,
      });
    }
  }
  return entries.sort(
    (a, b) => a.at - b.at || (a.entityId < b.entityId ? -1 : a.entityId > b.entityId ? 1 : 0),
  );
}

/** An entity's MRR history and ledger, for a customer page. */
export interface CustomerHistory {
  readonly entityId: string;
  readonly customerId: string;
  /** Latest attribute snapshot. */
  readonly attributes: Readonly<Record<string, string>>;
  readonly currency: string;
  /** MRR from each change on, in the reporting currency at the rates in force at that change. */
  readonly mrr: readonly { readonly at: Instant; readonly mrr: MoneyUnits }[];
  /** Every change, classified; amounts at the rates in force at each change. */
  readonly ledger: readonly LedgerEntry[];
}

/**
 * The history of one entity, or `undefined` when the id is unknown. Its ledger classifies each
 * change as {@link movementLedger} does, with `options.reactivationWindowDays` (default: any gap
 * reactivates, as there).
 */
export function customerHistory(
  timeline: Timeline,
  entityId: string,
  rates?: ExchangeRates,
  options: { readonly reactivationWindowDays?: number | null } = {},
): CustomerHistory | undefined {
  const e = timeline.indexOf(entityId);
  const entity = e === undefined ? undefined : timeline.entityAt(e);
  if (e === undefined || !entity) return undefined;
  const currency = reportingCurrencyOf(timeline, rates);
  const instants = changeInstants(timeline, e);
  const mrr = instants.map((at) => ({
    at,
    mrr: valueBefore(timeline, e, at + 1, conversionFactors(timeline, currency, rates, at)),
  }));
  const ledger = instants.flatMap((at) =>
    movementLedger(timeline, {
      from: at,
      to: at + 1,
      entityId,
      ...(rates ? { rates } : {}),
      ...(options.reactivationWindowDays === undefined
        ? {}
        : { reactivationWindowDays: options.reactivationWindowDays }),
    }),
  );
  const latest = entity.attributes[entity.attributes.length - 1]?.values ?? {};
  return { entityId: entity.id, customerId: entity.customerId, attributes: latest, currency, mrr, ledger };
}

/** An entity's MRR just before `at` (after every change effective strictly before it), in the reporting currency at `at`'s rates. */
export function entityMrrAt(
  timeline: Timeline,
  entityId: string,
  at: Instant,
  rates?: ExchangeRates,
): MoneyUnits {
  const e = timeline.indexOf(entityId);
  if (e === undefined) return 0;
  const currency = reportingCurrencyOf(timeline, rates);
  return valueBefore(timeline, e, at, conversionFactors(timeline, currency, rates, at));
}
