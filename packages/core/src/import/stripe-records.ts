/**
 * Stripe's own records, as webhooks deliver them and as `GET /v1/events` and
 * `GET /v1/subscriptions` list them, sorted into what the importers read:
 *
 * - `customer.subscription.created|updated|deleted|paused|resumed` events are subscription events,
 *   parsed by {@link parseSubscriptionEvent} exactly as an events file's records are;
 * - `customer.created|updated` events carry a customer's attributes (`country` from its address,
 *   then its `metadata`), which the API stores and merges into the customer's spans;
 * - every other event type is ignored (counted, not read);
 * - a subscription object (a `GET /v1/subscriptions` page) is a snapshot: it becomes the events
 *   that its dates imply ({@link subscriptionSnapshotEvents}).
 *
 * Line numbers in errors are the record's index in its list + 1, as for a JSON events file.
 */

import type { Instant } from '../dates.ts';
import type { RowError } from '../errors.ts';
import { rowError } from '../errors.ts';
import {
  isAbsent,
  isObject,
  type JsonObject,
  RowRejection,
  readAttributes,
  readId,
  readInstant,
  reject,
} from './event-fields.ts';
import { parseSubscriptionEvent } from './event-record.ts';
import type { ImportOptions, SubscriptionEvent } from './event-types.ts';

/** The subscription event types read (their `data.object` is a subscription). */
export const STRIPE_SUBSCRIPTION_EVENT_TYPES: readonly string[] = [
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'customer.subscription.paused',
  'customer.subscription.resumed',
];

/** The customer event types read (their `data.object` is a customer). */
export const STRIPE_CUSTOMER_EVENT_TYPES: readonly string[] = ['customer.created', 'customer.updated'];

/** What a Stripe event type is to the importers. */
export type StripeEventKind = 'subscription' | 'customer' | 'ignored';

/** The kind of a Stripe event `type` (anything not listed above, or not a string, is `ignored`). */
export function stripeEventKind(type: unknown): StripeEventKind {
  if (typeof type !== 'string') return 'ignored';
  if (STRIPE_SUBSCRIPTION_EVENT_TYPES.includes(type)) return 'subscription';
  if (STRIPE_CUSTOMER_EVENT_TYPES.includes(type)) return 'customer';
  return 'ignored';
}

/**
 * A customer's attributes as one event stated them. The customer's attributes are those of its
 * latest event: the greatest `occurredAt`, then `customer.updated` over `customer.created`, then
 * the greater event id, so that the outcome does not depend on the order events arrive in.
 */
export interface CustomerEvent {
  readonly id: string;
  readonly customerId: string;
  /** The event's `created`. */
  readonly occurredAt: Instant;
  /** `created` or `updated`. */
  readonly kind: 'created' | 'updated';
  /**
   * `country` (the address's, else the shipping address's, upper case) then the customer's
   * `metadata` (a metadata key `country` wins); `null` and `""` metadata values are dropped.
   */
  readonly attributes: Readonly<Record<string, string>>;
}

/** Reads a `customer.created|updated` event; the first problem is a `RowError` naming the field. */
export function parseCustomerEvent(
  record: unknown,
  line: number,
): { ok: true; row: CustomerEvent } | { ok: false; error: RowError } {
  try {
    return { ok: true, row: readCustomerEvent(record, line) };
  } catch (error) {
    if (error instanceof RowRejection) return { ok: false, error: error.error };
    throw error;
  }
}

function readCustomerEvent(record: unknown, line: number): CustomerEvent {
  if (!isObject(record)) reject('INVALID_JSON', line, '(event)', record, 'a Stripe event object');
  const type = record.type;
  if (stripeEventKind(type) !== 'customer') {
    reject('INVALID_JSON', line, 'type', type, STRIPE_CUSTOMER_EVENT_TYPES.join(' or '));
  }
  const data = record.data;
  const customer = isObject(data) ? data.object : undefined;
  if (!isObject(customer) || (customer.object !== undefined && customer.object !== 'customer')) {
    reject('INVALID_JSON', line, 'data.object', customer, 'a Stripe customer object');
  }
  const country =
    countryOf(customer.address) ??
    countryOf(isObject(customer.shipping) ? customer.shipping.address : undefined);
  return {
    id: readId(record.id, 'id', line),
    customerId: readId(customer.id, 'data.object.id', line),
    occurredAt: readInstant(record.created, 'created', line),
    kind: type === 'customer.created' ? 'created' : 'updated',
    attributes: {
      ...(country === undefined ? {} : { country }),
      ...readAttributes(customer.metadata, 'data.object.metadata', line),
    },
  };
}

function countryOf(address: unknown): string | undefined {
  if (!isObject(address) || typeof address.country !== 'string') return undefined;
  const country = address.country.trim().toUpperCase();
  return country === '' ? undefined : country;
}

/**
 * The events a subscription snapshot (`object: "subscription"`, as `GET /v1/subscriptions` lists
 * it) implies, as Stripe event records for {@link parseSubscriptionEvent}. A snapshot knows only
 * the subscription's current price, so that price is taken as its price since `start_date`:
 * - trialing from `trial_start` to `trial_end` when it had a trial;
 * - from the end of the trial (or `start_date`) in its current status, or `active` if it has ended;
 * - `canceled` at `ended_at` when it has ended.
 * Event ids are `<subscription id>:start`, `:trial_end` and `:ended`, so importing the same
 * snapshot again changes nothing; the history before a snapshot's price changed is only in the
 * events list (`GET /v1/events`).
 */
