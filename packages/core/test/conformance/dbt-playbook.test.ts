import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  addMonths,
  buildTimeline,
  computeMovements,
  computeRetentionSeries,
  formatMoneyUnits,
  importSubscriptionPeriods,
  type MovementKind,
  PRESET_DEFINITIONS,
  parseCsv,
  periodRowsToSpans,
  queryOptionsOf,
  timelineUnder,
  toIsoDate,
} from '../../src/index.ts';
import { day } from '../support/spans.ts';

const folder = resolve(import.meta.dirname, '../../../../../shared/datasets/dbt-mrr-playbook');
const read = (name: string) => readFileSync(resolve(folder, name), 'utf8');

/** The CSV as objects keyed by header. */
function table(name: string): Record<string, string>[] {
  const records: string[][] = [];
  for (const record of parseCsv(read(name))) {
    if (!record.ok) throw new Error(record.error.message);
    records.push([...record.row.fields]);
  }
  const [header, ...rows] = records;
  return rows.map((fields) => Object.fromEntries((header ?? []).map((name, i) => [name, fields[i] ?? ''])));
}

/** "-40" → "40", "0" → "0": the playbook signs contraction and churn negative; the bridge does not. */
const magnitude = (text: string | undefined) => (text ?? '').replace(/^-/, '');

const { rows } = await importSubscriptionPeriods(read('subscription_periods.csv'));
const spans = periodRowsToSpans(rows);
const dbt = PRESET_DEFINITIONS.DBT_PLAYBOOK;
// The same figures with the engine's defaults and under the DBT_PLAYBOOK preset.
const setups = [
  { name: 'engine defaults', timeline: buildTimeline(spans), options: {} },
  { name: 'DBT_PLAYBOOK preset', timeline: timelineUnder({ spans }, dbt), options: queryOptionsOf(dbt) },
];
const first = day('2018-01-01');
const end = day('2020-03-01');

describe.each(setups)('dbt MRR playbook ($name)', ({ timeline, options }) => {
  const expected = table('expected_mrr_by_month.derived.csv');
  const series = computeRetentionSeries(timeline, { ...options, from: first, to: end, granularity: 'MONTH' });

  it('imports all 121 subscription periods', () => {
    expect(rows).toHaveLength(121);
    expect(expected).toHaveLength(26);
    expect(series).toHaveLength(26);
  });

  it.each(expected.map((row, index) => [row.date_month, row, index] as const))(
    '%s: the monthly bridge and customer counts equal the playbook',
    (_month, row, index) => {
      const report = series[index];
      expect(report && toIsoDate(report.from)).toBe(row.date_month);
      expect({
        startingMrr: formatMoneyUnits(report?.startingMrr ?? -1),
        newBusiness: formatMoneyUnits(report?.newBusiness ?? -1),
        reactivation: formatMoneyUnits(report?.reactivation ?? -1),
        expansion: formatMoneyUnits(report?.expansion ?? -1),
        contraction: formatMoneyUnits(report?.contraction ?? -1),
        churn: formatMoneyUnits(report?.churn ?? -1),
        endingMrr: formatMoneyUnits(report?.endingMrr ?? -1),
        ending: report?.customers.ending,
        new: report?.customers.new,
        reactivated: report?.customers.reactivated,
        expanded: report?.customers.expanded,
        contracted: report?.customers.contracted,
        churned: report?.customers.churned,
      }).toEqual({
        startingMrr: row.starting_mrr,
        newBusiness: row.new_mrr,
        reactivation: row.reactivation_mrr,
        expansion: row.upgrade_mrr,
        contraction: magnitude(row.downgrade_mrr),
        churn: magnitude(row.churn_mrr),
        endingMrr: row.total_mrr,
        ending: Number(row.active_customers),
        new: Number(row.new_customers),
        reactivated: Number(row.reactivated_customers),
        expanded: Number(row.upgrade_customers),
        contracted: Number(row.downgrade_customers),
        churned: Number(row.churned_customers),
      });
      // The playbook's month-over-month NRR and GRR, where it derives them.
      if (row.derived_mom_nrr) expect(report?.nrr?.toFixed(6)).toBe(row.derived_mom_nrr);
      if (row.derived_mom_grr) expect(report?.grr?.toFixed(6)).toBe(row.derived_mom_grr);
    },
  );

  it('classifies every customer-month as the playbook does', () => {
    const categories: Record<MovementKind, string> = {
      NEW: 'new',
      REACTIVATION: 'reactivation',
      EXPANSION: 'upgrade',
      CONTRACTION: 'downgrade',
      CHURN: 'churn',
    };
    const actual: string[] = [];
    for (let month = first; month < end; month = addMonths(month, 1)) {
      for (const movement of computeMovements(timeline, {
        ...options,
        from: month,
        to: addMonths(month, 1),
      })) {
        const sign = movement.kind === 'CONTRACTION' || movement.kind === 'CHURN' ? '-' : '';
        actual.push(
          `${toIsoDate(month)} ${movement.customerId} ${categories[movement.kind]} ${sign}${formatMoneyUnits(movement.amount)}`,
        );
      }
    }
    const wanted = table('expected_mrr_rows.derived.csv')
      .filter((row) => row.change_category)
      .map((row) => `${row.date_month} ${row.customer_id} ${row.change_category} ${row.mrr_change}`);
    expect(wanted.length).toBeGreaterThan(100);
    expect(actual.sort()).toEqual(wanted.sort());
  });
});
