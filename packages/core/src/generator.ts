/**
 * A deterministic, seeded generator of realistic subscription billing data: the one source of
 * synthetic data for tests, benchmarks and the API's demo tenant. Customers are produced lazily,
 * one at a time, so a million customers over three years can stream into a file or a database in
 * constant memory. Customer `i` depends only on the seed, `i` and the options, never on how many
 * customers are generated or in what order they are read.
 *
 * The output is shaped like the subscription-periods CSV the importers read: one row per stretch
 * of constant MRR of one subscription. Its options and output types are in ./generator-types.ts.
 */

import { type Instant, toIsoDate } from './dates.ts';
import { EngineError } from './engine-error.ts';
import type { FxRate } from './fx.ts';
import type {
  GenerateBillingDataOptions,
  GeneratedCustomer,
  GeneratedPeriod,
  GeneratorCurrency,
  GeneratorPlan,
} from './generator-types.ts';
import { hashString, Random } from './internal/random.ts';
import { createScenario, type Scenario } from './internal/scenario.ts';
import { simulateCustomer } from './internal/simulate-customer.ts';
import { formatMoneyUnits, type MoneyUnits } from './money.ts';
import type { MrrSpan } from './spans.ts';

const unit = (amount: number): MoneyUnits => amount * 10_000;

/** The default price list: per-seat plans from Starter to Enterprise. */
export const DEFAULT_PLANS: readonly GeneratorPlan[] = [
  {
    name: 'Starter',
    seatPrice: unit(19),
    seats: { min: 1, max: 3 },
    share: 45,
    monthlyChurn: 0.05,
    monthlySeatGrowth: 0.008,
  },
  {
    name: 'Growth',
    seatPrice: unit(49),
    seats: { min: 2, max: 15 },
    share: 33,
    monthlyChurn: 0.03,
    monthlySeatGrowth: 0.025,
  },
  {
    name: 'Pro',
    seatPrice: unit(99),
    seats: { min: 8, max: 60 },
    share: 17,
    monthlyChurn: 0.013,
    monthlySeatGrowth: 0.06,
  },
  {
    name: 'Enterprise',
    seatPrice: unit(119),
    seats: { min: 50, max: 400 },
    share: 5,
    monthlyChurn: 0.006,
    monthlySeatGrowth: 0.1,
  },
];

/** The default currencies: 80% USD, 20% EUR. */
export const DEFAULT_CURRENCIES: readonly GeneratorCurrency[] = [
  { code: 'USD', share: 80 },
  { code: 'EUR', share: 20 },
];

/**
 * Generates customers lazily: nothing is computed until iterated, and each customer is dropped
 * by the generator as soon as it is yielded. Throws an `EngineError` (`INVALID_OPTION`), at the
 * call, for invalid options (a negative or fractional count, a start not on the 1st of a month, a
 * currency with no known rate).
 *
 * Behaviour, per customer: a currency and a country to match, an industry, a signup on a random
 * day of a random month, a plan with seats; each month at the billing anniversary, a churn
 * hazard by plan and industry (higher in the first three months; annual customers only at
 * renewal), otherwise possibly an upgrade, seat growth, a downgrade or seat reduction (annual: at
 * renewal), a retention discount of 10–30% for 3–12 months, or a switch to annual billing. Some
 * customers buy an add-on (a second, concurrent subscription). About 30% of churned customers
 * return 2–12 months later on a new subscription.
 */
export function generateBillingData(options: GenerateBillingDataOptions): Generator<GeneratedCustomer, void> {
  // Validated here, eagerly, so bad options fail at the call rather than at the first read.
  return customersOf(createScenario(options, DEFAULT_PLANS, DEFAULT_CURRENCIES), options.customers);
}

function* customersOf(scenario: Scenario, count: number): Generator<GeneratedCustomer, void> {
  for (let index = 0; index < count; index++) yield simulateCustomer(scenario, index);
}

