import type { Instant } from '../dates.ts';
import type { MoneyUnits } from '../money.ts';
import type { BillingInterval } from './billing-interval.ts';

/**
 * A subscription's status as Stripe names it, plus `ended` (a subscription that ran its course).
 * `canceled`, `ended` and `incomplete_expired` end the subscription; the others describe it while it exists.
 */
export type SubscriptionStatus =
  | 'active'
  | 'trialing'
  | 'past_due'
  | 'unpaid'
  | 'paused'
  | 'canceled'
  | 'incomplete'
  | 'incomplete_expired'
  | 'ended';

/** Every {@link SubscriptionStatus}, in the order error messages list them. */
export const SUBSCRIPTION_STATUSES: readonly SubscriptionStatus[] = [
  'active',
  'trialing',
  'past_due',
  'unpaid',
  'paused',
  'canceled',
  'incomplete',
  'incomplete_expired',
  'ended',
];

/** Statuses after which the subscription no longer exists (until a later event revives it). */
export const TERMINAL_STATUSES: ReadonlySet<SubscriptionStatus> = new Set([
  'canceled',
  'ended',
  'incomplete_expired',
]);

/**
 * One priced line of a subscription. Only `LICENSED` (recurring, billed per seat or unit, Stripe's
 * `usage_type: licensed`) counts toward MRR; `METERED` usage and `ONE_TIME` charges never do
 * (retention semantics §2) but are kept so the event stays faithful to its source.
 */
export type SubscriptionItem =
  | {
      readonly kind: 'LICENSED';
      /** Price per unit per billing period, excluding tax, in units (1/10,000 of the currency). */
      readonly unitAmount: MoneyUnits;
      /** Units billed (seats); 0 or more, possibly fractional. */
      readonly quantity: number;
      readonly interval: BillingInterval;
      /** Intervals per billing period (Stripe's `interval_count`), at least 1. */
      readonly intervalCount: number;
      /** The source's price id, when it had one. */
      readonly priceId?: string;
      /**
       * Discounts on this item alone, applied in order to its price × quantity before the
       * subscription's discounts, as Stripe applies them (`items.data[].discounts`, Basil API);
       * absent means none.
       */
      readonly discounts?: readonly SubscriptionDiscount[];
    }
  | {
      readonly kind: 'METERED';
      /** Price per unit of usage, excluding tax, in units; absent for tiered usage prices. */
      readonly unitAmount?: MoneyUnits;
      readonly interval: BillingInterval;
      readonly intervalCount: number;
      readonly priceId?: string;
    }
  | {
      readonly kind: 'ONE_TIME';
      /** The one-off price, excluding tax, in units; absent when the source gave none. */
      readonly unitAmount?: MoneyUnits;
      readonly quantity: number;
      readonly priceId?: string;
    };

/**
 * How long a discount lasts, as Stripe's coupon `duration` says: `ONCE` applies to a single
 * invoice and is never part of MRR; `REPEATING` ends at `end`; `FOREVER` has no end.
 */
export type DiscountDuration = 'ONCE' | 'REPEATING' | 'FOREVER';

/** A discount on the whole subscription, in force from `start` (inclusive) to `end` (exclusive). */
export type SubscriptionDiscount = {
  readonly duration: DiscountDuration;
  /** First instant it applies; absent means from the event's start. */
  readonly start?: Instant;
  /** First instant it no longer applies; absent means open-ended (always absent for `FOREVER`). */
  readonly end?: Instant;
} & (
  | {
      readonly kind: 'PERCENT_OFF';
      /** Percentage off in 1/10,000 of a percent, exact: 20% = 200,000; between 0 and 1,000,000. */
      readonly percentOff: number;
    }
  | {
      readonly kind: 'AMOUNT_OFF';
      /** Amount off each billing period's invoice, excluding tax, in units of the event's currency. */
      readonly amountOff: MoneyUnits;
    }
);

/**
 * The full state of one subscription from `effectiveAt` until the subscription's next event
 * (Stripe's `customer.subscription.*` events carry the whole subscription object).
 */
export interface SubscriptionEvent {
  /** The event's id, unique within an import. */
  readonly id: string;
  readonly customerId: string;
  readonly subscriptionId: string;
  /** When this state takes effect. */
  readonly effectiveAt: Instant;
  readonly status: SubscriptionStatus;
  /**
   * ISO 4217 code, upper case. Always present on events whose status keeps the subscription alive;
   * may be absent on `canceled`, `ended`, `incomplete` and `incomplete_expired` events without prices.
   */
  readonly currency?: string;
  /** Priced lines; every recurring one shares one billing interval (as Stripe requires). */
  readonly items: readonly SubscriptionItem[];
  /** Discounts on the subscription, in the order they apply (each to what the previous ones left). */
  readonly discounts: readonly SubscriptionDiscount[];
  /** When the customer asked to cancel, if the source says so. */
  readonly canceledAt?: Instant;
  /**
   * `true` when the source said `active` with collection paused (Stripe's `pause_collection`),
   * read as `paused`: the subscription was paying, which a `paused` status alone does not say
   * (Stripe also pauses a trial that ends without a payment method). Absent otherwise.
   */
  readonly collectionPaused?: true;
  /**
   * Customer attributes from `metadata` and `attributes` (the latter wins), plus `billing_interval`
   * (`month`, `quarter`, `year`, `2_year`, …) derived from the recurring price and, for Stripe
   * prices, `plan` (the price's `lookup_key`, else `nickname`, else `id`) unless given explicitly.
   */
  readonly attributes: Readonly<Record<string, string>>;
}

// Shared by every importer; re-exported here so that event modules keep one import site.
export type { ImportOptions, ImportResult, ParsedRow } from './result.ts';
