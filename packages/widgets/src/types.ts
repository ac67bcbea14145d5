import type { MovementKind, RetentionMethod } from '@nrr/core';

export type { MovementKind, RetentionMethod };

/** An ISO calendar date `YYYY-MM-DD`, read as UTC midnight, as the GraphQL `Date` scalar carries it. */
export type IsoDate = string;

/** An exact amount as the API returns it: a decimal string (`"166.6667"`) and its ISO 4217 code. */
export interface Money {
  readonly amount: string;
  readonly currency: string;
}

/** Customer size bands by starting MRR (retention semantics §7). */
export type SizeBand = 'SMB' | 'MID_MARKET' | 'ENTERPRISE';

/** Picks the starting cohort by attributes at the period's start and by size band; empty = everyone. */
export interface SegmentFilter {
  /** Each entry keeps customers whose attribute `name` is one of `values`; entries combine with AND. */
  readonly attributes?: readonly { readonly name: string; readonly values: readonly string[] }[];
  readonly sizeBands?: readonly SizeBand[];
}

/** Time buckets of a series or cohort table. */
export type Granularity = 'MONTH' | 'QUARTER' | 'YEAR';

/** Customer counts of a period (`RetentionReport.customers`). */
export interface CustomerCountsResult {
  /** Starting cohort: MRR > 0 at the period's start. */
  readonly starting: number;
  /** Cohort members still paying at the end. */
  readonly retained: number;
  readonly churned: number;
  readonly new: number;
  readonly reactivated: number;
}

/**
 * One period's retention figures, as the GraphQL `RetentionReport` returns them. Ratios are plain
 * numbers (1.05 = 105%), `null` when the starting cohort is empty. Amounts are in the reporting currency.
 */
export interface RetentionReportResult {
  readonly method: RetentionMethod;
  /** Start of the window (inclusive). */
  readonly from: IsoDate;
  /** End of the window (exclusive). */
  readonly to: IsoDate;
  readonly startingMrr: Money;
  readonly newBusiness: Money;
  readonly reactivation: Money;
  readonly expansion: Money;
  readonly contraction: Money;
  readonly churn: Money;
  readonly endingMrr: Money;
  /** Net revenue retention: Σ ending / Σ starting over the starting cohort. */
  readonly nrr: number | null;
  /** Gross revenue retention; never above 1. */
  readonly grr: number | null;
  readonly logoRetention: number | null;
  readonly netMrrChurnRate: number | null;
  readonly grossMrrChurnRate: number | null;
  /** `null` when nothing was lost. */
  readonly quickRatio: number | null;
  /** Exchange-rate drift, not part of the bridge. */
  readonly fxImpact: Money;
  readonly customers: CustomerCountsResult;
  readonly warnings: readonly { readonly code: string; readonly message: string }[];
}

/** Cohort table measure and view (retention semantics §6). */
export type CohortMeasure = 'REVENUE' | 'LOGOS';
export type CohortView = 'PERCENT_OF_START' | 'PERCENT_OF_PREVIOUS' | 'ABSOLUTE';

/** One cohort (row) of a cohort table. */
export interface CohortRowResult {
  /** First day of the cohort's period. */
  readonly cohort: IsoDate;
  /** Display label of the cohort's period, e.g. `2024-03`. */
  readonly label: string;
  /** Customers in the cohort. */
  readonly size: number;
  /** Below the minimum cohort size (default 10): its cells are noisy. */
  readonly small: boolean;
  /** Cell k = age k periods; ratios for the percent views, amounts or counts for ABSOLUTE; `null` = immature. */
  readonly cells: readonly (number | null)[];
}

/** A cohort table, as the GraphQL `CohortTable` returns it. */
export interface CohortTableResult {
  readonly granularity: Granularity;
  readonly measure: CohortMeasure;
  readonly view: CohortView;
  /** Currency of ABSOLUTE revenue cells. */
  readonly currency: string;
  readonly rows: readonly CohortRowResult[];
}

/** One customer's net movement over a period (sums to the bridge). */
export interface MovementResult {
  readonly customerId: string;
  readonly type: MovementKind;
  /** Size of the movement, non-negative. */
  readonly amount: Money;
  readonly startingMrr: Money;
  readonly endingMrr: Money;
  /** Date of the customer's first change in the period. */
  readonly at: IsoDate;
}

/** A page of movements (Relay connection). */
export interface MovementPageResult {
  readonly edges: readonly { readonly cursor: string; readonly node: MovementResult }[];
  readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor: string | null };
  /** Movements in the whole period, across pages. */
  readonly totalCount: number;
}

/** The metric a benchmark range describes. */
export type BenchmarkMetric = 'NRR' | 'GRR';

/** A published retention range for a market segment, with its source (retention semantics §8). */
export interface BenchmarkResult {
  readonly id: string;
  readonly metric: BenchmarkMetric;
  /** Human name of the segment, e.g. `Mid-market SaaS`. */
  readonly label: string;
  /** Lower bound as a ratio (0.9 = 90%). */
  readonly low: number;
  /** Upper bound as a ratio; `null` for open ranges ("120% and above"). */
  readonly high: number | null;
  /** Where the range was published. */
  readonly source: string;
}

/** Where a figure falls against a benchmark range. */
export type BenchmarkPosition = 'BELOW' | 'WITHIN' | 'ABOVE';

/** A figure compared to benchmark ranges, as the GraphQL `BenchmarkComparison` returns it. */
export interface BenchmarkComparisonResult {
  /** The tenant's NRR for the window; `null` for an empty cohort. */
  readonly nrr: number | null;
  /** The tenant's GRR for the window. */
  readonly grr: number | null;
  readonly comparisons: readonly {
    readonly benchmark: BenchmarkResult;
    readonly position: BenchmarkPosition;
    /** Distance from the range in percentage points (0 when within). */
    readonly points: number;
  }[];
}
