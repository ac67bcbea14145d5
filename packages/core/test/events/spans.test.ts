import { describe, expect, it } from 'vitest';
import {
  billingIntervalName,
  type EventPolicy,
  eventsToSpans,
  importSubscriptionEventsJson,
} from '../../src/index.ts';
import { flat, readable, spansOf } from './fixtures.ts';

describe('interval normalisation through events', () => {
  it.each([
    ['annual 2,000', { unit_amount: '2000', interval: 'year' }, '166.6667'],
    ['quarterly 90', { unit_amount: '90', interval: 'quarter' }, '30'],
    ['every 3 months 90', { unit_amount: 90, interval: 'month', interval_count: 3 }, '30'],
    ['quantity 3 × 25', { unit_amount: '25', quantity: 3 }, '75'],
    ['weekly 10', { unit_amount: '10', interval: 'week' }, '43.4813'],
    ['free plan', { unit_amount: '0' }, '0'],
    ['quantity 0', { unit_amount: '25', quantity: 0 }, '0'],
    ['tax-inclusive 120 at 20%', { unit_amount: '120', tax_behavior: 'inclusive', tax_percent: 20 }, '100'],
    [
      'tax-exclusive 120 (rate ignored)',
      { unit_amount: '120', tax_behavior: 'exclusive', tax_percent: 20 },
      '120',
    ],
    ['one-time price', { unit_amount: '500', price_type: 'one_time' }, '0'],
    ['one_time interval', { unit_amount: '500', interval: 'one_time' }, '0'],
    ['metered price', { unit_amount: '0.05', usage_type: 'metered' }, '0'],
  ])('%s → %s', (_name, fields, expected) => {
    const spans = spansOf([flat({ effective_at: '2024-01-01', ...fields })]);
    expect(readable(spans)).toEqual([
      { subscription: 'sub_1', start: '2024-01-01', end: null, mrr: expected },
    ]);
  });
});

describe('discounts', () => {
  const discounted = [
    flat({
      effective_at: '2024-01-01',
      discounts: [{ percent_off: 20, start: '2024-02-01', end: '2024-05-01' }],
    }),
  ];

  it('subtracts a repeating 20% while it applies: contraction at its start, expansion at its end', () => {
    expect(readable(spansOf(discounted))).toEqual([
      { subscription: 'sub_1', start: '2024-01-01', end: '2024-02-01', mrr: '100' },
      { subscription: 'sub_1', start: '2024-02-01', end: '2024-05-01', mrr: '80' },
      { subscription: 'sub_1', start: '2024-05-01', end: null, mrr: '100' },
    ]);
  });

  it('ONLY_FOREVER ignores a discount with an end date', () => {
    expect(readable(spansOf(discounted, { discounts: 'ONLY_FOREVER' }))).toEqual([
      { subscription: 'sub_1', start: '2024-01-01', end: null, mrr: '100' },
    ]);
  });

  it('ONLY_FOREVER keeps a forever discount; once-only coupons never count', () => {
    const records = [
      flat({
        effective_at: '2024-01-01',
        discounts: [
          { percent_off: 10, start: '2024-03-01' },
          { amount_off: '50', duration: 'once' },
        ],
      }),
    ];
    const expected = [
      { subscription: 'sub_1', start: '2024-01-01', end: '2024-03-01', mrr: '100' },
      { subscription: 'sub_1', start: '2024-03-01', end: null, mrr: '90' },
    ];
    expect(readable(spansOf(records, { discounts: 'ONLY_FOREVER' }))).toEqual(expected);
    expect(readable(spansOf(records))).toEqual(expected);
  });

  it('applies an amount off per billing period before normalising: 2,000/year less 200 → 150', () => {
    const spans = spansOf([
      flat({
        effective_at: '2024-01-01',
        unit_amount: '2000',
        interval: 'year',
        discounts: [{ amount_off: 200 }],
      }),
    ]);
    expect(readable(spans)).toEqual([{ subscription: 'sub_1', start: '2024-01-01', end: null, mrr: '150' }]);
  });

  it('applies discounts in order and never goes below 0', () => {
    const ordered = spansOf([
      flat({ effective_at: '2024-01-01', discounts: [{ amount_off: 50 }, { percent_off: 50 }] }),
    ]);
    expect(readable(ordered)[0]?.mrr).toBe('25');
    const excessive = spansOf([flat({ effective_at: '2024-01-01', discounts: [{ amount_off: 150 }] })]);
    expect(readable(excessive)[0]?.mrr).toBe('0');
  });

  it('discounts an annual price on the billed amount: 20% off 2,000/year → 133.3333', () => {
    const spans = spansOf([
      flat({
        effective_at: '2024-01-01',
        unit_amount: 2000,
        interval: 'year',
        discounts: [{ percent_off: 20 }],
      }),
    ]);
    expect(readable(spans)[0]?.mrr).toBe('133.3333');
  });
});

