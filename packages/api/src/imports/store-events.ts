/**
 * Events imports, inside the import's transaction: upserts the batch's events into
 * `subscription_events` (by event id; an identical event is left alone), then recomputes the spans
 * of every subscription the batch names from ALL its stored events with core's
 * `eventsToSpans`, and makes them the subscription's stored spans: new and corrected spans are
 * upserted by identity, stored spans the events no longer imply are deleted. A batch may thus
 * carry a single cancellation (the webhook pattern), and batches may arrive in any order. Spans
 * are computed under the tenant's span definitions (discounts, past due, unpaid, pause); a change
 * of those recomputes every event-derived span ({@link recomputeEventSpans}).
 * A customer's stored attributes (Stripe customer events, ./customer-attributes.ts) fill in the
 * attributes its subscription events do not state.
 */
import { type EventPolicy, eventsToSpans, type SubscriptionEvent } from '@nrr/core';
import { sql } from 'drizzle-orm';
import type { SpanWriter } from '../db/spans/writer.ts';
import { arrayLiteral, resultRows, type Tx } from '../db/tenant-scope.ts';
import { storedEventsWithAttributes } from './customer-attributes.ts';

/** Events are upserted in batches of this many. */
const EVENT_BATCH_SIZE = 2000;

/** What {@link storeEvents} changed. */
export interface EventWriteCounts {
  /** Events inserted or changed. */
  readonly events: number;
  /** Subscriptions whose spans were recomputed. */
  readonly subscriptions: number;
  /** Stored spans deleted because the events no longer imply them. */
  readonly spansRemoved: number;
}

/**
 * Stores `events` and replaces the spans of the subscriptions they name (and of any a corrected
 * event left), writing spans through
 * `writer` (whose counts and affected customers include them; removed spans' customers are added
 * to `writer.affectedCustomers` too).
 */
export async function storeEvents(
  tx: Tx,
  tenantId: string,
  importId: string,
  events: readonly SubscriptionEvent[],
  writer: SpanWriter,
  policy: Partial<EventPolicy> = {},
): Promise<EventWriteCounts> {
  const subscriptions = new Set<string>();
  // Customers that held a changed event before it moved to another customer or subscription.
  const formerCustomers = new Set<string>();
  let changedEvents = 0;
  for (let index = 0; index < events.length; index += EVENT_BATCH_SIZE) {
    const batch = events.slice(index, index + EVENT_BATCH_SIZE);
    const ids = arrayLiteral(batch.map((event) => event.id));
    // One statement: the stored events' customers and subscriptions as they were (every part of
    // a statement sees the snapshot from before its insert), and the events inserted or changed.
    const rows = resultRows<{
      written: boolean;
      event_id: string;
      customer_id: string;
      subscription_id: string;
    }>(
      await tx.execute(sql`
        with before as (
          select event_id, customer_id, subscription_id from subscription_events
          where tenant_id = ${tenantId} and event_id = any(${ids}::text[])),
        written as (
          insert into subscription_events (tenant_id, event_id, customer_id, subscription_id, effective_at, event, import_id)
          select ${tenantId}, u.event_id, u.customer_id, u.subscription_id, u.effective_at, u.event::jsonb, ${importId}
          from unnest(${ids}::text[], ${arrayLiteral(batch.map((event) => event.customerId))}::text[],
            ${arrayLiteral(batch.map((event) => event.subscriptionId))}::text[],
            ${arrayLiteral(batch.map((event) => new Date(event.effectiveAt).toISOString()))}::timestamptz[],
            ${arrayLiteral(batch.map((event) => JSON.stringify(event)))}::text[])
            as u(event_id, customer_id, subscription_id, effective_at, event)
          on conflict (tenant_id, event_id) do update set
            customer_id = excluded.customer_id, subscription_id = excluded.subscription_id,
            effective_at = excluded.effective_at, event = excluded.event, import_id = excluded.import_id
          where subscription_events.event is distinct from excluded.event
          returning event_id, customer_id, subscription_id)
        select false as written, event_id, customer_id, subscription_id from before
        union all
        select true, event_id, customer_id, subscription_id from written`),
    );
    const before = rows.filter((row) => !row.written);
    const written = rows.filter((row) => row.written);
    changedEvents += written.length;
    const changedIds = new Set<string>();
    // Every subscription of the batch is recomputed, changed or not, so that the import reports
    // its spans as stored or unchanged like other formats do (a repeated batch: all unchanged).
    for (const event of batch) subscriptions.add(event.subscriptionId);
    for (const row of written) changedIds.add(row.event_id);
    for (const row of before) {
      if (!changedIds.has(row.event_id)) continue;
      subscriptions.add(row.subscription_id);
      formerCustomers.add(row.customer_id);
    }
  }
  const spansRemoved = await recomputeSpans(tx, tenantId, subscriptions, formerCustomers, writer, policy);
  return { events: changedEvents, subscriptions: subscriptions.size, spansRemoved };
}

