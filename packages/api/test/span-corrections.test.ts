/**
 * A subscription period's identity is (customer, subscription, start): a refreshed export in which
 * an open period has since ended (or whose end, amount, … was corrected) replaces the stored span
 * rather than adding one beside it, and migration 0002 re-keys data stored under the old identity.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER } from '../src/db/connect.ts';
import { mrrSpans, spanAttributeSets, tenants } from '../src/db/schema.ts';
import { resultRows } from '../src/db/tenant-scope.ts';
import type { Api } from '../src/yoga.ts';
import {
  DATABASE_KINDS,
  graphql,
  openTestDatabase,
  SPAN_ATTRIBUTES_JOIN,
  type TestDatabase,
  tenantWithKey,
  testApi,
} from './harness.ts';

const HEADER = 'subscription_id,customer_id,start_date,end_date,monthly_amount,plan';
/** The first export: s1 (c1) and s2 (c2) both open since January. */
const FIRST = [HEADER, 's1,c1,2024-01-01,,100,Growth', 's2,c2,2024-01-01,,50,Starter'].join('\n');
/**
 * The refreshed export: s1's January period ended on March 1 and a 150 period follows (expansion
 * of 50 in March); s2 ended on April 1 (churn of 50 in April), its plan attribute corrected.
 */
const FINAL = [
  HEADER,
  's1,c1,2024-01-01,2024-03-01,100,Growth',
  's1,c1,2024-03-01,,150,Growth',
  's2,c2,2024-01-01,2024-04-01,50,Basic',
].join('\n');

const IMPORT = `mutation ($text: String!) {
  importData(input: { format: PERIODS, text: $text }) { status rowsRead rowsStored rowsUnchanged customersAffected }
}`;
const FIGURES = `{
  retention(input: { from: "2024-02-01", to: "2024-06-01" }) {
    startingMrr { amount } expansion { amount } contraction { amount } churn { amount }
    endingMrr { amount } nrr grr }
  customers(first: 10) { edges { node { id mrr(at: "2024-05-01") { amount } } } }
  viewer { tenant { dataVersion } } }`;

describe.each(DATABASE_KINDS)('period corrections on %s', (kind) => {
  let test: TestDatabase;
  let api: Api;
  let corrected: string;
  let single: string;

  beforeAll(async () => {
    test = await openTestDatabase(kind);
    api = testApi(test.database);
    corrected = await tenantWithKey(test.database, 'corrected');
    single = await tenantWithKey(test.database, 'single');
  });
  afterAll(() => test.dispose());

  it('replaces an open period by its ended version: figures equal a single import of the final file', async () => {
    const first = await graphql(api, IMPORT, { credential: corrected, variables: { text: FIRST } });
    expect(first.body.data?.importData).toEqual({
      status: 'SUCCEEDED',
      rowsRead: 2,
      rowsStored: 2,
      rowsUnchanged: 0,
      customersAffected: 2,
    });
    const second = await graphql(api, IMPORT, { credential: corrected, variables: { text: FINAL } });
    expect(second.body.data?.importData).toEqual({
      status: 'SUCCEEDED',
      rowsRead: 3,
      rowsStored: 3,
      rowsUnchanged: 0,
      customersAffected: 2,
    });
    await graphql(api, IMPORT, { credential: single, variables: { text: FINAL } });

    const after = await graphql<{ retention: unknown; customers: unknown }>(api, FIGURES, {
      credential: corrected,
    });
    const reference = await graphql<{ retention: unknown; customers: unknown }>(api, FIGURES, {
      credential: single,
    });
    expect(after.body.data?.retention).toEqual({
      startingMrr: { amount: '150' },
      expansion: { amount: '50' },
      contraction: { amount: '0' },
      churn: { amount: '50' },
      endingMrr: { amount: '150' },
      nrr: 1,
      grr: 2 / 3,
    });
    expect(after.body.data?.retention).toEqual(reference.body.data?.retention);
    expect(after.body.data?.customers).toEqual(reference.body.data?.customers);
    const spans = await test.database.db
      .select({
        subscription: mrrSpans.subscriptionId,
        end: mrrSpans.endAt,
        attributes: spanAttributeSets.attributes,
      })
      .from(mrrSpans)
      .innerJoin(spanAttributeSets, SPAN_ATTRIBUTES_JOIN)
      .where(sql`${mrrSpans.tenantId} = 'corrected'`)
      .orderBy(mrrSpans.subscriptionId, mrrSpans.startAt);
    expect(spans).toEqual([
      { subscription: 's1', end: new Date('2024-03-01T00:00:00Z'), attributes: { plan: 'Growth' } },
      { subscription: 's1', end: null, attributes: { plan: 'Growth' } },
      { subscription: 's2', end: new Date('2024-04-01T00:00:00Z'), attributes: { plan: 'Basic' } },
    ]);
  });

  it('stores nothing and keeps the data version when the same file comes again', async () => {
    const before = await graphql<{ viewer: { tenant: { dataVersion: number } } }>(api, FIGURES, {
      credential: corrected,
    });
    const again = await graphql(api, IMPORT, { credential: corrected, variables: { text: FINAL } });
    expect(again.body.data?.importData).toEqual({
      status: 'SUCCEEDED',
      rowsRead: 3,
      rowsStored: 0,
      rowsUnchanged: 3,
      customersAffected: 0,
    });
    const after = await graphql<{ viewer: { tenant: { dataVersion: number } } }>(api, FIGURES, {
      credential: corrected,
    });
    expect(after.body.data?.viewer.tenant.dataVersion).toBe(before.body.data?.viewer.tenant.dataVersion);
  });

  it('treats an amount written with other trailing zeros as unchanged, a corrected amount as a change', async () => {
    const zeros = FINAL.replace('s1,c1,2024-03-01,,150,', 's1,c1,2024-03-01,,150.0000,');
    const same = await graphql(api, IMPORT, { credential: corrected, variables: { text: zeros } });
    expect(same.body.data?.importData).toMatchObject({ rowsStored: 0, rowsUnchanged: 3 });
    const fixed = FINAL.replace('s1,c1,2024-03-01,,150,', 's1,c1,2024-03-01,,140,');
    const changed = await graphql(api, IMPORT, { credential: corrected, variables: { text: fixed } });
    expect(changed.body.data?.importData).toMatchObject({
      rowsStored: 1,
      rowsUnchanged: 2,
      customersAffected: 1,
    });
    const { body } = await graphql<{ retention: { expansion: { amount: string } } }>(api, FIGURES, {
      credential: corrected,
    });
    expect(body.data?.retention.expansion).toEqual({ amount: '40' });
  });
});

