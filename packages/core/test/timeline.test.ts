import { describe, expect, it } from 'vitest';
import {
  addMonths,
  buildTimeline,
  computeMovements,
  computeRetention,
  computeRetentionSeries,
  createExchangeRates,
  EngineError,
  entityMrrAt,
  formatMoneyUnits,
  isValidTimeZone,
  periodStart,
  rebaseExchangeRates,
  toIsoDate,
  unitsFromNumber,
} from '../src/index.ts';
import { day, span } from './support/spans.ts';

const january = { from: day('2024-01-01'), to: day('2024-02-01') };
const at = (iso: string) => Date.parse(iso);

describe('coalescing window', () => {
  const planSwitch = [
    { ...span('c', '2023-10-01', null, 100, { subscriptionId: 'old' }), end: at('2024-01-31T23:40:00Z') },
    { ...span('c', '2023-10-01', null, 150, { subscriptionId: 'new' }), start: at('2024-02-01T00:20:00Z') },
  ];

  it('turns a cancel-and-resubscribe across midnight into one expansion, dated at the first change', () => {
    const timeline = buildTimeline(planSwitch);
    expect(computeMovements(timeline, january)).toEqual([
      expect.objectContaining({
        kind: 'EXPANSION',
        amount: unitsFromNumber(50),
        at: at('2024-01-31T23:40:00Z'),
      }),
    ]);
    expect(computeMovements(timeline, { from: day('2024-02-01'), to: day('2024-03-01') })).toEqual([]);
  });

  it('without coalescing, the same switch is churn in January and reactivation in February', () => {
    const timeline = buildTimeline(planSwitch, { coalesceWindowMs: 0 });
    expect(computeMovements(timeline, january).map((m) => m.kind)).toEqual(['CHURN']);
    expect(
      computeMovements(timeline, { from: day('2024-02-01'), to: day('2024-03-01') }).map((m) => m.kind),
    ).toEqual(['REACTIVATION']);
  });

  it('drops changes that cancel out inside the window', () => {
    const entity = buildTimeline([
      span('c', '2024-01-01', null, 100, { subscriptionId: 'a' }),
      {
        ...span('c', '2024-01-01', null, 100, { subscriptionId: 'a2' }),
        start: at('2024-03-01T10:00:00Z'),
        end: at('2024-03-01T10:30:00Z'),
      },
    ]).entityAt(0);
    expect(entity.lanes[0]?.at).toEqual([day('2024-01-01')]);
  });
});

describe('churn-date policy', () => {
  const spans = [{ ...span('c', '2023-06-01', '2024-03-01', 100), canceledAt: day('2024-01-20') }];

  it('dates churn at the end of the paid service period by default', () => {
    expect(computeMovements(buildTimeline(spans), january)).toEqual([]);
    expect(
      computeMovements(buildTimeline(spans), { from: day('2024-02-01'), to: day('2024-04-01') })[0]?.kind,
    ).toBe('CHURN');
  });

  it('dates churn at the cancellation request with CANCELLATION', () => {
    const movements = computeMovements(buildTimeline(spans, { churnDate: 'CANCELLATION' }), january);
    expect(movements).toEqual([expect.objectContaining({ kind: 'CHURN', at: day('2024-01-20') })]);
  });
});

describe('customer and subscription grain', () => {
  const spans = [
    span('c', '2023-01-01', null, 100, { subscriptionId: 'base' }),
    span('c', '2023-06-01', '2024-01-15', 40, { subscriptionId: 'addon' }),
    span('c', '2024-01-10', null, 10, { subscriptionId: 'seat' }),
  ];

  it('at customer grain, ending one of several subscriptions is contraction and adding one is expansion', () => {
    const report = computeRetention(buildTimeline(spans), january);
    expect(report.grain).toBe('CUSTOMER');
    expect(report.contraction).toBe(unitsFromNumber(30));
    expect(report.newBusiness).toBe(0);
    expect(report.churn).toBe(0);
  });

  it('at subscription grain, the same changes are churn and new business', () => {
    const report = computeRetention(buildTimeline(spans, { grain: 'SUBSCRIPTION' }), january);
    expect(report.grain).toBe('SUBSCRIPTION');
    expect(report).toMatchObject({
      churn: unitsFromNumber(40),
      newBusiness: unitsFromNumber(10),
      contraction: 0,
    });
    expect(report.customers).toMatchObject({ starting: 2, churned: 1, new: 1 });
  });
});

