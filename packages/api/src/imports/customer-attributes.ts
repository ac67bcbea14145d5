/**
 * Customers' own attributes (country, metadata), from Stripe `customer.created|updated` events
 * (`customer_events`): a customer's attributes are those of its latest event, the greatest
 * `occurred_at`, then `updated` over `created`, then the greater event id, so the outcome does not
 * depend on the order events arrive in. They fill in what a subscription event's own attributes
 * (its metadata, plan, billing interval) do not state: the subscription's are more specific.
 */
import type { SubscriptionEvent } from '@nrr/core';
import { sql } from 'drizzle-orm';
import { arrayLiteral, resultRows, type Tx } from '../db/tenant-scope.ts';

/** The current attributes of each of `customers` that has customer events. */
export async function customerAttributes(
  tx: Tx,
  tenantId: string,
  customers: readonly string[],
): Promise<Map<string, Record<string, string>>> {
  const found = new Map<string, Record<string, string>>();
  if (customers.length === 0) return found;
  const rows = resultRows<{ customer_id: string; attributes: Record<string, string> | string }>(
    await tx.execute(sql`
      select distinct on (customer_id) customer_id, attributes from customer_events
      where tenant_id = ${tenantId} and customer_id = any(${arrayLiteral(customers)}::text[])
      order by customer_id, occurred_at desc, (kind = 'updated') desc, event_id desc`),
  );
  for (const row of rows) {
    found.set(
      row.customer_id,
      typeof row.attributes === 'string'
        ? (JSON.parse(row.attributes) as Record<string, string>)
        : row.attributes,
    );
  }
  return found;
}

/** `events` with their customers' attributes filled in (the events' own win); unchanged without any. */
export async function withCustomerAttributes(
  tx: Tx,
  tenantId: string,
  events: readonly SubscriptionEvent[],
): Promise<SubscriptionEvent[]> {
  const customers = [...new Set(events.map((event) => event.customerId))];
  const attributes = await customerAttributes(tx, tenantId, customers);
  if (attributes.size === 0) return [...events];
  return events.map((event) => {
    const own = attributes.get(event.customerId);
    return own === undefined ? event : { ...event, attributes: { ...own, ...event.attributes } };
  });
}
