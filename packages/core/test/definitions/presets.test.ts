/**
 * Each vendor's documented worked examples, reproduced under its preset (docs/metrics.md,
 * "Vendor presets", gives the pages). Where a vendor differs from another, the same data under
 * the other preset shows the difference.
 */
import { describe, expect, it } from 'vitest';
import { formatMoneyUnits, unitsFromNumber } from '../../src/index.ts';
import { customerOverYear, span } from '../support/spans.ts';
import { events, ledger, month, report, under } from './support.ts';

const CHARTMOGUL = under({ preset: 'CHARTMOGUL' });
const PROFITWELL = under({ preset: 'PROFITWELL' });
const BAREMETRICS = under({ preset: 'BAREMETRICS' });
const STRIPE = under({ preset: 'STRIPE' });
const DBT = under({ preset: 'DBT_PLAYBOOK' });

describe('ChartMogul', () => {
  // "Lifecycle of a customer": four Gold yearly plans billed 2,000, two Silver monthly plans
  // billed 60 added, the Silver cancelled mid-cycle, the yearly cancelled near the end of its year,
  // then three Gold monthly plans.
  const lifecycle = {
    events: events([
      { customer: 'syncalytics', subscription: 'gold_y', effective_at: '2024-01-03', status: 'trialing' },
      {
        customer: 'syncalytics',
        subscription: 'gold_y',
        effective_at: '2024-01-10',
        status: 'active',
        unit_amount: '500',
        quantity: 4,
        interval: 'year',
      },
      {
        customer: 'syncalytics',
        subscription: 'silver_m',
        effective_at: '2024-01-15',
        unit_amount: '30',
        quantity: 2,
        status: 'active',
      },
      {
        customer: 'syncalytics',
        subscription: 'silver_m',
        effective_at: '2024-02-15',
        status: 'canceled',
        canceled_at: '2024-01-29',
      },
      {
        customer: 'syncalytics',
        subscription: 'gold_y',
        effective_at: '2025-01-10',
        status: 'canceled',
        canceled_at: '2024-12-01',
      },
      {
        customer: 'syncalytics',
        subscription: 'gold_m',
        effective_at: '2025-03-01',
        unit_amount: '50',
        quantity: 3,
        status: 'active',
      },
    ]),
  };

  it('reads the lifecycle as new business, expansion, contraction, churn at the end of the paid year, reactivation', () => {
    expect(ledger(lifecycle, CHARTMOGUL, '2024-01-01', '2026-01-01')).toEqual([
      '2024-01-10 NEW 166.6667',
      '2024-01-15 EXPANSION 60',
      '2024-02-15 CONTRACTION 60',
      '2025-01-10 CHURN 166.6667',
      '2025-03-01 REACTIVATION 150',
    ]);
  });

  it('recognises churn when the customer schedules the cancellation with that churn-recognition option', () => {
    expect(
      ledger(
        lifecycle,
        under({ preset: 'CHARTMOGUL', churnDate: 'CANCELLATION' }),
        '2024-12-01',
        '2025-01-01',
      ),
    ).toEqual(['2024-12-01 CHURN 166.6667']);
  });

  // A plan switch: Silver (30) ends and Gold (50) starts five minutes later, as many billing
  // systems record an upgrade. Smart Activity Classification (60 minutes) makes it one expansion.
  const planSwitch = {
    events: events([
      {
        customer: 'c',
        subscription: 'silver',
        effective_at: '2024-01-01',
        unit_amount: '30',
        status: 'active',
      },
      { customer: 'c', subscription: 'silver', effective_at: '2024-03-10T10:00:00Z', status: 'canceled' },
      {
        customer: 'c',
        subscription: 'gold',
        effective_at: '2024-03-10T10:05:00Z',
        unit_amount: '50',
        status: 'active',
      },
    ]),
  };

  it('counts a plan switch as one expansion of 20', () => {
    expect(ledger(planSwitch, CHARTMOGUL, '2024-03-01', '2024-04-01')).toEqual(['2024-03-10 EXPANSION 20']);
    expect(month(planSwitch, CHARTMOGUL, '2024-03')).toEqual(['c EXPANSION 20']);
  });

  it('without the grouping window the switch is churn then reactivation in the ledger, the month still one expansion', () => {
    const ungrouped = under({ preset: 'CHARTMOGUL', coalesceWindowMinutes: 0 });
    expect(ledger(planSwitch, ungrouped, '2024-03-01', '2024-04-01')).toEqual([
      '2024-03-10 CHURN 30',
      '2024-03-10 REACTIVATION 50',
    ]);
    expect(month(planSwitch, ungrouped, '2024-03')).toEqual(['c EXPANSION 20']);
  });

  it('keeps a past-due or unpaid subscription in MRR until it is cancelled (Baremetrics churns it after 30 days)', () => {
    const delinquent = {
      events: events([
        {
          customer: 'c',
          subscription: 's',
          effective_at: '2024-01-01',
          unit_amount: '100',
          status: 'active',
        },
        {
          customer: 'c',
          subscription: 's',
          effective_at: '2024-02-01',
          unit_amount: '100',
          status: 'past_due',
        },
        {
          customer: 'c',
          subscription: 's',
          effective_at: '2024-02-20',
          unit_amount: '100',
          status: 'unpaid',
        },
      ]),
    };
    expect(ledger(delinquent, CHARTMOGUL, '2024-01-01', '2025-01-01')).toEqual(['2024-01-01 NEW 100']);
    expect(ledger(delinquent, BAREMETRICS, '2024-01-01', '2025-01-01')).toEqual([
      '2024-01-01 NEW 100',
      '2024-03-02 CHURN 100',
    ]);
    // Stripe: unpaid is churn at once.
    expect(ledger(delinquent, STRIPE, '2024-01-01', '2025-01-01')).toEqual([
      '2024-01-01 NEW 100',
      '2024-02-20 CHURN 100',
    ]);
  });
});

