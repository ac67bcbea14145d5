/**
 * Generator options, validated and resolved: defaults, exchange rates for local price lists, and
 * where each currency's customers are.
 */

import type { Instant } from '../dates.ts';
import { EngineError } from '../engine-error.ts';
import type { GenerateBillingDataOptions, GeneratorCurrency, GeneratorPlan } from '../generator-types.ts';
import { MONEY_SCALE, type MoneyUnits } from '../money.ts';
import { CURRENCY_CODE } from '../spans.ts';

/** A currency with its local price list, resolved from the options. */
export interface ScenarioCurrency {
  readonly code: string;
  /** Reporting-currency units per unit of this currency. */
  readonly rate: number;
  readonly countries: readonly string[];
  readonly countryWeights: readonly number[];
  /** Monthly and annual seat prices per plan, and the add-on's, in local units. */
  readonly monthly: readonly MoneyUnits[];
  readonly annual: readonly MoneyUnits[];
  readonly addonMonthly: MoneyUnits;
  readonly addonAnnual: MoneyUnits;
}

/** Validated, resolved generator options. */
export interface Scenario {
  readonly seed: number;
  readonly months: number;
  readonly start: Instant;
  /** Exclusive end of the window. */
  readonly end: Instant;
  readonly reportingCurrency: string;
  readonly currencies: readonly ScenarioCurrency[];
  readonly currencyWeights: readonly number[];
  readonly plans: readonly GeneratorPlan[];
  readonly planWeights: readonly number[];
  readonly annualShare: number;
}

/** Typical value of common currencies in USD, for default `rateToReporting` (any reporting currency, via USD). */
const USD_VALUE: Readonly<Record<string, number>> = {
  USD: 1,
  EUR: 1.08,
  GBP: 1.27,
  CAD: 0.74,
  AUD: 0.66,
  NZD: 0.61,
  JPY: 0.0067,
  CHF: 1.12,
  SEK: 0.095,
  NOK: 0.094,
  DKK: 0.145,
  PLN: 0.25,
  INR: 0.012,
  BRL: 0.2,
  MXN: 0.058,
  SGD: 0.74,
};

/** Where customers paying in a currency are, with weights; others map to the code's first two letters. */
const COUNTRIES: Readonly<Record<string, readonly (readonly [string, number])[]>> = {
  USD: [
    ['US', 72],
    ['CA', 8],
    ['GB', 6],
    ['AU', 6],
    ['SG', 3],
    ['IN', 3],
    ['BR', 2],
  ],
  EUR: [
    ['DE', 30],
    ['FR', 22],
    ['NL', 14],
    ['ES', 11],
    ['IT', 10],
    ['IE', 7],
    ['BE', 6],
  ],
};

/** Seat price of the add-on (an analytics module) in the reporting currency, per month. */
const ADDON_SEAT_PRICE = 9 * MONEY_SCALE;

/** A price list in another currency uses round local prices: whole units, two significant digits from 100. */
function localPrice(price: MoneyUnits, rate: number): MoneyUnits {
  if (rate === 1) return price;
  const amount = price / MONEY_SCALE / rate;
  const step = amount < 100 ? 1 : 10 ** (Math.floor(Math.log10(amount)) - 1);
  return Math.max(1, Math.round(amount / step)) * step * MONEY_SCALE;
}

function positive(name: string, value: number): number {
  if (!(value > 0) || !Number.isFinite(value))
    throw new EngineError('INVALID_OPTION', `${name} must be a positive number, got ${value}`);
  return value;
}

function resolveCurrency(
  currency: GeneratorCurrency,
  reporting: string,
  plans: readonly GeneratorPlan[],
): ScenarioCurrency {
  const { code } = currency;
  if (!CURRENCY_CODE.test(code))
    throw new EngineError(
      'INVALID_OPTION',
      `currency must be an ISO 4217 code such as "EUR", got ${JSON.stringify(code)}`,
    );
  positive(`share of ${code}`, currency.share);
  const known = USD_VALUE[code] !== undefined && USD_VALUE[reporting] !== undefined;
  const rate =
    code === reporting
      ? 1
      : (currency.rateToReporting ??
        (known ? (USD_VALUE[code] as number) / (USD_VALUE[reporting] as number) : undefined));
  if (rate === undefined) {
    throw new EngineError(
      'INVALID_OPTION',
      `currency ${code} needs a rateToReporting (units of ${reporting} per ${code})`,
    );
  }
  positive(`rateToReporting of ${code}`, rate);
  const countries = COUNTRIES[code] ?? [[code.slice(0, 2), 1] as const];
  const addonMonthly = localPrice(ADDON_SEAT_PRICE, rate);
  return {
    code,
    rate,
    countries: countries.map(([country]) => country),
    countryWeights: countries.map(([, weight]) => weight),
    monthly: plans.map((plan) => localPrice(plan.seatPrice, rate)),
    annual: plans.map((plan) =>
      plan.annualSeatPrice === undefined
        ? 10 * localPrice(plan.seatPrice, rate)
        : localPrice(plan.annualSeatPrice, rate),
    ),
    addonMonthly,
    addonAnnual: 10 * addonMonthly,
  };
}

