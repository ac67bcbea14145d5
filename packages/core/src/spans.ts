import type { Instant } from './dates.ts';
import type { MoneyUnits } from './money.ts';

/**
 * The normalised form every importer's output is turned into: a stretch of time during which one
 * subscription of one customer has a constant MRR in one currency. Subscription periods map to
 * spans directly; invoice lines and subscription events go through normalisation first.
 *
 * A subscription may have many spans (one per price, quantity or discount change); spans of one
 * subscription must not overlap. Spans of different subscriptions of a customer may.
 */
export interface MrrSpan {
  readonly customerId: string;
  readonly subscriptionId: string;
  /** First instant the MRR applies (inclusive). */
  readonly start: Instant;
  /** First instant it no longer applies (exclusive); `null` while still active. */
  readonly end: Instant | null;
  /** Normalised monthly recurring revenue in units (1/10,000 of the currency); 0 for trials and free plans. */
  readonly mrr: MoneyUnits;
  /** ISO 4217 code, upper case. */
  readonly currency: string;
  /**
   * When the customer asked to cancel, if known and earlier than `end`. Used only by the
   * `CANCELLATION` churn-date policy, which ends the span here instead of at `end`.
   */
  readonly canceledAt?: Instant;
  /** Customer attributes known from this span's source row (plan, billing_interval, country, …). */
  readonly attributes?: Readonly<Record<string, string>>;
}

/** The ISO 4217 shape: three upper-case letters. */
export const CURRENCY_CODE = /^[A-Z]{3}$/;
