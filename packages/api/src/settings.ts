/**
 * Tenant settings: the definitions (docs/metrics.md, "Definitions") every question of a tenant
 * uses unless it overrides them. Read with the tenant (`Tenant.definitions`), changed here, by
 * the `updateTenantSettings` mutation and `nrr tenants settings --set`.
 */
import { randomBytes } from 'node:crypto';
import {
  definitionKeys,
  definitionsKey,
  eventPolicyOf,
  type ResolvedDefinitions,
  tryResolveDefinitions,
} from '@nrr/core';
import { eq, sql } from 'drizzle-orm';
import { announceChange } from './db/changes.ts';
import type { Db } from './db/connect.ts';
import { recordDataChange } from './db/data-changes.ts';
import { tenants } from './db/schema.ts';
import { SpanWriter } from './db/spans/writer.ts';
import { withTenant } from './db/tenant-scope.ts';
import { ApiError, definitionsError } from './errors.ts';
import { recomputeEventSpans } from './imports/store-events.ts';
import { oneImportAtATime } from './imports/tenant-queue.ts';
import { storedDefinitions, type Tenant, tenantOfRow } from './tenants.ts';
import { enqueueMovementChanges } from './webhooks/outbox.ts';

/** What {@link updateTenantSettings} did. */
export interface SettingsChange {
  /** The tenant after the change (its new settings and data version). */
  readonly tenant: Tenant;
  /** Whether any option or the preset label changed (an identical set changes nothing). */
  readonly changed: boolean;
  /** Subscriptions whose spans were recomputed from their stored events (0 unless a span option changed). */
  readonly subscriptionsRecomputed: number;
}

/**
 * Resolves `input` (`{ preset?, ...options }`) over the tenant's current settings and stores the
 * result, in one transaction that also bumps the data version. When a span option (discounts,
 * past due, unpaid, pause) changes, every span derived from subscription events is recomputed
 * from the stored raw events in the same transaction: a failure leaves settings, spans and data
 * version as they were. Runs after the tenant's imports in this process, and holds the tenant's
 * row lock, so imports of other processes wait for it. Throws `BAD_USER_INPUT` for invalid input
 * ({@link definitionsError}), or when stored events cannot become spans under the new set;
 * `NOT_FOUND` for an unknown tenant.
 */
export async function updateTenantSettings(
  db: Db,
  tenantId: string,
  input: unknown,
): Promise<SettingsChange> {
  try {
    return await oneImportAtATime(db, tenantId, () =>
      withTenant(db, tenantId, async (tx) => {
        const [row] = await tx.select().from(tenants).where(eq(tenants.tenantId, tenantId)).for('update');
        if (!row) throw new ApiError('NOT_FOUND', `tenant ${JSON.stringify(tenantId)} does not exist`);
        const current = storedDefinitions(tenantId, row.definitions);
        const resolved = tryResolveDefinitions(input, current);
        if (!resolved.ok) throw definitionsError(resolved.problems, 'settings');
        const next = resolved.definitions;
        if (definitionsKey(next) === definitionsKey(current) && next.preset === current.preset) {
          return { tenant: tenantOfRow(row), changed: false, subscriptionsRecomputed: 0 };
        }
        let subscriptionsRecomputed = 0;
        let changedCustomers: ReadonlySet<string> | 'all' = new Set<string>();
        if (definitionKeys(next).spans !== definitionKeys(current).spans) {
          const changeId = `settings_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
          const writer = new SpanWriter(tx, tenantId, changeId);
          try {
            subscriptionsRecomputed = (await recomputeEventSpans(tx, tenantId, writer, eventPolicyOf(next)))
              .subscriptions;
            changedCustomers = writer.changedCustomers;
          } catch (error) {
            writer.abort(error instanceof Error ? error : new Error(String(error)));
            if (error instanceof RangeError) {
              throw new ApiError(
                'BAD_USER_INPUT',
                `settings: not changed: the stored subscription events cannot become spans under these definitions (${error.message})`,
                { field: 'settings' },
              );
            }
            throw error;
          }
        }
        // The announced movements follow the settings' churn date, coalescing and reactivation
        // window too: a change of those reclassifies every customer's movements.
        const ledgerOptions = (d: ResolvedDefinitions) =>
          JSON.stringify([d.churnDate, d.coalesceWindowMinutes, d.reactivationWindowDays]);
        if (ledgerOptions(next) !== ledgerOptions(current)) changedCustomers = 'all';
        const [updated] = await tx
          .update(tenants)
          .set({ definitions: toStored(next), dataVersion: sql`${tenants.dataVersion} + 1` })
          .where(eq(tenants.tenantId, tenantId))
          .returning();
        if (!updated) throw new Error(`tenant ${tenantId} vanished while its settings changed`);
        // Every timeline depends on the settings: instances rebuild rather than patch.
        await recordDataChange(tx, tenantId, updated.dataVersion, { customers: 'all' });
        // Recomputed spans change movements: the outbox announces them with the change, as an import's.
        await enqueueMovementChanges(tx, tenantId, changedCustomers, updated.dataVersion, next);
        return { tenant: tenantOfRow(updated), changed: true, subscriptionsRecomputed };
      }),
    );
  } finally {
    // Every API over this `db` serves the new settings (and data version) from its next request.
    announceChange(db, { kind: 'tenant', tenantId });
  }
}

/** A resolved set as stored: every option and the preset, as plain JSON. */
function toStored(definitions: ResolvedDefinitions): Record<string, unknown> {
  return { ...definitions };
}
