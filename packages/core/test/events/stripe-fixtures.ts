/**
 * Stripe `customer.subscription.*` events shaped as current API versions send them (Basil
 * 2025-03-31 and Clover 2025-09-30): billing periods on the items, discounts as ids unless
 * expanded, the Discount's coupon under `source`, no legacy `discount` field, Stripe Tax settings.
 */

/** Unix seconds of an ISO date or date-time (UTC). */
export function unix(iso: string): number {
  return Date.parse(iso.includes('T') ? iso : `${iso}T00:00:00Z`) / 1000;
}

/** A USD 20.00 monthly licensed price, as Stripe writes it; `fields` replace its own. */
export function monthlyPrice(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'price_1SstarterUSD',
    object: 'price',
    active: true,
    billing_scheme: 'per_unit',
    currency: 'usd',
    lookup_key: 'starter_monthly',
    nickname: null,
    product: 'prod_Starter',
    recurring: { interval: 'month', interval_count: 1, meter: null, usage_type: 'licensed' },
    tax_behavior: 'exclusive',
    type: 'recurring',
    unit_amount: 2000,
    unit_amount_decimal: '2000',
    ...fields,
  };
}

/** A subscription item around a price, with its Basil billing period. */
export function item(
  id: string,
  price: Record<string, unknown>,
  fields: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id,
    object: 'subscription_item',
    created: unix('2024-01-01'),
    current_period_start: unix('2024-01-01'),
    current_period_end: unix('2024-02-01'),
    discounts: [],
    metadata: {},
    price,
    quantity: 1,
    subscription: 'sub_1QcurrentAPI',
    tax_rates: [],
    ...fields,
  };
}

/** A Clover Discount object: the coupon under `source`, expanded. */
export function cloverDiscount(
  id: string,
  coupon: Record<string, unknown>,
  fields: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id,
    object: 'discount',
    checkout_session: null,
    customer: 'cus_QcurrentAPI',
    end: null,
    invoice: null,
    invoice_item: null,
    promotion_code: null,
    source: {
      type: 'coupon',
      coupon: {
        object: 'coupon',
        amount_off: null,
        currency: null,
        duration: 'forever',
        duration_in_months: null,
        percent_off: null,
        valid: true,
        ...coupon,
      },
    },
    start: unix('2024-01-01'),
    subscription: 'sub_1QcurrentAPI',
    subscription_item: null,
    ...fields,
  };
}

/**
 * A `customer.subscription.*` event (type from the status: `created` for trials, `deleted` for
 * canceled, `updated` otherwise) of subscription `sub_1QcurrentAPI` of customer `cus_QcurrentAPI`:
 * active, one 20.00 monthly item, no discounts; `subscription` replaces fields of the object.
 */
export function currentEvent(
  id: string,
  createdIso: string,
  subscription: Record<string, unknown> = {},
  envelope: Record<string, unknown> = {},
): Record<string, unknown> {
  const status = subscription.status ?? 'active';
  const type =
    status === 'canceled'
      ? 'customer.subscription.deleted'
      : status === 'trialing'
        ? 'customer.subscription.created'
        : 'customer.subscription.updated';
  return {
    id,
    object: 'event',
    api_version: '2025-09-30.clover',
    created: unix(createdIso),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: {
      object: {
        id: 'sub_1QcurrentAPI',
        object: 'subscription',
        automatic_tax: { disabled_reason: null, enabled: false, liability: null },
        billing_cycle_anchor: unix('2024-01-01'),
        billing_mode: { type: 'flexible' },
        cancel_at: null,
        cancel_at_period_end: false,
        canceled_at: null,
        cancellation_details: { comment: null, feedback: null, reason: null },
        collection_method: 'charge_automatically',
        created: unix('2024-01-01'),
        currency: 'usd',
        customer: 'cus_QcurrentAPI',
        default_tax_rates: [],
        discounts: [],
        ended_at: null,
        items: {
          object: 'list',
          data: [item('si_1', monthlyPrice())],
          has_more: false,
          total_count: 1,
          url: '/v1/subscription_items?subscription=sub_1QcurrentAPI',
        },
        latest_invoice: 'in_1Qlatest',
        livemode: false,
        metadata: {},
        pause_collection: null,
        start_date: unix('2024-01-01'),
        status,
        trial_end: null,
        trial_settings: { end_behavior: { missing_payment_method: 'create_invoice' } },
        trial_start: null,
        ...subscription,
      },
      previous_attributes: {},
    },
    ...envelope,
  };
}

/** The items list of a subscription object holding `items`. */
export function items(...entries: Record<string, unknown>[]): Record<string, unknown> {
  return {
    items: {
      object: 'list',
      data: entries,
      has_more: false,
      total_count: entries.length,
      url: '/v1/subscription_items?subscription=sub_1QcurrentAPI',
    },
  };
}
