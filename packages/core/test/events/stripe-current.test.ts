import { describe, expect, it } from 'vitest';
import {
  buildTimeline,
  computeRetentionSeries,
  type EventPolicy,
  eventsToSpans,
  formatMoneyUnits,
  importSubscriptionEventsJson,
  type MrrSpan,
  movementLedger,
  parseInstant,
  parseSubscriptionEvent,
  type RowError,
  toIsoDate,
} from '../../src/index.ts';
import { readable } from './fixtures.ts';
import { cloverDiscount, currentEvent, item, items, monthlyPrice, unix } from './stripe-fixtures.ts';

const SUB = 'sub_1QcurrentAPI';

function spansOf(events: readonly Record<string, unknown>[], policy: Partial<EventPolicy> = {}): MrrSpan[] {
  return eventsToSpans(importSubscriptionEventsJson(JSON.stringify(events)).rows, policy);
}

/** The coalesced movements of 2024 as "date KIND amount". */
function ledgerOf(spans: readonly MrrSpan[]): string[] {
  const timeline = buildTimeline(spans);
  return movementLedger(timeline, {
    from: parseInstant('2024-01-01') ?? 0,
    to: parseInstant('2025-01-01') ?? 0,
  }).map((entry) => `${toIsoDate(entry.at)} ${entry.kind} ${formatMoneyUnits(entry.amount)}`);
}

function firstError(record: unknown): Omit<RowError, 'message'> {
  const result = parseSubscriptionEvent(record, 4);
  if (result.ok) throw new Error('expected the record to be rejected');
  const { message: _message, ...rest } = result.error;
  return rest;
}

describe('a customer.subscription.deleted webhook as Stripe sends it', () => {
  // Webhooks carry discounts as ids: Basil has no expanded legacy `discount` left to resolve them.
  const deleted = currentEvent('evt_deleted', '2024-04-01', {
    status: 'canceled',
    canceled_at: unix('2024-03-10'),
    ended_at: unix('2024-04-01'),
    cancellation_details: { comment: null, feedback: 'too_expensive', reason: 'cancellation_requested' },
    discounts: ['di_1QsubLevel'],
    ...items(item('si_1', monthlyPrice(), { discounts: ['di_1QitemLevel'] })),
  });
  const active = currentEvent('evt_active', '2024-01-01', {
    discounts: [cloverDiscount('di_1QsubLevel', { percent_off: 25 })],
  });

  it('churns the subscription at its date although its discounts are only ids', () => {
    const spans = spansOf([active, deleted]);
    expect(readable(spans)).toEqual([
      { subscription: SUB, start: '2024-01-01', end: '2024-04-01', mrr: '15', canceledAt: '2024-03-10' },
    ]);
    expect(ledgerOf(spans)).toEqual(['2024-01-01 NEW 15', '2024-04-01 CHURN 15']);
  });

  it('reads ended_at as the churn instant when the event was created later', () => {
    const late = { ...deleted, created: unix('2024-04-01T00:00:07Z') };
    const spans = spansOf([active, late]);
    expect(readable(spans).map((span) => span.end)).toEqual(['2024-04-01']);
  });

  it('reads a trial whose discounts are only ids (a trial has MRR 0 whatever they are)', () => {
    const trial = currentEvent('evt_trial', '2024-01-01', {
      status: 'trialing',
      trial_start: unix('2024-01-01'),
      trial_end: unix('2024-01-15'),
      discounts: ['di_1QsubLevel'],
    });
    expect(readable(spansOf([trial]))).toEqual([
      { subscription: SUB, start: '2024-01-01', end: null, mrr: '0' },
    ]);
  });

  it('still refuses an id-only discount on an active event, which cannot be priced', () => {
    const active = currentEvent('evt_a', '2024-01-01', { discounts: ['di_1QsubLevel'] });
    expect(firstError(active)).toEqual({
      code: 'MISSING_VALUE',
      line: 4,
      field: 'data.object.discounts[0]',
      value: 'di_1QsubLevel',
      expected: 'an expanded discount object (only its id was given)',
    });
    const itemLevel = currentEvent('evt_a', '2024-01-01', {
      ...items(item('si_1', monthlyPrice(), { discounts: ['di_1QitemLevel'] })),
    });
    expect(firstError(itemLevel)).toEqual({
      code: 'MISSING_VALUE',
      line: 4,
      field: 'data.object.items.data[0].discounts[0]',
      value: 'di_1QitemLevel',
      expected: 'an expanded discount object (only its id was given)',
    });
  });
});

