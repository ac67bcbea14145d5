import type {
  BenchmarkComparisonResult,
  CohortRowResult,
  CohortTableResult,
  Money,
  MovementResult,
  RetentionReportResult,
} from '../src/index.ts';

export const usd = (amount: string): Money => ({ amount, currency: 'USD' });

/**
 * A report whose bridge balances: start 100,000 + new 8,000 + reactivation 1,000 + expansion 12,000
 * − contraction 3,000 − churn 4,000 = end 114,000; NRR = (100,000 + 12,000 − 3,000 − 4,000) / 100,000
 * = 1.05, GRR = (100,000 − 3,000 − 4,000) / 100,000 = 0.93.
 */
export function report(overrides: Partial<RetentionReportResult> = {}): RetentionReportResult {
  return {
    method: 'PERIOD',
    grain: 'CUSTOMER',
    currency: 'USD',
    from: '2024-01-01',
    to: '2025-01-01',
    startingMrr: usd('100000'),
    newBusiness: usd('8000'),
    reactivation: usd('1000'),
    expansion: usd('12000'),
    contraction: usd('3000'),
    churn: usd('4000'),
    endingMrr: usd('114000'),
    nrr: 1.05,
    grr: 0.93,
    logoRetention: 0.9,
    netMrrChurnRate: -0.05,
    grossMrrChurnRate: 0.07,
    quickRatio: 3,
    fxImpact: usd('0'),
    customers: {
      starting: 120,
      retained: 108,
      churned: 12,
      expanded: 30,
      contracted: 8,
      new: 9,
      reactivated: 1,
      ending: 118,
    },
    warnings: [],
    ...overrides,
  };
}

/** The previous year: NRR 1.027, GRR 0.95. */
export const previousReport = report({ from: '2023-01-01', to: '2024-01-01', nrr: 1.027, grr: 0.95 });

/** Trailing-12-month points for the sparkline, Oct–Dec 2024 windows. */
export const trend: RetentionReportResult[] = [
  report({ method: 'TRAILING_12M', from: '2023-11-01', to: '2024-11-01', nrr: 0.98, grr: 0.91 }),
  report({ method: 'TRAILING_12M', from: '2023-12-01', to: '2024-12-01', nrr: 1.01, grr: 0.92 }),
  report({ method: 'TRAILING_12M', from: '2024-01-01', to: '2025-01-01', nrr: 1.05, grr: 0.93 }),
];

const GUIDE = { title: 'A Complete Guide to Net Revenue Retention for Business Growth' };

/** NRR 105% against three ranges of retention semantics §8, shaped as core's compareToBenchmark returns them. */
export const benchmarks: BenchmarkComparisonResult = {
  nrr: 1.05,
  grr: 0.93,
  comparisons: [
    {
      benchmark: {
        key: 'mid-market-saas',
        segment: 'Mid-market SaaS',
        metric: 'NRR',
        low: 0.9,
        high: 1.1,
        source: GUIDE,
      },
      figure: 1.05,
      position: 'WITHIN',
      pointsFromRange: 0,
    },
    {
      benchmark: {
        key: 'enterprise-saas',
        segment: 'Enterprise SaaS',
        metric: 'NRR',
        low: 1.2,
        high: 1.35,
        source: GUIDE,
      },
      figure: 1.05,
      position: 'BELOW',
      pointsFromRange: 15,
    },
    {
      benchmark: {
        key: 'devtools',
        segment: 'Infrastructure / dev tools',
        metric: 'NRR',
        low: 1.2,
        high: null,
        source: GUIDE,
      },
      figure: 1.05,
      position: 'BELOW',
      pointsFromRange: 15,
    },
  ],
};

/** A REVENUE percent-of-start row. */
export function cohortRow(cohort: string, size: number, cells: (number | null)[]): CohortRowResult {
  return {
    cohort,
    label: cohort.slice(0, 7),
    size,
    small: size < 10,
    initialMrr: usd(String(size * 100)),
    initialCustomers: null,
    cells,
    amounts: null,
  };
}

export const cohorts: CohortTableResult = {
  granularity: 'MONTH',
  measure: 'REVENUE',
  view: 'PERCENT_OF_START',
  currency: 'USD',
  maxAge: 2,
  dataEnd: '2025-01-01T00:00:00.000Z',
  rows: [
    cohortRow('2024-10-01', 42, [1, 1.04, 0.97]),
    cohortRow('2024-11-01', 7, [1, 1.12, null]),
    cohortRow('2024-12-01', 30, [1, null, null]),
  ],
};

const KINDS = ['NEW', 'EXPANSION', 'CONTRACTION', 'CHURN', 'REACTIVATION'] as const;

/** `count` movements, customer `cus_001`… in order, cycling through the kinds. */
export function movements(count: number): MovementResult[] {
  return Array.from({ length: count }, (_, index) => ({
    customerId: `cus_${String(index + 1).padStart(3, '0')}`,
    type: KINDS[index % KINDS.length] ?? 'NEW',
    amount: usd(`${(index + 1) * 10}.5`),
    startingMrr: usd('100'),
    endingMrr: usd('150'),
    at: `2024-03-${String((index % 28) + 1).padStart(2, '0')}T09:30:00.000Z`,
  }));
}
