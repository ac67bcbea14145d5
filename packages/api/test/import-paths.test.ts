/**
 * A periods import stores the same spans whichever way it gets there: on Postgres a tenant's
 * first import copies its spans straight into `mrr_spans` (or, for a role that may not bypass
 * row-level security, stages them and inserts), a later import stages and upserts, PGlite writes
 * batches. One large import, the same rows in overlapping pieces, the same rows after unrelated
 * data, and a first import by a role that is not the tables' owner must all leave identical spans
 * and figures; spans that repeat an identity keep the last one and count once; a bad row still
 * stores nothing.
 */
import { randomBytes } from 'node:crypto';
import type { MrrSpan } from '@nrr/core';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/connect.ts';
import { mrrSpans, spanAttributeSets } from '../src/db/schema.ts';
import { SpanWriter } from '../src/db/spans/writer.ts';
import { resultRows, withTenant } from '../src/db/tenant-scope.ts';
import { ImportFailed, runImport, storeSpans } from '../src/imports/run-import.ts';
import { ensureTenant } from '../src/tenants.ts';
import {
  DATABASE_KINDS,
  graphql,
  openTestDatabase,
  SPAN_ATTRIBUTES_JOIN,
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
  const importChunks = (tenantId: string, lines: string[], size: number) =>
    runImport(test.database.db, {
      tenantId,
      format: 'periods',
      source: (async function* () {
        for (let i = 0; i < lines.length; i += size) yield lines.slice(i, i + size);
      })(),
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

  /** The tenant's spans of the file's customers, as stored. */
  async function stored(tenantId: string, db = test.database.db) {
    return db
      .select({
        customer: mrrSpans.customerId,
        subscription: mrrSpans.subscriptionId,
        start: mrrSpans.startAt,
        end: mrrSpans.endAt,
        mrr: mrrSpans.mrr,
        currency: mrrSpans.currency,
        attributes: spanAttributeSets.attributes,
      })
      .from(mrrSpans)
      .innerJoin(spanAttributeSets, SPAN_ATTRIBUTES_JOIN)
      .where(sql`${mrrSpans.tenantId} = ${tenantId} and ${mrrSpans.customerId} like 'c%'`)
      .orderBy(mrrSpans.customerId, mrrSpans.subscriptionId, mrrSpans.startAt);
  }

  beforeAll(async () => {
    test = await openTestDatabase(kind);
    for (const tenant of ['whole', 'pieces', 'prior', 'streamed', 'chunked', 'sorted', 'staged'])
      keys[tenant] = await tenantWithKey(test.database, tenant);
  });
  afterAll(() => test.dispose());

  it('one import, overlapping pieces and an import after unrelated data store the same spans and figures', async () => {
    const whole = await importText('whole', file);
    expect(whole).toMatchObject({
      rowsRead: rows.length,
      rowsStored: rows.length,
      rowsUnchanged: 0,
      customersAffected: 600,
    });

    // Pieces that split customers' periods across imports and overlap (the overlap is unchanged),
    // the second with amounts that the third corrects back.
    const third = Math.floor(rows.length / 3);
    const first = await importText('pieces', [HEADER, ...rows.slice(0, third + 50)].join('\n'));
    expect(first).toMatchObject({ rowsStored: third + 50, rowsUnchanged: 0 });
    const altered = rows.slice(third, 2 * third).map((row) => row.replace(/,(\d+)(\.1234)?,/, ',999,'));
    const second = await importText('pieces', [HEADER, ...altered].join('\n'));
    // The 50 rows both pieces share changed amount (stored); the rest are new.
    expect(second).toMatchObject({ rowsStored: third, rowsUnchanged: 0 });
    const last = await importText('pieces', [HEADER, ...rows.slice(third)].join('\n'));
    // Every row of the last piece is new or corrects an altered amount.
    expect(last).toMatchObject({ rowsStored: rows.length - third, rowsUnchanged: 0 });
    // The whole file again changes nothing.
    const again = await importText('pieces', file);
    expect(again).toMatchObject({ rowsStored: 0, rowsUnchanged: rows.length, customersAffected: 0 });

    await importText('prior', [HEADER, 'x1,other,2022-01-01,,5,Starter,'].join('\n'));
    await importLines('prior', [HEADER, ...rows]);
    await importLines('streamed', [HEADER, ...rows]);
    expect(await importChunks('chunked', [HEADER, ...rows], 333)).toMatchObject({
      rowsRead: rows.length,
      rowsStored: rows.length,
    });
    // Customers in ascending order (c0, c1, c10, c100, …) are counted without being named.
    const byCustomer = [...rows].sort((a, b) => {
      const [ca, cb] = [a.split(',')[1] as string, b.split(',')[1] as string];
      return ca < cb ? -1 : ca > cb ? 1 : 0;
    });
    expect(await importText('sorted', [HEADER, ...byCustomer].join('\n'))).toMatchObject({
      rowsStored: rows.length,
      customersAffected: 600,
    });

    const reference = await stored('whole');
    expect(reference).toHaveLength(rows.length);
    for (const tenant of ['pieces', 'prior', 'streamed', 'chunked', 'sorted'])
      expect(await stored(tenant)).toEqual(reference);

    const api = testApi(test.database);
    const figures = await graphql(api, FIGURES, { credential: keys.whole as string });
    expect(figures.body.errors).toBeUndefined();
    // (`prior` holds one more customer, so its figures differ.)
    for (const tenant of ['pieces', 'streamed', 'chunked', 'sorted']) {
      expect((await graphql(api, FIGURES, { credential: keys[tenant] as string })).body).toEqual(
        figures.body,
      );
    }
  });

  it('a first import staged rather than copied stores the same spans and figures', async () => {
    const spans = spansOf(rows);
    await withTenant(test.database.db, 'staged', async (tx) => {
      const writer = new SpanWriter(tx, 'staged', 'imp_staged', { uniqueIdentities: true });
      for (const span of spans) await writer.add(span);
      await writer.flush();
      expect(writer.counts).toEqual({ stored: rows.length, unchanged: 0 });
      expect(writer.affectedCustomers.size).toBe(600);
    });
    expect(await stored('staged')).toEqual(await stored('whole'));
    const api = testApi(test.database);
    expect((await graphql(api, FIGURES, { credential: keys.staged as string })).body).toEqual(
      (await graphql(api, FIGURES, { credential: keys.whole as string })).body,
    );
  });

  it('spans that repeat an identity, in a run or after other customers, keep the last and count once', async () => {
    await ensureTenant(test.database.db, { tenantId: 'repeats' });
    const spans = spansOf(rows);
    // The file again with every customer's first span repeated at the end with another amount
    // (the later one wins), and one span repeated in its own run with yet another amount.
    const firsts = new Map<string, MrrSpan>();
    for (const span of spans) if (!firsts.has(span.customerId)) firsts.set(span.customerId, span);
    const corrections = [...firsts.values()].map((span) => ({ ...span, mrr: span.mrr + 10_000 }));
    const doubled = spans.flatMap((span, index) => (index === 5 ? [{ ...span, mrr: 1 }, span] : [span]));
    const summary = await storeSpans(
      test.database.db,
      { tenantId: 'repeats', format: 'test', sourceName: 'repeats', actor: 'test' },
      function* (_tenant, onRowsRead) {
        onRowsRead(doubled.length + corrections.length);
        yield doubled;
        yield corrections;
      },
    );
    expect(summary).toMatchObject({ rowsStored: rows.length, rowsUnchanged: 0, customersAffected: 600 });
    const corrected = new Set(corrections.map((span) => `${span.subscriptionId}@${span.start}`));
    const expected = (await stored('whole')).map((row) =>
      corrected.has(`${row.subscription}@${row.start.getTime()}`)
        ? { ...row, mrr: (Number(row.mrr) + 1).toFixed(4) }
        : row,
    );
    expect(await stored('repeats')).toEqual(expected);
  });

  it('stores each distinct attribute set once per tenant, whatever the key order, and reuses it', async () => {
    const setCount = async (tenantId: string) =>
      resultRows<{ n: number }>(
        await test.database.db.execute(
          sql`select count(*)::int as n from span_attribute_sets where tenant_id = ${tenantId}`,
        ),
      )[0]?.n;
    // The file's combinations: a plan, with or without a region.
    const distinct = new Set(
      spansOf(rows).map((span) => JSON.stringify(Object.entries(span.attributes ?? {}).sort())),
    );
    expect(await setCount('whole')).toBe(distinct.size);
    // Imported again, and into the tenant of pieces: no new sets.
    expect(await setCount('pieces')).toBe(distinct.size);
    await ensureTenant(test.database.db, { tenantId: 'orders' });
    const swapped = spansOf(rows.slice(0, 40)).map((span) => ({
      ...span,
      // The same sets with their keys in the other order.
      attributes: Object.fromEntries(Object.entries(span.attributes ?? {}).reverse()),
    }));
    await withTenant(test.database.db, 'orders', async (tx) => {
      const writer = new SpanWriter(tx, 'orders', 'imp_orders');
      for (const span of spansOf(rows.slice(0, 40))) await writer.add(span);
      await writer.flush();
    });
    const before = await setCount('orders');
    await withTenant(test.database.db, 'orders', async (tx) => {
      const writer = new SpanWriter(tx, 'orders', 'imp_orders_2');
      for (const span of swapped) await writer.add(span);
      await writer.flush();
      expect(writer.counts).toEqual({ stored: 0, unchanged: 40 });
    });
    expect(await setCount('orders')).toBe(before);
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
    expect(await stored('refused')).toEqual([]);
  });

  it('a NUL character in a chunk of lines is refused naming its line, and nothing is stored', async () => {
    await ensureTenant(test.database.db, { tenantId: 'nul' });
    const lines = [HEADER, ...rows.slice(0, 500), 's1,c\u00001,2023-01-01,,10,Starter,', ...rows.slice(500)];
    const error = await importChunks('nul', lines, 64).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ImportFailed);
    expect((error as ImportFailed).summary.errors[0]).toMatchObject({
      code: 'INVALID_CSV',
      line: 502,
      field: '(line)',
      value: 's1,c\\u00001,2023-01-01,,10,Starter,',
    });
    expect(await stored('nul')).toEqual([]);
  });

  it.runIf(kind === 'postgres')(
    "a role that is not the tables' owner imports through staging, under row-level security",
    async () => {
      // A login role with only what the API needs: membership of nrr_app. Its COPY into mrr_spans
      // would be refused under row-level security, so its first import stages and inserts.
      const role = `nrr_importer_${randomBytes(3).toString('hex')}`;
      const url = new URL(process.env.DATABASE_URL as string);
      const admin = postgres(url.toString(), { max: 1, onnotice: () => {} });
      await admin.unsafe(`create role ${role} login in role nrr_app`);
      const [{ name } = { name: '' }] = await test.database.db
        .execute<{ name: string }>(sql`select current_database() as name`)
        .then((result) => [...(result as unknown as { name: string }[])]);
      url.pathname = `/${name}`;
      url.username = role;
      const restricted = await openDatabase({ kind: 'postgres', url: url.toString(), maxConnections: 2 });
      try {
        await ensureTenant(test.database.db, { tenantId: 'restricted' });
        const summary = await runImport(restricted.db, {
          tenantId: 'restricted',
          format: 'periods',
          source: file,
          sourceName: 't',
          actor: 'test',
        });
        expect(summary).toMatchObject({ rowsStored: rows.length, customersAffected: 600 });
        expect(await stored('restricted')).toEqual(await stored('whole'));
      } finally {
        await restricted.close();
        await admin.unsafe(`drop owned by ${role}`);
        await admin.unsafe(`drop role ${role}`);
        await admin.end();
      }
    },
  );
});

/** The spans of the file's rows, in file order. */
function spansOf(lines: readonly string[]): MrrSpan[] {
  return lines.map((line) => {
    const [subscription, customer, start, end, amount, plan, region] = line.split(',') as string[];
    const attributes: Record<string, string> = { plan: plan as string };
    if (region) attributes.région = region;
    const [whole = '0', fraction = ''] = (amount as string).split('.');
    return {
      customerId: customer as string,
      subscriptionId: subscription as string,
      start: Date.parse(`${start}T00:00:00Z`),
      end: end ? Date.parse(`${end}T00:00:00Z`) : null,
      mrr: Number(whole) * 10_000 + Number(fraction.padEnd(4, '0')),
      currency: 'USD',
      attributes,
    };
  });
}