describe('trials', () => {
  it('counts a trial as 0 and the paid plan from the first active event', () => {
    const spans = spansOf([
      flat({ effective_at: '2024-01-01', status: 'trialing', unit_amount: '50' }),
      flat({ effective_at: '2024-01-15', unit_amount: '50' }),
    ]);
    expect(readable(spans)).toEqual([
      { subscription: 'sub_1', start: '2024-01-01', end: '2024-01-15', mrr: '0' },
      { subscription: 'sub_1', start: '2024-01-15', end: null, mrr: '50' },
    ]);
  });

  it('accepts a trial without a price', () => {
    const spans = spansOf([
      { effective_at: '2024-01-01', customer: 'c', subscription: 's', status: 'trialing', currency: 'EUR' },
    ]);
    expect(readable(spans, true)).toEqual([
      { subscription: 's', start: '2024-01-01', end: null, mrr: '0', currency: 'EUR' },
    ]);
  });
});

describe('past due', () => {
  const pastDue = [
    flat({ effective_at: '2024-01-01' }),
    flat({ effective_at: '2024-02-01', status: 'past_due' }),
  ];
  const churnAfter30: Partial<EventPolicy> = { pastDue: { kind: 'CHURN_AFTER_DAYS', days: 30 } };

  it('KEEP (default) keeps the MRR', () => {
    expect(readable(spansOf(pastDue))).toEqual([
      { subscription: 'sub_1', start: '2024-01-01', end: null, mrr: '100' },
    ]);
  });

  it('CHURN_AFTER_DAYS 30 drops the MRR 30 days after the first past-due event (Feb 1 + 30 days = Mar 2, 2024)', () => {
    expect(readable(spansOf(pastDue, churnAfter30))).toEqual([
      { subscription: 'sub_1', start: '2024-01-01', end: '2024-03-02', mrr: '100' },
    ]);
  });

  it('counts the days across past_due then unpaid when unpaid is KEEP', () => {
    const events = [...pastDue, flat({ effective_at: '2024-02-20', status: 'unpaid' })];
    expect(readable(spansOf(events, { ...churnAfter30, unpaid: 'KEEP' }))).toEqual([
      { subscription: 'sub_1', start: '2024-01-01', end: '2024-03-02', mrr: '100' },
    ]);
  });

  it('does not churn when paid on day 10', () => {
    const events = [...pastDue, flat({ effective_at: '2024-02-11' })];
    expect(readable(spansOf(events, churnAfter30))).toEqual([
      { subscription: 'sub_1', start: '2024-01-01', end: null, mrr: '100' },
    ]);
  });

  it('comes back when a later event is active', () => {
    const events = [...pastDue, flat({ effective_at: '2024-04-01' })];
    expect(readable(spansOf(events, churnAfter30))).toEqual([
      { subscription: 'sub_1', start: '2024-01-01', end: '2024-03-02', mrr: '100' },
      { subscription: 'sub_1', start: '2024-04-01', end: null, mrr: '100' },
    ]);
  });

  it('rejects negative days', () => {
    expect(() => spansOf(pastDue, { pastDue: { kind: 'CHURN_AFTER_DAYS', days: -1 } })).toThrow(RangeError);
  });
});

describe('pause', () => {
  const paused = [
    flat({ effective_at: '2024-01-01' }),
    flat({ effective_at: '2024-03-01', status: 'paused' }),
    flat({ effective_at: '2024-05-01' }),
  ];

  it('KEEP (default) keeps the MRR while paused', () => {
    expect(readable(spansOf(paused))).toEqual([
      { subscription: 'sub_1', start: '2024-01-01', end: null, mrr: '100' },
    ]);
  });

  it('ZERO keeps the subscription with MRR 0 while paused', () => {
    expect(readable(spansOf(paused, { pause: 'ZERO' }))).toEqual([
      { subscription: 'sub_1', start: '2024-01-01', end: '2024-03-01', mrr: '100' },
      { subscription: 'sub_1', start: '2024-03-01', end: '2024-05-01', mrr: '0' },
      { subscription: 'sub_1', start: '2024-05-01', end: null, mrr: '100' },
    ]);
  });

  it('CHURN ends the subscription at the pause and starts it again at the resume', () => {
    expect(readable(spansOf(paused, { pause: 'CHURN' }))).toEqual([
      { subscription: 'sub_1', start: '2024-01-01', end: '2024-03-01', mrr: '100' },
      { subscription: 'sub_1', start: '2024-05-01', end: null, mrr: '100' },
    ]);
  });
});

