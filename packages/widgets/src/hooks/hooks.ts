import { type UseQueryResult, useQuery } from '@tanstack/react-query';
import { useNrrSession } from '../provider/context.ts';
import type { NrrError } from '../provider/errors.ts';
import type {
  BenchmarkComparisonResult,
  BenchmarkResult,
  CohortTableResult,
  CustomerPageResult,
  CustomerResult,
  MovementPageResult,
  RetentionReportResult,
  SegmentReportResult,
  ViewerResult,
} from '../types.ts';
import { type MovementsQuery, movementsQueryOptions } from './movementsQueryOptions.ts';
import {
  type BenchmarkComparisonQuery,
  type BreakdownQuery,
  benchmarkComparisonQueryOptions,
  benchmarksQueryOptions,
  breakdownQueryOptions,
  type CohortsQuery,
  cohortsQueryOptions,
  type RetentionQuery,
  type RetentionSeriesQuery,
  retentionQueryOptions,
  retentionSeriesQueryOptions,
} from './queryOptions.ts';
import {
  type CustomerQuery,
  type CustomersQuery,
  customerQueryOptions,
  customersQueryOptions,
  segmentDimensionsQueryOptions,
  segmentsQueryOptions,
  viewerQueryOptions,
} from './tenantQueryOptions.ts';

// Each hook is react-query's useQuery over a factory: the factories are the contract, the hooks wire
// them to the provider's session. All of them throw outside <NrrProvider>. Until the first embed token
// has named the tenant the query is disabled (`status: 'pending'`); the session's `tokenError` says why
// when fetching that token fails.

/** One period's retention report (NRR, GRR, bridge, counts, warnings). */
export function useRetention(query?: RetentionQuery): UseQueryResult<RetentionReportResult, NrrError> {
  return useQuery(retentionQueryOptions(useNrrSession(), query)) as UseQueryResult<
    RetentionReportResult,
    NrrError
  >;
}

/** Reports per month (quarter, year) over the window. */
export function useRetentionSeries(
  query?: RetentionSeriesQuery,
): UseQueryResult<RetentionReportResult[], NrrError> {
  return useQuery(retentionSeriesQueryOptions(useNrrSession(), query)) as UseQueryResult<
    RetentionReportResult[],
    NrrError
  >;
}

/** A cohort table. */
export function useCohorts(query?: CohortsQuery): UseQueryResult<CohortTableResult, NrrError> {
  return useQuery(cohortsQueryOptions(useNrrSession(), query)) as UseQueryResult<CohortTableResult, NrrError>;
}

/** One page of per-customer movements; pass `after` = the previous page's `pageInfo.endCursor`. */
export function useMovements(query?: MovementsQuery): UseQueryResult<MovementPageResult, NrrError> {
  return useQuery(movementsQueryOptions(useNrrSession(), query)) as UseQueryResult<
    MovementPageResult,
    NrrError
  >;
}

/** Published benchmark ranges: all, or those matching `filter` (a key, a label, or words such as "SMB fintech"). */
export function useBenchmarks(filter?: string): UseQueryResult<BenchmarkResult[], NrrError> {
  return useQuery(benchmarksQueryOptions(useNrrSession(), filter)) as UseQueryResult<
    BenchmarkResult[],
    NrrError
  >;
}

/** The window's NRR (or GRR) against one published range. */
export function useBenchmarkComparison(
  query: BenchmarkComparisonQuery,
): UseQueryResult<BenchmarkComparisonResult, NrrError> {
  return useQuery(benchmarkComparisonQueryOptions(useNrrSession(), query)) as UseQueryResult<
    BenchmarkComparisonResult,
    NrrError
  >;
}

/**
 * One report per value of a dimension (`by`: an attribute name or `size_band`), largest starting MRR
 * first, in one request; past `first` values, one `(other)` row rolls up the rest.
 */
export function useBreakdown(
  query: BreakdownQuery,
): UseQueryResult<readonly SegmentReportResult[], NrrError> {
  return useQuery(breakdownQueryOptions(useNrrSession(), query)) as UseQueryResult<
    readonly SegmentReportResult[],
    NrrError
  >;
}

/** One page of the tenant's customers (ordered by id, optionally searched); pass `after` = `pageInfo.endCursor`. */
export function useCustomers(query?: CustomersQuery): UseQueryResult<CustomerPageResult, NrrError> {
  return useQuery(customersQueryOptions(useNrrSession(), query)) as UseQueryResult<
    CustomerPageResult,
    NrrError
  >;
}

/** One customer with its MRR history and ledger; `data` is `null` when the id is unknown (or outside a token's segment). */
export function useCustomer(query: CustomerQuery): UseQueryResult<CustomerResult | null, NrrError> {
  return useQuery(customerQueryOptions(useNrrSession(), query)) as UseQueryResult<
    CustomerResult | null,
    NrrError
  >;
}

/** The values of one dimension (an attribute name, or `size_band`), sorted: what a segment filter can pick. */
export function useSegments(dimension: string): UseQueryResult<readonly string[], NrrError> {
  return useQuery(segmentsQueryOptions(useNrrSession(), dimension)) as UseQueryResult<
    readonly string[],
    NrrError
  >;
}

/** Every attribute name in the tenant's data, sorted, plus `size_band`. */
export function useSegmentDimensions(): UseQueryResult<readonly string[], NrrError> {
  return useQuery(segmentDimensionsQueryOptions(useNrrSession())) as UseQueryResult<
    readonly string[],
    NrrError
  >;
}

/** The caller: credential kind, whether it may import, and its tenant (reporting currency, data end, data version). */
export function useViewer(): UseQueryResult<ViewerResult, NrrError> {
  return useQuery(viewerQueryOptions(useNrrSession())) as UseQueryResult<ViewerResult, NrrError>;
}