function checkPlan(plan: GeneratorPlan): GeneratorPlan {
  const { name, seats } = plan;
  if (!Number.isSafeInteger(plan.seatPrice) || plan.seatPrice <= 0) {
    throw new EngineError(
      'INVALID_OPTION',
      `plan ${name}: seatPrice must be a positive integer of units, got ${plan.seatPrice}`,
    );
  }
  if (
    plan.annualSeatPrice !== undefined &&
    (!Number.isSafeInteger(plan.annualSeatPrice) || plan.annualSeatPrice <= 0)
  ) {
    throw new EngineError(
      'INVALID_OPTION',
      `plan ${name}: annualSeatPrice must be a positive integer of units, got ${plan.annualSeatPrice}`,
    );
  }
  if (
    !Number.isInteger(seats.min) ||
    !Number.isInteger(seats.max) ||
    seats.min < 1 ||
    seats.max < seats.min
  ) {
    throw new EngineError(
      'INVALID_OPTION',
      `plan ${name}: seats must be integers with 1 ≤ min ≤ max, got ${seats.min}–${seats.max}`,
    );
  }
  positive(`share of plan ${name}`, plan.share);
  if (!(plan.monthlyChurn >= 0 && plan.monthlyChurn < 1)) {
    throw new EngineError(
      'INVALID_OPTION',
      `plan ${name}: monthlyChurn must be in [0, 1), got ${plan.monthlyChurn}`,
    );
  }
  const growth = plan.monthlySeatGrowth;
  if (growth !== undefined && !(growth >= 0 && growth <= 0.5)) {
    throw new EngineError(
      'INVALID_OPTION',
      `plan ${name}: monthlySeatGrowth must be in [0, 0.5], got ${growth}`,
    );
  }
  return plan;
}

/** Validates options and resolves defaults and local price lists. */
export function createScenario(
  options: GenerateBillingDataOptions,
  defaultPlans: readonly GeneratorPlan[],
  defaultCurrencies: readonly GeneratorCurrency[],
): Scenario {
  const { customers, months } = options;
  if (!Number.isSafeInteger(customers) || customers < 0) {
    throw new EngineError('INVALID_OPTION', `customers must be a non-negative integer, got ${customers}`);
  }
  if (!Number.isSafeInteger(months) || months < 1)
    throw new EngineError('INVALID_OPTION', `months must be a positive integer, got ${months}`);
  const start = options.start ?? Date.UTC(2023, 0, 1);
  const first = new Date(start);
  if (!Number.isFinite(start) || first.getUTCDate() !== 1 || start % 86_400_000 !== 0) {
    throw new EngineError(
      'INVALID_OPTION',
      `start must be midnight UTC on the 1st of a month, got ${Number.isFinite(start) ? first.toISOString() : start}`,
    );
  }
  const seed = options.seed ?? 1;
  if (!Number.isInteger(seed))
    throw new EngineError('INVALID_OPTION', `seed must be an integer, got ${seed}`);
  const annualShare = options.annualShare ?? 0.25;
  if (!(annualShare >= 0 && annualShare <= 1))
    throw new EngineError('INVALID_OPTION', `annualShare must be in [0, 1], got ${annualShare}`);
  const reportingCurrency = options.reportingCurrency ?? 'USD';
  const plans = (options.plans ?? defaultPlans).map(checkPlan);
  if (plans.length === 0) throw new EngineError('INVALID_OPTION', 'plans must not be empty');
  const listed = options.currencies ?? defaultCurrencies;
  if (listed.length === 0) throw new EngineError('INVALID_OPTION', 'currencies must not be empty');
  const currencies = listed.map((currency) => resolveCurrency(currency, reportingCurrency, plans));
  return {
    seed: seed | 0,
    months,
    start,
    end: Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + months, 1),
    reportingCurrency,
    currencies,
    currencyWeights: listed.map((currency) => currency.share),
    plans,
    planWeights: plans.map((plan) => plan.share),
    annualShare,
  };
}
