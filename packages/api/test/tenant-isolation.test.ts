import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imports, mrrSpans } from '../src/db/schema.ts';
import { resultRows, withTenant } from '../src/db/tenant-scope.ts';
import type { Api } from '../src/yoga.ts';
import { ACME_SPANS, GLOBEX_SPANS, storeTestSpans } from './fixtures.ts';
import {
  DATABASE_KINDS,
  graphql,
  openTestDatabase,
  type TestDatabase,
  tenantWithKey,
  testApi,
} from './harness.ts';

const WINDOW = 'from: "2024-02-01", to: "2024-04-01"';

describe.each(DATABASE_KINDS)('tenant isolation on %s', (kind) => {
  let test: TestDatabase;
  let api: Api;
  let acme: string;
  let globex: string;

  beforeAll(async () => {
    test = await openTestDatabase(kind);
    api = testApi(test.database);
    acme = await tenantWithKey(test.database, 'acme');
    globex = await tenantWithKey(test.database, 'globex');
    await storeTestSpans(test.database, 'acme', ACME_SPANS);
    await storeTestSpans(test.database, 'globex', GLOBEX_SPANS);
  });
  afterAll(() => test.dispose());

  it('row-level security confines a transaction to its tenant even without a tenant predicate', async () => {
    const seen = await withTenant(test.database.db, 'acme', async (tx) => ({
      spans: await tx.select().from(mrrSpans),
      imports: await tx.select().from(imports),
    }));
    expect(new Set(seen.spans.map((row) => row.tenantId))).toEqual(new Set(['acme']));
    expect(seen.spans).toHaveLength(ACME_SPANS.length);
    expect(seen.spans.map((row) => row.customerId).sort()).toEqual(['a1', 'a1', 'a2', 'a3']);
    expect(new Set(seen.imports.map((row) => row.tenantId))).toEqual(new Set(['acme']));
  });

  it('retention of each tenant counts only its own customers', async () => {
    const query = `{ retention(input: { ${WINDOW} }) {
      startingMrr { amount currency } expansion { amount } churn { amount } newBusiness { amount }
      endingMrr { amount } nrr grr customers { starting churned new } } }`;
    const forAcme = await graphql(api, query, { credential: acme });
    expect(forAcme.body).toEqual({
      data: {
        retention: {
          startingMrr: { amount: '150', currency: 'USD' },
          expansion: { amount: '50' },
          churn: { amount: '50' },
          newBusiness: { amount: '30' },
          endingMrr: { amount: '180' },
          nrr: 1,
          grr: 100 / 150,
          customers: { starting: 2, churned: 1, new: 1 },
        },
      },
    });
    const forGlobex = await graphql<{
      retention: { startingMrr: { amount: string }; endingMrr: { amount: string } };
    }>(api, query, { credential: globex });
    expect(forGlobex.body.data?.retention.startingMrr.amount).toBe('10019');
    expect(forGlobex.body.data?.retention.endingMrr.amount).toBe('9999');
  });

  it('series, breakdown and cohorts see only the tenant’s customers', async () => {
    const { body } = await graphql<{
      retentionSeries: { from: string; startingMrr: { amount: string } }[];
      breakdown: { value: string; report: { startingMrr: { amount: string } } }[];
      cohorts: { rows: { label: string; size: number }[] };
    }>(
      api,
      `{ retentionSeries(input: { from: "2024-01-01", to: "2024-04-01", granularity: MONTH }) { from startingMrr { amount } }
         breakdown(input: { ${WINDOW}, by: "country" }) { value report { startingMrr { amount } } }
         cohorts(input: { from: "2024-01-01", to: "2024-04-01", measure: LOGOS }) { rows { label size } } }`,
      { credential: acme },
    );
    expect(body.data?.retentionSeries).toEqual([
      { from: '2024-01-01', startingMrr: { amount: '0' } },
      { from: '2024-02-01', startingMrr: { amount: '150' } },
      { from: '2024-03-01', startingMrr: { amount: '200' } },
    ]);
    expect(body.data?.breakdown).toEqual([
      { value: 'US', report: { startingMrr: { amount: '100' } } },
      { value: 'FR', report: { startingMrr: { amount: '50' } } },
    ]);
    expect(body.data?.cohorts.rows).toEqual([
      { label: '2024-01', size: 2 },
      { label: '2024-02', size: 0 },
      { label: '2024-03', size: 1 },
    ]);
  });

  it('movements, customers, customer and segments never show another tenant’s data', async () => {
    const { body } = await graphql<{
      movements: {
        totalCount: number;
        edges: { node: { customerId: string; type: string; amount: { amount: string } } }[];
      };
      customers: { totalCount: number; edges: { node: { id: string } }[] };
      own: { id: string; mrr: { amount: string } } | null;
      other: { id: string } | null;
      segments: string[];
    }>(
      api,
      `{ movements(input: { ${WINDOW} }) { totalCount edges { node { customerId type amount { amount } } } }
         customers { totalCount edges { node { id } } }
         own: customer(id: "a1") { id mrr(at: "2024-03-01") { amount } }
         other: customer(id: "g1") { id }
         segments(dimension: "plan") }`,
      { credential: acme },
    );
    expect(
      body.data?.movements.edges.map((e) => [e.node.customerId, e.node.type, e.node.amount.amount]),
    ).toEqual([
      ['a1', 'EXPANSION', '50'],
      ['a2', 'CHURN', '50'],
      ['a3', 'NEW', '30'],
    ]);
    expect(body.data?.customers.edges.map((e) => e.node.id)).toEqual(['a1', 'a2', 'a3']);
    expect(body.data?.own).toEqual({ id: 'a1', mrr: { amount: '150' } });
    expect(body.data?.other).toBeNull();
    expect(body.data?.segments).toEqual(['Growth', 'Starter']);
  });

  it('lists only the tenant’s own imports', async () => {
    const { body } = await graphql<{ imports: { source: string; rowsStored: number }[] }>(
      api,
      '{ imports { source rowsStored } }',
      { credential: globex },
    );
    expect(body.data?.imports).toEqual([{ source: 'fixtures', rowsStored: GLOBEX_SPANS.length }]);
  });

  it('deleting a tenant deletes its spans (a trigger: spans carry no foreign key) and no other tenant’s', async () => {
    await tenantWithKey(test.database, 'doomed');
    await storeTestSpans(test.database, 'doomed', ACME_SPANS);
    const count = async (tenantId: string) =>
      resultRows<{ n: number }>(
        await test.database.db.execute(
          sql`select count(*)::int as n from mrr_spans where tenant_id = ${tenantId}`,
        ),
      )[0]?.n;
    expect(await count('doomed')).toBe(ACME_SPANS.length);
    // ACME_SPANS carry three attribute sets (US Growth, FR Starter, US Starter), stored once each.
    expect(
      resultRows<{ n: number }>(
        await test.database.db.execute(
          sql`select count(*)::int as n from span_attribute_sets where tenant_id = 'doomed'`,
        ),
      ),
    ).toEqual([{ n: 3 }]);
    await test.database.db.execute(sql`delete from tenants where tenant_id = 'doomed'`);
    expect(await count('doomed')).toBe(0);
    const sets = resultRows<{ n: number }>(
      await test.database.db.execute(
        sql`select count(*)::int as n from span_attribute_sets where tenant_id = 'doomed'`,
      ),
    );
    expect(sets).toEqual([{ n: 0 }]);
    expect(await count('acme')).toBe(ACME_SPANS.length);
  });
});
