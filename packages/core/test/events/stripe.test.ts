import { describe, expect, it } from 'vitest';
import {
  eventsToSpans,
  formatMoneyUnits,
  importSubscriptionEventsJson,
  parseSubscriptionEvent,
  type SubscriptionEvent,
} from '../../src/index.ts';
import { readable } from './fixtures.ts';

/** A Stripe `customer.subscription.*` event around a subscription object. */
function stripeEvent(
  id: string,
  created: number,
  subscription: Record<string, unknown>,
): Record<string, unknown> {
  return {
    id,
    object: 'event',
    type: 'customer.subscription.updated',
    created,
    data: {
      object: {
        id: 'sub_1MowQVLkdIwHu7ixeRlqHVzs',
        object: 'subscription',
        customer: 'cus_Na6dX7aXxi11N4',
        status: 'active',
        currency: 'usd',
        items: {
          object: 'list',
          data: [
            {
              id: 'si_1',
              object: 'subscription_item',
              quantity: 1,
              price: {
                id: 'price_1',
                object: 'price',
                currency: 'usd',
                unit_amount: 2000,
                unit_amount_decimal: '2000',
                type: 'recurring',
                billing_scheme: 'per_unit',
                recurring: { interval: 'month', interval_count: 1, usage_type: 'licensed' },
                lookup_key: 'starter_monthly',
                tax_behavior: 'exclusive',
              },
            },
          ],
        },
        discounts: [],
        discount: null,
        metadata: { country: 'FR' },
        canceled_at: null,
        pause_collection: null,
        ...subscription,
      },
    },
  };
}

/** The subscription's single item with a replaced price. */
function priced(price: Record<string, unknown>, quantity = 1): Record<string, unknown> {
  return {
    items: {
      object: 'list',
      data: [
        {
          id: 'si_1',
          quantity,
          price: { id: 'price_1', type: 'recurring', recurring: { interval: 'month' }, ...price },
        },
      ],
    },
  };
}

function parsed(record: unknown): SubscriptionEvent {
  const result = parseSubscriptionEvent(record, 1);
  if (!result.ok) throw new Error(result.error.message);
  return result.row;
}

function mrrOf(record: unknown): string {
  const span = eventsToSpans([parsed(record)])[0];
  return span ? formatMoneyUnits(span.mrr) : 'no span';
}

