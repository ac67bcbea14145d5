import type {
  BenchmarkMetric,
  BenchmarkPosition,
  Grain,
  Granularity,
  MovementKind,
  RetentionMethod,
  SegmentFilter,
  SizeBand,
} from '@nrr/core';

// Enumerations and the segment filter are the same in the engine and the API; everything else
// below is the API's wire shape (decimal strings for money, ISO strings for dates).
export type {
  BenchmarkMetric,
  BenchmarkPosition,
  Grain,
  Granularity,
  MovementKind,
  RetentionMethod,
  SegmentFilter,
  SizeBand,
};

/** An ISO calendar date `YYYY-MM-DD`, read as UTC midnight, as the GraphQL `Date` scalar carries it. */
export type IsoDate = string;

/** An ISO 8601 instant in UTC (`2024-01-31T12:00:00.000Z`), as the GraphQL `DateTime` scalar carries it. */
export type IsoDateTime = string;

/** An exact amount as the API returns it: a decimal string (`"166.6667"`) and its ISO 4217 code. */
export interface Money {
  /** Decimal string with up to 4 decimal places, e.g. `"166.6667"`; negative with a leading `-`. */
  readonly amount: string;
  /** ISO 4217 code, e.g. `USD`. */
  readonly currency: string;
}

/** Customer counts of a period (`RetentionReport.customers`). */
export interface CustomerCountsResult {
  /** Starting cohort: MRR > 0 at the period's start. */
  readonly starting: number;
  /** Cohort members still paying at the end. */
  readonly retained: number;
  /** Cohort members with no MRR at the end. */
  readonly churned: number;
  /** Cohort members paying more at the end. */
  readonly expanded: number;
  /** Cohort members paying less, but something, at the end. */
  readonly contracted: number;
  /** Customers paying for the first time. */
  readonly new: number;
  /** Customers paying again after a gap. */
  readonly reactivated: number;
  /** Customers with MRR > 0 at the end. */
  readonly ending: number;
}

/**
 * One period's retention figures, as the GraphQL `RetentionReport` returns them. Ratios are plain
 * numbers (1.05 = 105%), `null` when the starting cohort is empty. Amounts are in the reporting currency.
 */
export interface RetentionReportResult {
  /** How the figures were computed (retention semantics §5). */
  readonly method: RetentionMethod;
  /** Whose MRR was compared: customers (default) or subscriptions. */
  readonly grain: Grain;
  /** Currency of every amount (the reporting currency). */
  readonly currency: string;
  /** Start of the window (inclusive). */
  readonly from: IsoDate;
  /** End of the window (exclusive). */
  readonly to: IsoDate;
  /** MRR of the starting cohort at `from`. */
  readonly startingMrr: Money;
  /** MRR of customers paying for the first time. */
  readonly newBusiness: Money;
  /** MRR of customers paying again after a gap. */
  readonly reactivation: Money;
  /** MRR gained from cohort customers paying more. */
  readonly expansion: Money;
  /** MRR lost from cohort customers paying less (positive). */
  readonly contraction: Money;
  /** MRR lost from cohort customers who stopped paying (positive). */
  readonly churn: Money;
  /** MRR of all paying customers at `to`: start + new + reactivation + expansion − contraction − churn. */
  readonly endingMrr: Money;
  /** Net revenue retention: Σ ending / Σ starting over the starting cohort. */
  readonly nrr: number | null;
  /** Gross revenue retention; never above 1. */
  readonly grr: number | null;
  /** Share of the starting cohort still paying at the end. */
  readonly logoRetention: number | null;
  /** (churn + contraction − expansion) / starting MRR. */
  readonly netMrrChurnRate: number | null;
  /** (churn + contraction) / starting MRR. */
  readonly grossMrrChurnRate: number | null;
  /** `null` when nothing was lost. */
  readonly quickRatio: number | null;
  /** Exchange-rate drift, not part of the bridge. */
  readonly fxImpact: Money;
  /** Customer counts of the period. */
  readonly customers: CustomerCountsResult;
  /** Caveats about these figures (e.g. `EXPANSION_MASKS_CHURN`, `SMALL_SAMPLE`), with a sentence each. */
  readonly warnings: readonly { readonly code: string; readonly message: string }[];
}

