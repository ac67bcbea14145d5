import { queryOptions } from '@tanstack/react-query';
import {
  BenchmarkComparisonDocument,
  BenchmarksDocument,
  BreakdownDocument,
  CohortsDocument,
  RetentionDocument,
  RetentionSeriesDocument,
} from '../documents.ts';
import { type PeriodInput, resolvePeriod } from '../period.ts';
import type { NrrSession } from '../provider/context.ts';
import { isTransient } from '../provider/errors.ts';
import type {
  BenchmarkMetric,
  CohortMeasure,
  CohortView,
  DefinitionsInput,
  Granularity,
  RetentionMethod,
  SegmentFilter,
} from '../types.ts';

/** What a query factory needs from the session: the client, the tenant, the currency and a clock. */
export type NrrQueryContext = Pick<NrrSession, 'client' | 'tenant' | 'currency' | 'now'>;

/** Common query parameters of hooks and cards. */
export interface RetentionQuery {
  /** Window to report on; default `last-12-months`. */
  readonly period?: PeriodInput | undefined;
  /** Default `PERIOD`. */
  readonly method?: RetentionMethod | undefined;
  /** Default: every customer. */
  readonly segment?: SegmentFilter | undefined;
  /**
   * Definitions to ask under instead of the tenant's settings, e.g. `{ preset: 'CHARTMOGUL' }` or
   * `{ reactivationWindowDays: 90 }` (omitted options keep the tenant's); default the tenant's.
   * Part of the query key, so cards with different definitions never share a cached answer. An embed
   * token with fixed definitions refuses a conflicting override (FORBIDDEN).
   */
  readonly definitions?: DefinitionsInput | undefined;
}

/** Parameters of a retention series. */
export interface RetentionSeriesQuery extends RetentionQuery {
  /** One point per step; default `MONTH`. */
  readonly granularity?: Granularity | undefined;
}

/** Parameters of a breakdown: one report per value of a dimension. */
export interface BreakdownQuery extends RetentionQuery {
  /** An attribute name (`plan`, `country`, …) or `size_band`. */
  readonly by: string;
  /** Values reported one by one (1–500, the API's default 50); the rest make one `(other)` row. */
  readonly first?: number | undefined;
}

/** Parameters of a cohort table. */
export interface CohortsQuery {
  /** Window of cohorts; default `last-12-months`. */
  readonly period?: PeriodInput | undefined;
  /** Customers by attributes when they first paid; default all. */
  readonly segment?: SegmentFilter | undefined;
  /** Default `MONTH`. */
  readonly granularity?: Granularity | undefined;
  /** Default `REVENUE`. */
  readonly measure?: CohortMeasure | undefined;
  /** Default `PERCENT_OF_START`. */
  readonly view?: CohortView | undefined;
  /** As {@link RetentionQuery.definitions}. */
  readonly definitions?: DefinitionsInput | undefined;
}

/**
 * How long fetched figures count as fresh (ms): retention figures change only when data is imported,
 * so remounting a card or paging back within a minute reuses what is cached. Override per hook.
 */
export const STALE_TIME_MS = 60_000;

/** Retries transient failures (network, server) twice; never bad input or auth. */
export function retryTransient(failureCount: number, error: unknown): boolean {
  return failureCount < 2 && isTransient(error);
}

/** `T` with fields that may be `undefined` made optional instead. */
export type Defined<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

/** Drops undefined fields so that keys and variables only hold what was asked. */
export function defined<T extends object>(value: T): Defined<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Defined<T>;
}

/** Query key root: every key starts `['nrr', tenant, …]`. */
export function nrrKey(context: NrrQueryContext, ...parts: readonly unknown[]) {
  return ['nrr', context.tenant ?? null, ...parts] as const;
}

function window(context: NrrQueryContext, query: RetentionQuery) {
  return resolvePeriod(query.period ?? 'last-12-months', new Date(context.now()));
}

/** Options for `retention`: one period's report. Disabled until the tenant is known. */
export function retentionQueryOptions(context: NrrQueryContext, query: RetentionQuery = {}) {
  const input = defined({
    ...window(context, query),
    method: query.method,
    segment: query.segment,
    currency: context.currency,
    definitions: query.definitions,
  });
  return queryOptions({
    queryKey: nrrKey(context, 'retention', input),
    queryFn: ({ signal }) =>
      context.client
        .request(RetentionDocument, { input }, { signal, tenant: context.tenant })
        .then((r) => r.retention),
    enabled: context.tenant !== undefined,
    retry: retryTransient,
    staleTime: STALE_TIME_MS,
  });
}

