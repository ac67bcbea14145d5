import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildTimeline,
  computeCohorts,
  computeRetention,
  computeRetentionSeries,
  formatMoneyUnits,
  importInvoiceLines,
  invoiceLinesToSpans,
} from '../../src/index.ts';
import { day } from '../support/spans.ts';

const file = resolve(
  import.meta.dirname,
  '../../../../../shared/datasets/displayr-invoice-lines/q_invoice_lines.csv',
);
// The mapping of the issue: name→customer, ValidFrom→from, ValidTo→to, AUD→amount.
const mapping = { customer: 'name', from: 'ValidFrom', to: 'ValidTo', amount: 'AUD' } as const;
const { rows, errors } = await importInvoiceLines(readFileSync(file, 'utf8'), mapping, {
  defaultCurrency: 'AUD',
});
const { spans } = invoiceLinesToSpans(rows);
const timeline = buildTimeline(spans, { asOf: day('2016-07-01') });

describe('Displayr invoice lines (real data: credits, gaps, multi-year service periods)', () => {
  it('load with the mapping and no errors', () => {
    expect(errors).toEqual([]);
    expect(rows).toHaveLength(3769);
    expect(timeline.currencies).toEqual(['AUD']);
  });

  it('give the MRR of an independent computation over the raw file', () => {
    // Totals from the importer's independent Python check: service periods active on each date.
    const mrrOn = (iso: string) => {
      const instant = day(iso);
      return formatMoneyUnits(computeRetention(timeline, { from: instant + 1, to: instant + 2 }).startingMrr);
    };
    expect(['2010-01-01', '2012-01-01', '2014-01-01', '2016-01-01'].map(mrrOn)).toEqual([
      '22867.9157',
      '84437.4585',
      '150379.2563',
      '306921.4985',
    ]);
  });

  const series = computeRetentionSeries(timeline, {
    from: day('2007-09-01'),
    to: day('2016-07-01'),
    granularity: 'MONTH',
  });

  it('give a monthly bridge that balances and chains, every month from 2007-09 to 2016-06', () => {
    expect(series).toHaveLength(106);
    for (const [index, report] of series.entries()) {
      const flows =
        report.newBusiness + report.reactivation + report.expansion - report.contraction - report.churn;
      expect(report.startingMrr + flows).toBe(report.endingMrr);
      if (index > 0) expect(report.startingMrr).toBe(series[index - 1]?.endingMrr);
      if (report.nrr !== null) expect(report.grr).toBeLessThanOrEqual(Math.min(1, report.nrr));
    }
    expect(
      series.some((r) => r.churn > 0 && r.reactivation > 0 && r.expansion > 0 && r.contraction > 0),
    ).toBe(true);
  });

  it('give annual NRR and GRR for 2014 with the gaps between renewals counted as churn and reactivation', () => {
    const year = computeRetention(timeline, { from: day('2014-01-01'), to: day('2015-01-01') });
    expect(year.startingMrr).toBe(
      computeRetention(timeline, { from: day('2014-01-01'), to: day('2014-02-01') }).startingMrr,
    );
    expect(year.nrr).toBeGreaterThan(0.9);
    expect(year.grr).toBeLessThan(year.nrr as number);
    expect(year.customers.starting).toBeGreaterThan(100);
  });

  it('give yearly cohorts: every customer in exactly one cohort, cells null after the data ends', () => {
    const table = computeCohorts(timeline, {
      from: day('2007-01-01'),
      to: day('2017-01-01'),
      granularity: 'YEAR',
      measure: 'LOGOS',
      view: 'ABSOLUTE',
    });
    expect(table.rows.map((r) => r.label)).toEqual([
      '2007',
      '2008',
      '2009',
      '2010',
      '2011',
      '2012',
      '2013',
      '2014',
      '2015',
      '2016',
    ]);
    expect(table.rows.reduce((a, r) => a + r.size, 0)).toBe(timeline.size);
    // 2016 ends after the data (2016-07-01): immature for every cohort.
    for (const row of table.rows) expect(row.cells[2016 - Number(row.label)]).toBeNull();
    const revenue = computeCohorts(timeline, {
      from: day('2007-01-01'),
      to: day('2017-01-01'),
      granularity: 'YEAR',
      measure: 'REVENUE',
      view: 'PERCENT_OF_START',
    });
    const y2012 = revenue.rows.find((r) => r.label === '2012');
    expect(y2012?.cells[0]).toBe(1);
    expect(y2012?.cells[1]).toBeGreaterThan(0);
  });
});
