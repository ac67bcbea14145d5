import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { MovementsDocument } from '../documents.ts';
import { resolvePeriod } from '../period.ts';
import type { MovementKind } from '../types.ts';
import {
  defined,
  type NrrQueryContext,
  nrrKey,
  type RetentionQuery,
  retryTransient,
  STALE_TIME_MS,
} from './queryOptions.ts';

/** Largest page the API serves. */
export const MAX_PAGE_SIZE = 500;

/** A page size the API accepts: a whole number from 1 to {@link MAX_PAGE_SIZE} (it refuses others). */
export function clampPageSize(size: number): number {
  return Math.min(Math.max(Math.trunc(size) || 1, 1), MAX_PAGE_SIZE);
}

/** Parameters of a page of movements. */
export interface MovementsQuery extends Omit<RetentionQuery, 'method'> {
  /** Only these kinds; default all. */
  readonly types?: readonly MovementKind[] | undefined;
  /** Page size, 1–500 (values outside are clamped); default 25. */
  readonly first?: number;
  /** Cursor of the last row of the previous page; `null` or absent for the first page. */
  readonly after?: string | null;
}

/** Options for one page of `movements`; the previous page stays on screen while the next loads. */
export function movementsQueryOptions(context: NrrQueryContext, query: MovementsQuery = {}) {
  const input = defined({
    ...resolvePeriod(query.period ?? 'last-12-months', new Date(context.now())),
    types: query.types,
    segment: query.segment,
    currency: context.currency,
    definitions: query.definitions,
  });
  const first = clampPageSize(query.first ?? 25);
  const after = query.after ?? null;
  return queryOptions({
    queryKey: nrrKey(context, 'movements', input, first, after),
    queryFn: ({ signal }) =>
      context.client
        .request(MovementsDocument, { input, first, after }, { signal, tenant: context.tenant })
        .then((r) => r.movements),
    enabled: context.tenant !== undefined,
    retry: retryTransient,
    staleTime: STALE_TIME_MS,
    placeholderData: keepPreviousData,
  });
}
