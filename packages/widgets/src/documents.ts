import type {
  BenchmarkComparisonResult,
  BenchmarkMetric,
  BenchmarkResult,
  CohortMeasure,
  CohortTableResult,
  CohortView,
  Granularity,
  IsoDate,
  MovementKind,
  MovementPageResult,
  RetentionMethod,
  RetentionReportResult,
  SegmentFilter,
} from './types.ts';

/**
 * A GraphQL document that carries its result and variable types (the shape graphql-codegen's
 * `TypedDocumentString` has): the string is what goes over the wire, the phantom fields are for
 * the compiler only.
 */
export type TypedDocument<TResult, TVariables> = string & {
  readonly __result?: TResult;
  readonly __variables?: TVariables;
};

function typed<TResult, TVariables>(source: string): TypedDocument<TResult, TVariables> {
  return source as TypedDocument<TResult, TVariables>;
}

/** Input of `retention`. */
export interface RetentionInput {
  /** Start of the window (inclusive). */
  readonly from: IsoDate;
  /** End of the window (exclusive). */
  readonly to: IsoDate;
  /** Default `PERIOD`. */
  readonly method?: RetentionMethod;
  /** Customers to include; default all. */
  readonly segment?: SegmentFilter;
  /** Reporting currency override (ISO 4217); default the tenant's. */
  readonly currency?: string;
}

/** Input of `retentionSeries`: one point per granularity step in [from, to). */
export interface RetentionSeriesInput extends RetentionInput {
  /** Step of the series: one report per month, quarter or year. */
  readonly granularity: Granularity;
}

/** Input of `cohorts`. */
export interface CohortsInput {
  /** Cohorts whose first paid period starts in [from, to) are listed. */
  readonly from: IsoDate;
  /** End of the table (exclusive); cells run up to it. */
  readonly to: IsoDate;
  /** Period length of cohorts and ages. */
  readonly granularity: Granularity;
  /** Revenue or paying customers. */
  readonly measure: CohortMeasure;
  /** How cells are expressed. */
  readonly view: CohortView;
  /** Customers by attributes when they first paid; default all. */
  readonly segment?: SegmentFilter;
  /** Currency of ABSOLUTE revenue cells (ISO 4217); default the tenant's. */
  readonly currency?: string;
}

/** Input of `movements`. */
export interface MovementsInput {
  /** Start of the window (inclusive). */
  readonly from: IsoDate;
  /** End of the window (exclusive). */
  readonly to: IsoDate;
  /** Keep only these kinds; default all. */
  readonly types?: readonly MovementKind[];
  /** Customers to include; default all. */
  readonly segment?: SegmentFilter;
  /** Currency of the amounts (ISO 4217); default the tenant's. */
  readonly currency?: string;
}

/** Input of `benchmarkComparison`. */
export interface BenchmarkComparisonInput {
  /** Benchmark key, e.g. `smb-saas` (see `benchmarks`). */
  readonly benchmark: string;
  /** Start of the window (inclusive); benchmarks describe 12-month windows. */
  readonly from: IsoDate;
  /** End of the window (exclusive). */
  readonly to: IsoDate;
  /** Default `PERIOD`. */
  readonly method?: RetentionMethod;
  /** Default `NRR`. */
  readonly metric?: BenchmarkMetric;
  /** Customers to include; default all. */
  readonly segment?: SegmentFilter;
}

const MONEY = 'amount currency';
const REPORT = `method grain currency from to
  startingMrr { ${MONEY} } newBusiness { ${MONEY} } reactivation { ${MONEY} } expansion { ${MONEY} }
  contraction { ${MONEY} } churn { ${MONEY} } endingMrr { ${MONEY} } fxImpact { ${MONEY} }
  nrr grr logoRetention netMrrChurnRate grossMrrChurnRate quickRatio
  customers { starting retained churned expanded contracted new reactivated ending }
  warnings { code message }`;

/** `retention(input)`: one period's report. */
export const RetentionDocument = typed<{ retention: RetentionReportResult }, { input: RetentionInput }>(
  `query NrrRetention($input: RetentionInput!) { retention(input: $input) { ${REPORT} } }`,
);

/** `retentionSeries(input)`: one report per month, quarter or year. */
export const RetentionSeriesDocument = typed<
  { retentionSeries: RetentionReportResult[] },
  { input: RetentionSeriesInput }
>(`query NrrRetentionSeries($input: RetentionSeriesInput!) { retentionSeries(input: $input) { ${REPORT} } }`);

/** `cohorts(input)`: a cohort table. */
export const CohortsDocument = typed<{ cohorts: CohortTableResult }, { input: CohortsInput }>(
  `query NrrCohorts($input: CohortsInput!) {
  cohorts(input: $input) {
    granularity measure view currency maxAge dataEnd
    rows { cohort label size small initialMrr { ${MONEY} } initialCustomers cells amounts }
  }
}`,
);

/** `movements(input, first, after)`: a page of per-customer movements. */
export const MovementsDocument = typed<
  { movements: MovementPageResult },
  { input: MovementsInput; first: number; after: string | null }
>(
  `query NrrMovements($input: MovementsInput!, $first: Int!, $after: String) {
  movements(input: $input, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { customerId type at amount { ${MONEY} } startingMrr { ${MONEY} } endingMrr { ${MONEY} } } }
  }
}`,
);

const BENCHMARK = `key segment metric low high sourceTitle sourcePublisher tiers { label low high }`;

/** `benchmarks(segment)`: published ranges, all or those matching a key, label or words ("SMB fintech"). */
export const BenchmarksDocument = typed<{ benchmarks: BenchmarkResult[] }, { segment: string | null }>(
  `query NrrBenchmarks($segment: String) { benchmarks(segment: $segment) { ${BENCHMARK} } }`,
);

/** `benchmarkComparison(input)`: the tenant's figure over a window against one range. */
export const BenchmarkComparisonDocument = typed<
  { benchmarkComparison: BenchmarkComparisonResult },
  { input: BenchmarkComparisonInput }
>(
  `query NrrBenchmarkComparison($input: BenchmarkComparisonInput!) {
  benchmarkComparison(input: $input) { figure position pointsFromRange tier benchmark { ${BENCHMARK} } }
}`,
);
