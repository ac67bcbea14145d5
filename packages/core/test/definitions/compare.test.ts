import { describe, expect, it } from 'vitest';
import {
  BRIDGE_LINES,
  compareDefinitions,
  compareShares,
  compareTimelines,
  DEFAULT_DEFINITIONS,
  definitionShares,
  EngineError,
  formatMoneyUnits,
  type MrrBridge,
  type Timeline,
  timelineUnder,
  unitsFromNumber,
} from '../../src/index.ts';
import { span } from '../support/spans.ts';
import { events, under } from './support.ts';

const STRIPE = under({ preset: 'STRIPE' });

/** Bridge lines as decimal strings, for readable expectations. */
const lines = (bridge: MrrBridge) =>
  Object.fromEntries(
    (
      [
        'startingMrr',
        'newBusiness',
        'reactivation',
        'expansion',
        'contraction',
        'churn',
        'endingMrr',
      ] as const
    ).map((line) => [line, formatMoneyUnits(bridge[line])]),
  );

// March 2024 under the engine's defaults and under Stripe's preset.
const inputs = {
  events: events([
    // Asks to cancel on 20 March; the paid month runs to 10 April.
    {
      customer: 'late',
      subscription: 'late',
      effective_at: '2024-01-10',
      unit_amount: '100',
      status: 'active',
    },
    {
      customer: 'late',
      subscription: 'late',
      effective_at: '2024-04-10',
      status: 'canceled',
      canceled_at: '2024-03-20',
    },
    // A 50% coupon for March to May: Stripe leaves a finite coupon out of MRR.
    {
      customer: 'coupon',
      subscription: 'coupon',
      effective_at: '2024-01-01',
      unit_amount: '200',
      status: 'active',
      discounts: [{ percent_off: 50, start: '2024-03-01', end: '2024-06-01' }],
    },
    // Paused on 5 March: kept by default, 0 for Stripe.
    {
      customer: 'paused',
      subscription: 'paused',
      effective_at: '2024-01-01',
      unit_amount: '80',
      status: 'active',
    },
    {
      customer: 'paused',
      subscription: 'paused',
      effective_at: '2024-03-05',
      unit_amount: '80',
      status: 'paused',
    },
  ]),
  spans: [span('steady', '2023-06-01', null, 500)],
};
const march = { from: '2024-03-01', to: '2024-04-01' };

describe('compareDefinitions', () => {
  const comparison = compareDefinitions(inputs, march, DEFAULT_DEFINITIONS, STRIPE);

  it('returns both reports, each with the definitions that produced it', () => {
    expect(comparison.a.definitions).toBe(DEFAULT_DEFINITIONS);
    expect(comparison.b.definitions.preset).toBe('STRIPE');
    expect(lines(comparison.a.report)).toEqual({
      startingMrr: '880',
      newBusiness: '0',
      reactivation: '0',
      expansion: '0',
      contraction: '100',
      churn: '0',
      endingMrr: '780',
    });
    expect(lines(comparison.b.report)).toEqual({
      startingMrr: '880',
      newBusiness: '0',
      reactivation: '0',
      expansion: '0',
      contraction: '0',
      churn: '180',
      endingMrr: '700',
    });
  });

  it('gives the difference per bridge line and of the ratios (b − a)', () => {
    expect(lines(comparison.difference)).toEqual({
      startingMrr: '0',
      newBusiness: '0',
      reactivation: '0',
      expansion: '0',
      contraction: '-100',
      churn: '180',
      endingMrr: '-80',
    });
    expect(comparison.difference.nrr).toBeCloseTo(700 / 880 - 780 / 880, 12);
    expect(comparison.difference.logoRetention).toBeCloseTo(2 / 4 - 1, 12);
  });

  it('lists the customers whose movements differ, largest change first, with each movement under a and b', () => {
    expect(
      comparison.customers.map((c) => ({
        customer: c.customerId,
        a: c.a.movements.map((m) => `${m.kind} ${formatMoneyUnits(m.amount)}`),
        b: c.b.movements.map((m) => `${m.kind} ${formatMoneyUnits(m.amount)}`),
        endingMrr: formatMoneyUnits(c.difference.endingMrr),
      })),
    ).toEqual([
      { customer: 'coupon', a: ['CONTRACTION 100'], b: [], endingMrr: '100' },
      { customer: 'late', a: [], b: ['CHURN 100'], endingMrr: '-100' },
      { customer: 'paused', a: [], b: ['CHURN 80'], endingMrr: '-80' },
    ]);
    // The customer nothing changed for is not listed; the rest sum to the difference.
    const churn = comparison.customers.reduce((sum, c) => sum + c.difference.churn, 0);
    expect(churn).toBe(comparison.difference.churn);
  });

  it('finds nothing to list when both sets are the same', () => {
    const same = compareDefinitions(inputs, march, STRIPE, under({ preset: 'STRIPE' }));
    expect(same.customers).toEqual([]);
    expect(Object.values(lines(same.difference))).toEqual(['0', '0', '0', '0', '0', '0', '0']);
  });

  it("reads calendar dates in each set's time zone", () => {
    // Starts at 15:00 UTC on 31 March: still March in UTC, already April in Auckland (UTC+13).
    const late = { spans: [span('kiwi', '2024-03-31T15:00:00Z', null, 60)] };
    const zoned = compareDefinitions(
      late,
      march,
      DEFAULT_DEFINITIONS,
      under({ timeZone: 'Pacific/Auckland' }),
    );
    expect(new Date(zoned.b.report.from).toISOString()).toBe('2024-02-29T11:00:00.000Z');
    expect(new Date(zoned.b.report.to).toISOString()).toBe('2024-03-31T11:00:00.000Z');
    expect(zoned.a.report.newBusiness).toBe(unitsFromNumber(60));
    expect(zoned.b.report.newBusiness).toBe(0);
    expect(zoned.customers.map((c) => [c.customerId, c.a.movements[0]?.kind, c.b.movements.length])).toEqual([
      ['kiwi', 'NEW', 0],
    ]);
  });

  it('compares subscription grain with customer grain customer by customer', () => {
    const two = {
      spans: [
        span('c', '2024-01-01', '2024-03-15', 30, { subscriptionId: 'addon' }),
        span('c', '2024-01-01', null, 100, { subscriptionId: 'main' }),
      ],
    };
    const grains = compareDefinitions(two, march, DEFAULT_DEFINITIONS, under({ grain: 'SUBSCRIPTION' }));
    const [c] = grains.customers;
    expect(c?.a.movements).toEqual([{ entityId: 'c', kind: 'CONTRACTION', amount: unitsFromNumber(30) }]);
    expect(c?.b.movements).toEqual([{ entityId: 'addon', kind: 'CHURN', amount: unitsFromNumber(30) }]);
    expect(lines(grains.difference)).toMatchObject({ contraction: '-30', churn: '30', endingMrr: '0' });
  });

  it('reuses timelines built under each set, and refuses a window end that is not a date', () => {
    const reused = compareTimelines(
      march,
      { definitions: DEFAULT_DEFINITIONS, timeline: timelineUnder(inputs, DEFAULT_DEFINITIONS) },
      { definitions: STRIPE, timeline: timelineUnder(inputs, STRIPE) },
    );
    expect(reused.difference).toEqual(comparison.difference);
    expect(() => compareDefinitions(inputs, { from: 'March', to: '2024-04-01' }, STRIPE, STRIPE)).toThrow(
      new EngineError('INVALID_PERIOD', 'a window end must be an instant or a YYYY-MM-DD date, got "March"'),
    );
  });
});