describe('currencies', () => {
  const spans = [
    span('us', '2023-01-01', null, 100),
    span('eu', '2023-01-01', '2024-01-20', 100, { currency: 'EUR' }),
    span('eu', '2024-01-20', null, 200, { currency: 'EUR' }),
  ];
  const rates = createExchangeRates('USD', [
    { currency: 'EUR', effective: day('2023-01-01'), rate: 1.1 },
    { currency: 'EUR', effective: day('2024-02-01'), rate: 1.2 },
  ]);

  it('converts both ends at the rate in force at the period start and reports the drift as fxImpact', () => {
    const report = computeRetention(buildTimeline(spans), { ...january, rates });
    expect(report.currency).toBe('USD');
    expect(formatMoneyUnits(report.startingMrr)).toBe('210');
    expect(formatMoneyUnits(report.expansion)).toBe('110');
    expect(formatMoneyUnits(report.endingMrr)).toBe('320');
    // EUR 200 at 1.2 instead of 1.1
    expect(formatMoneyUnits(report.fxImpact)).toBe('20');
  });

  it('refuses to add currencies without rates, and names a currency missing from the table', () => {
    const timeline = buildTimeline([...spans, span('gb', '2023-01-01', null, 5, { currency: 'GBP' })]);
    expect(() => computeRetention(timeline, january)).toThrow(EngineError);
    expect(() => computeRetention(timeline, january)).toThrow(/3 currencies \(EUR, GBP, USD\)/);
    expect(() => computeRetention(timeline, { ...january, rates })).toThrow(
      /no exchange rate from GBP to USD/,
    );
  });

  it('values one entity at any instant', () => {
    const timeline = buildTimeline(spans);
    expect(formatMoneyUnits(entityMrrAt(timeline, 'eu', day('2024-03-01'), rates))).toBe('240');
    expect(entityMrrAt(timeline, 'nobody', day('2024-03-01'), rates)).toBe(0);
  });
});

describe('a timeline built from spans', () => {
  it('holds each entity as plain data: lanes of changes and attribute snapshots, sorted by id', () => {
    const spans = [
      span('b', '2023-02-01', null, 20, { attributes: { plan: 'Pro' } }),
      span('a', '2023-05-03', '2024-01-09', 10),
      span('b', '2023-06-01', '2023-09-01', 5, { subscriptionId: 'b-addon', attributes: { seats: '3' } }),
    ];
    const timeline = buildTimeline(spans);
    expect(timeline.entities).toEqual([
      {
        id: 'a',
        customerId: 'a',
        lanes: [{ currency: 'USD', at: [day('2023-05-03'), day('2024-01-09')], mrr: [100_000, 0] }],
        attributes: [],
      },
      {
        id: 'b',
        customerId: 'b',
        lanes: [
          {
            currency: 'USD',
            at: [day('2023-02-01'), day('2023-06-01'), day('2023-09-01')],
            mrr: [200_000, 250_000, 200_000],
          },
        ],
        attributes: [
          { at: day('2023-02-01'), values: { plan: 'Pro' } },
          { at: day('2023-06-01'), values: { plan: 'Pro', seats: '3' } },
        ],
      },
    ]);
    expect(JSON.parse(JSON.stringify(timeline.entities))).toEqual(timeline.entities);
    expect(timeline.indexOf('b')).toBe(1);
    expect(timeline.attributesOf(1)).toBe(timeline.entityAt(1).attributes);
    expect(() => timeline.entityAt(2)).toThrow(RangeError);
  });

  it('takes the end of known data from the latest change unless told', () => {
    const spans = [span('a', '2023-05-03', '2024-01-09', 10)];
    expect(buildTimeline(spans).asOf).toBe(day('2024-01-09'));
    expect(buildTimeline(spans, { asOf: day('2024-06-01') }).asOf).toBe(day('2024-06-01'));
    // The time of an export: the end of known data unless the data changes later.
    expect(buildTimeline(spans, { asOfAtLeast: day('2024-06-01') }).asOf).toBe(day('2024-06-01'));
    expect(buildTimeline(spans, { asOfAtLeast: day('2023-12-01') }).asOf).toBe(day('2024-01-09'));
    expect(buildTimeline([], { asOfAtLeast: day('2023-12-01') }).asOf).toBe(day('2023-12-01'));
    expect(buildTimeline(spans, { asOf: day('2023-12-01'), asOfAtLeast: day('2024-06-01') }).asOf).toBe(
      day('2023-12-01'),
    );
  });

  it('rejects an empty or inverted period', () => {
    const timeline = buildTimeline([]);
    expect(() => computeRetention(timeline, { from: day('2024-02-01'), to: day('2024-01-01') })).toThrow(
      /from < to/,
    );
  });

  it('gives null ratios and an EMPTY_COHORT warning when nobody was paying at the start', () => {
    const report = computeRetention(buildTimeline([span('a', '2024-01-05', null, 10)]), january);
    expect(report).toMatchObject({
      nrr: null,
      grr: null,
      logoRetention: null,
      netMrrChurnRate: null,
      quickRatio: null,
    });
    expect(report.newBusiness).toBe(unitsFromNumber(10));
    expect(report.warnings.map((w) => w.code)).toContain('EMPTY_COHORT');
  });
});