/** Options for `retentionSeries`: one report per step of the window. */
export function retentionSeriesQueryOptions(context: NrrQueryContext, query: RetentionSeriesQuery = {}) {
  const input = defined({
    ...window(context, query),
    granularity: query.granularity ?? 'MONTH',
    method: query.method,
    segment: query.segment,
    currency: context.currency,
    definitions: query.definitions,
  });
  return queryOptions({
    queryKey: nrrKey(context, 'retentionSeries', input),
    queryFn: ({ signal }) =>
      context.client
        .request(RetentionSeriesDocument, { input }, { signal, tenant: context.tenant })
        .then((r) => r.retentionSeries),
    enabled: context.tenant !== undefined,
    retry: retryTransient,
    staleTime: STALE_TIME_MS,
  });
}

/**
 * Options for `breakdown`: one report per value of `by`, largest starting MRR first, in one request
 * (the rows' bridges sum to the `retention` of the same window).
 */
export function breakdownQueryOptions(context: NrrQueryContext, query: BreakdownQuery) {
  const input = defined({
    ...window(context, query),
    by: query.by,
    method: query.method,
    segment: query.segment,
    currency: context.currency,
    definitions: query.definitions,
  });
  const first = query.first ?? null;
  return queryOptions({
    queryKey: nrrKey(context, 'breakdown', input, first),
    queryFn: ({ signal }) =>
      context.client
        .request(BreakdownDocument, { input, first }, { signal, tenant: context.tenant })
        .then((r) => r.breakdown),
    enabled: context.tenant !== undefined,
    retry: retryTransient,
    staleTime: STALE_TIME_MS,
  });
}

/** Options for `cohorts`: a cohort table. */
export function cohortsQueryOptions(context: NrrQueryContext, query: CohortsQuery = {}) {
  const input = defined({
    ...window(context, query),
    granularity: query.granularity ?? 'MONTH',
    measure: query.measure ?? 'REVENUE',
    view: query.view ?? 'PERCENT_OF_START',
    segment: query.segment,
    currency: context.currency,
    definitions: query.definitions,
  });
  return queryOptions({
    queryKey: nrrKey(context, 'cohorts', input),
    queryFn: ({ signal }) =>
      context.client
        .request(CohortsDocument, { input }, { signal, tenant: context.tenant })
        .then((r) => r.cohorts),
    enabled: context.tenant !== undefined,
    retry: retryTransient,
    staleTime: STALE_TIME_MS,
  });
}

/** Parameters of a benchmark comparison. */
export interface BenchmarkComparisonQuery extends RetentionQuery {
  /** Benchmark key, e.g. `b2b-saas` or `mid-market-saas` (see {@link benchmarksQueryOptions}). */
  readonly benchmark: string;
  /** Default `NRR`. */
  readonly metric?: BenchmarkMetric | undefined;
}

/** Options for `benchmarks(segment)`: published ranges, all of them or those matching `filter`. */
export function benchmarksQueryOptions(context: NrrQueryContext, filter?: string) {
  return queryOptions({
    queryKey: nrrKey(context, 'benchmarks', filter ?? null),
    queryFn: ({ signal }) =>
      context.client
        .request(BenchmarksDocument, { segment: filter ?? null }, { signal, tenant: context.tenant })
        .then((r) => r.benchmarks),
    enabled: context.tenant !== undefined,
    retry: retryTransient,
    // Published ranges change with releases, not with data.
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** Options for `benchmarkComparison`: the window's figure against one published range. */
export function benchmarkComparisonQueryOptions(context: NrrQueryContext, query: BenchmarkComparisonQuery) {
  const input = defined({
    benchmark: query.benchmark,
    ...window(context, query),
    method: query.method,
    metric: query.metric,
    segment: query.segment,
    // In the currency of the card's `retention`, so the server answers both from one computation.
    currency: context.currency,
    definitions: query.definitions,
  });
  return queryOptions({
    queryKey: nrrKey(context, 'benchmarkComparison', input),
    queryFn: ({ signal }) =>
      context.client
        .request(BenchmarkComparisonDocument, { input }, { signal, tenant: context.tenant })
        .then((r) => r.benchmarkComparison),
    enabled: context.tenant !== undefined,
    retry: retryTransient,
    staleTime: STALE_TIME_MS,
  });
}
