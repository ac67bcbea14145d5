import type {
  BenchmarkComparisonResult,
  BenchmarkResult,
  CohortRowResult,
  CohortTableResult,
  DefinitionsResult,
  Money,
  MovementResult,
  RetentionReportResult,
} from '../src/index.ts';

export const usd = (amount: string): Money => ({ amount, currency: 'USD' });

/** The engine's default definitions as the API returns them (docs/metrics.md, "Definitions"). */
export const defaultDefinitions: DefinitionsResult = {
  preset: null,
  customizedOptions: [],
  grain: 'CUSTOMER',
  churnDate: 'END_OF_SERVICE',
  reactivationWindowDays: null,
  coalesceWindowMinutes: 60,
  discounts: 'ALL_RECURRING',
  pastDueChurnDays: null,
  unpaid: 'CHURN',
  pause: 'KEEP',
  sizeBandMidMarket: '1000',
  sizeBandEnterprise: '10000',
  timeZone: 'UTC',
};

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
    definitions: defaultDefinitions,
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

/** What a benchmark comparison carries of the report it compared. */
export const comparedReport = { currency: 'USD', definitions: defaultDefinitions };

const GUIDE = 'A Complete Guide to Net Revenue Retention for Business Growth';

/** A published NRR range as the API returns it. */
export function range(
  key: string,
  segment: string,
  low: number | null,
  high: number | null,
): BenchmarkResult {
  return { key, segment, metric: 'NRR', low, high, sourceTitle: GUIDE, sourcePublisher: null, tiers: [] };
}

/** NRR 105% against three ranges of retention semantics §8. */
export const benchmarks: BenchmarkComparisonResult[] = [
  {
    benchmark: range('mid-market-saas', 'Mid-market SaaS', 0.9, 1.1),
    figure: 1.05,
    position: 'WITHIN',
    pointsFromRange: 0,
    tier: null,
    report: comparedReport,
  },
  {
    benchmark: range('enterprise-saas', 'Enterprise SaaS', 1.2, 1.35),
    figure: 1.05,
    position: 'BELOW',
    pointsFromRange: 15,
    tier: null,
    report: comparedReport,
  },
  {
    benchmark: range('infrastructure-dev-tools', 'Infrastructure / dev tools', 1.2, null),
    figure: 1.05,
    position: 'BELOW',
    pointsFromRange: 15,
    tier: null,
    report: comparedReport,
  },
];

/** NRR 105% against the graded B2B SaaS range (the NrrCard default). */
export const b2bComparison: BenchmarkComparisonResult = {
  benchmark: {
    ...range('b2b-saas', 'B2B SaaS overall', 1, null),
    sourceTitle: 'Net Revenue Retention (NRR)',
    sourcePublisher: 'Sequenzy',
    tiers: [
      { label: 'baseline', low: 1, high: 1.05 },
      { label: 'good', low: 1.05, high: 1.15 },
      { label: 'best', low: 1.2, high: null },
    ],
  },
  figure: 1.05,
  position: 'WITHIN',
  pointsFromRange: 0,
  tier: 'good',
  report: comparedReport,
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
  definitions: defaultDefinitions,
};

const KINDS = ['NEW', 'EXPANSION', 'CONTRACTION', 'CHURN', 'REACTIVATION'] as const;

/** `count` movements, customer `cus_001`… in order, cycling through the kinds. */
export function movements(count: number): MovementResult[] {
  return Array.from({ length: count }, (_, index) => {
    const type = KINDS[index % KINDS.length] ?? 'NEW';
    const amount = (index + 1) * 10 + 0.5; // exact in binary, so the strings below are exact too
    // Starting and ending MRR consistent with the kind (semantics §4): new and reactivation start at 0,
    // churn ends at 0, expansion and contraction move from or to 100.
    const [start, end] =
      type === 'NEW' || type === 'REACTIVATION'
        ? [0, amount]
        : type === 'CHURN'
          ? [amount, 0]
          : type === 'EXPANSION'
            ? [100, 100 + amount]
            : [100 + amount, 100];
    return {
      customerId: `cus_${String(index + 1).padStart(3, '0')}`,
      type,
      amount: usd(String(amount)),
      startingMrr: usd(String(start)),
      endingMrr: usd(String(end)),
      at: `2024-03-${String((index % 28) + 1).padStart(2, '0')}T09:30:00.000Z`,
    };
  });
}