describe.each(DATABASE_KINDS)('large period imports on %s', (kind) => {
  let test: TestDatabase;
  let api: Api;
  let key: string;
  beforeAll(async () => {
    test = await openTestDatabase(kind);
    api = testApi(test.database);
    key = await tenantWithKey(test.database, 'bulk');
  });
  afterAll(() => test.dispose());

  /** `count` customers, each with one period of `amount` (Postgres streams them with COPY). */
  const periods = (count: number, amount: string) =>
    [
      HEADER,
      ...Array.from({ length: count }, (_, i) => `s${i},c${i},2024-01-01,,${amount},"Plan\t""${i}"""`),
    ].join('\n');

  it('stores nothing when a bad row follows thousands of good ones, and imports afterwards', async () => {
    const bad = `${periods(6000, '10')}\ns_bad,c_bad,2024-02-30,,10,Plan`;
    const failed = await graphql(api, IMPORT, { credential: key, variables: { text: bad } });
    expect(failed.body.errors?.[0]?.extensions?.rowErrors).toEqual([
      expect.objectContaining({ line: 6002, code: 'INVALID_DATE' }),
    ]);
    expect(await test.database.db.select().from(mrrSpans)).toEqual([]);
    const good = await graphql(api, IMPORT, { credential: key, variables: { text: periods(6000, '10') } });
    expect(good.body.data?.importData).toEqual({
      status: 'SUCCEEDED',
      rowsRead: 6000,
      rowsStored: 6000,
      rowsUnchanged: 0,
      customersAffected: 6000,
    });
    const changed = await graphql(api, IMPORT, {
      credential: key,
      variables: { text: periods(6000, '12.5') },
    });
    expect(changed.body.data?.importData).toMatchObject({ rowsStored: 6000, customersAffected: 6000 });
    const { body } = await graphql<{ retention: { startingMrr: { amount: string } }; customer: unknown }>(
      api,
      `{ retention(input: { from: "2024-02-01", to: "2024-03-01" }) { startingMrr { amount } }
         customer(id: "c5999") { attributes { name value } } }`,
      { credential: key },
    );
    expect(body.data?.retention.startingMrr).toEqual({ amount: '75000' });
    expect(body.data?.customer).toEqual({ attributes: [{ name: 'plan', value: 'Plan\t"5999"' }] });
  });
});

