/**
 * The synthetic-data generator's vocabulary: its options (currencies, plans, window) and the
 * customers and rows it yields. The generator itself is ./generator.ts; its internals
 * (./internal/scenario.ts, ./internal/simulate-customer.ts) read these types from here, so no
 * import runs back up to the generator.
 */

import type { Instant } from './dates.ts';
import type { MoneyUnits } from './money.ts';

/** A currency customers pay in. */
export interface GeneratorCurrency {
  /** ISO 4217 code, upper case. */
  readonly code: string;
  /** Relative share of customers billed in it (shares need not sum to 1). */
  readonly share: number;
  /**
   * Reporting-currency units one unit of this currency is worth (EUR → USD ≈ 1.08); sets local
   * price lists and the base of `generateExchangeRates`. Default: a typical recent rate for
   * common currencies (EUR, GBP, CAD, AUD, JPY, CHF, …); required for others. 1 for the reporting currency.
   */
  readonly rateToReporting?: number;
}

/** A plan of the price list, from the smallest to the largest (upgrades move one step up). */
export interface GeneratorPlan {
  /** Written to the rows' `plan` attribute. */
  readonly name: string;
  /** Monthly list price per seat in the reporting currency, in units (1/10,000). */
  readonly seatPrice: MoneyUnits;
  /** Annual price per seat in units; default 10 × `seatPrice` ("two months free"). */
  readonly annualSeatPrice?: MoneyUnits;
  /** Seats at signup, drawn log-uniformly in `[min, max]`; an upgrade keeps the seats. */
  readonly seats: { readonly min: number; readonly max: number };
  /** Relative share of signups on this plan. */
  readonly share: number;
  /** Monthly churn hazard of a monthly-billed customer (0.045 = 4.5% a month); annual ones churn less, at renewal. */
  readonly monthlyChurn: number;
  /**
   * Monthly probability of seat growth (5–30% more seats, at least one); default 0.03. Larger
   * accounts grow more often, which is what makes enterprise NRR exceed SMB NRR.
   */
  readonly monthlySeatGrowth?: number;
}

/** Options of `generateBillingData` (./generator.ts). */
export interface GenerateBillingDataOptions {
  /** 32-bit integer seed; default 1. The same seed and options always give the same data. */
  readonly seed?: number;
  /** Number of customers (a non-negative integer). */
  readonly customers: number;
  /** Length of the window in calendar months (a positive integer); data ends at `start` + `months`. */
  readonly months: number;
  /** First instant of the window: midnight UTC on the 1st of a month; default 2023-01-01. */
  readonly start?: Instant;
  /** Currency of reported figures and of plan prices; default `USD`. */
  readonly reportingCurrency?: string;
  /** Default USD 80% / EUR 20%. */
  readonly currencies?: readonly GeneratorCurrency[];
  /** Default `DEFAULT_PLANS` (./generator.ts). */
  readonly plans?: readonly GeneratorPlan[];
  /** Share of signups billed annually (0–1); default 0.25. */
  readonly annualShare?: number;
}

/** Customer attributes carried on every row, as in the CSV's columns. */
export interface GeneratedAttributes {
  /** Plan name; an add-on's rows carry the main subscription's plan at the row's start. */
  readonly plan: string;
  readonly billing_interval: 'month' | 'year';
  /** ISO 3166-1 alpha-2 code, consistent with the currency (EUR customers are European). */
  readonly country: string;
  /** Lower-case slug: `software`, `ecommerce`, `marketing`, `fintech`, `devtools`, `healthcare`, … */
  readonly industry: string;
}

/** One row: a stretch of one subscription with constant MRR and attributes. */
export interface GeneratedPeriod {
  /** `sub_0000001_1`: customer number and the customer's subscription sequence (add-ons and returns get new ones). */
  readonly subscriptionId: string;
  /** `cus_0000001`. */
  readonly customerId: string;
  /** Inclusive; midnight UTC. */
  readonly start: Instant;
  /** Exclusive; `null` when still active at the window's end. */
  readonly end: Instant | null;
  /** MRR in units, always positive (annual prices normalised half-up to 4 decimals). */
  readonly monthlyAmount: MoneyUnits;
  /** ISO 4217 code; a customer keeps one currency. */
  readonly currency: string;
  readonly attributes: GeneratedAttributes;
}

/** One customer and all its rows, ordered by start then subscription. */
export interface GeneratedCustomer {
  /** `cus_0000001` for the first customer (index 0). */
  readonly customerId: string;
  /** The one currency all its rows are billed in. */
  readonly currency: string;
  /** ISO 3166-1 alpha-2, as on its rows. */
  readonly country: string;
  /** Industry slug, as on its rows. */
  readonly industry: string;
  /** First subscription's start: a random day (1st–28th) of its signup month. */
  readonly signup: Instant;
  /** Consecutive rows of one subscription touch but never overlap. */
  readonly periods: readonly GeneratedPeriod[];
}
