import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventsToSpans, formatMoneyUnits, importSubscriptionEvents, parseMoney } from '../../src/index.ts';
import { mrrAt, readable } from './fixtures.ts';

const datasets = resolve(import.meta.dirname, '../../../../../shared/datasets/dbt-mrr-playbook');

function csv(name: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(resolve(datasets, name), 'utf8').trim().split(/\r?\n/);
  const columns = (header ?? '').split(',');
  return lines.map((line) =>
    Object.fromEntries(line.split(',').map((value, i) => [columns[i] ?? '', value])),
  );
}

/**
 * dbt's MRR playbook seed (121 real subscription periods) told as subscription events: each
 * period is an `active` event at its start and an `ended` event at its (exclusive) end.
 */
describe('dbt MRR playbook periods as events', () => {
  const periods = csv('subscription_periods.csv');
  const ndjson = periods
    .flatMap((period) =>
      [
        {
          id: `start_${period.subscription_id}`,
          effective_at: period.start_date,
          status: 'active',
          unit_amount: period.monthly_amount,
          interval: 'month',
        },
        { id: `end_${period.subscription_id}`, effective_at: period.end_date, status: 'ended' },
      ].map((event) =>
        JSON.stringify({
          customer: period.customer_id,
          subscription: period.subscription_id,
          currency: 'USD',
          ...event,
        }),
      ),
    )
    .reverse()
    .join('\n');

  it('reproduces every period as one span', async () => {
    const spans = eventsToSpans((await importSubscriptionEvents(ndjson)).rows);
    const expected = periods
      .map((period) => ({
        subscription: period.subscription_id ?? '',
        start: period.start_date ?? '',
        end: period.end_date ?? '',
        mrr: formatMoneyUnits(parseMoney(period.monthly_amount ?? '') ?? Number.NaN),
      }))
      .sort((a, b) => (a.subscription < b.subscription ? -1 : a.subscription > b.subscription ? 1 : 0));
    expect(spans).toHaveLength(121);
    expect(readable(spans)).toEqual(expected);
  });

  it("gives each customer the playbook's MRR in every month", async () => {
    const spans = eventsToSpans((await importSubscriptionEvents(ndjson)).rows);
    const rows = csv('expected_mrr_rows.derived.csv');
    expect(rows).toHaveLength(410);
    const mismatches = rows.filter(
      (row) =>
        mrrAt(spans, row.customer_id ?? '', row.date_month ?? '') !==
        formatMoneyUnits(parseMoney(row.mrr ?? '') ?? Number.NaN),
    );
    expect(mismatches).toEqual([]);
  });
});
