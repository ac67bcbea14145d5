/**
 * The change log of tenants' data versions (`data_changes`, migration 0010): every bump of
 * `tenants.data_version` writes a row here in the same transaction, naming the customers whose
 * stored spans changed, or saying that anything may have changed (a settings change, a tenant's
 * first import), or that only exchange rates changed. An API instance holding a tenant's timeline
 * at an older version reads the rows since that version (../analytics/tenant-analytics.ts) and
 * patches just those customers; a version without a row (pruned, or bumped before the log
 * existed) means "rebuild".
 */
import { and, asc, eq, gt, lte } from 'drizzle-orm';
import { dataChanges } from './schema.ts';
import type { Tx } from './tenant-scope.ts';

/** Rows kept per tenant: older ones are pruned when a change is recorded. */
export const KEPT_DATA_CHANGES = 1000;

/**
 * Customers named per row at most: a change to more is recorded as "everything" (`null`), since
 * an instance rebuilds rather than patches that many anyway.
 */
export const MAX_NAMED_CUSTOMERS = 20_000;

/** What a data version bump changed. */
export type DataChange =
  /** These customers' stored spans (`'all'`: anything, e.g. a settings change or a first import). */
  | { readonly customers: ReadonlySet<string> | readonly string[] | 'all' }
  /** Only the exchange rates: every timeline stays as it is. */
  | { readonly ratesOnly: true };

/**
 * Records the change that produced `dataVersion` (call it in the transaction that bumped the
 * version) and prunes the tenant's rows older than the last {@link KEPT_DATA_CHANGES}.
 */
export async function recordDataChange(
  tx: Tx,
  tenantId: string,
  dataVersion: number,
  change: DataChange,
): Promise<void> {
  let customerIds: string[] | null = [];
  let ratesOnly = false;
  if ('ratesOnly' in change) ratesOnly = true;
  else if (change.customers === 'all') customerIds = null;
  else {
    customerIds = [...change.customers];
    if (customerIds.length > MAX_NAMED_CUSTOMERS) customerIds = null;
  }
  // Versions only grow, and a deleted tenant's rows go with it: a version is never recorded twice.
  await tx.insert(dataChanges).values({ tenantId, dataVersion, customerIds, ratesOnly });
  await tx
    .delete(dataChanges)
    .where(
      and(eq(dataChanges.tenantId, tenantId), lte(dataChanges.dataVersion, dataVersion - KEPT_DATA_CHANGES)),
    );
}

/** What changed between two data versions, as far as the log tells. */
export type ChangesSince =
  /** The log is incomplete, or some change may have touched anything: rebuild. */
  | { readonly complete: false }
  /** Exactly these customers' spans changed (none: only rates), in the log's order. */
  | { readonly complete: true; readonly customerIds: readonly string[] };

/**
 * The customers whose spans changed after version `from` up to and including `to`, from the log:
 * complete only if every version in between has a row and none of them says "everything".
 */
export async function changesBetween(
  tx: Tx,
  tenantId: string,
  from: number,
  to: number,
): Promise<ChangesSince> {
  if (to <= from) return { complete: true, customerIds: [] };
  const rows = await tx
    .select({ dataVersion: dataChanges.dataVersion, customerIds: dataChanges.customerIds })
    .from(dataChanges)
    .where(
      and(
        eq(dataChanges.tenantId, tenantId),
        gt(dataChanges.dataVersion, from),
        lte(dataChanges.dataVersion, to),
      ),
    )
    .orderBy(asc(dataChanges.dataVersion));
  if (rows.length !== to - from) return { complete: false };
  const customers = new Set<string>();
  for (const row of rows) {
    if (row.customerIds === null) return { complete: false };
    for (const id of row.customerIds) customers.add(id);
  }
  return { complete: true, customerIds: [...customers] };
}
