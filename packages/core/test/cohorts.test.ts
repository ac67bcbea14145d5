import { describe, expect, it } from 'vitest';
import { buildTimeline, type CohortQuery, computeCohorts, unitsFromNumber } from '../src/index.ts';
import { day, span } from './support/spans.ts';

// January cohort: a (100, expands to 150 in March), b (100, churns in February, returns in April).
// February cohort: c (50). Data known to 2024-05-01.
const spans = [
  span('a', '2024-01-03', '2024-03-10', 100),
  span('a', '2024-03-10', null, 150),
  span('b', '2024-01-20', '2024-02-15', 100),
  span('b', '2024-04-05', null, 80),
  span('c', '2024-02-02', null, 50, { attributes: { plan: 'Pro' } }),
];
const timeline = buildTimeline(spans, { asOf: day('2024-05-01') });
const base: CohortQuery = {
  from: day('2024-01-01'),
  to: day('2024-06-01'),
  granularity: 'MONTH',
  measure: 'REVENUE',
  view: 'ABSOLUTE',
};

describe('cohort table', () => {
  it('puts each customer in the month of its first MRR for good, even after churn and reactivation', () => {
    const table = computeCohorts(timeline, base);
    expect(table.rows.map((r) => [r.label, r.size])).toEqual([
      ['2024-01', 2],
      ['2024-02', 1],
      ['2024-03', 0],
      ['2024-04', 0],
      ['2024-05', 0],
    ]);
  });

  it('gives absolute MRR at the end of each age, null once the period ends after the data', () => {
    const january = computeCohorts(timeline, base).rows[0];
    expect(january?.initial).toBe(unitsFromNumber(200));
    expect(january?.cells).toEqual([
      unitsFromNumber(200),
      unitsFromNumber(100),
      unitsFromNumber(150),
      unitsFromNumber(230),
      null,
    ]);
  });

  it('expresses cells as a share of the first period or of the previous one', () => {
    const ofStart = computeCohorts(timeline, { ...base, view: 'PERCENT_OF_START' }).rows[0]?.cells;
    expect(ofStart).toEqual([1, 0.5, 0.75, 1.15, null]);
    const ofPrevious = computeCohorts(timeline, { ...base, view: 'PERCENT_OF_PREVIOUS' }).rows[0]?.cells;
    expect(ofPrevious).toEqual([1, 0.5, 1.5, 230 / 150, null]);
  });

  it('counts paying customers for logo retention', () => {
    const logos = computeCohorts(timeline, { ...base, measure: 'LOGOS', view: 'PERCENT_OF_START' }).rows[0];
    expect(logos?.initial).toBe(2);
    expect(logos?.cells).toEqual([1, 0.5, 0.5, 1, null]);
  });

  it('flags cohorts below the minimum size and leaves empty cohorts without ratios', () => {
    const table = computeCohorts(timeline, { ...base, view: 'PERCENT_OF_START', minCohortSize: 2 });
    expect(table.rows.map((r) => r.small)).toEqual([false, true, true, true, true]);
    expect(table.rows[2]?.cells[0]).toBeNull();
  });

  it('groups by quarter and year', () => {
    const quarters = computeCohorts(timeline, { ...base, granularity: 'QUARTER' });
    expect(quarters.rows.map((r) => [r.label, r.size])).toEqual([
      ['2024-Q1', 3],
      ['2024-Q2', 0],
    ]);
    // Q1 ends 2024-04-01 (known); Q2 ends 2024-07-01, after the data.
    expect(quarters.rows[0]?.cells).toEqual([unitsFromNumber(200), null]);
    const years = computeCohorts(timeline, { ...base, granularity: 'YEAR' });
    expect(years.rows[0]?.label).toBe('2024');
    expect(years.rows[0]?.cells).toEqual([null]);
  });

  it('filters by attributes when the customer first paid', () => {
    const pro = computeCohorts(timeline, {
      ...base,
      segment: { attributes: [{ name: 'plan', values: ['Pro'] }] },
    });
    expect(pro.rows.map((r) => r.size)).toEqual([0, 1, 0, 0, 0]);
  });
});
