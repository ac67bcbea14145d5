/**
 * The movements a webhook announces: every coalesced change of a customer's MRR, classified as in
 * the ledger of retention semantics §4 (core's `movementLedger`: new, expansion, contraction,
 * churn, reactivation), always at customer grain and otherwise under the tenant's settings (churn
 * date, coalescing window, reactivation window), so that a webhook and the `movements` query tell
 * the same story. A customer billed in one currency
 * has its movements in that currency, exactly as billed, so exchange rates never change them; a
 * customer billed in several is converted to the reporting currency at the rates in force at
 * each change (core's `customerHistory`).
 */
import { createHash } from 'node:crypto';
import {
  buildTimeline,
  customerHistory,
  type Definitions,
  EngineError,
  type ExchangeRates,
  formatMoneyUnits,
  type LedgerEntry,
  type MrrSpan,
  movementLedger,
  type TimelineOptions,
  timelineOptionsOf,
} from '@nrr/core';

/** One movement as announced and as remembered in `webhook_movement_ledgers`. */
export interface AnnouncedMovement {
  /** `mov_` + 32 hex digits of SHA-256 over tenant, customer, kind, instant, amounts and currency. */
  readonly id: string;
  readonly customerId: string;
  /** `NEW`, `EXPANSION`, `CONTRACTION`, `CHURN` or `REACTIVATION`. */
  readonly kind: string;
  /** When the change takes effect (ISO 8601, UTC); may be in the future (a churn at period end). */
  readonly at: string;
  /** Size of the movement, positive, decimal string (up to 4 places). */
  readonly amount: string;
  /** MRR just before and just after the change. */
  readonly mrrBefore: string;
  readonly mrrAfter: string;
  readonly currency: string;
}

/** The whole range of instants a ledger covers. */
const ALL_TIME = { from: -8.64e15, to: 8.64e15 };

/** Deterministic id of a movement: the same data always gives the same id. */
export function movementId(tenantId: string, entry: Omit<AnnouncedMovement, 'id'>): string {
  const key = [
    tenantId,
    entry.customerId,
    entry.kind,
    entry.at,
    entry.amount,
    entry.mrrBefore,
    entry.mrrAfter,
    entry.currency,
  ].join('\u0000');
  return `mov_${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
}

function announced(tenantId: string, entry: LedgerEntry): AnnouncedMovement {
  const fields = {
    customerId: entry.customerId,
    kind: entry.kind,
    at: new Date(entry.at).toISOString(),
    amount: formatMoneyUnits(entry.amount),
    mrrBefore: formatMoneyUnits(entry.mrrBefore),
    mrrAfter: formatMoneyUnits(entry.mrrAfter),
    currency: entry.currency,
  };
  return { id: movementId(tenantId, fields), ...fields };
}

/**
 * The movements of every customer in `spans` (each customer's spans complete), by customer; a
 * customer with no movement has an empty list. `rates` are needed only for customers billed in
 * several currencies (loaded on first need); such a customer whose rates are missing is left out
 * of the result (its announced movements stay as they were) rather than fail the data change.
 * `definitions` are the tenant's settings (their grain is not used: movements are per customer).
 */
export async function movementsByCustomer(
  tenantId: string,
  spans: readonly MrrSpan[],
  rates: () => Promise<ExchangeRates>,
  definitions: Definitions,
): Promise<Map<string, AnnouncedMovement[]>> {
  const options: TimelineOptions = { ...timelineOptionsOf(definitions), grain: 'CUSTOMER' };
  const { reactivationWindowDays } = definitions;
  const byCustomer = new Map<string, MrrSpan[]>();
  for (const span of spans) {
    const list = byCustomer.get(span.customerId);
    if (list) list.push(span);
    else byCustomer.set(span.customerId, [span]);
  }
  // Customers of one currency share a timeline per currency; the others share one with rates.
  const byCurrency = new Map<string, MrrSpan[]>();
  const mixed: MrrSpan[] = [];
  for (const list of byCustomer.values()) {
    const currency = (list[0] as MrrSpan).currency;
    if (list.every((span) => span.currency === currency)) {
      const group = byCurrency.get(currency);
      if (group) group.push(...list);
      else byCurrency.set(currency, [...list]);
    } else mixed.push(...list);
  }
  const result = new Map<string, AnnouncedMovement[]>();
  for (const customer of byCustomer.keys()) result.set(customer, []);
  for (const group of byCurrency.values()) {
    const timeline = buildTimeline(group, options);
    for (const entry of movementLedger(timeline, { ...ALL_TIME, reactivationWindowDays })) {
      result.get(entry.customerId)?.push(announced(tenantId, entry));
    }
  }
  if (mixed.length > 0) {
    const table = await rates();
    const timeline = buildTimeline(mixed, options);
    for (const customer of new Set(mixed.map((span) => span.customerId))) {
      try {
        const history = customerHistory(timeline, customer, table, { reactivationWindowDays });
        result.set(
          customer,
          (history?.ledger ?? []).map((entry) => announced(tenantId, entry)),
        );
      } catch (error) {
        if (!(error instanceof EngineError)) throw error;
        result.delete(customer);
      }
    }
  }
  return result;
}
