/**
 * A periods import stores the same spans and timelines whichever way it gets there: on Postgres a
 * tenant's first import takes a plain insert and builds its timelines from the file's spans alone
 * (while the database inserts), a later import merges the file's spans with the stored spans it
 * did not write, and the read-back rebuild (migrations, events) builds from the stored spans. One
 * large import, the same rows in overlapping pieces, and the same rows after unrelated data must
 * all leave identical spans, timelines and figures; a bad row still stores nothing.
 */
import { importSubscriptionPeriods, periodRowsToSpans } from '@nrr/core';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerTimelines, mrrSpans } from '../src/db/schema.ts';
import { withTenant } from '../src/db/tenant-scope.ts';
import { ImportFailed, runImport } from '../src/imports/run-import.ts';
import { rebuildTimelines, SpanWriter } from '../src/imports/store-spans.ts';
import { ensureTenant } from '../src/tenants.ts';
import {
  DATABASE_KINDS,
  graphql,
  openTestDatabase,
  type TestDatabase,
  tenantWithKey,
  testApi,
} from './harness.ts';

const HEADER = 'subscription_id,customer_id,start_date,end_date,monthly_amount,plan,région';

/**
 * 600 customers, 1–3 subscriptions each, 1–4 consecutive periods per subscription, some open,
 * some with amounts of four decimals; two subscriptions of a customer may start the same day with
 * different plans (their attributes merge in one fixed order).
 */
function periodRows(): string[] {
  const rows: string[] = [];
  const plans = ['Starter', 'Growth', 'Pro'];
  for (let customer = 0; customer < 600; customer++) {
    for (let sub = 0; sub <= customer % 3; sub++) {
      let month = (customer * 7 + sub * 3) % 18;
      const periods = 1 + ((customer + sub) % 4);
      for (let period = 0; period < periods; period++) {
        const start = date(month);
        month += 1 + ((customer + period) % 5);
        const open = period === periods - 1 && (customer + sub) % 4 === 0;
        const amount = `${10 + ((customer * 13 + sub * 5 + period * 11) % 300)}${customer % 10 === 0 ? '.1234' : ''}`;
        const plan = plans[(customer + sub + period) % 3];
        const region = customer % 5 === 0 ? '' : `R${customer % 4}`;
        rows.push(
          `s${customer}_${sub},c${customer},${start},${open ? '' : date(month)},${amount},${plan},${region}`,
        );
      }
    }
  }
  return rows;
}

function date(month: number): string {
  return `${2022 + Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}-01`;
}

const FIGURES = `{
  retention(input: { from: "2022-03-01", to: "2024-01-01" }) {
    startingMrr { amount } expansion { amount } contraction { amount } churn { amount } endingMrr { amount } nrr grr }
  customers(first: 50) { edges { node { id mrr(at: "2023-01-01") { amount } } } } }`;

