import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addMonths,
  compareDefinitions,
  computeRetentionSeries,
  type DefinitionInputs,
  type DefinitionsInput,
  type MrrBridge,
  MS_PER_DAY,
  PRESET_NAMES,
  queryOptionsOf,
  resolveDefinitions,
  type SegmentFilter,
  type SubscriptionEvent,
  type SubscriptionStatus,
  timelineUnder,
} from '../../src/index.ts';

const LINES = [
  'startingMrr',
  'newBusiness',
  'reactivation',
  'expansion',
  'contraction',
  'churn',
  'endingMrr',
] as const;
const start = Date.UTC(2024, 0, 1);
const at = (days: number, hour: number) => start + days * MS_PER_DAY + hour * 3_600_000;

const statuses: SubscriptionStatus[] = [
  'active',
  'active',
  'past_due',
  'unpaid',
  'paused',
  'canceled',
  'trialing',
];

/** Events of up to four customers with two subscriptions each: prices, statuses, coupons, cancellation requests. */
const inputs: fc.Arbitrary<DefinitionInputs> = fc
  .array(
    fc.record({
      customer: fc.constantFrom('c1', 'c2', 'c3', 'c4'),
      second: fc.boolean(),
      days: fc.nat(150),
      hour: fc.constantFrom(0, 0, 1, 23),
      status: fc.constantFrom(...statuses),
      amount: fc.integer({ min: 1, max: 40 }).map((n) => n * 250_000),
      plan: fc.constantFrom('basic', 'pro'),
      coupon: fc.option(
        fc.record({
          duration: fc.constantFrom('REPEATING', 'FOREVER' as const),
          percent: fc.integer({ min: 10, max: 100 }).map((n) => n * 10_000),
          length: fc.integer({ min: 5, max: 60 }),
        }),
        { nil: undefined },
      ),
      canceledBefore: fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }),
    }),
    { maxLength: 24 },
  )
  .map((list) => ({
    events: list.map(
      (e, index): SubscriptionEvent => ({
        id: `evt_${String(index).padStart(3, '0')}`,
        customerId: e.customer,
        subscriptionId: `${e.customer}-${e.second ? 'b' : 'a'}`,
        effectiveAt: at(e.days, e.hour),
        status: e.status,
        currency: 'USD',
        items: [{ kind: 'LICENSED', unitAmount: e.amount, quantity: 1, interval: 'month', intervalCount: 1 }],
        discounts: e.coupon
          ? [
              e.coupon.duration === 'FOREVER'
                ? { kind: 'PERCENT_OFF', percentOff: e.coupon.percent, duration: 'FOREVER' }
                : {
                    kind: 'PERCENT_OFF',
                    percentOff: e.coupon.percent,
                    duration: 'REPEATING',
                    end: at(e.days + e.coupon.length, 0),
                  },
            ]
          : [],
        ...(e.canceledBefore === undefined ? {} : { canceledAt: at(e.days - e.canceledBefore, 0) }),
        attributes: { plan: e.plan },
      }),
    ),
  }));

/** Any set of definitions: a preset or none, and any options over it. */
const definitions = fc
  .record(
    {
      preset: fc.constantFrom(null, ...PRESET_NAMES),
      grain: fc.constantFrom('CUSTOMER', 'SUBSCRIPTION' as const),
      churnDate: fc.constantFrom('END_OF_SERVICE', 'CANCELLATION' as const),
      reactivationWindowDays: fc.option(fc.integer({ min: 1, max: 120 }), { nil: null }),
      coalesceWindowMinutes: fc.constantFrom(0, 60, 1440),
      discounts: fc.constantFrom('ALL_RECURRING', 'ONLY_FOREVER' as const),
      pastDueChurnDays: fc.option(fc.nat(40), { nil: null }),
      unpaid: fc.constantFrom('CHURN', 'KEEP' as const),
      pause: fc.constantFrom('KEEP', 'ZERO', 'CHURN' as const),
      sizeBandMidMarket: fc.constantFrom(2_000_000, 10_000_000),
      timeZone: fc.constantFrom('UTC', 'Pacific/Auckland', 'America/Los_Angeles'),
    },
    { requiredKeys: [] },
  )
  .map((input) => resolveDefinitions({ sizeBandEnterprise: 60_000_000, ...input } as DefinitionsInput));

const segment: fc.Arbitrary<SegmentFilter | undefined> = fc.constantFrom(
  undefined,
  { attributes: [{ name: 'plan', values: ['pro'] }] },
  { sizeBands: ['SMB' as const] },
);

const windowOf = fc
  .record({ month: fc.nat(4), months: fc.integer({ min: 1, max: 3 }) })
  .map(({ month, months }) => {
    const iso = (m: number) => new Date(Date.UTC(2024, m, 1)).toISOString().slice(0, 10);
    return { from: iso(month), to: iso(month + months) };
  });

const balances = (bridge: MrrBridge) =>
  bridge.startingMrr +
    bridge.newBusiness +
    bridge.reactivation +
    bridge.expansion -
    bridge.contraction -
    bridge.churn ===
  bridge.endingMrr;

describe('definition diff laws', () => {
  it('the per-customer changes sum exactly to the difference of the two bridges, line by line', () => {
    fc.assert(
      fc.property(inputs, definitions, definitions, windowOf, segment, (data, a, b, window, filter) => {
        const query = { ...window, ...(filter ? { segment: filter } : {}) };
        const comparison = compareDefinitions(data, query, a, b);
        for (const line of LINES) {
          const sum = comparison.customers.reduce((total, c) => total + c.difference[line], 0);
          expect(sum).toBe(comparison.b.report[line] - comparison.a.report[line]);
          expect(comparison.difference[line]).toBe(comparison.b.report[line] - comparison.a.report[line]);
        }
        for (const c of comparison.customers) {
          for (const line of LINES) expect(c.difference[line]).toBe(c.b.bridge[line] - c.a.bridge[line]);
        }
        expect(balances(comparison.a.report) && balances(comparison.b.report)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('the generated cases do differ: most comparisons list customers', () => {
    const cases = fc.sample(fc.tuple(inputs, definitions, definitions, windowOf), { numRuns: 60, seed: 14 });
    const listing = cases.filter(
      ([data, a, b, window]) => compareDefinitions(data, window, a, b).customers.length > 0,
    );
    expect(listing.length).toBeGreaterThan(20);
  });

  it('comparing a set with itself lists nobody', () => {
    fc.assert(
      fc.property(inputs, definitions, windowOf, (data, a, window) => {
        const comparison = compareDefinitions(data, window, a, { ...a });
        expect(comparison.customers).toEqual([]);
      }),
      { numRuns: 50 },
    );
  });

  it('every monthly bridge balances under every preset', () => {
    fc.assert(
      fc.property(inputs, fc.constantFrom(...PRESET_NAMES), segment, (data, name, filter) => {
        const preset = resolveDefinitions({ preset: name });
        const series = computeRetentionSeries(timelineUnder(data, preset), {
          ...queryOptionsOf(preset),
          ...(filter ? { segment: filter } : {}),
          from: start,
          to: addMonths(start, 6),
          granularity: 'MONTH',
        });
        expect(series).toHaveLength(6);
        for (const report of series) expect(balances(report)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});