describe('Clover discounts: the coupon under source', () => {
  it('applies a repeating percent-off coupon while it lasts: contraction, then expansion', () => {
    const event = currentEvent('evt_1', '2024-01-01', {
      discounts: [
        cloverDiscount(
          'di_1',
          { id: 'SPRING25', percent_off: 25, duration: 'repeating', duration_in_months: 3 },
          { start: unix('2024-02-01'), end: unix('2024-05-01') },
        ),
      ],
    });
    const spans = spansOf([event]);
    expect(readable(spans)).toEqual([
      { subscription: SUB, start: '2024-01-01', end: '2024-02-01', mrr: '20' },
      { subscription: SUB, start: '2024-02-01', end: '2024-05-01', mrr: '15' },
      { subscription: SUB, start: '2024-05-01', end: null, mrr: '20' },
    ]);
    expect(ledgerOf(spans)).toEqual([
      '2024-01-01 NEW 20',
      '2024-02-01 CONTRACTION 5',
      '2024-05-01 EXPANSION 5',
    ]);
  });

  it('applies an amount-off coupon in minor units of its currency: 20 less 5 → 15', () => {
    const event = currentEvent('evt_1', '2024-01-01', {
      discounts: [cloverDiscount('di_1', { id: 'FIVE', amount_off: 500, currency: 'usd' })],
    });
    expect(readable(spansOf([event]))[0]?.mrr).toBe('15');
  });

  it('refuses a coupon given only by id on an active event, naming source.coupon', () => {
    const discount = cloverDiscount('di_1', {});
    const event = currentEvent('evt_1', '2024-01-01', {
      discounts: [{ ...discount, source: { type: 'coupon', coupon: 'SPRING25' } }],
    });
    expect(firstError(event)).toEqual({
      code: 'MISSING_VALUE',
      line: 4,
      field: 'data.object.discounts[0].source.coupon',
      value: 'SPRING25',
      expected:
        "an expanded coupon object (only its id was given; expand the discounts' coupons when exporting)",
    });
  });
});

describe('item-level discounts (items.data[].discounts, Basil)', () => {
  const addon = monthlyPrice({
    id: 'price_addon',
    lookup_key: 'addon',
    unit_amount: 1000,
    unit_amount_decimal: '1000',
  });

  it("applies an item's discounts to that item before the subscription's: (2 × 20 − 25%) + 10 − 5 = 35", () => {
    const event = currentEvent('evt_1', '2024-01-01', {
      ...items(
        item('si_1', monthlyPrice(), {
          quantity: 2,
          discounts: [cloverDiscount('di_item', { percent_off: 25 }, { subscription_item: 'si_1' })],
        }),
        item('si_2', addon),
      ),
      discounts: [cloverDiscount('di_sub', { amount_off: 500, currency: 'usd' })],
    });
    expect(readable(spansOf([event]))).toEqual([
      { subscription: SUB, start: '2024-01-01', end: null, mrr: '35' },
    ]);
  });

  it('splits at the start and end of a repeating item discount; ONLY_FOREVER ignores it', () => {
    const event = currentEvent('evt_1', '2024-01-01', {
      ...items(
        item('si_1', monthlyPrice(), {
          discounts: [
            cloverDiscount(
              'di_item',
              { percent_off: 50, duration: 'repeating', duration_in_months: 3 },
              { start: unix('2024-02-01'), end: unix('2024-05-01'), subscription_item: 'si_1' },
            ),
          ],
        }),
        item('si_2', addon),
      ),
    });
    const spans = spansOf([event]);
    expect(readable(spans)).toEqual([
      { subscription: SUB, start: '2024-01-01', end: '2024-02-01', mrr: '30' },
      { subscription: SUB, start: '2024-02-01', end: '2024-05-01', mrr: '20' },
      { subscription: SUB, start: '2024-05-01', end: null, mrr: '30' },
    ]);
    expect(ledgerOf(spans)).toEqual([
      '2024-01-01 NEW 30',
      '2024-02-01 CONTRACTION 10',
      '2024-05-01 EXPANSION 10',
    ]);
    expect(readable(spansOf([event], { discounts: 'ONLY_FOREVER' }))).toEqual([
      { subscription: SUB, start: '2024-01-01', end: null, mrr: '30' },
    ]);
  });

  it('keeps the discounts on the parsed item', () => {
    const event = currentEvent('evt_1', '2024-01-01', {
      ...items(item('si_1', monthlyPrice(), { discounts: [cloverDiscount('di_item', { percent_off: 10 })] })),
    });
    const result = parseSubscriptionEvent(event, 1);
    expect(result.ok && result.row.items[0]).toMatchObject({
      kind: 'LICENSED',
      discounts: [
        { kind: 'PERCENT_OFF', percentOff: 100_000, duration: 'FOREVER', start: Date.UTC(2024, 0, 1) },
      ],
    });
  });
});

