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
} from './benchmarks.ts';
export { BENCHMARKS, benchmarkByKey, benchmarksFor, compareToBenchmark, GRR_CEILING } from './benchmarks.ts';
export type { CsvFile, CsvFileOptions, ImportFormat } from './billing-file.ts';
export { IMPORT_FORMATS, importEventsFile, spanBatchesOfFile, withoutNul } from './billing-file.ts';
export type { CohortMeasure, CohortQuery, CohortRow, CohortTable, CohortView } from './cohorts.ts';
export { computeCohorts } from './cohorts.ts';
export type { CivilTime, Granularity, Instant, Period } from './dates.ts';
export {
  addMonths,
  civilTime,
  DAYS_PER_MONTH,
  daysInMonth,
  fromCivilTime,
  isValidTimeZone,
  MS_PER_DAY,
  monthIndexBetween,
  monthsIn,
  parseInstant,
  periodLabel,
  periodStart,
  periodsBetween,
  startOfDay,
  toIsoDate,
  wholeMonthsBetween,
} from './dates.ts';
// Definitions: the options where vendors disagree, vendor presets, and the definition diff.
export type {
  BridgeDifference,
  ComparisonQuery,
  CustomerDefinitionDifference,
  CustomerUnderDefinitions,
  DefinitionComparison,
  DefinitionInputs,
  DefinitionShares,
  WindowEnd,
} from './definitions/compare.ts';
export {
  BRIDGE_LINES,
  compareDefinitions,
  compareShares,
  compareTimelines,
  definitionShares,
  timelineUnder,
} from './definitions/compare.ts';
export type {
  ChurnDate,
  DefinitionName,
  DefinitionOption,
  DefinitionPreset,
  DefinitionProblem,
  DefinitionStage,
  Definitions,
  DefinitionsInput,
  ResolvedDefinitions,
} from './definitions/definitions.ts';
export {
  checkDefinitionsInput,
  customizedOptions,
  DEFAULT_DEFINITIONS,
  DEFINITION_OPTIONS,
  definitionKeys,
  definitionStage,
  definitionsKey,
  differingOptions,
  InvalidDefinitionsError,
  PRESET_DEFINITIONS,
  PRESET_NAMES,
  resolveDefinitions,
  tryResolveDefinitions,
} from './definitions/definitions.ts';
export {
  eventPolicyOf,
  parseDefinitionSetting,
  queryOptionsOf,
  timelineOptionsOf,
} from './definitions/engine-options.ts';
export { resolveUnderFixedDefinitions } from './definitions/fixed.ts';
export type { PresetDocumentation, PresetOptions, PresetSource } from './definitions/presets.ts';
export { PRESETS } from './definitions/presets.ts';
export type { EngineErrorCode, MissingRate } from './engine-error.ts';
export { EngineError } from './engine-error.ts';
export type { RowError, RowErrorCode } from './errors.ts';
export {
  ImportError,
  MAX_REPORTED_ERRORS,
  MAX_SHOWN_VALUE,
  rowError,
  shorten,
  wellFormed,
} from './errors.ts';
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
export { createExchangeRates, rebaseExchangeRates } from './fx.ts';
export type { GenerateExchangeRatesOptions } from './generator.ts';
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
export type {
  GenerateBillingDataOptions,
  GeneratedAttributes,
  GeneratedCustomer,
  GeneratedPeriod,
  GeneratorCurrency,
  GeneratorPlan,
} from './generator-types.ts';
export type { BillingInterval } from './import/billing-interval.ts';
export { parseBillingInterval } from './import/billing-interval.ts';
// Importers: CSV reading, subscription periods, invoice lines, and their normalisation to spans.
export type { ColumnPair } from './import/column-mapping.ts';
export {
  ColumnMappingError,
  INVOICE_LINE_FIELDS,
  invoiceLineMapping,
  subscriptionPeriodMapping,
} from './import/column-mapping.ts';
export type { CsvDelimiter, CsvOptions, CsvRecord, LineChunks, LineSource } from './import/csv.ts';
export { CSV_DELIMITERS, MAX_CSV_FIELD_LENGTH, parseCsv, readCsv } from './import/csv.ts';
export type { DecimalSeparator } from './import/csv-values.ts';
export { billingIntervalName, parseSubscriptionEvent } from './import/event-record.ts';
export type {
  DiscountDuration,
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
export type {
  InvoiceLineKind,
  InvoiceLineMapping,
  InvoiceLineOptions,
  InvoiceLineRow,
} from './import/invoice-lines.ts';
export {
  INVOICE_LINE_KINDS,
  importInvoiceLines,
  parseInvoiceLineKind,
  streamInvoiceLines,
} from './import/invoice-lines.ts';
export type {
  SubscriptionPeriodField,
  SubscriptionPeriodMapping,
  SubscriptionPeriodOptions,
  SubscriptionPeriodRow,
} from './import/periods.ts';
export {
  importSubscriptionPeriods,
  periodRowsToSpans,
  periodRowToSpan,
  SUBSCRIPTION_PERIOD_COLUMNS,
  SUBSCRIPTION_PERIOD_FIELDS,
  streamSubscriptionPeriodBatches,
  streamSubscriptionPeriods,
} from './import/periods.ts';
export type { ImportOptions, ImportResult, ParsedRow } from './import/result.ts';
export { collectRows, collectRowsSync, streamValidRows } from './import/result.ts';
export type { CustomerEvent, StripeEventKind, StripeRecords } from './import/stripe-records.ts';
export {
  parseCustomerEvent,
  readStripeListPage,
  readStripeRecords,
  STRIPE_CUSTOMER_EVENT_TYPES,
  STRIPE_SUBSCRIPTION_EVENT_TYPES,
  stripeEventKind,
  subscriptionSnapshotEvents,
} from './import/stripe-records.ts';
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
export type { CustomerHistory, CustomerMovement, LedgerEntry, LedgerQuery } from './movements.ts';
export { computeMovements, customerHistory, entityMrrAt, movementLedger } from './movements.ts';
export type {
  DiscountPolicy,
  EventPolicy,
  PastDuePolicy,
  PausePolicy,
  UnpaidPolicy,
} from './normalize/events.ts';
export { DEFAULT_EVENT_POLICY, eventsToSpans, recurringMrrAt } from './normalize/events.ts';
export { monthlyAmount, monthlyAmountForServicePeriod } from './normalize/intervals.ts';
export type { InvoiceLineOutcome, InvoiceLineSpans, UsageRevenue } from './normalize/invoice-lines.ts';
export { invoiceLinesToSpans, servicePeriodLength } from './normalize/invoice-lines.ts';
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
export type { Breakdown, RetentionQuery } from './retention.ts';
export { computeBreakdown, computeRetention, computeRetentionSeries } from './retention.ts';
export type {
  SegmentCheck,
  SegmentVocabulary,
  UnknownDimension,
  UnknownSegmentValue,
} from './segment-check.ts';
export {
  checkSegment,
  closeMatches,
  editDistance,
  MAX_CLOSE_MATCHES,
  MAX_UNKNOWN_VALUES,
  segmentNames,
  segmentVocabulary,
  unknownDimensionMessage,
  unknownSegmentValueWarning,
} from './segment-check.ts';
export type { SegmentFilter, SizeBand, SizeBandThresholds } from './segments.ts';
export {
  attributesAt,
  DEFAULT_SIZE_BAND_THRESHOLDS,
  intersectSegments,
  matchesAttributes,
  matchesSegment,
  matchesSizeBand,
  NO_VALUE,
  SIZE_BAND_DIMENSION,
  SIZE_BANDS,
  segmentDimensions,
  segmentValues,
  sizeBandOf,
} from './segments.ts';
export type { MrrSpan } from './spans.ts';
export { CURRENCY_CODE } from './spans.ts';
export { escapeControlCharacters, isControlCharacter } from './terminal-text.ts';
export type {
  AttributeChange,
  CurrencyLane,
  EntityTimeline,
  Timeline,
  TimelineOptions,
  TimelinePatch,
} from './timeline.ts';
export { buildTimeline, DEFAULT_COALESCE_WINDOW_MS, patchTimeline } from './timeline.ts';
export type { WarningInput } from './warnings.ts';
export { retentionWarnings, SMALL_SAMPLE_SIZE, WARNING_CODES } from './warnings.ts';