describe('definitionShares and compareShares', () => {
  // Subscription ids sort apart from their customers: x's two subscriptions are not neighbours.
  const interleaved = {
    spans: [
      span('x', '2024-01-01', '2024-03-15', 30, { subscriptionId: 'a-addon' }),
      span('y', '2024-01-01', null, 70, { subscriptionId: 'm-main' }),
      span('x', '2024-01-01', null, 100, { subscriptionId: 'z-main' }),
      span('x', '2024-03-10', null, 20, { subscriptionId: 'b-new' }),
    ],
  };
  const SUBSCRIPTIONS = under({ grain: 'SUBSCRIPTION' });

  it('holds each customer once, its shares in bridge-line order and its movements in entity order', () => {
    const half = definitionShares(march, SUBSCRIPTIONS, timelineUnder(interleaved, SUBSCRIPTIONS));
    expect(BRIDGE_LINES).toEqual([
      'startingMrr',
      'newBusiness',
      'reactivation',
      'expansion',
      'contraction',
      'churn',
      'endingMrr',
    ]);
    expect(half.customerIds).toEqual(['x', 'y']);
    const x = [...half.bridges.slice(0, 7)].map(formatMoneyUnits);
    expect(x).toEqual(['130', '20', '0', '0', '0', '30', '120']);
    expect([...half.movementStart]).toEqual([0, 2, 2]);
    expect(half.movementEntityIds).toEqual(['a-addon', 'b-new']);
    expect(half.movementKinds).toEqual(['CHURN', 'NEW']);
    expect([...half.movementAmounts].map(formatMoneyUnits)).toEqual(['30', '20']);
  });

  it('answer the same on a timeline made elsewhere (read through entityAt, no build columns)', () => {
    for (const definitions of [DEFAULT_DEFINITIONS, SUBSCRIPTIONS]) {
      const built = timelineUnder(interleaved, definitions);
      // A plain copy of the interface: not made by buildTimeline, so its ids come from entityAt.
      const copy: Timeline = {
        grain: built.grain,
        asOf: built.asOf,
        size: built.size,
        currencies: built.currencies,
        get entities() {
          return built.entities;
        },
        entityAt: (e) => built.entityAt(e),
        attributesOf: (e) => built.attributesOf(e),
        indexOf: (id) => built.indexOf(id),
        columns: built.columns,
      };
      const fromCopy = definitionShares(march, definitions, copy);
      expect(fromCopy).toEqual(definitionShares(march, definitions, built));
      expect(fromCopy.customerIds).toEqual(['x', 'y']);
    }
  });

  it('survive a structured clone (a worker thread’s reply) and combine to what compareTimelines answers', () => {
    const a = { definitions: DEFAULT_DEFINITIONS, timeline: timelineUnder(interleaved, DEFAULT_DEFINITIONS) };
    const b = { definitions: SUBSCRIPTIONS, timeline: timelineUnder(interleaved, SUBSCRIPTIONS) };
    const cloned = (side: typeof a) =>
      structuredClone(definitionShares(march, side.definitions, side.timeline));
    const combined = compareShares(
      { definitions: a.definitions, shares: cloned(a) },
      { definitions: b.definitions, shares: cloned(b) },
    );
    const direct = compareTimelines(march, a, b);
    expect(combined).toEqual(direct);
    expect(combined.customers.map((c) => c.customerId)).toEqual(['x']);
    expect(combined.customers[0]?.b.movements.map((m) => m.entityId)).toEqual(['a-addon', 'b-new']);
  });
});
