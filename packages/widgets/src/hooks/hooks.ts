import { type UseQueryResult, useQuery } from '@tanstack/react-query';
import { useNrrSession } from '../provider/context.ts';
import type { NrrError } from '../provider/errors.ts';
import type {
  BenchmarkComparisonResult,
  CohortTableResult,
  MovementPageResult,
  RetentionReportResult,
} from '../types.ts';
import { type MovementsQuery, movementsQueryOptions } from './movementsQueryOptions.ts';
import {
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

/** The window's NRR and GRR against published benchmark ranges. */
export function useBenchmarks(query?: RetentionQuery): UseQueryResult<BenchmarkComparisonResult, NrrError> {
  return useQuery(benchmarksQueryOptions(useNrrSession(), query)) as UseQueryResult<
    BenchmarkComparisonResult,
    NrrError
  >;
}
