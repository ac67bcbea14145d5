/**
 * @nrr/core: the retention engine. Pure TypeScript, no runtime dependencies, no I/O.
 * Billing data → importers → normalisation → timeline → movements → retention, cohorts, segments.
 */

export type {
  Benchmark,
  BenchmarkComparison,
  BenchmarkMetric,
  BenchmarkPosition,
  BenchmarkQuery,
  BenchmarkSource,
  BenchmarkTier,
  SizeBand,
} from './benchmarks.ts';
export { BENCHMARKS, benchmarkByKey, benchmarksFor, compareToBenchmark, GRR_CEILING } from './benchmarks.ts';
export type { Granularity, Instant, Period } from './dates.ts';
export {
  addMonths,
  DAYS_PER_MONTH,
  daysInMonth,
  MS_PER_DAY,
  monthsIn,
  parseInstant,
  periodLabel,
  periodStart,
  periodsBetween,
  startOfDay,
  toIsoDate,
  wholeMonthsBetween,
} from './dates.ts';
export type { RowError, RowErrorCode } from './errors.ts';
export { ImportError, MAX_REPORTED_ERRORS, rowError } from './errors.ts';
// Formatting, benchmarks and the seeded billing-data generator.
export type {
  FormatMoneyOptions,
  FormatPercentOptions,
  FormatPointsOptions,
  FormatRatioOptions,
  SignDisplay,
} from './format.ts';
export {
  DEFAULT_LOCALE,
  formatMoney,
  formatPercent,
  formatPercentagePoints,
  formatRatio,
  MISSING_VALUE,
} from './format.ts';
export type { ExchangeRates, FxRate } from './fx.ts';
export { createExchangeRates } from './fx.ts';
export type {
  GenerateBillingDataOptions,
  GeneratedAttributes,
  GeneratedCustomer,
  GeneratedPeriod,
  GenerateExchangeRatesOptions,
  GeneratorCurrency,
  GeneratorPlan,
} from './generator.ts';
export {
  DEFAULT_CURRENCIES,
  DEFAULT_PLANS,
  generateBillingData,
  generatedPeriodToSpan,
  generateExchangeRates,
  generatePeriods,
  periodsCsvHeader,
  periodToCsvLine,
} from './generator.ts';
export type { MoneyUnits } from './money.ts';
export {
  convertUnits,
  divideRounded,
  formatMoneyUnits,
  MONEY_SCALE,
  parseMoney,
  roundHalfAwayFromZero,
  unitsFromNumber,
  unitsToNumber,
} from './money.ts';
export type { BillingInterval } from './normalize/intervals.ts';
export {
  monthlyAmount,
  monthlyAmountForServicePeriod,
  parseBillingInterval,
} from './normalize/intervals.ts';
export type {
  CustomerCounts,
  Grain,
  MovementKind,
  MrrBridge,
  RetentionMethod,
  RetentionReport,
  RetentionWarning,
  WarningCode,
} from './reports.ts';
export { MOVEMENT_KINDS } from './reports.ts';
export type { MrrSpan } from './spans.ts';
export { CURRENCY_CODE } from './spans.ts';
