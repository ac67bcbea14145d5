import { describe, expect, it } from 'vitest';
import {
  buildTimeline,
  eventsToSpans,
  formatMoneyUnits,
  importSubscriptionEvents,
  movementLedger,
  parseInstant,
  toIsoDate,
} from '../../src/index.ts';
import { mrrAt, readable } from './fixtures.ts';

/**
 * ChartMogul's "Lifecycle of a customer" as subscription events (help.chartmogul.com, article
 * 201244842): a trial, four Gold yearly plans billed 2,000 (MRR 166.67), two Silver monthly plans
 * billed 60 added a few days later, the Silver subscription cancelled two weeks later (it runs to
 * the end of its paid month), the yearly one cancelled near the end of the year and ending with
 * the paid year, then three Gold monthly plans subscribed again.
 */
const lifecycle = [
  { id: 'evt_01', subscription: 'sub_gold_yearly', effective_at: '2024-01-03T09:00:00Z', status: 'trialing' },
  {
    id: 'evt_02',
    subscription: 'sub_gold_yearly',
    effective_at: '2024-01-10T09:00:00Z',
    status: 'active',
    unit_amount: '500',
    quantity: 4,
    interval: 'year',
  },
  {
    id: 'evt_03',
    subscription: 'sub_silver_monthly',
    effective_at: '2024-01-15T09:00:00Z',
    status: 'active',
    unit_amount: '30',
    quantity: 2,
    interval: 'month',
  },
  {
    id: 'evt_04',
    subscription: 'sub_silver_monthly',
    effective_at: '2024-02-15T09:00:00Z',
    status: 'canceled',
    canceled_at: '2024-01-29T16:20:00Z',
  },
  {
    id: 'evt_05',
    subscription: 'sub_gold_yearly',
    effective_at: '2025-01-10T09:00:00Z',
    status: 'canceled',
    canceled_at: '2024-12-01T11:00:00Z',
  },
  {
    id: 'evt_06',
    subscription: 'sub_gold_monthly',
    effective_at: '2025-03-01T10:00:00Z',
    status: 'active',
    unit_amount: '50',
    quantity: 3,
    interval: 'month',
  },
].map((event) => JSON.stringify({ customer: 'cus_syncalytics', currency: 'USD', ...event }));

describe("ChartMogul's customer lifecycle", () => {
  it('becomes these spans', async () => {
    const { rows } = await importSubscriptionEvents([...lifecycle].reverse());
    const spans = eventsToSpans(rows);
    expect(readable(spans)).toEqual([
      { subscription: 'sub_gold_monthly', start: '2025-03-01T10:00:00.000Z', end: null, mrr: '150' },
      {
        subscription: 'sub_gold_yearly',
        start: '2024-01-03T09:00:00.000Z',
        end: '2024-01-10T09:00:00.000Z',
        mrr: '0',
      },
      {
        subscription: 'sub_gold_yearly',
        start: '2024-01-10T09:00:00.000Z',
        end: '2025-01-10T09:00:00.000Z',
        mrr: '166.6667',
        canceledAt: '2024-12-01T11:00:00.000Z',
      },
      {
        subscription: 'sub_silver_monthly',
        start: '2024-01-15T09:00:00.000Z',
        end: '2024-02-15T09:00:00.000Z',
        mrr: '60',
        canceledAt: '2024-01-29T16:20:00.000Z',
      },
    ]);
    expect(spans.every((span) => span.customerId === 'cus_syncalytics' && span.currency === 'USD')).toBe(
      true,
    );
  });

  it.each([
    ['2024-01-05', '0', 'lead on trial'],
    ['2024-01-12', '166.6667', 'new business'],
    ['2024-01-20', '226.6667', 'expansion: Silver added'],
    ['2024-02-20', '166.6667', 'contraction: Silver ended with its paid month'],
    ['2025-01-09', '166.6667', 'still paid for the year after asking to cancel'],
    ['2025-02-01', '0', 'churn: the paid year is over'],
    ['2025-03-02', '150', 'reactivation: three Gold monthly'],
  ])('MRR on %s is %s (%s)', async (date, expected) => {
    const spans = eventsToSpans((await importSubscriptionEvents(lifecycle)).rows);
    expect(mrrAt(spans, 'cus_syncalytics', date)).toBe(expected);
  });
});

describe("ChartMogul's customer lifecycle through the movement engine", () => {
  async function ledger(churnDate: 'END_OF_SERVICE' | 'CANCELLATION'): Promise<string[]> {
    const spans = eventsToSpans((await importSubscriptionEvents(lifecycle)).rows);
    const timeline = buildTimeline(spans, { churnDate });
    const entries = movementLedger(timeline, {
      from: parseInstant('2024-01-01') ?? 0,
      to: parseInstant('2026-01-01') ?? 0,
    });
    return entries.map((entry) => `${toIsoDate(entry.at)} ${entry.kind} ${formatMoneyUnits(entry.amount)}`);
  }

  it('reads as new business, expansion, contraction, churn at the end of the paid year, reactivation', async () => {
    expect(await ledger('END_OF_SERVICE')).toEqual([
      '2024-01-10 NEW 166.6667',
      '2024-01-15 EXPANSION 60',
      '2024-02-15 CONTRACTION 60',
      '2025-01-10 CHURN 166.6667',
      '2025-03-01 REACTIVATION 150',
    ]);
  });

  it('dates the losses at the requests with the CANCELLATION churn date', async () => {
    expect(await ledger('CANCELLATION')).toEqual([
      '2024-01-10 NEW 166.6667',
      '2024-01-15 EXPANSION 60',
      '2024-01-29 CONTRACTION 60',
      '2024-12-01 CHURN 166.6667',
      '2025-03-01 REACTIVATION 150',
    ]);
  });
});
