/**
 * Stripe records for the webhook tests, shaped as Stripe sends them (API 2025-03-31.basil): one
 * subscription's life (created in a trial, trial over, upgraded, a second item, a coupon,
 * past_due, paused, resumed, canceled), a second customer's subscription, customer events (the
 * update delivered before the creation), and an event of a type the receiver ignores.
 */
import Stripe from 'stripe';

/** Unix seconds of an ISO date at 10:00 UTC. */
export const at = (date: string): number => Date.parse(`${date}T10:00:00Z`) / 1000;

interface Item {
  readonly id: string;
  readonly price: string;
  readonly cents: number;
  readonly quantity: number;
}

function subscription(
  id: string,
  customer: string,
  status: string,
  items: readonly Item[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id,
    object: 'subscription',
    customer,
    status,
    currency: 'usd',
    items: {
      object: 'list',
      data: items.map((item) => ({
        id: item.id,
        object: 'subscription_item',
        quantity: item.quantity,
        price: {
          id: item.price,
          object: 'price',
          currency: 'usd',
          unit_amount: item.cents,
          type: 'recurring',
          recurring: { interval: 'month', interval_count: 1, usage_type: 'licensed' },
          tax_behavior: 'exclusive',
        },
      })),
    },
    metadata: {},
    ...extra,
  };
}

function event(id: string, type: string, created: number, object: Record<string, unknown>) {
  return { id, object: 'event', api_version: '2025-03-31.basil', type, created, data: { object } };
}

const starter: Item = { id: 'si_1', price: 'price_starter', cents: 5000, quantity: 1 };
const pro: Item = { id: 'si_1', price: 'price_pro', cents: 10000, quantity: 1 };
const seats: Item = { id: 'si_2', price: 'price_seat', cents: 2000, quantity: 3 };
const coupon = {
  discount: {
    id: 'di_1',
    object: 'discount',
    coupon: { id: 'TEN', object: 'coupon', percent_off: 10, duration: 'forever' },
    start: at('2024-04-01'),
  },
};

/** The subscription events of the tests, in the order they happened. */
export const SUBSCRIPTION_EVENTS = [
  event(
    'evt_s1',
    'customer.subscription.created',
    at('2024-01-01'),
    subscription('sub_1', 'cus_1', 'trialing', [starter], {
      trial_start: at('2024-01-01'),
      trial_end: at('2024-01-15'),
    }),
  ),
  event(
    'evt_s2',
    'customer.subscription.updated',
    at('2024-01-15'),
    subscription('sub_1', 'cus_1', 'active', [starter]),
  ),
  event(
    'evt_s3',
    'customer.subscription.updated',
    at('2024-02-01'),
    subscription('sub_1', 'cus_1', 'active', [pro]),
  ),
  event(
    'evt_s4',
    'customer.subscription.updated',
    at('2024-03-01'),
    subscription('sub_1', 'cus_1', 'active', [pro, seats]),
  ),
  event(
    'evt_s5',
    'customer.subscription.updated',
    at('2024-04-01'),
    subscription('sub_1', 'cus_1', 'active', [pro, seats], coupon),
  ),
  event(
    'evt_s6',
    'customer.subscription.updated',
    at('2024-05-01'),
    subscription('sub_1', 'cus_1', 'past_due', [pro, seats], coupon),
  ),
  event(
    'evt_s7',
    'customer.subscription.paused',
    at('2024-06-01'),
    subscription('sub_1', 'cus_1', 'paused', [pro, seats], coupon),
  ),
  event(
    'evt_s8',
    'customer.subscription.resumed',
    at('2024-07-01'),
    subscription('sub_1', 'cus_1', 'active', [pro, seats], coupon),
  ),
  event(
    'evt_s9',
    'customer.subscription.deleted',
    at('2024-08-01'),
    subscription('sub_1', 'cus_1', 'canceled', [pro, seats], {
      ...coupon,
      canceled_at: at('2024-07-20'),
      ended_at: at('2024-08-01'),
    }),
  ),
  event(
    'evt_t1',
    'customer.subscription.created',
    at('2024-01-10'),
    subscription('sub_2', 'cus_2', 'active', [
      { id: 'si_9', price: 'price_starter', cents: 5000, quantity: 2 },
    ]),
  ),
];

/** Customer events: cus_1 created in France, then moved to Germany with a tier; cus_2 in the US. */
export const CUSTOMER_EVENTS = [
  event('evt_c2', 'customer.updated', at('2024-02-10'), {
    id: 'cus_1',
    object: 'customer',
    address: { country: 'DE' },
    metadata: { tier: 'gold' },
  }),
  event('evt_c1', 'customer.created', at('2024-01-01'), {
    id: 'cus_1',
    object: 'customer',
    address: { country: 'FR' },
    metadata: {},
  }),
  event('evt_c3', 'customer.created', at('2024-01-10'), {
    id: 'cus_2',
    object: 'customer',
    address: { country: 'us' },
    metadata: {},
  }),
];

/**
 * cus_2 deleted in Stripe on 2024-06-01: Stripe sends `customer.deleted` (its `data.object` the
 * customer as it was) and, having cancelled the customer's subscriptions at once,
 * `customer.subscription.deleted` for sub_2.
 */
export const CUSTOMER_DELETION = [
  event('evt_d1', 'customer.deleted', at('2024-06-01'), {
    id: 'cus_2',
    object: 'customer',
    address: { country: 'us' },
    metadata: {},
  }),
  event(
    'evt_d2',
    'customer.subscription.deleted',
    at('2024-06-01'),
    subscription(
      'sub_2',
      'cus_2',
      'canceled',
      [{ id: 'si_9', price: 'price_starter', cents: 5000, quantity: 2 }],
      {
        canceled_at: at('2024-06-01'),
        ended_at: at('2024-06-01'),
      },
    ),
  ),
];

/**
 * {@link SUBSCRIPTION_EVENTS} for `copies` more pairs of customers (`cus_1` → `cus_b<k>_1`, event
 * and subscription ids likewise): 10 × `copies` deliveries, each copy an independent life.
 */
export function copiedLives(copies: number): Record<string, unknown>[] {
  const text = JSON.stringify(SUBSCRIPTION_EVENTS);
  return Array.from(
    { length: copies },
    (_, k) =>
      JSON.parse(text.replace(/"(evt|sub|cus)_([a-z]?\d+)"/g, `"$1_b${k}_$2"`)) as Record<string, unknown>[],
  ).flat();
}

/** An event the receiver answers 2xx without storing. */
export const IGNORED_EVENT = event('evt_i1', 'invoice.paid', at('2024-02-01'), {
  id: 'in_1',
  object: 'invoice',
});

/** `Stripe-Signature` for `payload` as Stripe's own library makes it (`timestamp` in Unix seconds). */
export function stripeSignature(payload: string, secret: string, timestamp?: number): string {
  return Stripe.webhooks.generateTestHeaderString({
    payload,
    secret,
    ...(timestamp === undefined ? {} : { timestamp }),
  });
}

/** A header with one `t` and the `v1` of each secret, as Stripe sends during a rotation. */
export function rotatedSignature(payload: string, secrets: readonly string[], timestamp: number): string {
  const v1 = secrets.map((secret) => stripeSignature(payload, secret, timestamp).split(',v1=')[1]);
  return [`t=${timestamp}`, ...v1.map((value) => `v1=${value}`)].join(',');
}