describe('Stripe Tax (automatic_tax) with tax-inclusive prices', () => {
  const stripeTax = { automatic_tax: { disabled_reason: null, enabled: true, liability: { type: 'self' } } };
  const inclusive = items(
    item('si_1', monthlyPrice({ unit_amount: 2400, unit_amount_decimal: '2400', tax_behavior: 'inclusive' })),
  );

  it('reads the price as it is, tax included, since the event carries no rate to remove', () => {
    const event = currentEvent('evt_1', '2024-01-01', { ...stripeTax, ...inclusive });
    expect(readable(spansOf([event]))).toEqual([
      { subscription: SUB, start: '2024-01-01', end: null, mrr: '24' },
    ]);
  });

  it('still strips an inclusive rate the subscription names: 24 at 20% → 20', () => {
    const event = currentEvent('evt_1', '2024-01-01', {
      ...inclusive,
      default_tax_rates: [{ id: 'txr_1', object: 'tax_rate', percentage: 20, inclusive: true }],
    });
    expect(readable(spansOf([event]))[0]?.mrr).toBe('20');
  });

  it('refuses an inclusive price without Stripe Tax or a rate, as before', () => {
    expect(firstError(currentEvent('evt_1', '2024-01-01', inclusive))).toEqual({
      code: 'MISSING_VALUE',
      line: 4,
      field: 'data.object.items.data[0].price.tax_behavior',
      value: 'inclusive',
      expected:
        'an inclusive tax rate in tax_rates or default_tax_rates, so the tax can be removed from the price',
    });
  });
});

describe('unpaid: churn by default, as Stripe counts it', () => {
  // Paid from January, a failed renewal on 1 March, retries exhausted on 22 March (Stripe's
  // "mark the subscription as unpaid" setting), paid again on 10 May.
  const history = [
    currentEvent('evt_1', '2024-01-01'),
    currentEvent('evt_2', '2024-03-01', { status: 'past_due' }),
    currentEvent('evt_3', '2024-03-22', { status: 'unpaid' }),
    currentEvent('evt_4', '2024-05-10', { status: 'active' }),
  ];

  it('CHURN (default): churn at the unpaid event, reactivation when active again', () => {
    const spans = spansOf(history);
    expect(readable(spans)).toEqual([
      { subscription: SUB, start: '2024-01-01', end: '2024-03-22', mrr: '20' },
      { subscription: SUB, start: '2024-05-10', end: null, mrr: '20' },
    ]);
    expect(ledgerOf(spans)).toEqual([
      '2024-01-01 NEW 20',
      '2024-03-22 CHURN 20',
      '2024-05-10 REACTIVATION 20',
    ]);
  });

  it('gives these monthly bridges, each balancing', () => {
    const timeline = buildTimeline(spansOf(history));
    const months = computeRetentionSeries(timeline, {
      from: parseInstant('2024-01-01') ?? 0,
      to: parseInstant('2024-07-01') ?? 0,
      granularity: 'MONTH',
    });
    const shown = months.map((m) =>
      [m.startingMrr, m.newBusiness, m.reactivation, m.churn, m.endingMrr]
        .map((units) => formatMoneyUnits(units))
        .join(' '),
    );
    // start new reactivation churn end
    expect(shown).toEqual([
      '0 20 0 0 20',
      '20 0 0 0 20',
      '20 0 0 20 0',
      '0 0 0 0 0',
      '0 0 20 0 20',
      '20 0 0 0 20',
    ]);
    for (const m of months) {
      expect(m.startingMrr + m.newBusiness + m.reactivation + m.expansion - m.contraction - m.churn).toBe(
        m.endingMrr,
      );
    }
  });

  it('KEEP: unpaid stays in MRR like past due', () => {
    expect(readable(spansOf(history, { unpaid: 'KEEP' }))).toEqual([
      { subscription: SUB, start: '2024-01-01', end: null, mrr: '20' },
    ]);
  });

  it('KEEP with CHURN_AFTER_DAYS 30 counts the run from the first past-due event (1 March + 30 days)', () => {
    const spans = spansOf(history, { unpaid: 'KEEP', pastDue: { kind: 'CHURN_AFTER_DAYS', days: 30 } });
    expect(readable(spans)).toEqual([
      { subscription: SUB, start: '2024-01-01', end: '2024-03-31', mrr: '20' },
      { subscription: SUB, start: '2024-05-10', end: null, mrr: '20' },
    ]);
  });
});

