import { describe, expect, it } from 'vitest';
import {
  buildTimeline,
  computeBreakdown,
  computeRetention,
  segmentDimensions,
  segmentValues,
  unitsFromNumber,
} from '../src/index.ts';
import { day, span } from './support/spans.ts';

const q1 = { from: day('2024-01-01'), to: day('2024-04-01') };
const spans = [
  // Moves from Starter to Pro in February: stays in the Starter cohort for Q1.
  span('mover', '2023-06-01', '2024-02-10', 500, { attributes: { plan: 'Starter', country: 'US' } }),
  span('mover', '2024-02-10', null, 2_000, { attributes: { plan: 'Pro', country: 'US' } }),
  span('pro', '2023-01-01', null, 12_000, { attributes: { plan: 'Pro', country: 'DE' } }),
  span('starter', '2023-01-01', '2024-03-01', 300, { attributes: { plan: 'Starter', country: 'DE' } }),
  span('fresh', '2024-02-01', null, 50, { attributes: { plan: 'Starter', country: 'AU' } }),
  span('bare', '2023-01-01', null, 1_500),
];
const timeline = buildTimeline(spans);

describe('segments judged at the period start', () => {
  it('keeps a customer who changes plan in the cohort of the plan it started the period on', () => {
    const starter = computeRetention(timeline, {
      ...q1,
      segment: { attributes: [{ name: 'plan', values: ['Starter'] }] },
    });
    expect(starter.startingMrr).toBe(unitsFromNumber(800));
    expect(starter.expansion).toBe(unitsFromNumber(1_500));
    expect(starter.churn).toBe(unitsFromNumber(300));
    expect(starter.newBusiness).toBe(unitsFromNumber(50));
    const pro = computeRetention(timeline, {
      ...q1,
      segment: { attributes: [{ name: 'plan', values: ['Pro'] }] },
    });
    expect(pro.startingMrr).toBe(unitsFromNumber(12_000));
    expect(pro.expansion).toBe(0);
  });

  it('ANDs separate filters and ORs values within one', () => {
    const report = computeRetention(timeline, {
      ...q1,
      segment: {
        attributes: [
          { name: 'plan', values: ['Starter', 'Pro'] },
          { name: 'country', values: ['DE'] },
        ],
      },
    });
    expect(report.startingMrr).toBe(unitsFromNumber(12_300));
  });

  it('filters by size band of starting MRR (SMB < 1,000 ≤ mid-market < 10,000 ≤ enterprise)', () => {
    const band = (b: 'SMB' | 'MID_MARKET' | 'ENTERPRISE') =>
      computeRetention(timeline, { ...q1, segment: { sizeBands: [b] } }).startingMrr;
    expect(band('SMB')).toBe(unitsFromNumber(800));
    expect(band('MID_MARKET')).toBe(unitsFromNumber(1_500));
    expect(band('ENTERPRISE')).toBe(unitsFromNumber(12_000));
    const custom = computeRetention(timeline, {
      ...q1,
      segment: { sizeBands: ['ENTERPRISE'] },
      sizeBandThresholds: { midMarket: unitsFromNumber(400), enterprise: unitsFromNumber(1_000) },
    });
    expect(custom.startingMrr).toBe(unitsFromNumber(13_500));
  });
});

describe('breakdown', () => {
  it('returns one report per value, largest first, with customers lacking the attribute under (none)', () => {
    const breakdown = computeBreakdown(timeline, { ...q1, by: 'plan' });
    expect(breakdown.segments.map((s) => [s.value, s.report.startingMrr])).toEqual([
      ['Pro', unitsFromNumber(12_000)],
      ['(none)', unitsFromNumber(1_500)],
      ['Starter', unitsFromNumber(800)],
    ]);
    expect(breakdown.total.startingMrr).toBe(unitsFromNumber(14_300));
  });

  it('breaks down by size band, listing every band', () => {
    const breakdown = computeBreakdown(timeline, { ...q1, by: 'size_band' });
    expect(breakdown.segments.map((s) => s.value).sort()).toEqual(['ENTERPRISE', 'MID_MARKET', 'SMB']);
  });
});

describe('segment values', () => {
  it('lists distinct values of a dimension across history, and the dimensions', () => {
    expect(segmentValues(timeline, 'plan')).toEqual(['Pro', 'Starter']);
    expect(segmentValues(timeline, 'country')).toEqual(['AU', 'DE', 'US']);
    expect(segmentValues(timeline, 'size_band')).toEqual(['SMB', 'MID_MARKET', 'ENTERPRISE']);
    expect(segmentDimensions(timeline)).toEqual(['country', 'plan', 'size_band']);
  });
});

describe('dimension names that Object.prototype also has', () => {
  const inherited = ['valueOf', 'toString', 'constructor', 'hasOwnProperty', '__proto__', '__defineGetter__'];

  it('are ordinary unknown dimensions: no values, no customers selected, everyone under (none)', () => {
    for (const name of inherited) {
      expect(segmentValues(timeline, name)).toEqual([]);
      const filtered = computeRetention(timeline, {
        ...q1,
        segment: { attributes: [{ name, values: ['x'] }] },
      });
      expect(filtered.startingMrr).toBe(0);
      const breakdown = computeBreakdown(timeline, { ...q1, by: name });
      expect(breakdown.segments.map((s) => [s.value, s.report.startingMrr])).toEqual([
        ['(none)', unitsFromNumber(14_300)],
      ]);
    }
  });

  it('work as attribute names when customers carry them', () => {
    const named = buildTimeline([
      span('a', '2023-01-01', null, 100, { attributes: { valueOf: 'gold', constructor: 'x' } }),
      span('b', '2023-01-01', null, 200, { attributes: { valueOf: 'silver' } }),
    ]);
    expect(segmentValues(named, 'valueOf')).toEqual(['gold', 'silver']);
    expect(segmentValues(named, 'constructor')).toEqual(['x']);
    const gold = computeRetention(named, {
      ...q1,
      segment: { attributes: [{ name: 'valueOf', values: ['gold'] }] },
    });
    expect(gold.startingMrr).toBe(unitsFromNumber(100));
    const byConstructor = computeBreakdown(named, { ...q1, by: 'constructor' });
    expect(byConstructor.segments.map((s) => [s.value, s.report.startingMrr])).toEqual([
      ['(none)', unitsFromNumber(200)],
      ['x', unitsFromNumber(100)],
    ]);
  });
});

describe('chained breakdown', () => {
  it('covers values seen only at the window start, and still sums to the total', () => {
    const spans = [
      span('x', '2023-01-15', '2023-01-20', 0, { attributes: { country: 'AU' } }),
      span('x', '2023-01-25', '2023-02-01', 0, { attributes: { country: 'US' } }),
      span('x', '2023-02-01', null, 100, { attributes: { country: 'US' } }),
      span('y', '2022-06-01', null, 40, { attributes: { country: 'DE' } }),
    ];
    const breakdown = computeBreakdown(buildTimeline(spans), {
      from: day('2023-01-01'),
      to: day('2023-02-02'),
      by: 'country',
      method: 'CHAINED',
    });
    expect(breakdown.segments.map((s) => s.value).sort()).toEqual(['AU', 'DE', 'US']);
    const sum = breakdown.segments.reduce((a, s) => a + s.report.newBusiness, 0);
    expect(sum).toBe(breakdown.total.newBusiness);
    expect(breakdown.total.newBusiness).toBe(unitsFromNumber(100));
    expect(breakdown.segments.find((s) => s.value === 'US')?.report.newBusiness).toBe(unitsFromNumber(100));
  });
});
