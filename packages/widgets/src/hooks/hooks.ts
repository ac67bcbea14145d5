import { type UseQueryResult, useQuery } from '@tanstack/react-query';
import { useNrrSession } from '../provider/context.ts';
import type { NrrError } from '../provider/errors.ts';
import type {
  BenchmarkComparisonResult,
  BenchmarkResult,
  CohortTableResult,
  MovementPageResult,
  RetentionReportResult,
} from '../types.ts';
import { type MovementsQuery, movementsQueryOptions } from './movementsQueryOptions.ts';
import {
  type BenchmarkComparisonQuery,
  benchmarkComparisonQueryOptions,
  benchmarksQueryOptions,
  type CohortsQuery,
  cohortsQueryOptions,
  type RetentionQuery,
  type RetentionSeriesQuery,
  retentionQueryOptions,
  retentionSeriesQueryOptions,
} from './queryOptions.ts';

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