describe('ProfitWell', () => {
  it('ignores a customer who signs up and churns in the same calendar month', () => {
    const data = {
      spans: [...customerOverYear('steady', 100, 100), span('brief', '2024-03-03', '2024-03-20', 40)],
    };
    const march = report(data, PROFITWELL, '2024-03-01', '2024-04-01');
    expect([march.newBusiness, march.churn, march.customers.new, march.customers.churned]).toEqual([
      0, 0, 0, 0,
    ]);
    expect(month(data, PROFITWELL, '2024-03')).toEqual([]);
  });

  it("churns Sally at the end of the month she paid for, not when she cancels (Stripe's preset: when she cancels)", () => {
    // Sally signs up on 15 January for 10, cancels on 5 February, paid through 15 February.
    const sally = {
      events: events([
        {
          customer: 'sally',
          subscription: 's',
          effective_at: '2024-01-15',
          unit_amount: '10',
          status: 'active',
        },
        {
          customer: 'sally',
          subscription: 's',
          effective_at: '2024-02-15',
          status: 'canceled',
          canceled_at: '2024-02-05',
        },
      ]),
    };
    expect(ledger(sally, PROFITWELL, '2024-01-01', '2024-03-01')).toEqual([
      '2024-01-15 NEW 10',
      '2024-02-15 CHURN 10',
    ]);
    expect(ledger(sally, STRIPE, '2024-01-01', '2024-03-01')).toEqual([
      '2024-01-15 NEW 10',
      '2024-02-05 CHURN 10',
    ]);
  });

  it('marks a customer who comes back after any gap as a reactivation (Chargify: new after 90 days)', () => {
    const comeback = {
      spans: [span('c', '2021-05-01', '2022-01-01', 50), span('c', '2024-06-10', null, 70)],
    };
    expect(month(comeback, PROFITWELL, '2024-06')).toEqual(['c REACTIVATION 70']);
    expect(month(comeback, under({ preset: 'PROFITWELL', reactivationWindowDays: 90 }), '2024-06')).toEqual([
      'c NEW 70',
    ]);
  });

  it('downgrades a subscription on hold to 0 (ChartMogul keeps its MRR)', () => {
    const onHold = {
      events: events([
        { customer: 'c', subscription: 's', effective_at: '2024-01-01', unit_amount: '80', status: 'active' },
        { customer: 'c', subscription: 's', effective_at: '2024-04-01', unit_amount: '80', status: 'paused' },
        { customer: 'c', subscription: 's', effective_at: '2024-06-01', unit_amount: '80', status: 'active' },
      ]),
    };
    expect(ledger(onHold, PROFITWELL, '2024-01-01', '2025-01-01')).toEqual([
      '2024-01-01 NEW 80',
      '2024-04-01 CHURN 80',
      '2024-06-01 REACTIVATION 80',
    ]);
    expect(ledger(onHold, CHARTMOGUL, '2024-01-01', '2025-01-01')).toEqual(['2024-01-01 NEW 80']);
  });
});

