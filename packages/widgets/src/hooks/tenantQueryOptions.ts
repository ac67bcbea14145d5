import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import {
  CustomerDocument,
  CustomersDocument,
  SegmentDimensionsDocument,
  SegmentsDocument,
  ViewerDocument,
} from '../documents.ts';
import type { DefinitionsInput, IsoDate } from '../types.ts';
import { clampPageSize } from './movementsQueryOptions.ts';
import { type NrrQueryContext, nrrKey, retryTransient, STALE_TIME_MS } from './queryOptions.ts';

// The tenant's directory: who the caller is, its customers, and what a segment filter can name.
// Like the figures, these change only when data is imported, so they share STALE_TIME_MS.

/** Parameters of a page of customers. */
export interface CustomersQuery {
  /** Keep customers whose id or an attribute value contains this text (case-insensitive). */
  readonly search?: string | undefined;
  /** Page size, 1–500 (values outside are clamped); default 50. */
  readonly first?: number;
  /** `pageInfo.endCursor` of the previous page; `null` or absent for the first page. */
  readonly after?: string | null;
}

/** Parameters of one customer. */
export interface CustomerQuery {
  /** Customer id from the billing data. */
  readonly id: string;
  /** Day `mrr` is read at; default now. */
  readonly at?: IsoDate | undefined;
  /**
   * Definitions for this customer's history and ledger instead of the tenant's (always at customer
   * grain); part of the query key. An embed token with fixed definitions refuses a conflicting one.
   */
  readonly definitions?: DefinitionsInput | undefined;
}

/** Options for `customers`: a page ordered by id; the previous page stays on screen while the next loads. */
export function customersQueryOptions(context: NrrQueryContext, query: CustomersQuery = {}) {
  const search = query.search ?? null;
  const first = clampPageSize(query.first ?? 50);
  const after = query.after ?? null;
  return queryOptions({
    queryKey: nrrKey(context, 'customers', search, first, after),
    queryFn: ({ signal }) =>
      context.client
        .request(CustomersDocument, { search, first, after }, { signal, tenant: context.tenant })
        .then((r) => r.customers),
    enabled: context.tenant !== undefined,
    retry: retryTransient,
    staleTime: STALE_TIME_MS,
    placeholderData: keepPreviousData,
  });
}

/** Options for `customer(id)`: its MRR history and ledger; `null` when unknown (or outside a token's segment). */
export function customerQueryOptions(context: NrrQueryContext, query: CustomerQuery) {
  const at = query.at ?? null;
  const definitions = query.definitions ?? null;
  return queryOptions({
    queryKey: nrrKey(context, 'customer', query.id, at, definitions),
    queryFn: ({ signal }) =>
      context.client
        .request(CustomerDocument, { id: query.id, at, definitions }, { signal, tenant: context.tenant })
        .then((r) => r.customer),
    enabled: context.tenant !== undefined,
    retry: retryTransient,
    staleTime: STALE_TIME_MS,
  });
}

/** Options for `segments(dimension)`: the values of an attribute (or of `size_band`), sorted. */
export function segmentsQueryOptions(context: NrrQueryContext, dimension: string) {
  return queryOptions({
    queryKey: nrrKey(context, 'segments', dimension),
    queryFn: ({ signal }) =>
      context.client
        .request(SegmentsDocument, { dimension }, { signal, tenant: context.tenant })
        .then((r) => r.segments),
    enabled: context.tenant !== undefined,
    retry: retryTransient,
    staleTime: STALE_TIME_MS,
  });
}

/** Options for `segmentDimensions`: every attribute name in the data, sorted, plus `size_band`. */
export function segmentDimensionsQueryOptions(context: NrrQueryContext) {
  return queryOptions({
    queryKey: nrrKey(context, 'segmentDimensions'),
    queryFn: ({ signal }) =>
      context.client
        .request(SegmentDimensionsDocument, {}, { signal, tenant: context.tenant })
        .then((r) => r.segmentDimensions),
    enabled: context.tenant !== undefined,
    retry: retryTransient,
    staleTime: STALE_TIME_MS,
  });
}

/** Options for `viewer`: the credential's kind, whether it may import, and the tenant (currency, data end). */
export function viewerQueryOptions(context: NrrQueryContext) {
  return queryOptions({
    queryKey: nrrKey(context, 'viewer'),
    queryFn: ({ signal }) =>
      context.client.request(ViewerDocument, {}, { signal, tenant: context.tenant }).then((r) => r.viewer),
    enabled: context.tenant !== undefined,
    retry: retryTransient,
    staleTime: STALE_TIME_MS,
  });
}