/**
 * Recomputes the spans of `subscriptions` from all their stored events (see {@link storeEvents}),
 * in chunks, under the span definitions `policy`; `formerCustomers` held some of their events
 * before. Returns how many stored spans were deleted as no longer implied.
 */
export async function recomputeSpans(
  tx: Tx,
  tenantId: string,
  subscriptions: Iterable<string>,
  formerCustomers: ReadonlySet<string>,
  writer: SpanWriter,
  policy: Partial<EventPolicy> = {},
): Promise<number> {
  let spansRemoved = 0;
  const all = [...subscriptions].sort();
  for (let index = 0; index < all.length; index += EVENT_BATCH_SIZE) {
    const chunk = all.slice(index, index + EVENT_BATCH_SIZE);
    spansRemoved += await replaceSpans(tx, tenantId, chunk, formerCustomers, writer, policy);
  }
  return spansRemoved;
}

/**
 * Recomputes the spans of every subscription with stored events under `policy` (the tenant's new
 * span definitions), inside the caller's transaction: changed spans are upserted through `writer`,
 * spans the events no longer imply are deleted. Returns the subscriptions recomputed and the spans
 * deleted. Throws `RangeError` (core's) when stored events cannot become spans under the policy.
 */
export async function recomputeEventSpans(
  tx: Tx,
  tenantId: string,
  writer: SpanWriter,
  policy: Partial<EventPolicy>,
): Promise<{ subscriptions: number; spansRemoved: number }> {
  const all = resultRows<{ subscription_id: string }>(
    await tx.execute(sql`
      select distinct subscription_id from subscription_events where tenant_id = ${tenantId}
      order by subscription_id`),
  ).map((row) => row.subscription_id);
  const spansRemoved = await recomputeSpans(tx, tenantId, all, new Set(), writer, policy);
  return { subscriptions: all.length, spansRemoved };
}

/**
 * Recomputes the spans of `subscriptions` from all their stored events, upserts them through
 * `writer` and deletes the stored spans of those subscriptions that are no longer implied.
 * Returns how many were deleted.
 */
async function replaceSpans(
  tx: Tx,
  tenantId: string,
  subscriptions: readonly string[],
  formerCustomers: ReadonlySet<string>,
  writer: SpanWriter,
  policy: Partial<EventPolicy>,
): Promise<number> {
  const list = arrayLiteral(subscriptions);
  const events = await storedEventsWithAttributes(tx, tenantId, subscriptions);
  const spans = eventsToSpans(events, policy);
  for (const span of spans) await writer.add(span);
  await writer.flush();
  // Spans of these subscriptions belong to customers of their events, now or before an event
  // moved; naming them lets the delete use the primary key's (tenant, customer) prefix.
  const customers = new Set(formerCustomers);
  for (const event of events) customers.add(event.customerId);
  const keep = spans.map((span) => ({
    customerId: span.customerId,
    subscriptionId: span.subscriptionId,
    startAt: new Date(span.start).toISOString(),
  }));
  const removed = resultRows<{ customer_id: string }>(
    await tx.execute(sql`
      delete from mrr_spans s
      where s.tenant_id = ${tenantId} and s.customer_id = any(${arrayLiteral([...customers])}::text[])
        and s.subscription_id = any(${list}::text[])
        and not exists (
          select 1 from unnest(${arrayLiteral(keep.map((span) => span.customerId))}::text[],
            ${arrayLiteral(keep.map((span) => span.subscriptionId))}::text[],
            ${arrayLiteral(keep.map((span) => span.startAt))}::timestamptz[]) as k(customer_id, subscription_id, start_at)
          where k.customer_id = s.customer_id and k.subscription_id = s.subscription_id and k.start_at = s.start_at)
      returning s.customer_id`),
  );
  for (const row of removed) writer.affectedCustomers.add(row.customer_id);
  return removed.length;
}