describe('tenant time zone', () => {
  const sydney = 'Australia/Sydney';
  // 2024-01-31T14:30Z is 1 February 01:30 in Sydney (UTC+11): January in UTC, February in Sydney.
  const spans = [
    span('a', '2023-06-01', null, 100),
    { ...span('a', '2023-06-01', null, 50, { subscriptionId: 'addon' }), start: at('2024-01-31T14:30:00Z') },
  ];
  const timeline = buildTimeline(spans);

  it('puts period boundaries at local midnight', () => {
    const utc = computeRetentionSeries(timeline, {
      from: day('2024-01-01'),
      to: day('2024-03-01'),
      granularity: 'MONTH',
    });
    expect(utc.map((r) => r.expansion)).toEqual([unitsFromNumber(50), 0]);
    const local = computeRetentionSeries(timeline, {
      from: at('2023-12-31T13:00:00Z'),
      to: at('2024-02-29T13:00:00Z'),
      granularity: 'MONTH',
      timeZone: sydney,
    });
    expect(local.map((r) => new Date(r.from).toISOString())).toEqual([
      '2023-12-31T13:00:00.000Z',
      '2024-01-31T13:00:00.000Z',
    ]);
    expect(local.map((r) => r.expansion)).toEqual([0, unitsFromNumber(50)]);
    expect(toIsoDate(local[1]?.to ?? 0)).toBe('2024-02-29');
  });
});

describe('calendar arithmetic across daylight saving', () => {
  it('keeps local midnight through a DST change and clamps month ends', () => {
    // Sydney leaves DST on 2024-04-07: March starts at 13:00Z (UTC+11), May at 14:00Z (UTC+10).
    const march = at('2024-02-29T13:00:00Z');
    expect(new Date(addMonths(march, 2, 'Australia/Sydney')).toISOString()).toBe('2024-04-30T14:00:00.000Z');
    expect(
      new Date(periodStart(at('2024-05-15T00:00:00Z'), 'QUARTER', 'Australia/Sydney')).toISOString(),
    ).toBe('2024-03-31T13:00:00.000Z');
    expect(new Date(addMonths(day('2024-01-31'), 1)).toISOString().slice(0, 10)).toBe('2024-02-29');
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });
});

describe('rebased exchange rates', () => {
  it('cross-rates a table into another reporting currency', () => {
    const base = createExchangeRates('USD', [
      { currency: 'EUR', effective: day('2024-01-01'), rate: 1.1 },
      { currency: 'GBP', effective: day('2024-01-01'), rate: 1.32 },
    ]);
    const eur = rebaseExchangeRates(base, 'EUR');
    expect(eur?.reportingCurrency).toBe('EUR');
    expect(eur?.rateAt('EUR', day('2024-02-01'))).toBe(1);
    expect(eur?.rateAt('GBP', day('2024-02-01'))).toBeCloseTo(1.2, 12);
    expect(eur?.rateAt('USD', day('2024-02-01'))).toBeCloseTo(1 / 1.1, 12);
    expect(rebaseExchangeRates(base, 'USD')).toBe(base);
    expect(rebaseExchangeRates(base, 'JPY')).toBeUndefined();
  });

  it('refuses inverted periods in movement lists too', () => {
    const timeline = buildTimeline([span('a', '2023-05-03', null, 10)]);
    expect(() => computeMovements(timeline, { from: day('2024-02-01'), to: day('2024-01-01') })).toThrow(
      EngineError,
    );
  });
});
