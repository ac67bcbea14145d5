/**
 * @nrr/core: the retention engine. Pure TypeScript, no runtime dependencies, no I/O.
 * Billing data → importers → normalisation → timeline → movements → retention, cohorts, segments.
 */
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
export type { ExchangeRates, FxRate } from './fx.ts';
export { createExchangeRates } from './fx.ts';
export { billingIntervalName, parseSubscriptionEvent } from './import/event-record.ts';
// Subscription events: importers (flat and Stripe shapes, JSON and NDJSON) and normalisation to spans.
export type {
  DiscountDuration,
  ImportOptions,
  ImportResult,
  ParsedRow,
  SubscriptionDiscount,
  SubscriptionEvent,
  SubscriptionItem,
  SubscriptionStatus,
} from './import/event-types.ts';
export { SUBSCRIPTION_STATUSES, TERMINAL_STATUSES } from './import/event-types.ts';
export type { NdjsonSource } from './import/events.ts';
export {
  importSubscriptionEvents,
  importSubscriptionEventsJson,
  streamSubscriptionEvents,
} from './import/events.ts';
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
export type { DiscountPolicy, EventPolicy, PastDuePolicy, PausePolicy } from './normalize/events.ts';
export { DEFAULT_EVENT_POLICY, eventsToSpans, recurringMrrAt } from './normalize/events.ts';
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
