/**
 * Fresh at once, incrementally (issue 15): after a change to one customer (an import, a Stripe
 * webhook delivery) a warm instance patches its timelines (here and in the engine workers) rather
 * than reading every span again, and answers exactly as a cold instance over the same database;
 * a second instance that was not told catches up the same way from the change log; a settings
 * change rebuilds; an exchange-rate change keeps the timelines and reports the new rates; a
 * pruned change log rebuilds. Over HTTP, with the engine inline and in a worker.
 */
import { randomBytes } from 'node:crypto';
import type { MrrSpan } from '@nrr/core';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patchLimit } from '../src/analytics/tenant-analytics.ts';
import { announceChange } from '../src/db/changes.ts';
import type { Db } from '../src/db/connect.ts';
import {
  changesBetween,
  KEPT_DATA_CHANGES,
  MAX_NAMED_CUSTOMERS,
  recordDataChange,
} from '../src/db/data-changes.ts';
import { resultRows, withTenant } from '../src/db/tenant-scope.ts';
import { setFxRate } from '../src/fx-rates.ts';
import { listen, type RunningServer } from '../src/server.ts';
import { updateTenantSettings } from '../src/settings.ts';
import { addStripeSecret } from '../src/stripe/secrets.ts';
import { type Api, createApi } from '../src/yoga.ts';
import { storeTestSpans } from './fixtures.ts';
import {
  DATABASE_KINDS,
  graphql,
  openTestDatabase,
  TEST_TOKEN_SECRET,
  type TestDatabase,
  tenantWithKey,
} from './harness.ts';
import { at, SUBSCRIPTION_EVENTS, stripeSignature } from './stripe-fixtures.ts';

const SECRET = 'whsec_test_fresh_0123456789abcdef';
const KEY = randomBytes(32);
const DAY = 86_400_000;
const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

/** 40 customers billed by periods (every fifth in EUR), beside the Stripe customers cus_1 and cus_2. */
const PERIOD_SPANS: readonly MrrSpan[] = Array.from({ length: 40 }, (_, index): MrrSpan[] => {
  const customerId = `p${String(index).padStart(2, '0')}`;
  const currency = index % 5 === 0 ? 'EUR' : 'USD';
  const start = day('2024-01-01') + index * DAY;
  const first: MrrSpan = {
    customerId,
    subscriptionId: `${customerId}-s`,
    start,
    end: day('2024-04-01'),
    mrr: 100 + index,
    currency,
  };
  // Every third customer churns in April, the others expand.
  if (index % 3 === 0) return [first];
  return [
    first,
    {
      customerId,
      subscriptionId: `${customerId}-s`,
      start: day('2024-04-01'),
      end: null,
      mrr: 150 + index,
      currency,
    },
  ];
}).flat();

const QUESTIONS = `{
  retention(input: { from: "2024-01-01", to: "2024-09-01" }) {
    startingMrr { amount currency } newBusiness { amount } expansion { amount } contraction { amount }
    churn { amount } reactivation { amount } endingMrr { amount } customers { starting churned new }
  }
  paused: retention(input: { from: "2024-01-01", to: "2024-09-01", definitions: { pause: ZERO } }) {
    expansion { amount } churn { amount } endingMrr { amount }
  }
  movements(input: { from: "2024-01-01", to: "2024-09-01" }, first: 200) {
    totalCount edges { node { customerId type amount { amount } } }
  }
  cus2: customer(id: "cus_2") { history { at mrr { amount } } }
  p05: customer(id: "p05") { history { at mrr { amount } } }
}`;

/** A Stripe delivery for cus_2 (sub_2): upgraded from 2 seats to `quantity` on `date`. */
function upgrade(id: string, date: string, quantity: number) {
  const [created] = SUBSCRIPTION_EVENTS.filter((event) => event.id === 'evt_t1');
  const object = structuredClone((created as (typeof SUBSCRIPTION_EVENTS)[number]).data.object) as {
    items: { data: { quantity: number }[] };
  };
  (object.items.data[0] as { quantity: number }).quantity = quantity;
  return {
    id,
    object: 'event',
    api_version: '2025-03-31.basil',
    type: 'customer.subscription.updated',
    created: at(date),
    data: { object: { ...object, status: 'active' } },
  };
}

const KINDS = DATABASE_KINDS.flatMap((kind) => [0, 1].map((workers) => [kind, workers] as const));

