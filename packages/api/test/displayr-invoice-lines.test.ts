import { readFile } from 'node:fs/promises';
import {
  buildTimeline,
  computeCohorts,
  computeRetentionSeries,
  createExchangeRates,
  formatMoneyUnits,
  importInvoiceLines,
  invoiceLinesToSpans,
} from '@nrr/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseColumnMapping } from '../src/cli/mapping.ts';
import { fileLines } from '../src/imports/file-source.ts';
import { runImport } from '../src/imports/run-import.ts';
import type { Api } from '../src/yoga.ts';
import { DISPLAYR_INVOICE_LINES } from './datasets.ts';
import {
  DATABASE_KINDS,
  graphql,
  openTestDatabase,
  type TestDatabase,
  tenantWithKey,
  testApi,
} from './harness.ts';

const MAPPING = ['name=customer', 'ValidFrom=from', 'ValidTo=to', 'AUD=amount'];

describe.each(DATABASE_KINDS)('Displayr invoice lines imported into %s with --map', (kind) => {
  let test: TestDatabase;
  let api: Api;
  let key: string;

  beforeAll(async () => {
    test = await openTestDatabase(kind);
    api = testApi(test.database);
    key = await tenantWithKey(test.database, 'displayr', { reportingCurrency: 'AUD' });
  });
  afterAll(() => test.dispose());

  it('loads every line and stores one span per positive service period', async () => {
    const summary = await runImport(test.database.db, {
      tenantId: 'displayr',
      format: 'invoice-lines',
      source: await fileLines(DISPLAYR_INVOICE_LINES),
      sourceName: 'q_invoice_lines.csv',
      actor: 'test',
      mapping: parseColumnMapping(MAPPING),
      currency: 'AUD',
    });
    const direct = invoiceLinesToSpans(
      (
        await importInvoiceLines(
          await readFile(DISPLAYR_INVOICE_LINES, 'utf8'),
          parseColumnMapping(MAPPING),
          { defaultCurrency: 'AUD' },
        )
      ).rows,
    );
    expect(summary).toMatchObject({ status: 'SUCCEEDED', rowsRead: 3769, rowsStored: direct.spans.length });
    expect(summary.customersAffected).toBe(new Set(direct.spans.map((span) => span.customerId)).size);
  });

  it('reports the same monthly bridge and cohorts as the engine on the same file, and every bridge balances', async () => {
    const { body } = await graphql<{
      retentionSeries: {
        from: string;
        startingMrr: { amount: string; currency: string };
        newBusiness: { amount: string };
        reactivation: { amount: string };
        expansion: { amount: string };
        contraction: { amount: string };
        churn: { amount: string };
        endingMrr: { amount: string };
        nrr: number | null;
      }[];
      cohorts: { rows: { label: string; size: number; cells: (number | null)[] }[] };
    }>(
      api,
      `{ retentionSeries(input: { from: "2008-01-01", to: "2016-07-01", granularity: MONTH }) {
          from startingMrr { amount currency } newBusiness { amount } reactivation { amount } expansion { amount }
          contraction { amount } churn { amount } endingMrr { amount } nrr }
         cohorts(input: { from: "2008-01-01", to: "2016-07-01", granularity: YEAR }) { rows { label size cells } } }`,
      { credential: key },
    );
    const rows = (
      await importInvoiceLines(await readFile(DISPLAYR_INVOICE_LINES, 'utf8'), parseColumnMapping(MAPPING), {
        defaultCurrency: 'AUD',
      })
    ).rows;
    const timeline = buildTimeline(invoiceLinesToSpans(rows).spans);
    const rates = createExchangeRates('AUD');
    const from = Date.UTC(2008, 0, 1);
    const to = Date.UTC(2016, 6, 1);
    const engine = computeRetentionSeries(timeline, { from, to, granularity: 'MONTH', rates });
    const series = body.data?.retentionSeries ?? [];
    expect(series).toHaveLength(102);
    expect(
      series.map((p) => [
        p.startingMrr.amount,
        p.newBusiness.amount,
        p.reactivation.amount,
        p.expansion.amount,
        p.contraction.amount,
        p.churn.amount,
        p.endingMrr.amount,
        p.nrr,
      ]),
    ).toEqual(
      engine.map((r) =>
        [r.startingMrr, r.newBusiness, r.reactivation, r.expansion, r.contraction, r.churn, r.endingMrr]
          .map(formatMoneyUnits)
          .concat([r.nrr as never]),
      ),
    );
    for (const point of series) {
      const units = (amount: { amount: string }) => Math.round(Number(amount.amount) * 10_000);
      expect(
        units(point.startingMrr) +
          units(point.newBusiness) +
          units(point.reactivation) +
          units(point.expansion) -
          units(point.contraction) -
          units(point.churn),
      ).toBe(units(point.endingMrr));
    }
    expect(series.some((point) => Number(point.churn.amount) > 0 && Number(point.expansion.amount) > 0)).toBe(
      true,
    );
    const cohorts = computeCohorts(timeline, {
      from,
      to,
      granularity: 'YEAR',
      measure: 'REVENUE',
      view: 'PERCENT_OF_START',
      rates,
    });
    expect(body.data?.cohorts.rows).toEqual(
      cohorts.rows.map((row) => ({ label: row.label, size: row.size, cells: [...row.cells] })),
    );
  });
});