describe.each(DATABASE_KINDS)('periods import paths on %s', (kind) => {
  let test: TestDatabase;
  const rows = periodRows();
  const file = [HEADER, ...rows].join('\n');
  const keys: Record<string, string> = {};

  const importText = (tenantId: string, text: string) =>
    runImport(test.database.db, {
      tenantId,
      format: 'periods',
      source: text,
      sourceName: 't',
      actor: 'test',
    });
  const importLines = (tenantId: string, lines: string[]) =>
    runImport(test.database.db, {
      tenantId,
      format: 'periods',
      source: (async function* () {
        yield* lines;
      })(),
      sourceName: 't',
      actor: 'test',
    });

  /** The tenant's spans and timelines of the file's customers, as stored. */
  async function stored(tenantId: string) {
    const spans = await test.database.db
      .select({
        customer: mrrSpans.customerId,
        subscription: mrrSpans.subscriptionId,
        start: mrrSpans.startAt,
        end: mrrSpans.endAt,
        mrr: mrrSpans.mrr,
        currency: mrrSpans.currency,
        attributes: mrrSpans.attributes,
      })
      .from(mrrSpans)
      .where(sql`${mrrSpans.tenantId} = ${tenantId} and ${mrrSpans.customerId} like 'c%'`)
      .orderBy(mrrSpans.customerId, mrrSpans.subscriptionId, mrrSpans.startAt);
    const timelines = await test.database.db
      .select({
        customer: customerTimelines.customerId,
        entities: customerTimelines.entities,
        attributes: customerTimelines.attributes,
      })
      .from(customerTimelines)
      .where(sql`${customerTimelines.tenantId} = ${tenantId} and ${customerTimelines.customerId} like 'c%'`)
      .orderBy(customerTimelines.customerId);
    return { spans, timelines };
  }

  beforeAll(async () => {
    test = await openTestDatabase(kind);
    for (const tenant of ['whole', 'pieces', 'prior', 'streamed'])
      keys[tenant] = await tenantWithKey(test.database, tenant);
  });
  afterAll(() => test.dispose());

  it('one import, overlapping pieces and an import after unrelated data store the same spans and timelines', async () => {
    const whole = await importText('whole', file);
    expect(whole).toMatchObject({ rowsRead: rows.length, rowsStored: rows.length, customersAffected: 600 });

    // Pieces that split customers' periods across imports and overlap (the overlap is unchanged),
    // the second with amounts that the third corrects back.
    const third = Math.floor(rows.length / 3);
    await importText('pieces', [HEADER, ...rows.slice(0, third + 50)].join('\n'));
    const altered = rows.slice(third, 2 * third).map((row) => row.replace(/,(\d+)(\.1234)?,/, ',999,'));
    await importText('pieces', [HEADER, ...altered].join('\n'));
    const last = await importText('pieces', [HEADER, ...rows.slice(third)].join('\n'));
    // Every row of the last piece is new or corrects an altered amount.
    expect(last).toMatchObject({ rowsStored: rows.length - third, rowsUnchanged: 0 });

    await importText('prior', [HEADER, 'x1,other,2022-01-01,,5,Starter,'].join('\n'));
    await importLines('prior', [HEADER, ...rows]);
    await importLines('streamed', [HEADER, ...rows]);

    const reference = await stored('whole');
    expect(reference.spans).toHaveLength(rows.length);
    expect(reference.timelines).toHaveLength(600);
    for (const tenant of ['pieces', 'prior', 'streamed']) expect(await stored(tenant)).toEqual(reference);

    const api = testApi(test.database);
    const figures = await graphql(api, FIGURES, { credential: keys.whole as string });
    expect(figures.body.errors).toBeUndefined();
    // (`prior` holds one more customer, so its figures differ.)
    for (const tenant of ['pieces', 'streamed']) {
      expect((await graphql(api, FIGURES, { credential: keys[tenant] as string })).body).toEqual(
        figures.body,
      );
    }
  });

  it('timelines built from the imported spans equal those rebuilt from the stored spans', async () => {
    const before = await stored('whole');
    const customers = before.timelines.map((timeline) => timeline.customer);
    await withTenant(test.database.db, 'whole', (tx) => rebuildTimelines(tx, 'whole', customers));
    expect(await stored('whole')).toEqual(before);
  });

  it('an import too large to keep its spans in memory rebuilds its timelines from the stored spans', async () => {
    await ensureTenant(test.database.db, { tenantId: 'large' });
    const spans = (await importSubscriptionPeriods([HEADER, ...rows].join('\n'))).rows;
    await withTenant(test.database.db, 'large', async (tx) => {
      const writer = new SpanWriter(tx, 'large', 'imp_large', { retainSpans: true, maxRetainedSpans: 100 });
      for (const span of periodRowsToSpans(spans)) await writer.add(span);
      await writer.flush();
      await writer.rebuildTimelines();
      expect(writer.counts).toEqual({ stored: rows.length, unchanged: 0 });
      expect(writer.affectedCustomers.size).toBe(600);
    });
    expect(await stored('large')).toEqual(await stored('whole'));
  });

  it('a bad row after thousands of good ones stores nothing, naming its line and field', async () => {
    await ensureTenant(test.database.db, { tenantId: 'refused' });
    const bad = [HEADER, ...rows, 'sX,cX,2023-02-30,,10,Starter,'];
    const error = await importLines('refused', bad).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ImportFailed);
    expect((error as ImportFailed).summary.errors[0]).toMatchObject({
      code: 'INVALID_DATE',
      line: rows.length + 2,
      field: 'start_date',
      value: '2023-02-30',
    });
    expect(await stored('refused')).toEqual({ spans: [], timelines: [] });
  });
});