describe('Baremetrics', () => {
  it('NRR = 100% − (churned MRR − expansion MRR) ÷ starting MRR 30 days ago, churned MRR counting downgrades', () => {
    // Starting MRR 10,000 on 1 June; over the next 30 days 500 cancels, 300 is downgraded, 1,200 expands.
    const data = {
      spans: [
        span('cancels', '2024-01-01', '2024-06-10', 500),
        span('downgrades', '2024-01-01', '2024-06-12', 1_000),
        span('downgrades', '2024-06-12', null, 700),
        span('expands', '2024-01-01', '2024-06-20', 2_000),
        span('expands', '2024-06-20', null, 3_200),
        span('steady', '2024-01-01', null, 6_500),
      ],
    };
    const june = report(data, BAREMETRICS, '2024-06-01', '2024-07-01');
    expect(june.startingMrr).toBe(unitsFromNumber(10_000));
    const churned = june.churn + june.contraction;
    expect(formatMoneyUnits(churned)).toBe('800');
    expect(formatMoneyUnits(june.expansion)).toBe('1200');
    const baremetrics = 1 - (churned - june.expansion) / june.startingMrr;
    expect(baremetrics).toBeCloseTo(1.04, 12);
    expect(june.nrr).toBeCloseTo(baremetrics, 12);
    // Net revenue churn, "(Churned MRR − Expansion MRR) ÷ Starting MRR 30 days ago": −4%.
    expect(june.netMrrChurnRate).toBeCloseTo(-0.04, 12);
  });

  it('treats a 100% off coupon on a paying customer as churn', () => {
    const data = {
      events: events([
        { customer: 'c', subscription: 's', effective_at: '2024-01-01', unit_amount: '90', status: 'active' },
        {
          customer: 'c',
          subscription: 's',
          effective_at: '2024-05-01',
          unit_amount: '90',
          status: 'active',
          discounts: [{ percent_off: 100 }],
        },
      ]),
    };
    expect(ledger(data, BAREMETRICS, '2024-01-01', '2025-01-01')).toEqual([
      '2024-01-01 NEW 90',
      '2024-05-01 CHURN 90',
    ]);
  });

  it('reports the net result of a day: a subscription started and cancelled the same day is a wash', () => {
    const data = {
      spans: [
        ...customerOverYear('steady', 100, 100),
        span('wash', '2024-03-05T09:00:00Z', '2024-03-05T17:00:00Z', 40),
      ],
    };
    expect(ledger(data, BAREMETRICS, '2024-03-01', '2024-04-01')).toEqual([]);
    expect(ledger(data, under({}), '2024-03-01', '2024-04-01')).toEqual([
      '2024-03-05 NEW 40',
      '2024-03-05 CHURN 40',
    ]);
  });
});

describe('Stripe', () => {
  const coupon = (duration: 'forever' | 'repeating') => ({
    events: events([
      {
        customer: 'c',
        subscription: 's',
        effective_at: '2024-01-01',
        unit_amount: '100',
        status: 'active',
        discounts: [
          duration === 'forever'
            ? { percent_off: 50, duration: 'forever' }
            : { percent_off: 50, duration: 'repeating', start: '2024-01-01', end: '2024-04-01' },
        ],
      },
    ]),
  });

  it('halves MRR with a 50% forever coupon', () => {
    expect(ledger(coupon('forever'), STRIPE, '2024-01-01', '2025-01-01')).toEqual(['2024-01-01 NEW 50']);
  });

  it('leaves MRR unaffected by a finite (repeating) coupon; other presets count it while it applies', () => {
    expect(ledger(coupon('repeating'), STRIPE, '2024-01-01', '2025-01-01')).toEqual(['2024-01-01 NEW 100']);
    expect(ledger(coupon('repeating'), CHARTMOGUL, '2024-01-01', '2025-01-01')).toEqual([
      '2024-01-01 NEW 50',
      '2024-04-01 EXPANSION 50',
    ]);
  });

  it("sums the glossary's MRR: 100 subscribers at 100 USD a month and 50 at 600 USD a year make 12,500 USD", () => {
    // Stripe's page prints "(800 USD/12)" in the formula; its total, 12,500, is the one for 600 a year.
    const subscribers = [
      ...Array.from({ length: 100 }, (_, i) => ({
        customer: `a${i}`,
        subscription: `a${i}`,
        unit_amount: '100',
      })),
      ...Array.from({ length: 50 }, (_, i) => ({
        customer: `b${i}`,
        subscription: `b${i}`,
        unit_amount: '600',
        interval: 'year',
      })),
    ].map((fields) => ({ effective_at: '2024-01-01', status: 'active', ...fields }));
    const january = report({ events: events(subscribers) }, STRIPE, '2024-01-01', '2024-02-01');
    expect(formatMoneyUnits(january.endingMrr)).toBe('12500');
    expect(january.customers.new).toBe(150);
  });

  it('counts past-due subscriptions in MRR', () => {
    const data = {
      events: events([
        {
          customer: 'c',
          subscription: 's',
          effective_at: '2024-01-01',
          unit_amount: '100',
          status: 'active',
        },
        {
          customer: 'c',
          subscription: 's',
          effective_at: '2024-02-01',
          unit_amount: '100',
          status: 'past_due',
        },
      ]),
    };
    expect(report(data, STRIPE, '2024-03-01', '2024-04-01').endingMrr).toBe(unitsFromNumber(100));
  });
});

describe('dbt MRR playbook', () => {
  // Monthly periods with an exclusive end date: revenue in January and February, none in March.
  const data = { spans: [span('c1', '2018-01-01', '2018-03-01', 10), span('c1', '2018-05-01', null, 25)] };

  it('labels a subscription starting on the 1st new in its month and churns it in the first month without revenue', () => {
    expect(month(data, DBT, '2018-01')).toEqual(['c1 NEW 10']);
    expect(month(data, DBT, '2018-02')).toEqual([]);
    expect(month(data, DBT, '2018-03')).toEqual(['c1 CHURN 10']);
    expect(month(data, DBT, '2018-04')).toEqual([]);
    expect(month(data, DBT, '2018-05')).toEqual(['c1 REACTIVATION 25']);
  });
});
