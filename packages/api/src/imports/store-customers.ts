/**
 * Stripe customer events, inside an import's transaction: upserts them into `customer_events` by
 * event id (an identical redelivery is left alone), then recomputes the spans of every
 * subscription of each customer whose events changed, so that its current attributes
 * (./customer-attributes.ts) reach its spans as an events import would write them.
 */
import type { CustomerEvent, EventPolicy } from '@nrr/core';
import { sql } from 'drizzle-orm';
import type { SpanWriter } from '../db/spans/writer.ts';
import { arrayLiteral, resultRows, type Tx } from '../db/tenant-scope.ts';
import { recomputeSpans } from './store-events.ts';

/**
 * Stores `events` and recomputes the spans of the customers they changed under the tenant's span
 * definitions `policy`; returns spans deleted.
 */
export async function storeCustomerEvents(
  tx: Tx,
  tenantId: string,
  importId: string,
  events: readonly CustomerEvent[],
  writer: SpanWriter,
  policy: Partial<EventPolicy> = {},
): Promise<{ readonly events: number; readonly spansRemoved: number }> {
  if (events.length === 0) return { events: 0, spansRemoved: 0 };
  const written = resultRows<{ customer_id: string }>(
    await tx.execute(sql`
      insert into customer_events (tenant_id, event_id, customer_id, occurred_at, kind, attributes, import_id)
      select ${tenantId}, u.event_id, u.customer_id, u.occurred_at, u.kind, u.attributes::jsonb, ${importId}
      from unnest(${arrayLiteral(events.map((event) => event.id))}::text[],
        ${arrayLiteral(events.map((event) => event.customerId))}::text[],
        ${arrayLiteral(events.map((event) => new Date(event.occurredAt).toISOString()))}::timestamptz[],
        ${arrayLiteral(events.map((event) => event.kind))}::text[],
        ${arrayLiteral(events.map((event) => JSON.stringify(event.attributes)))}::text[])
        as u(event_id, customer_id, occurred_at, kind, attributes)
      on conflict (tenant_id, event_id) do update set
        customer_id = excluded.customer_id, occurred_at = excluded.occurred_at, kind = excluded.kind,
        attributes = excluded.attributes, import_id = excluded.import_id
      where (customer_events.customer_id, customer_events.occurred_at, customer_events.kind, customer_events.attributes)
        is distinct from (excluded.customer_id, excluded.occurred_at, excluded.kind, excluded.attributes)
      returning customer_id`),
  );
  if (written.length === 0) return { events: 0, spansRemoved: 0 };
  const customers = [...new Set(written.map((row) => row.customer_id))];
  const subscriptions = resultRows<{ subscription_id: string }>(
    await tx.execute(sql`
      select distinct subscription_id from subscription_events
      where tenant_id = ${tenantId} and customer_id = any(${arrayLiteral(customers)}::text[])`),
  );
  const spansRemoved = await recomputeSpans(
    tx,
    tenantId,
    subscriptions.map((row) => row.subscription_id),
    new Set(),
    writer,
    policy,
  );
  return { events: written.length, spansRemoved };
}