describe('a trial that ends without a payment method: paused, then resumed', () => {
  // trial_settings.end_behavior.missing_payment_method = pause: Stripe pauses the subscription at
  // the trial's end and resumes it when the customer adds a card and pays.
  const trialSettings = { trial_settings: { end_behavior: { missing_payment_method: 'pause' } } };
  const trialDates = { trial_start: unix('2024-01-01'), trial_end: unix('2024-01-15') };
  const history = [
    currentEvent('evt_1', '2024-01-01', { status: 'trialing', ...trialSettings, ...trialDates }),
    currentEvent(
      'evt_2',
      '2024-01-15',
      { status: 'paused', ...trialSettings, ...trialDates },
      { type: 'customer.subscription.paused' },
    ),
    currentEvent(
      'evt_3',
      '2024-03-01',
      { ...trialSettings, ...trialDates },
      { type: 'customer.subscription.resumed' },
    ),
  ];

  it.each(['KEEP', 'ZERO'] as const)('pause %s: MRR 0 until the resume, which is new business', (pause) => {
    const spans = spansOf(history, { pause });
    expect(readable(spans)).toEqual([
      { subscription: SUB, start: '2024-01-01', end: '2024-03-01', mrr: '0' },
      { subscription: SUB, start: '2024-03-01', end: null, mrr: '20' },
    ]);
    expect(ledgerOf(spans)).toEqual(['2024-03-01 NEW 20']);
  });

  it('pause CHURN: no MRR while paused either, and new business at the resume', () => {
    const spans = spansOf(history, { pause: 'CHURN' });
    expect(readable(spans).map((span) => [span.start, span.end, span.mrr])).toEqual([
      ['2024-01-01', '2024-01-15', '0'],
      ['2024-03-01', null, '20'],
    ]);
    expect(ledgerOf(spans)).toEqual(['2024-03-01 NEW 20']);
  });

  it('a paying subscription paused later keeps its MRR under KEEP', () => {
    const paid = [
      currentEvent('evt_1', '2024-01-01'),
      currentEvent('evt_2', '2024-02-01', { status: 'paused' }, { type: 'customer.subscription.paused' }),
    ];
    expect(readable(spansOf(paid))).toEqual([
      { subscription: SUB, start: '2024-01-01', end: null, mrr: '20' },
    ]);
  });

  it('collection paused on an active subscription keeps its MRR even with no earlier event in the file', () => {
    const event = currentEvent('evt_1', '2024-02-01', {
      pause_collection: { behavior: 'keep_as_draft', resumes_at: unix('2024-04-01') },
    });
    expect(parseSubscriptionEvent(event, 1)).toMatchObject({
      ok: true,
      row: { status: 'paused', collectionPaused: true },
    });
    expect(readable(spansOf([event]))).toEqual([
      { subscription: SUB, start: '2024-02-01', end: null, mrr: '20' },
    ]);
  });
});