describe.each(KINDS)('fresh answers after a change on %s, engine workers %i', (kind, workers) => {
  let test: TestDatabase;
  let credential: string;
  const apis: Api[] = [];
  let warm: Api;
  let server: RunningServer;
  /** The same database without this process's change notices, as another process writes it. */
  let elsewhere: Db;

  const api = (options: { cacheTtlMs?: number } = {}) => {
    const built = createApi({
      db: test.database.db,
      tokenSecret: TEST_TOKEN_SECRET,
      rateLimit: false,
      workBudget: Number.POSITIVE_INFINITY,
      stripeSecretsKey: KEY,
      engineWorkers: workers,
      ...options,
    });
    apis.push(built);
    return built;
  };
  const ask = async (target: Api) => {
    const answer = await graphql(target, QUESTIONS, { credential });
    expect(answer.body.errors).toBeUndefined();
    return answer.body.data;
  };
  /** What a cold instance over the same database answers now. */
  const cold = () => ask(api());
  const counts = (target: Api) => ({
    patch: target.timelines.refreshes('patch'),
    rates: target.timelines.refreshes('rates'),
    rebuild: target.timelines.refreshes('rebuild'),
    spanReads: target.timelines.spanReads(),
    sent: target.engine?.sent ?? { sources: 0, patches: 0 },
  });
  const deliver = async (event: unknown) => {
    const body = JSON.stringify(event);
    const response = await fetch(`${server.url}/v1/webhooks/stripe/fresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': stripeSignature(body, SECRET) },
      body,
    });
    expect(response.status).toBe(200);
    return (await response.json()) as { stored: boolean; dataVersion: number };
  };

  beforeAll(async () => {
    test = await openTestDatabase(kind);
    // A handle of its own: changes made through it are not announced to the APIs of `test.database.db`.
    elsewhere = Object.create(test.database.db) as Db;
    credential = await tenantWithKey(test.database, 'fresh');
    await addStripeSecret(test.database.db, KEY, 'fresh', SECRET);
    await setFxRate(test.database.db, { tenantId: 'fresh', currency: 'EUR', rate: 1.1, from: '2023-01-01' });
    await storeTestSpans(test.database, 'fresh', PERIOD_SPANS);
    warm = api();
    server = await listen(warm, 0);
    for (const event of SUBSCRIPTION_EVENTS) await deliver(event);
  });
  afterAll(async () => {
    await server?.close();
    await Promise.all(apis.map((built) => built.close()));
    await test.dispose();
  });

  it('patches the changed customer after a Stripe delivery and answers as a cold instance', async () => {
    const before = await ask(warm);
    const start = counts(warm);
    const delivered = await deliver(upgrade('evt_t2', '2024-05-01', 5));
    expect(delivered.stored).toBe(true);
    const after = await ask(warm);
    expect(after).toEqual(await cold());
    expect(after).not.toEqual(before);
    // cus_2's seats went from 2 to 5 on 2024-05-01: 3 × $50 of expansion.
    const history = (after as { cus2: { history: { at: string; mrr: { amount: string } }[] } }).cus2.history;
    expect(history.map((point) => point.mrr.amount)).toEqual(['100', '250']);
    const end = counts(warm);
    expect(end.patch).toBe(start.patch + 1);
    expect(end.rebuild).toBe(start.rebuild);
    // Nothing read every span again: not this thread, not a worker.
    expect(end.spanReads).toBe(start.spanReads);
    if (workers > 0) {
      expect(end.sent.sources).toBe(start.sent.sources);
      expect(end.sent.patches).toBeGreaterThan(start.sent.patches);
    }
  });

  it('patches after an import of one customer’s spans', async () => {
    await ask(warm);
    const start = counts(warm);
    await storeTestSpans(test.database, 'fresh', [
      {
        customerId: 'p05',
        subscriptionId: 'p05-s',
        start: day('2024-04-01'),
        end: day('2024-06-15'),
        mrr: 155,
        currency: 'USD',
      },
      {
        customerId: 'p41',
        subscriptionId: 'p41-s',
        start: day('2024-06-01'),
        end: null,
        mrr: 80,
        currency: 'USD',
      },
    ]);
    const after = await ask(warm);
    expect(after).toEqual(await cold());
    const end = counts(warm);
    expect([end.patch - start.patch, end.rebuild - start.rebuild, end.spanReads - start.spanReads]).toEqual([
      1, 0, 0,
    ]);
  });

  it('lets a second instance that was not told catch up by patch from the change log', async () => {
    const second = api({ cacheTtlMs: 0 });
    await ask(second);
    const start = counts(second);
    // Written through another handle: neither instance hears of it but through the data version.
    await storeTestSpans({ ...test.database, db: elsewhere }, 'fresh', [
      {
        customerId: 'p07',
        subscriptionId: 'p07-s',
        start: day('2024-04-01'),
        end: day('2024-07-01'),
        mrr: 157,
        currency: 'USD',
      },
    ]);
    const after = await ask(second);
    expect(after).toEqual(await cold());
    const end = counts(second);
    expect([end.patch - start.patch, end.rebuild - start.rebuild, end.spanReads - start.spanReads]).toEqual([
      1, 0, 0,
    ]);
    // The first instance learns of it too (here at once; across processes within its cache TTL).
    announceChange(test.database.db, { kind: 'tenant', tenantId: 'fresh' });
    expect(await ask(warm)).toEqual(after);
  });

  it('keeps the timelines on an exchange-rate change and reports the new rates', async () => {
    const before = await ask(warm);
    const start = counts(warm);
    await setFxRate(test.database.db, { tenantId: 'fresh', currency: 'EUR', rate: 1.5, from: '2023-01-01' });
    const after = await ask(warm);
    expect(after).toEqual(await cold());
    const endingMrr = (answer: unknown) =>
      Number((answer as { retention: { endingMrr: { amount: string } } }).retention.endingMrr.amount);
    expect(endingMrr(after)).toBeGreaterThan(endingMrr(before));
    const end = counts(warm);
    expect([end.rates - start.rates, end.rebuild - start.rebuild, end.spanReads - start.spanReads]).toEqual([
      1, 0, 0,
    ]);
  });

  it('rebuilds after a settings change', async () => {
    await ask(warm);
    const start = counts(warm);
    await updateTenantSettings(test.database.db, 'fresh', { coalesceWindowMinutes: 120 });
    const after = await ask(warm);
    expect(after).toEqual(await cold());
    const end = counts(warm);
    expect(end.rebuild).toBe(start.rebuild + 1);
    expect(end.patch).toBe(start.patch);
    expect(end.spanReads).toBeGreaterThan(start.spanReads);
  });

  it('rebuilds when the change log no longer has the versions in between', async () => {
    await ask(warm);
    const start = counts(warm);
    const { dataVersion } = await deliver(upgrade('evt_t3', '2024-06-01', 6));
    await test.database.db.execute(
      sql`delete from data_changes where tenant_id = 'fresh' and data_version = ${dataVersion}`,
    );
    const after = await ask(warm);
    expect(after).toEqual(await cold());
    const end = counts(warm);
    expect(end.rebuild).toBe(start.rebuild + 1);
    expect(end.patch).toBe(start.patch);
  });
});

describe.each(DATABASE_KINDS)('concurrent questions after a change on %s, two engine workers', (kind) => {
  let test: TestDatabase;
  let credential: string;
  let api: Api;

  beforeAll(async () => {
    test = await openTestDatabase(kind);
    credential = await tenantWithKey(test.database, 'fresh');
    await setFxRate(test.database.db, { tenantId: 'fresh', currency: 'EUR', rate: 1.1, from: '2023-01-01' });
    await storeTestSpans(test.database, 'fresh', PERIOD_SPANS);
    api = createApi({
      db: test.database.db,
      tokenSecret: TEST_TOKEN_SECRET,
      rateLimit: false,
      workBudget: Number.POSITIVE_INFINITY,
      engineWorkers: 2,
    });
  });
  afterAll(async () => {
    await api.close();
    await test.dispose();
  });

  it('share one patch per timeline: no worker reads every span again', async () => {
    // The questions run concurrently: the default set's and `pause: ZERO`'s timelines, several
    // operations on each.
    const ask = async () => {
      const answer = await graphql(api, QUESTIONS, { credential });
      expect(answer.body.errors).toBeUndefined();
      return answer.body.data;
    };
    await ask();
    const before = api.engine?.sent ?? { sources: 0, patches: 0 };
    await storeTestSpans(test.database, 'fresh', [
      {
        customerId: 'p10',
        subscriptionId: 'p10-s',
        start: day('2024-04-01'),
        end: day('2024-05-01'),
        mrr: 160,
        currency: 'EUR',
      },
    ]);
    const after = await Promise.all([ask(), ask(), ask()]);
    const sent = api.engine?.sent ?? { sources: 0, patches: 0 };
    expect(sent.sources - before.sources).toBe(0);
    // One patch for each of the two timelines, however many questions asked for them at once.
    expect(sent.patches - before.patches).toBe(2);
    const cold = createApi({
      db: test.database.db,
      tokenSecret: TEST_TOKEN_SECRET,
      rateLimit: false,
      engineWorkers: 0,
    });
    const expected = (await graphql(cold, QUESTIONS, { credential })).body.data;
    for (const answer of after) expect(answer).toEqual(expected);
  });
});

describe.each(DATABASE_KINDS)('the change log on %s', (kind) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await openTestDatabase(kind);
    await tenantWithKey(test.database, 'logged');
    await tenantWithKey(test.database, 'other');
  });
  afterAll(() => test.dispose());

  const between = (tenantId: string, from: number, to: number) =>
    withTenant(test.database.db, tenantId, (tx) => changesBetween(tx, tenantId, from, to));

  it('records each import’s changed customers, “everything” for a first import, and is per tenant', async () => {
    const first = await storeTestSpans(test.database, 'logged', PERIOD_SPANS.slice(0, 4));
    expect(first.dataVersion).toBe(1);
    // A first import copies straight into storage without naming its customers: rebuild.
    expect(await between('logged', 0, 1)).toEqual({ complete: false });
    await storeTestSpans(test.database, 'logged', [
      {
        customerId: 'p01',
        subscriptionId: 'p01-s',
        start: day('2024-04-01'),
        end: null,
        mrr: 999,
        currency: 'USD',
      },
      {
        customerId: 'z9',
        subscriptionId: 'z9-s',
        start: day('2024-04-01'),
        end: null,
        mrr: 5,
        currency: 'USD',
      },
    ]);
    await setFxRate(test.database.db, { tenantId: 'logged', currency: 'EUR', rate: 1.2, from: '2023-01-01' });
    expect(await between('logged', 1, 2)).toEqual({ complete: true, customerIds: ['p01', 'z9'] });
    // A rates-only change names nobody: the timelines stay.
    expect(await between('logged', 2, 3)).toEqual({ complete: true, customerIds: [] });
    expect(await between('logged', 1, 3)).toEqual({ complete: true, customerIds: ['p01', 'z9'] });
    // Another tenant sees none of it (row-level security), so it would rebuild.
    expect(await between('other', 1, 3)).toEqual({ complete: false });
    await updateTenantSettings(test.database.db, 'logged', { coalesceWindowMinutes: 30 });
    expect(await between('logged', 1, 4)).toEqual({ complete: false });
  });

  it('prunes rows past the last 1,000 of a tenant and records a change to too many customers as everything', async () => {
    const many = Array.from({ length: MAX_NAMED_CUSTOMERS + 1 }, (_, k) => `c${k}`);
    await withTenant(test.database.db, 'other', async (tx) => {
      await recordDataChange(tx, 'other', 1, { customers: ['a'] });
      await recordDataChange(tx, 'other', 2, { customers: many });
      await recordDataChange(tx, 'other', 3, { customers: many.slice(0, MAX_NAMED_CUSTOMERS) });
    });
    expect(await between('other', 1, 2)).toEqual({ complete: false });
    expect(
      ((await between('other', 2, 3)) as { readonly customerIds: readonly string[] }).customerIds,
    ).toHaveLength(MAX_NAMED_CUSTOMERS);
    await withTenant(test.database.db, 'other', (tx) =>
      recordDataChange(tx, 'other', KEPT_DATA_CHANGES + 2, { customers: ['b'] }),
    );
    const versions = await withTenant(test.database.db, 'other', (tx) =>
      tx.execute(sql`select data_version from data_changes where tenant_id = 'other' order by data_version`),
    );
    expect(
      resultRows<{ data_version: number | string }>(versions).map((row) => Number(row.data_version)),
    ).toEqual([3, KEPT_DATA_CHANGES + 2]);
  });

  it('patches at most 2 % of the customers, at least 1,000', () => {
    expect([patchLimit(undefined), patchLimit(40), patchLimit(100_000), patchLimit(1_000_000)]).toEqual([
      1000, 1000, 2000, 20_000,
    ]);
  });
});