export function subscriptionSnapshotEvents(subscription: JsonObject, line: number): JsonObject[] {
  const id = readId(subscription.id, 'id', line);
  const start = subscription.start_date ?? subscription.created;
  readInstant(start, isAbsent(subscription.start_date) ? 'created' : 'start_date', line);
  const status = typeof subscription.status === 'string' ? subscription.status : undefined;
  const ended = status === 'canceled' || status === 'incomplete_expired';
  const trialEnd = isAbsent(subscription.trial_end) ? undefined : subscription.trial_end;
  const trialStart = isAbsent(subscription.trial_start) ? start : subscription.trial_start;
  const event = (suffix: string, effectiveAt: unknown, state: string): JsonObject => ({
    id: `${id}:${suffix}`,
    object: 'event',
    type: 'customer.subscription.updated',
    effective_at: effectiveAt,
    data: { object: { ...subscription, status: state } },
  });
  const settled = ended ? 'active' : (status ?? 'active');
  const endedAt = ended ? (subscription.ended_at ?? subscription.canceled_at) : undefined;
  const endedInstant = ended ? readInstant(endedAt, 'ended_at', line) : undefined;
  const events: JsonObject[] = [];
  if (trialEnd !== undefined) {
    events.push(event('start', trialStart, 'trialing'));
    const trialEndInstant = readInstant(trialEnd, 'trial_end', line);
    // A trial still running is the current state; one cut short by the end has no paid part.
    const paid = status !== 'trialing' && (endedInstant === undefined || endedInstant > trialEndInstant);
    if (paid) events.push(event('trial_end', trialEnd, settled));
  } else {
    events.push(event('start', start, settled));
  }
  if (ended) events.push(event('ended', endedAt, status as string));
  return events;
}

/** Stripe records sorted and parsed ({@link readStripeRecords}). */
export interface StripeRecords {
  readonly subscriptionEvents: readonly SubscriptionEvent[];
  readonly customerEvents: readonly CustomerEvent[];
  /** Events of other types, not read. */
  readonly ignored: number;
  /** Every record that could not be read, each naming its line (index + 1) and field. */
  readonly errors: readonly RowError[];
}

/**
 * Parses Stripe records, each an event (any type) or a subscription snapshot: subscription events
 * by {@link parseSubscriptionEvent} (so they become the same events an events file yields),
 * customer events by {@link parseCustomerEvent}, snapshots through
 * {@link subscriptionSnapshotEvents}. `line` numbers the records (default index + 1).
 */
export function readStripeRecords(
  records: readonly unknown[],
  options: Pick<ImportOptions, 'defaultCurrency'> & { readonly firstLine?: number } = {},
): StripeRecords {
  const subscriptionEvents: SubscriptionEvent[] = [];
  const customerEvents: CustomerEvent[] = [];
  const errors: RowError[] = [];
  let ignored = 0;
  const first = options.firstLine ?? 1;
  for (const [index, record] of records.entries()) {
    const line = first + index;
    if (!isObject(record)) {
      errors.push(
        rowError(
          'INVALID_JSON',
          line,
          '(record)',
          JSON.stringify(record) ?? String(record),
          'a Stripe event or subscription object',
        ),
      );
      continue;
    }
    if (record.object === 'subscription') {
      try {
        for (const event of subscriptionSnapshotEvents(record, line)) {
          const parsed = parseSubscriptionEvent(event, line, options);
          if (parsed.ok) subscriptionEvents.push(parsed.row);
          else errors.push(parsed.error);
        }
      } catch (error) {
        if (!(error instanceof RowRejection)) throw error;
        errors.push(error.error);
      }
      continue;
    }
    const kind = stripeEventKind(record.type);
    if (kind === 'ignored') {
      if (record.object !== 'event' && typeof record.type !== 'string') {
        errors.push(
          rowError(
            'INVALID_JSON',
            line,
            'object',
            String(record.object),
            'a Stripe event ("event") or subscription ("subscription")',
          ),
        );
      } else ignored += 1;
      continue;
    }
    const parsed =
      kind === 'subscription'
        ? parseSubscriptionEvent(record, line, options)
        : parseCustomerEvent(record, line);
    if (!parsed.ok) errors.push(parsed.error);
    else if (kind === 'subscription') subscriptionEvents.push(parsed.row as SubscriptionEvent);
    else customerEvents.push(parsed.row as CustomerEvent);
  }
  return { subscriptionEvents, customerEvents, ignored, errors };
}

/**
 * The records of one saved Stripe list page (`{ "object": "list", "data": [...], "has_more": … }`),
 * or a `RowError` on line 1 when the text is not one.
 */
export function readStripeListPage(
  text: string,
): { ok: true; records: readonly unknown[] } | { ok: false; error: RowError } {
  const expected = 'a saved Stripe list page: {"object": "list", "data": [...], "has_more": …}';
  let document: unknown;
  try {
    document = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    return {
      ok: false,
      error: rowError(
        'INVALID_JSON',
        1,
        '(document)',
        error instanceof Error ? error.message : String(error),
        expected,
      ),
    };
  }
  if (!isObject(document) || document.object !== 'list' || !Array.isArray(document.data)) {
    return { ok: false, error: rowError('INVALID_JSON', 1, '(document)', text, expected) };
  }
  return { ok: true, records: document.data };
}
