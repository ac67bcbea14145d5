/**
 * Billing interval names as billing systems write them (Stripe's `month`, Kill Bill's `MONTHLY`,
 * `ANNUAL`, …): part of reading an export. `normalize/intervals.ts` turns an interval into months.
 */

/**
 * Billing intervals a price can recur on. Stripe's `day | week | month | year` with an
 * `interval_count`, plus the names other billing systems use (Kill Bill's `MONTHLY`, `ANNUAL`, …
 * are accepted by {@link parseBillingInterval}).
 */
export type BillingInterval = 'day' | 'week' | 'month' | 'quarter' | 'half_year' | 'year';

const ALIASES: Readonly<Record<string, BillingInterval | null>> = {
  day: 'day',
  daily: 'day',
  week: 'week',
  weekly: 'week',
  month: 'month',
  monthly: 'month',
  quarter: 'quarter',
  quarterly: 'quarter',
  half_year: 'half_year',
  'half-year': 'half_year',
  semiannual: 'half_year',
  semi_annual: 'half_year',
  biannual: 'half_year',
  year: 'year',
  yearly: 'year',
  annual: 'year',
  annually: 'year',
  // Kill Bill's names for a price that does not recur: no MRR.
  no_billing_period: null,
  one_time: null,
  once: null,
};

/**
 * Reads an interval name in any of the common spellings (case-insensitive): `month`, `MONTHLY`,
 * `annual`, `quarterly`, `half-year`, … Returns `null` for one-off prices (`NO_BILLING_PERIOD`,
 * `one_time`), which carry no MRR, and `undefined` for names it does not know.
 */
export function parseBillingInterval(name: string): BillingInterval | null | undefined {
  const key = name.trim().toLowerCase().replace(/\s+/g, '_');
  return Object.hasOwn(ALIASES, key) ? ALIASES[key] : undefined;
}