describe('Stripe events', () => {
  it('reads the event envelope: ids, created in Unix seconds, currency upper-cased, attributes', () => {
    const event = parsed(stripeEvent('evt_1', 1_704_067_200, {}));
    expect(event).toEqual({
      id: 'evt_1',
      customerId: 'cus_Na6dX7aXxi11N4',
      subscriptionId: 'sub_1MowQVLkdIwHu7ixeRlqHVzs',
      effectiveAt: Date.UTC(2024, 0, 1),
      status: 'active',
      currency: 'USD',
      items: [
        {
          kind: 'LICENSED',
          unitAmount: 200_000,
          quantity: 1,
          interval: 'month',
          intervalCount: 1,
          priceId: 'price_1',
        },
      ],
      discounts: [],
      attributes: { billing_interval: 'month', plan: 'starter_monthly', country: 'FR' },
    });
  });

  it.each([
    ['USD 2000 cents', 'usd', { unit_amount: 2000 }, '20'],
    ['JPY 2000 (zero-decimal)', 'jpy', { unit_amount: 2000 }, '2000'],
    ['KWD 2000 (three-decimal)', 'kwd', { unit_amount: 2000 }, '2'],
    ['unit_amount_decimal wins', 'usd', { unit_amount: 2000, unit_amount_decimal: '2000.5' }, '20.005'],
    ['annual USD 200000', 'usd', { unit_amount: 200_000, recurring: { interval: 'year' } }, '166.6667'],
  ])('%s → %s', (_name, currency, price, expected) => {
    expect(mrrOf(stripeEvent('evt_1', 1_704_067_200, { currency, ...priced({ currency, ...price }) }))).toBe(
      expected,
    );
  });

  it('sums items and leaves metered and one-time prices out', () => {
    const record = stripeEvent('evt_1', 1_704_067_200, {
      items: {
        data: [
          { quantity: 3, price: { currency: 'usd', unit_amount: 2500, recurring: { interval: 'month' } } },
          {
            price: {
              currency: 'usd',
              unit_amount: 5,
              recurring: { interval: 'month', usage_type: 'metered' },
            },
          },
          { quantity: 1, price: { currency: 'usd', unit_amount: 10_000, type: 'one_time' } },
        ],
      },
    });
    expect(mrrOf(record)).toBe('75');
    expect(parsed(record).items.map((item) => item.kind)).toEqual(['LICENSED', 'METERED', 'ONE_TIME']);
  });

  it('gives a metered-only subscription an MRR of 0', () => {
    const record = stripeEvent(
      'evt_1',
      1_704_067_200,
      priced({ unit_amount: 5, recurring: { interval: 'month', usage_type: 'metered' } }),
    );
    expect(mrrOf(record)).toBe('0');
  });

  it('strips inclusive tax rates from prices and coupons', () => {
    const record = stripeEvent('evt_1', 1_704_067_200, {
      default_tax_rates: [{ id: 'txr_1', percentage: 20, inclusive: true }],
      ...priced({ unit_amount: 12_000, tax_behavior: 'inclusive' }),
      discount: {
        id: 'di_1',
        coupon: { id: 'c', amount_off: 1200, currency: 'usd', duration: 'forever' },
        start: 1_704_067_200,
        end: null,
      },
    });
    expect(mrrOf(record)).toBe('90');
  });

  it('reads expanded discounts with repeating coupons (end from duration_in_months)', () => {
    const start = 1_706_745_600; // 2024-02-01
    const record = stripeEvent('evt_1', 1_704_067_200, {
      discounts: ['di_1'],
      discount: {
        id: 'di_1',
        coupon: { percent_off: 25, duration: 'repeating', duration_in_months: 3 },
        start,
        end: null,
      },
    });
    expect(readable(eventsToSpans([parsed(record)]))).toEqual([
      { subscription: 'sub_1MowQVLkdIwHu7ixeRlqHVzs', start: '2024-01-01', end: '2024-02-01', mrr: '20' },
      { subscription: 'sub_1MowQVLkdIwHu7ixeRlqHVzs', start: '2024-02-01', end: '2024-05-01', mrr: '15' },
      { subscription: 'sub_1MowQVLkdIwHu7ixeRlqHVzs', start: '2024-05-01', end: null, mrr: '20' },
    ]);
  });

  it('reads pause_collection on an active subscription as paused', () => {
    const record = stripeEvent('evt_1', 1_704_067_200, {
      pause_collection: { behavior: 'void', resumes_at: null },
    });
    expect(parsed(record).status).toBe('paused');
  });

  it('reads a Stripe list of events and an expanded customer; effective_at overrides created', () => {
    const list = {
      object: 'list',
      data: [
        stripeEvent('evt_1', 1_704_067_200, { customer: { id: 'cus_X', object: 'customer' } }),
        {
          ...stripeEvent('evt_2', 1_704_067_200, { status: 'canceled', canceled_at: 1_706_745_600 }),
          effective_at: '2024-03-01',
        },
      ],
      has_more: false,
    };
    const { rows } = importSubscriptionEventsJson(JSON.stringify(list));
    expect(rows.map((row) => [row.customerId, row.effectiveAt, row.status])).toEqual([
      ['cus_X', Date.UTC(2024, 0, 1), 'active'],
      ['cus_Na6dX7aXxi11N4', Date.UTC(2024, 2, 1), 'canceled'],
    ]);
  });

  it('accepts Stripe items on a flat event', () => {
    const event = parsed({
      id: 'e1',
      customer: 'c',
      subscription: 's',
      effective_at: '2024-01-01T00:00:00Z',
      status: 'active',
      items: [{ price: { currency: 'jpy', unit_amount: 2000, recurring: { interval: 'month' } } }],
    });
    expect(event.currency).toBe('JPY');
    expect(eventsToSpans([event])[0]?.mrr).toBe(20_000_000);
  });
});