/** The rows of {@link generateBillingData}, customer after customer; options are validated at the call. */
export function generatePeriods(options: GenerateBillingDataOptions): Generator<GeneratedPeriod, void> {
  return periodsOf(generateBillingData(options));
}

function* periodsOf(customers: Iterable<GeneratedCustomer>): Generator<GeneratedPeriod, void> {
  for (const customer of customers) yield* customer.periods;
}

/** Header line of the subscription-periods CSV, without a line terminator. */
export const periodsCsvHeader =
  'subscription_id,customer_id,start_date,end_date,monthly_amount,currency,plan,billing_interval,country,industry';

// Rows start and end at midnight on a few thousand distinct days: formatting each once saves a
// third of the time of writing a large file.
const isoDays = new Map<Instant, string>();

function isoDate(instant: Instant): string {
  let text = isoDays.get(instant);
  if (text === undefined) {
    text = toIsoDate(instant);
    if (isoDays.size >= 100_000) isoDays.clear();
    isoDays.set(instant, text);
  }
  return text;
}

function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * One CSV line (RFC 4180 quoting, no line terminator) in the order of {@link periodsCsvHeader}:
 * ISO dates (`end_date` empty while active) and the amount as a plain decimal (`166.6667`).
 */
export function periodToCsvLine(period: GeneratedPeriod): string {
  const { attributes } = period;
  return [
    period.subscriptionId,
    period.customerId,
    isoDate(period.start),
    period.end === null ? '' : isoDate(period.end),
    formatMoneyUnits(period.monthlyAmount),
    period.currency,
    attributes.plan,
    attributes.billing_interval,
    attributes.country,
    attributes.industry,
  ]
    .map(csvField)
    .join(',');
}

/** The engine's normalised form of a generated row. */
export function generatedPeriodToSpan(period: GeneratedPeriod): MrrSpan {
  return {
    customerId: period.customerId,
    subscriptionId: period.subscriptionId,
    start: period.start,
    end: period.end,
    mrr: period.monthlyAmount,
    currency: period.currency,
    attributes: { ...period.attributes },
  };
}

/** Options of {@link generateExchangeRates}: the generator's, plus the drift's size. */
export type GenerateExchangeRatesOptions = Pick<
  GenerateBillingDataOptions,
  'seed' | 'months' | 'start' | 'reportingCurrency' | 'currencies'
> & {
  /** Standard deviation of the monthly log-change; default 0.01 (rates wander a few percent). */
  readonly volatility?: number;
};

/**
 * A dated rate table for every non-reporting currency: one rate on the 1st of each month of the
 * window, starting from the currency's `rateToReporting` and drifting as a mean-reverting random
 * walk kept within ±6%, to 6 significant digits. Deterministic for a seed; each currency has its
 * own stream, so adding a currency does not change the others' rates.
 */
export function generateExchangeRates(options: GenerateExchangeRatesOptions): FxRate[] {
  const scenario = createScenario({ ...options, customers: 0 }, DEFAULT_PLANS, DEFAULT_CURRENCIES);
  const volatility = options.volatility ?? 0.01;
  if (!(volatility >= 0) || !Number.isFinite(volatility)) {
    throw new EngineError('INVALID_OPTION', `volatility must be a non-negative number, got ${volatility}`);
  }
  const start = new Date(scenario.start);
  const rates: FxRate[] = [];
  for (const currency of scenario.currencies) {
    if (currency.code === scenario.reportingCurrency) continue;
    const random = new Random(scenario.seed, hashString(`fx:${currency.code}`));
    let drift = 0;
    for (let month = 0; month < scenario.months; month++) {
      const effective = Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + month, 1);
      rates.push({
        currency: currency.code,
        effective,
        rate: Number((currency.rate * Math.exp(drift)).toPrecision(6)),
      });
      drift = Math.max(-0.06, Math.min(0.06, 0.85 * drift + volatility * random.normal()));
    }
  }
  return rates;
}