describe.each(DATABASE_KINDS)('migration 0002 (span identity) on %s', (kind) => {
  let test: TestDatabase;
  let folder: string;

  beforeAll(async () => {
    // A database at migration 0001 (spans keyed by a hash of customer, subscription, start, end).
    folder = mkdtempSync(join(tmpdir(), 'nrr-migrations-'));
    cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
    const journalPath = join(folder, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { idx: number }[] };
    journal.entries = journal.entries.filter((entry) => entry.idx < 2);
    writeFileSync(journalPath, JSON.stringify(journal));
    test = await openTestDatabase(kind, { migrate: false });
    const { db } = test.database;
    if (kind === 'pglite') await migratePglite(db as never, { migrationsFolder: folder });
    else await migratePostgres(db as never, { migrationsFolder: folder });
  });
  afterAll(async () => {
    await test.dispose();
    rmSync(folder, { recursive: true, force: true });
  });

  it('keeps the latest import of each period and bumps the data version; later migrations drop the stored timelines', async () => {
    const { db } = test.database;
    await db.execute(
      sql`insert into tenants (tenant_id, name, reporting_currency) values ('old', 'Old', 'USD')`,
    );
    await db.execute(sql`insert into imports (tenant_id, import_id, format, source, actor, status, started_at,
        finished_at, rows_read, rows_stored, rows_unchanged, customers_affected, error_count) values
      ('old', 'imp_1', 'periods', 'a.csv', 'test', 'SUCCEEDED', '2024-05-01', '2024-05-01', 1, 1, 0, 1, 0),
      ('old', 'imp_2', 'periods', 'b.csv', 'test', 'SUCCEEDED', '2024-06-01', '2024-06-01', 2, 2, 0, 1, 0)`);
    // The double count: the open period from imp_1 beside its ended version from imp_2.
    await db.execute(sql`insert into mrr_spans (tenant_id, source_key, customer_id, subscription_id, start_at,
        end_at, mrr, currency, attributes, content_hash, import_id) values
      ('old', 'k1', 'c1', 's1', '2024-01-01', null, 100, 'USD', '{}', 'h1', 'imp_1'),
      ('old', 'k2', 'c1', 's1', '2024-01-01', '2024-03-01', 100, 'USD', '{}', 'h2', 'imp_2'),
      ('old', 'k3', 'c1', 's1', '2024-03-01', null, 150, 'USD', '{}', 'h3', 'imp_2'),
      ('old', 'k4', 'c2', 's2', '2024-01-01', null, 70, 'USD', '{"plan": "Pro", "country": "FR"}', 'h4', 'imp_1')`);
    await db.execute(sql`insert into customer_timelines (tenant_id, customer_id, entities) values
      ('old', 'c1', '"stale"'), ('old', 'c2', '"untouched"')`);

    await test.database.migrate();

    const spans = await db
      .select({
        customer: mrrSpans.customerId,
        start: mrrSpans.startAt,
        end: mrrSpans.endAt,
        mrr: mrrSpans.mrr,
      })
      .from(mrrSpans)
      .orderBy(mrrSpans.customerId, mrrSpans.startAt);
    expect(spans).toEqual([
      {
        customer: 'c1',
        start: new Date('2024-01-01T00:00:00Z'),
        end: new Date('2024-03-01T00:00:00Z'),
        mrr: '100.0000',
      },
      { customer: 'c1', start: new Date('2024-03-01T00:00:00Z'), end: null, mrr: '150.0000' },
      { customer: 'c2', start: new Date('2024-01-01T00:00:00Z'), end: null, mrr: '70.0000' },
    ]);
    expect(await db.select({ version: tenants.dataVersion }).from(tenants)).toEqual([{ version: 1 }]);
    // Migration 0005: spans are the only stored form; nothing is left to rebuild.
    const gone = resultRows<{ timelines: string | null; rebuilds: string | null }>(
      await db.execute(
        sql`select to_regclass('customer_timelines')::text as timelines, to_regclass('timeline_rebuilds')::text as rebuilds`,
      ),
    );
    expect(gone).toEqual([{ timelines: null, rebuilds: null }]);
    // Migration 0006: each distinct attribute set stored once, spans referring to it.
    const attributes = resultRows<{ customer: string; attributes: Record<string, string> | string }>(
      await db.execute(sql`select s.customer_id as customer, a.attributes from mrr_spans s
        join span_attribute_sets a on a.tenant_id = s.tenant_id and a.set_id = s.attributes_id
        order by s.customer_id, s.start_at`),
    ).map((row) => ({
      customer: row.customer,
      attributes: typeof row.attributes === 'string' ? JSON.parse(row.attributes) : row.attributes,
    }));
    expect(attributes).toEqual([
      { customer: 'c1', attributes: {} },
      { customer: 'c1', attributes: {} },
      { customer: 'c2', attributes: { plan: 'Pro', country: 'FR' } },
    ]);
    expect(
      resultRows<{ n: number }>(await db.execute(sql`select count(*)::int as n from span_attribute_sets`)),
    ).toEqual([{ n: 2 }]);
  });
});