/** Cohort table measure and view (retention semantics §6). */
export type CohortMeasure = 'REVENUE' | 'LOGOS';
/** How cohort cells are expressed: ratio to the first period, ratio to the previous one, or absolute. */
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
  /** MRR at the end of the first period (the 100% of a REVENUE row); `null` for LOGOS. */
  readonly initialMrr: Money | null;
  /** Paying customers at the end of the first period (the 100% of a LOGOS row); `null` for REVENUE. */
  readonly initialCustomers: number | null;
  /**
   * Cell k = the end of period cohort + k: a ratio (1.0 = 100%) for the percent views, a customer
   * count for ABSOLUTE LOGOS; `null` when immature, and always `null` for ABSOLUTE REVENUE (see `amounts`).
   */
  readonly cells: readonly (number | null)[];
  /** ABSOLUTE REVENUE only: MRR at the end of each period as decimal strings (`null` = immature); else `null`. */
  readonly amounts: readonly (string | null)[] | null;
}

/** A cohort table, as the GraphQL `CohortTable` returns it. */
export interface CohortTableResult {
  /** Period length of cohorts and ages. */
  readonly granularity: Granularity;
  /** What is followed: revenue or paying customers. */
  readonly measure: CohortMeasure;
  /** How cells are expressed. */
  readonly view: CohortView;
  /** Currency of MRR amounts. */
  readonly currency: string;
  /** Largest age (number of cells − 1). */
  readonly maxAge: number;
  /** End of known data; later cells are `null`. */
  readonly dataEnd: IsoDateTime;
  /** One row per cohort, oldest first. */
  readonly rows: readonly CohortRowResult[];
}

/** One customer's net movement over a period (sums to the bridge). */
export interface MovementResult {
  /** The customer. */
  readonly customerId: string;
  /** Kind of movement (retention semantics §4). */
  readonly type: MovementKind;
  /** Size of the movement, non-negative. */
  readonly amount: Money;
  /** MRR at the window start. */
  readonly startingMrr: Money;
  /** MRR at the window end. */
  readonly endingMrr: Money;
  /** The customer's first change in the period. */
  readonly at: IsoDateTime;
}

/** A page of movements (Relay connection). */
export interface MovementPageResult {
  /** This page, each movement with its opaque cursor. */
  readonly edges: readonly { readonly cursor: string; readonly node: MovementResult }[];
  /** Pass `endCursor` as `after` for the next page; `null` on an empty page. */
  readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor: string | null };
  /** Movements in the whole period, across pages. */
  readonly totalCount: number;
}

/** A named sub-range of a benchmark (`good`, `best`); bounds are inclusive ratios. */
export interface BenchmarkTierResult {
  /** As published: `baseline`, `good`, `best`, `healthy`, … */
  readonly label: string;
  /** Lowest ratio, inclusive (1.05 = 105%). */
  readonly low: number;
  /** `null` when open-ended ("130%+"). */
  readonly high: number | null;
}

/** A published retention range for a segment of companies (GraphQL `Benchmark`, retention semantics §8). */
export interface BenchmarkResult {
  /** Stable identifier, e.g. `mid-market-saas`. */
  readonly key: string;
  /** Segment as published, e.g. `Mid-market SaaS`. */
  readonly segment: string;
  /** The ratio described (annual). */
  readonly metric: BenchmarkMetric;
  /** Lowest ratio, inclusive (0.9 = 90%); `null` when the source gives no floor. */
  readonly low: number | null;
  /** Highest ratio, inclusive; `null` for open ranges ("120% and above"). */
  readonly high: number | null;
  /** Title of the source document. */
  readonly sourceTitle: string;
  /** Publisher, when the source names one. */
  readonly sourcePublisher: string | null;
  /** Named sub-ranges, lowest first; empty when the source gives none. */
  readonly tiers: readonly BenchmarkTierResult[];
}

/** The tenant's figure over a window against one range (GraphQL `BenchmarkComparison`). */
export interface BenchmarkComparisonResult {
  /** The range compared with. */
  readonly benchmark: BenchmarkResult;
  /** The tenant's ratio (1.05 = 105%); `null` for an empty starting cohort. */
  readonly figure: number | null;
  /** `UNKNOWN` when there is no figure. */
  readonly position: BenchmarkPosition;
  /** Percentage points outside the range, never negative; 0 when within or unknown. */
  readonly pointsFromRange: number;
  /** Tier the figure falls in, when the range has tiers. */
  readonly tier: string | null;
}
