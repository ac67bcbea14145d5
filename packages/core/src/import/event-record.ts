/**
 * Reads one subscription event from a parsed JSON value. Two shapes are accepted:
 *
 * - **Flat** (ours): `{ id, customer, subscription, effective_at, status, currency, unit_amount,
 *   interval, interval_count, quantity, price_type, usage_type, tax_behavior, tax_percent,
 *   discounts, canceled_at, metadata, attributes }`; amounts in major units ("19.99"). Instead of
 *   the flat price fields, `items` may hold Stripe subscription items (minor units).
 * - **Stripe Event**: `{ id, created, type, data: { object: <Subscription> } }` as
 *   `customer.subscription.*` webhooks and `GET /v1/events` return it. The subscription object
 *   supplies `id`, `customer` (an id or an expanded customer), `status`, `currency`, `items`
 *   (with their `discounts`), `discounts`/`discount`, `default_tax_rates`, `automatic_tax`,
 *   `canceled_at`, `ended_at`, `pause_collection` and `metadata`; the state takes effect at
 *   `ended_at` for an ended subscription, else at the event's `created`, and `effective_at` (if
 *   given at the top level) overrides both. Other fields (`current_period_*`, `trial_*`,
 *   `cancel_at`, ...) are ignored.
 *
 * Dates are ISO 8601 strings or Unix seconds. Amounts in Stripe objects (`price`, `coupon`) are in
 * the currency's minor units; amounts in flat fields are in major units. An active Stripe
 * subscription with `pause_collection` set is read as `paused`, with `collectionPaused`.
 */
import type { Instant } from '../dates.ts';
import { CURRENCY_CODE } from '../spans.ts';
import type { BillingInterval } from './billing-interval.ts';
import { readDiscounts } from './event-discounts.ts';
import {
  isAbsent,
  isObject,
  type JsonObject,
  RowRejection,
  readAttributes,
  readChoice,
  readCurrency,
  readId,
  readInstant,
  readOptionalInstant,
  reject,
} from './event-fields.ts';
import { type EventPricing, FLAT_PRICE_FIELDS, readFlatPricing, readStripePricing } from './event-items.ts';
import {
  type ImportOptions,
  type ParsedRow,
  SUBSCRIPTION_STATUSES,
  type SubscriptionEvent,
  type SubscriptionItem,
  type SubscriptionStatus,
  TERMINAL_STATUSES,
} from './event-types.ts';

/** Statuses whose events must say what the subscription costs. */
const PRICED: ReadonlySet<SubscriptionStatus> = new Set(['active', 'past_due', 'unpaid', 'paused']);
/** Statuses that produce spans and so need a currency. */
const LIVE: ReadonlySet<SubscriptionStatus> = new Set([...PRICED, 'trialing']);

/**
 * Parses one subscription event (a parsed JSON value) found on `line` (the NDJSON line, or the
 * array index + 1 for a JSON array). Returns the event or the first problem found as a
 * `RowError`. Does not check that event ids are unique: the importers do that across records.
 * Throws `RangeError` only for a malformed `options.defaultCurrency` (a programming error).
 */
export function parseSubscriptionEvent(
  record: unknown,
  line: number,
  options: Pick<ImportOptions, 'defaultCurrency'> = {},
): ParsedRow<SubscriptionEvent> {
  const defaultCurrency = options.defaultCurrency?.trim().toUpperCase();
  if (defaultCurrency !== undefined && !CURRENCY_CODE.test(defaultCurrency)) {
    throw new RangeError(
      `defaultCurrency must be an ISO 4217 code such as USD, got ${options.defaultCurrency}`,
    );
  }
  try {
    return { ok: true, row: readEvent(record, line, defaultCurrency) };
  } catch (error) {
    if (error instanceof RowRejection) return { ok: false, error: error.error };
    throw error;
  }
}

