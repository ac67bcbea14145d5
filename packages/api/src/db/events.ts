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

/**
 * Every stored event of the subscriptions that have an event of one of `customerIds`, in event id
 * order (what a timeline patch recomputes their spans from under other span options).
 */
export async function readCustomerEvents(
  tx: Tx,
  tenantId: string,
  customerIds: readonly string[],
): Promise<SubscriptionEvent[]> {
  if (customerIds.length === 0) return [];
  const rows = resultRows<{ event: SubscriptionEvent | string }>(
    await tx.execute(sql`
      select event from subscription_events where tenant_id = ${tenantId} and subscription_id in (
        select subscription_id from subscription_events
        where tenant_id = ${tenantId} and customer_id = any(${sql.param(customerIds)}::text[]))
      order by event_id`),
  );
  return rows.map((row) =>
    typeof row.event === 'string' ? (JSON.parse(row.event) as SubscriptionEvent) : row.event,
  );
}

/**
 * Whether a customer outside `customerIds` has stored spans of one of `subscriptionIds` (a
 * subscription id shared across customers: recomputing the subscription's spans would touch them).
 */
export async function othersShareSubscriptions(
  tx: Tx,
  tenantId: string,
  customerIds: readonly string[],
  subscriptionIds: readonly string[],
): Promise<boolean> {
  if (subscriptionIds.length === 0) return false;
  const rows = resultRows<{ one: number }>(
    await tx.execute(sql`
      select 1 as one from mrr_spans where tenant_id = ${tenantId}
        and subscription_id = any(${sql.param(subscriptionIds)}::text[])
        and not (customer_id = any(${sql.param(customerIds)}::text[]))
      limit 1`),
  );
  return rows.length > 0;
}
