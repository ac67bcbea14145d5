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

/**
 * The stored subscription events of `subscriptions`, each with its customer's attributes filled
 * in (the event's own win; unchanged for a customer without customer events), read with those
 * attributes in one statement.
 */
export async function storedEventsWithAttributes(
  tx: Tx,
  tenantId: string,
  subscriptions: readonly string[],
): Promise<SubscriptionEvent[]> {
  const rows = resultRows<{
    event: SubscriptionEvent | string;
    attributes: Record<string, string> | string | null;
  }>(
    await tx.execute(sql`
      with events as (
        select customer_id, event from subscription_events
        where tenant_id = ${tenantId} and subscription_id = any(${arrayLiteral(subscriptions)}::text[])),
      latest as (
        select distinct on (customer_id) customer_id, attributes from customer_events
        where tenant_id = ${tenantId} and customer_id in (select customer_id from events)
        order by customer_id, occurred_at desc, (kind = 'updated') desc, event_id desc)
      select e.event, l.attributes from events e left join latest l on l.customer_id = e.customer_id`),
  );
  // Both drivers parse jsonb; text is handled the same way should a driver return it.
  const parse = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);
  return rows.map((row) => {
    const event = parse(row.event);
    if (row.attributes === null) return event;
    return { ...event, attributes: { ...parse(row.attributes), ...event.attributes } };
  });
}