function readEvent(record: unknown, line: number, defaultCurrency: string | undefined): SubscriptionEvent {
  if (!isObject(record)) {
    reject('INVALID_JSON', line, '(event)', record, 'a JSON object describing one event');
  }
  const data = record.data;
  const envelope = isObject(data) && data.object !== undefined;
  let body: JsonObject = record;
  if (envelope) {
    const object = data.object;
    if (!isObject(object) || (object.object !== undefined && object.object !== 'subscription')) {
      reject(
        'INVALID_JSON',
        line,
        'data.object.object',
        isObject(object) ? object.object : object,
        'a Stripe subscription object (customer.subscription.* events)',
      );
    }
    body = object;
  }
  const prefix = envelope ? 'data.object.' : '';
  const id = readId(record.id, 'id', line);
  const customer = isObject(body.customer) ? body.customer.id : body.customer;
  const customerId = readId(
    customer,
    isObject(body.customer) ? `${prefix}customer.id` : `${prefix}customer`,
    line,
  );
  const subscriptionId = envelope
    ? readId(body.id, 'data.object.id', line)
    : readId(record.subscription, 'subscription', line);
  const stated = readChoice(body.status, SUBSCRIPTION_STATUSES, `${prefix}status`, line, 'INVALID_STATUS');
  if (stated === undefined) {
    reject(
      'MISSING_VALUE',
      line,
      `${prefix}status`,
      body.status,
      `one of ${SUBSCRIPTION_STATUSES.join(', ')}`,
    );
  }
  const collectionPaused = stated === 'active' && isObject(body.pause_collection);
  const status = collectionPaused ? 'paused' : stated;
  const effectiveAt = readEffectiveAt(record, body, envelope, status, line);
  const canceledAt = readOptionalInstant(body.canceled_at, `${prefix}canceled_at`, line);
  const stateCurrency = isAbsent(body.currency)
    ? undefined
    : readCurrency(body.currency, `${prefix}currency`, line);
  // Only a status with a price needs its discounts: a cancellation churns whatever they were.
  const discountsNeeded = PRICED.has(status);
  const pricing = readPricing(body, prefix, envelope, line, stateCurrency, defaultCurrency, discountsNeeded);
  const currency = stateCurrency ?? pricing.currency ?? defaultCurrency;
  if (currency === undefined && LIVE.has(status)) {
    reject(
      'MISSING_VALUE',
      line,
      `${prefix}currency`,
      body.currency,
      'an ISO 4217 currency code such as USD',
    );
  }
  if (pricing.items.length === 0 && PRICED.has(status)) {
    const field = envelope || !isAbsent(body.items) ? `${prefix}items` : 'unit_amount';
    reject(
      'MISSING_VALUE',
      line,
      field,
      field === 'unit_amount' ? body.unit_amount : body.items,
      `the price of the ${status} subscription`,
    );
  }
  const discounts = readDiscounts(body, prefix, {
    line,
    currency,
    inclusiveTaxRate: pricing.inclusiveTaxRate,
    needed: discountsNeeded,
  });
  const attributes = {
    ...derivedAttributes(pricing),
    ...readAttributes(body.metadata, `${prefix}metadata`, line),
    ...readAttributes(record.attributes, 'attributes', line),
  };
  return {
    id,
    customerId,
    subscriptionId,
    effectiveAt,
    status,
    ...(currency === undefined ? {} : { currency }),
    items: pricing.items,
    discounts,
    ...(canceledAt === undefined ? {} : { canceledAt }),
    ...(collectionPaused ? { collectionPaused: true as const } : {}),
    attributes,
  };
}

/**
 * When the event's state takes effect: `effective_at` when given; otherwise, for a Stripe event,
 * the subscription's `ended_at` if its status ends it (the instant Stripe ended it, which the
 * event's `created` can trail), else the event's `created`.
 */
function readEffectiveAt(
  record: JsonObject,
  body: JsonObject,
  envelope: boolean,
  status: SubscriptionStatus,
  line: number,
): Instant {
  if (!envelope || !isAbsent(record.effective_at)) {
    return readInstant(record.effective_at, 'effective_at', line);
  }
  const endedAt = TERMINAL_STATUSES.has(status)
    ? readOptionalInstant(body.ended_at, 'data.object.ended_at', line)
    : undefined;
  return endedAt ?? readInstant(record.created, 'created', line);
}

function readPricing(
  body: JsonObject,
  prefix: string,
  envelope: boolean,
  line: number,
  currency: string | undefined,
  defaultCurrency: string | undefined,
  discountsNeeded: boolean,
): EventPricing {
  const flatField = envelope ? undefined : FLAT_PRICE_FIELDS.find((field) => !isAbsent(body[field]));
  if (flatField !== undefined && !isAbsent(body.items)) {
    reject('INVALID_JSON', line, flatField, body[flatField], 'either flat price fields or items, not both');
  }
  if (flatField !== undefined) return readFlatPricing(body, line);
  return readStripePricing(body, prefix, line, currency, defaultCurrency, discountsNeeded);
}

/** `billing_interval` from the first recurring price and `plan` from a Stripe price. */
function derivedAttributes(pricing: EventPricing): Record<string, string> {
  const attributes: Record<string, string> = {};
  const recurring = pricing.items.find(
    (item): item is Extract<SubscriptionItem, { interval: BillingInterval }> => item.kind !== 'ONE_TIME',
  );
  if (recurring) {
    attributes.billing_interval = billingIntervalName(recurring.interval, recurring.intervalCount);
  }
  if (pricing.plan !== undefined) attributes.plan = pricing.plan;
  return attributes;
}

/**
 * A canonical name for a billing period: `month`, `quarter`, `half_year`, `year`, `2_year`,
 * `2_month`, `week`, `2_week`, `day`, … (3 months reads as `quarter` whichever way it was written).
 */
export function billingIntervalName(interval: BillingInterval, intervalCount: number): string {
  if (interval === 'day' || interval === 'week') {
    return intervalCount === 1 ? interval : `${intervalCount}_${interval}`;
  }
  const months = { month: 1, quarter: 3, half_year: 6, year: 12 }[interval] * intervalCount;
  if (months % 12 === 0) return months === 12 ? 'year' : `${months / 12}_year`;
  if (months === 1 || months === 3 || months === 6) {
    return { 1: 'month', 3: 'quarter', 6: 'half_year' }[months];
  }
  return `${months}_month`;
}
