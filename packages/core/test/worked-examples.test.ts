import { describe, expect, it } from 'vitest';
import {
  buildTimeline,
  computeCohorts,
  computeMovements,
  computeRetention,
  formatMoneyUnits,
  type MrrSpan,
  monthlyAmount,
  movementLedger,
  parseMoney,
  toIsoDate,
  unitsFromNumber,
} from '../src/index.ts';
import { customerOverYear, day, span } from './support/spans.ts';

const year = { from: day('2024-01-01'), to: day('2025-01-01') };

/**
 * Builds one customer per movement so that the period shows exactly the given amounts, plus
 * untouched customers making up the rest of the starting MRR.
 */
function scenario(
  start: number,
  movements: { expansion?: number; contraction?: number; churn?: number },
): MrrSpan[] {
  const spans: MrrSpan[] = [];
  let remaining = start;
  const { expansion = 0, contraction = 0, churn = 0 } = movements;
  if (churn) {
    spans.push(...customerOverYear('churned', churn, 0));
    remaining -= churn;
  }
  if (contraction) {
    spans.push(...customerOverYear('contracted', contraction * 3, contraction * 2));
    remaining -= contraction * 3;
  }
  if (expansion) {
    spans.push(...customerOverYear('expanded', 1_000, 1_000 + expansion));
    remaining -= 1_000;
  }
  if (remaining < 0) throw new Error('scenario does not fit in the starting MRR');
  spans.push(...customerOverYear('steady', remaining, remaining));
  return spans;
}

describe('worked examples from the documents this project started from', () => {
  const cases = [
    { start: 100_000, expansion: 20_000, churn: 10_000, contraction: 5_000, nrr: 1.05, grr: 0.85 },
    { start: 100_000, churn: 5_000, contraction: 1_000, expansion: 8_000, nrr: 1.02, grr: 0.94 },
    { start: 200_000, churn: 10_000, contraction: 5_000, expansion: 25_000, nrr: 1.05, grr: 0.925 },
    { start: 10_000, expansion: 1_000, contraction: 1_000, churn: 2_000, nrr: 0.8, grr: 0.7 },
    { start: 100_000, expansion: 15_000, contraction: 5_000, churn: 2_000, nrr: 1.08, grr: 0.93 },
  ];

  it.each(cases)(
    'start $start, expansion $expansion, contraction $contraction, churn $churn → NRR $nrr',
    (c) => {
      const timeline = buildTimeline(scenario(c.start, c));
      const report = computeRetention(timeline, year);
      expect(report.method).toBe('PERIOD');
      expect(report.startingMrr).toBe(unitsFromNumber(c.start));
      expect(report.expansion).toBe(unitsFromNumber(c.expansion));
      expect(report.contraction).toBe(unitsFromNumber(c.contraction));
      expect(report.churn).toBe(unitsFromNumber(c.churn));
      expect(report.nrr).toBeCloseTo(c.nrr, 12);
      expect(report.grr).toBeCloseTo(c.grr, 12);
      expect(report.netMrrChurnRate).toBeCloseTo(1 - c.nrr, 12);
      expect(report.grossMrrChurnRate).toBeCloseTo(1 - c.grr, 12);
      expect(report.quickRatio).toBeCloseTo(c.expansion / (c.contraction + c.churn), 12);
      expect(report.customers).toMatchObject({
        starting: 4,
        retained: 3,
        churned: 1,
        expanded: 1,
        contracted: 1,
      });
      expect(report.logoRetention).toBe(0.75);
    },
  );

  it('a cohort with 100,000 MRR that brings 110,000 a year later has a 12-month NRR of 110%', () => {
    const spans = [
      span('a', '2023-12-05', '2024-06-01', 60_000),
      span('a', '2024-06-01', null, 75_000),
      span('b', '2023-12-20', '2024-09-01', 40_000),
      span('b', '2024-09-01', null, 35_000),
    ];
    const timeline = buildTimeline(spans, { asOf: day('2025-02-01') });
    const trailing = computeRetention(timeline, { ...year, method: 'TRAILING_12M' });
    expect(trailing.method).toBe('TRAILING_12M');
    expect(toIsoDate(trailing.from)).toBe('2024-01-01');
    expect(trailing.nrr).toBeCloseTo(1.1, 12);
    const cohorts = computeCohorts(timeline, {
      from: day('2023-12-01'),
      to: day('2025-01-01'),
      granularity: 'MONTH',
      measure: 'REVENUE',
      view: 'PERCENT_OF_START',
    });
    const december = cohorts.rows[0];
    expect(december?.label).toBe('2023-12');
    expect(december?.initial).toBe(unitsFromNumber(100_000));
    expect(december?.cells[12]).toBeCloseTo(1.1, 12);
    expect(december?.small).toBe(true);
  });
});

describe("ChartMogul's documented lifecycle", () => {
  const annual = monthlyAmount(parseMoney('2000') as number, 'year');
  const spans: MrrSpan[] = [
    {
      customerId: 'c',
      subscriptionId: 'yearly',
      start: day('2024-01-10'),
      end: day('2025-01-10'),
      mrr: annual,
      currency: 'USD',
    },
    span('c', '2024-03-05', '2024-06-05', 60, { subscriptionId: 'monthly' }),
    span('c', '2025-04-02', null, 60, { subscriptionId: 'comeback' }),
  ];
  const timeline = buildTimeline(spans, { asOf: day('2025-06-01') });
  const month = (iso: string) => {
    const from = day(`${iso}-01`);
    const next = new Date(from);
    next.setUTCMonth(next.getUTCMonth() + 1);
    return computeMovements(timeline, { from, to: next.getTime() });
  };

  it.each([
    ['2024-01', 'NEW', '166.6667'],
    ['2024-03', 'EXPANSION', '60'],
    ['2024-06', 'CONTRACTION', '60'],
    ['2025-01', 'CHURN', '166.6667'],
    ['2025-04', 'REACTIVATION', '60'],
  ])('%s: %s of %s', (iso, kind, amount) => {
    const movements = month(iso);
    expect(movements).toHaveLength(1);
    expect(movements[0]?.kind).toBe(kind);
    expect(formatMoneyUnits(movements[0]?.amount ?? 0)).toBe(amount);
  });

  it('shows no movement in the quiet months', () => {
    for (const iso of ['2024-02', '2024-04', '2024-05', '2024-07', '2024-12', '2025-02', '2025-03']) {
      expect(month(iso)).toEqual([]);
    }
  });

  it('keeps the same five changes in the event-level ledger', () => {
    const ledger = movementLedger(timeline, { from: day('2024-01-01'), to: day('2025-06-01') });
    expect(ledger.map((entry) => [toIsoDate(entry.at), entry.kind, formatMoneyUnits(entry.amount)])).toEqual([
      ['2024-01-10', 'NEW', '166.6667'],
      ['2024-03-05', 'EXPANSION', '60'],
      ['2024-06-05', 'CONTRACTION', '60'],
      ['2025-01-10', 'CHURN', '166.6667'],
      ['2025-04-02', 'REACTIVATION', '60'],
    ]);
  });

  it('counts the comeback as new business when it falls outside a 60-day reactivation window', () => {
    const movements = computeMovements(timeline, {
      from: day('2025-04-01'),
      to: day('2025-05-01'),
      reactivationWindowDays: 60,
    });
    expect(movements[0]?.kind).toBe('NEW');
    const within = computeMovements(timeline, {
      from: day('2025-04-01'),
      to: day('2025-05-01'),
      reactivationWindowDays: 90,
    });
    expect(within[0]?.kind).toBe('REACTIVATION');
  });
});
