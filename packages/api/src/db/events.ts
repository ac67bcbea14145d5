/**
 * Reading a tenant's stored subscription events (`subscription_events`) back into core's form,
 * for spans computed in memory under other span definitions than the tenant's.
 */
import type { SubscriptionEvent } from '@nrr/core';
import { sql } from 'drizzle-orm';
import { resultRows, type Tx } from './tenant-scope.ts';

/** Every stored event of the tenant, in event id order. */
export async function readTenantEvents(tx: Tx, tenantId: string): Promise<SubscriptionEvent[]> {
  const rows = resultRows<{ event: SubscriptionEvent | string }>(
    await tx.execute(sql`
      select event from subscription_events where tenant_id = ${tenantId} order by event_id`),
  );
  // Both drivers parse jsonb; text is handled the same way should a driver return it.
  return rows.map((row) =>
    typeof row.event === 'string' ? (JSON.parse(row.event) as SubscriptionEvent) : row.event,
  );
}