describe('cancellation', () => {
  it('ends at the end of the paid period and carries the earlier request date', () => {
    const spans = spansOf([
      flat({ effective_at: '2024-01-01' }),
      {
        effective_at: '2024-04-01',
        customer: 'cus_1',
        subscription: 'sub_1',
        status: 'canceled',
        canceled_at: '2024-03-10',
      },
    ]);
    expect(readable(spans)).toEqual([
      { subscription: 'sub_1', start: '2024-01-01', end: '2024-04-01', mrr: '100', canceledAt: '2024-03-10' },
    ]);
  });

  it('takes the request from the last state when the ending event has none (Stripe cancel_at_period_end)', () => {
    const spans = spansOf([
      flat({ effective_at: '2024-01-01' }),
      flat({ effective_at: '2024-02-01', unit_amount: '120' }),
      flat({ effective_at: '2024-03-10', unit_amount: '120', canceled_at: '2024-03-10' }),
      { effective_at: '2024-04-01', customer: 'cus_1', subscription: 'sub_1', status: 'ended' },
    ]);
    expect(readable(spans)).toEqual([
      { subscription: 'sub_1', start: '2024-01-01', end: '2024-02-01', mrr: '100' },
      { subscription: 'sub_1', start: '2024-02-01', end: '2024-04-01', mrr: '120', canceledAt: '2024-03-10' },
    ]);
  });

  it('marks an open subscription with a scheduled cancellation', () => {
    const spans = spansOf([flat({ effective_at: '2024-01-01', canceled_at: '2024-03-10' })]);
    expect(readable(spans)).toEqual([
      { subscription: 'sub_1', start: '2024-01-01', end: null, mrr: '100', canceledAt: '2024-03-10' },
    ]);
  });

  it('gives incomplete subscriptions no spans and ends at incomplete_expired', () => {
    const spans = spansOf([
      flat({ effective_at: '2024-01-01', status: 'incomplete' }),
      { effective_at: '2024-01-02', customer: 'cus_1', subscription: 'sub_1', status: 'incomplete_expired' },
    ]);
    expect(spans).toEqual([]);
  });
});

describe('ordering and merging', () => {
  it('sorts events of any order, splits only on changes and keeps currencies per span', () => {
    const events = importSubscriptionEventsJson(
      JSON.stringify([
        flat({
          id: 'e3',
          subscription: 'sub_b',
          effective_at: '2024-02-01',
          currency: 'EUR',
          unit_amount: '30',
        }),
        flat({ id: 'e2', effective_at: '2024-03-01', metadata: { plan: 'pro' }, unit_amount: '200' }),
        flat({ id: 'e1', effective_at: '2024-01-01', metadata: { plan: 'basic' } }),
        flat({ id: 'e4', effective_at: '2024-02-01', metadata: { plan: 'basic' } }),
      ]),
    ).rows;
    const spans = eventsToSpans(events);
    expect(readable(spans, true)).toEqual([
      { subscription: 'sub_1', start: '2024-01-01', end: '2024-03-01', mrr: '100', currency: 'USD' },
      { subscription: 'sub_1', start: '2024-03-01', end: null, mrr: '200', currency: 'USD' },
      { subscription: 'sub_b', start: '2024-02-01', end: null, mrr: '30', currency: 'EUR' },
    ]);
    expect(spans[0]?.attributes).toEqual({ billing_interval: 'month', plan: 'basic' });
    expect(spans[1]?.attributes).toEqual({ billing_interval: 'month', plan: 'pro' });
  });

  it('lets the greater event id win at the same instant', () => {
    const spans = spansOf([
      flat({ id: 'evt_b', effective_at: '2024-01-01', unit_amount: '20' }),
      flat({ id: 'evt_a', effective_at: '2024-01-01', unit_amount: '10' }),
    ]);
    expect(readable(spans)).toEqual([{ subscription: 'sub_1', start: '2024-01-01', end: null, mrr: '20' }]);
  });

  it('does not merge spans whose attributes differ', () => {
    const spans = spansOf([
      flat({ effective_at: '2024-01-01', metadata: { country: 'FR' } }),
      flat({ effective_at: '2024-02-01', metadata: { country: 'DE' } }),
    ]);
    expect(readable(spans).map((span) => span.end)).toEqual(['2024-02-01', null]);
  });
});

describe('billingIntervalName', () => {
  it.each([
    ['month', 1, 'month'],
    ['month', 3, 'quarter'],
    ['quarter', 1, 'quarter'],
    ['month', 6, 'half_year'],
    ['half_year', 2, 'year'],
    ['month', 12, 'year'],
    ['year', 2, '2_year'],
    ['month', 2, '2_month'],
    ['week', 1, 'week'],
    ['week', 2, '2_week'],
    ['day', 30, '30_day'],
  ] as const)('%s × %d → %s', (interval, count, expected) => {
    expect(billingIntervalName(interval, count)).toBe(expected);
  });
});
