/**
 * Stripe webhooks in (issue 15), over HTTP on a listening server, with requests signed by Stripe's
 * own library: a subscription's life delivered out of order ends in the same spans and figures as
 * the same events imported as a file; redeliveries change nothing; bad signatures, stale
 * timestamps and oversized bodies are refused and store nothing; an unknown tenant answers as a
 * wrong signature; a tenant's URL never touches another tenant; the receiver answers while the
 * tenant is queried (its latency is printed, not asserted).
 */
import { randomBytes } from 'node:crypto';
import { generatedPeriodToSpan, generatePeriods } from '@nrr/core';
import { asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mrrSpans, spanAttributeSets, tenants } from '../src/db/schema.ts';
import { resultRows, withTenant } from '../src/db/tenant-scope.ts';
import { runImport } from '../src/imports/run-import.ts';
import { waitingDeliveries } from '../src/imports/stripe-deliveries.ts';
import { oneImportAtATime } from '../src/imports/tenant-queue.ts';
import { listen, type RunningServer } from '../src/server.ts';
import {
  addStripeSecret,
  removeStripeSecret,
  STRIPE_SECRETS_CACHE_TTL_MS,
  secretFingerprint,
  stripeSecretsOf,
} from '../src/stripe/secrets.ts';
import { type Api, createApi } from '../src/yoga.ts';
import { storeTestSpans } from './fixtures.ts';
import {
  DATABASE_KINDS,
  graphql,
  openTestDatabase,
  SPAN_ATTRIBUTES_JOIN,
  TEST_TOKEN_SECRET,
  type TestDatabase,
  tenantWithKey,
} from './harness.ts';
import {
  CUSTOMER_DELETION,
  CUSTOMER_EVENTS,
  copiedLives,
  IGNORED_EVENT,
  rotatedSignature,
  SUBSCRIPTION_EVENTS,
  stripeSignature,
} from './stripe-fixtures.ts';

const SECRET = 'whsec_test_hooked_0123456789abcdef';
const OTHER_SECRET = 'whsec_test_other_0123456789abcdef';
const KEY = randomBytes(32);

const FIGURES = `{
  retention(input: { from: "2024-01-01", to: "2024-09-01" }) {
    startingMrr { amount currency } newBusiness { amount } expansion { amount } contraction { amount }
    churn { amount } reactivation { amount } endingMrr { amount } customers { starting churned new }
  }
  retentionSeries(input: { from: "2024-01-01", to: "2024-09-01", granularity: MONTH }) { from endingMrr { amount } }
}`;

/** Same seeded shuffle every run: a delivery order unlike the order of events. */
function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  let seed = 7;
  for (let index = copy.length - 1; index > 0; index -= 1) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const other = seed % (index + 1);
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}

describe.each(DATABASE_KINDS)('Stripe webhooks on %s', (kind) => {
  let test: TestDatabase;
  let api: Api;
  let server: RunningServer;
  const keys = {
    hooked: '',
    filed: '',
    other: '',
    unconnected: '',
    busy: '',
    burst: '',
    burstfile: '',
    batched: '',
    deleting: '',
    rotating: '',
  };

  /** Posts `body` to a tenant's webhook URL with the given `Stripe-Signature` (none if `null`). */
  async function deliver(tenantId: string, body: string, signature: string | null) {
    const started = performance.now();
    const response = await fetch(`${server.url}/v1/webhooks/stripe/${tenantId}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(signature === null ? {} : { 'stripe-signature': signature }),
      },
      body,
    });
    const json = (await response.json()) as Record<string, unknown> & {
      error?: { code: string; message: string };
    };
    return { status: response.status, body: json, ms: performance.now() - started };
  }
  const signed = (tenantId: string, event: unknown, secret = SECRET) => {
    const body = JSON.stringify(event);
    return deliver(tenantId, body, stripeSignature(body, secret));
  };

  async function storedSpans(tenantId: string) {
    const rows = await test.database.db
      .select({
        customerId: mrrSpans.customerId,
        subscriptionId: mrrSpans.subscriptionId,
        startAt: mrrSpans.startAt,
        endAt: mrrSpans.endAt,
        mrr: mrrSpans.mrr,
        currency: mrrSpans.currency,
        canceledAt: mrrSpans.canceledAt,
        attributes: spanAttributeSets.attributes,
      })
      .from(mrrSpans)
      .innerJoin(spanAttributeSets, SPAN_ATTRIBUTES_JOIN)
      .where(eq(mrrSpans.tenantId, tenantId))
      .orderBy(asc(mrrSpans.customerId), asc(mrrSpans.subscriptionId), asc(mrrSpans.startAt));
    return rows.map((row) => ({
      ...row,
      startAt: row.startAt.toISOString().slice(0, 10),
      endAt: row.endAt?.toISOString().slice(0, 10) ?? null,
      canceledAt: row.canceledAt?.toISOString().slice(0, 10) ?? null,
    }));
  }
  const count = async (table: string, tenantId: string) =>
    resultRows<{ n: number }>(
      await test.database.db.execute(
        sql`select count(*)::int as n from ${sql.raw(table)} where tenant_id = ${tenantId}`,
      ),
    )[0]?.n;
  const dataVersion = async (tenantId: string) =>
    (
      await test.database.db
        .select({ v: tenants.dataVersion })
        .from(tenants)
        .where(eq(tenants.tenantId, tenantId))
    )[0]?.v;

  beforeAll(async () => {
    test = await openTestDatabase(kind);
    api = createApi({
      db: test.database.db,
      tokenSecret: TEST_TOKEN_SECRET,
      rateLimit: false,
      stripeSecretsKey: KEY,
      cacheTtlMs: 0,
    });
    server = await listen(api, 0);
    for (const tenantId of Object.keys(keys) as (keyof typeof keys)[]) {
      keys[tenantId] = await tenantWithKey(test.database, tenantId);
    }
    await addStripeSecret(test.database.db, KEY, 'hooked', SECRET);
    await addStripeSecret(test.database.db, KEY, 'other', OTHER_SECRET);
    for (const tenantId of ['busy', 'burst', 'batched', 'deleting', 'rotating']) {
      await addStripeSecret(test.database.db, KEY, tenantId, SECRET);
    }
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await api?.close();
    await test?.dispose();
  });

  it('a subscription’s life delivered out of order ends in the spans and figures of the same events imported as a file', async () => {
    // Delivered in shuffled order, the ignored event among them; cus_1's update before its creation.
    const deliveries = shuffled([...SUBSCRIPTION_EVENTS, ...CUSTOMER_EVENTS, IGNORED_EVENT]);
    for (const event of deliveries) {
      const { status, body } = await signed('hooked', event);
      expect({ id: event.id, status, stored: body.stored }).toEqual({
        id: event.id,
        status: 200,
        stored: event.type !== 'invoice.paid',
      });
    }
    const imported = await runImport(test.database.db, {
      tenantId: 'filed',
      format: 'events',
      source: SUBSCRIPTION_EVENTS.map((event) => JSON.stringify(event)).join('\n'),
      sourceName: 'life.ndjson',
      actor: 'test',
    });
    expect(imported.status).toBe('SUCCEEDED');

    const hooked = await storedSpans('hooked');
    const filed = await storedSpans('filed');
    // The file knows no customer events: the same spans, less the customers' own attributes.
    expect(
      hooked.map(({ attributes: { country, tier, ...rest }, ...span }) => ({ ...span, attributes: rest })),
    ).toEqual(filed);
    const cus1 = (plan: string) => ({ billing_interval: 'month', plan, country: 'DE', tier: 'gold' });
    const span = (customerId: string, startAt: string, endAt: string | null, mrr: string, plan: string) => ({
      customerId,
      subscriptionId: customerId === 'cus_1' ? 'sub_1' : 'sub_2',
      startAt,
      endAt,
      mrr,
      currency: 'USD',
      canceledAt: null as string | null,
      attributes: customerId === 'cus_1' ? cus1(plan) : { billing_interval: 'month', plan, country: 'US' },
    });
    // The trial at 0, then 50, upgraded to 100, +3 seats of 20, 10% off (past_due and paused keep
    // their MRR under the default event policy), churned when it ended on 2024-08-01.
    expect(hooked).toEqual([
      span('cus_1', '2024-01-01', '2024-01-15', '0.0000', 'price_starter'),
      span('cus_1', '2024-01-15', '2024-02-01', '50.0000', 'price_starter'),
      span('cus_1', '2024-02-01', '2024-03-01', '100.0000', 'price_pro'),
      span('cus_1', '2024-03-01', '2024-04-01', '160.0000', 'price_pro'),
      { ...span('cus_1', '2024-04-01', '2024-08-01', '144.0000', 'price_pro'), canceledAt: '2024-07-20' },
      span('cus_2', '2024-01-10', null, '100.0000', 'price_starter'),
    ]);
    const fromHooks = await graphql(api, FIGURES, { credential: keys.hooked });
    const fromFile = await graphql(api, FIGURES, { credential: keys.filed });
    expect(fromHooks.body.errors).toBeUndefined();
    expect(fromHooks.body).toEqual(fromFile.body);
    const { body: byCountry } = await graphql<{
      breakdown: { value: string; report: { endingMrr: { amount: string } } }[];
    }>(
      api,
      '{ breakdown(input: { from: "2024-03-01", to: "2024-04-01", by: "country" }) { value report { endingMrr { amount } } } }',
      { credential: keys.hooked },
    );
    expect(byCountry.data?.breakdown).toEqual([
      { value: 'DE', report: { endingMrr: { amount: '160' } } },
      { value: 'US', report: { endingMrr: { amount: '100' } } },
    ]);
  });

  it('redeliveries of every event change nothing: no span, no data version, no figure', async () => {
    const before = { spans: await storedSpans('hooked'), version: await dataVersion('hooked') };
    const figures = await graphql(api, FIGURES, { credential: keys.hooked });
    for (const event of [...CUSTOMER_EVENTS, ...SUBSCRIPTION_EVENTS].reverse()) {
      const { status, body } = await signed('hooked', event);
      expect({ status, stored: body.stored, spansChanged: body.spansChanged }).toEqual({
        status: 200,
        stored: true,
        spansChanged: 0,
      });
    }
    expect({ spans: await storedSpans('hooked'), version: await dataVersion('hooked') }).toEqual(before);
    expect((await graphql(api, FIGURES, { credential: keys.hooked })).body).toEqual(figures.body);
  });

  it('refuses bad signatures, stale timestamps and oversized bodies with a code, storing nothing', async () => {
    const event = { ...SUBSCRIPTION_EVENTS[0], id: 'evt_forged' };
    const body = JSON.stringify(event);
    const now = Math.floor(Date.now() / 1000);
    const before = {
      events: await count('subscription_events', 'hooked'),
      imports: await count('imports', 'hooked'),
      version: await dataVersion('hooked'),
    };
    const cases: [string, string | null, string, string][] = [
      ['no header', null, body, 'SIGNATURE_MISSING'],
      [
        'another secret',
        stripeSignature(body, 'whsec_not_the_tenants_secret_0000'),
        body,
        'SIGNATURE_INVALID',
      ],
      [
        'a body changed after signing',
        stripeSignature(body, SECRET),
        body.replace('trialing', 'active'),
        'SIGNATURE_INVALID',
      ],
      ['no v1', `t=${now}`, body, 'SIGNATURE_INVALID'],
      ['garbage', 'not a signature', body, 'SIGNATURE_INVALID'],
      ['signed 301 s ago', stripeSignature(body, SECRET, now - 301), body, 'TIMESTAMP_OUTSIDE_TOLERANCE'],
      [
        'signed an hour ago, wrongly',
        stripeSignature(body, OTHER_SECRET, now - 3600),
        body,
        'SIGNATURE_INVALID',
      ],
    ];
    for (const [name, signature, sent, code] of cases) {
      const { status, body: answer } = await deliver('hooked', sent, signature);
      expect({ name, status, code: answer.error?.code }).toEqual({ name, status: 400, code });
      expect(answer.error?.message).toMatch(/nothing was stored/);
    }
    const large = JSON.stringify({ ...event, padding: 'x'.repeat(1_000_001) });
    const tooLarge = await deliver('hooked', large, stripeSignature(large, SECRET));
    expect({ status: tooLarge.status, code: tooLarge.body.error?.code }).toEqual({
      status: 400,
      code: 'BODY_TOO_LARGE',
    });
    // Still accepted at the edge of the tolerance.
    const edge = await deliver(
      'hooked',
      JSON.stringify(IGNORED_EVENT),
      stripeSignature(JSON.stringify(IGNORED_EVENT), SECRET, now - 290),
    );
    expect(edge.status).toBe(200);
    expect({
      events: await count('subscription_events', 'hooked'),
      imports: await count('imports', 'hooked'),
      version: await dataVersion('hooked'),
    }).toEqual(before);
  });

  it('an unknown tenant and a tenant without a secret answer exactly as a wrong signature does', async () => {
    const body = JSON.stringify(SUBSCRIPTION_EVENTS[9]);
    const signature = stripeSignature(body, SECRET);
    const answers = await Promise.all(
      ['no-such-tenant', 'unconnected', 'other', 'Not%20A%20Tenant'].map(async (tenantId) => {
        const { status, body: answer } = await deliver(tenantId, body, signature);
        return { status, body: answer };
      }),
    );
    for (const answer of answers) expect(answer).toEqual(answers[2]);
    expect(answers[2]?.status).toBe(400);
    expect(answers[2]?.body.error?.code).toBe('SIGNATURE_INVALID');
    expect(await count('subscription_events', 'unconnected')).toBe(0);
    expect(await count('subscription_events', 'other')).toBe(0);
  });

  it('an event posted to one tenant’s URL never touches another tenant', async () => {
    const event = { ...SUBSCRIPTION_EVENTS[9], id: 'evt_other_1' };
    const { status } = await signed('other', event, OTHER_SECRET);
    expect(status).toBe(200);
    expect(await count('subscription_events', 'other')).toBe(1);
    // The same event id in another tenant is another event: hooked's evt_t1 is untouched.
    const hookedEvents = resultRows<{ event_id: string }>(
      await test.database.db.execute(
        sql`select event_id from subscription_events where tenant_id = 'hooked' and event_id like 'evt_other%'`,
      ),
    );
    expect(hookedEvents).toEqual([]);
    // Row-level security: as 'other', hooked's customer events and secrets are invisible.
    const seen = await withTenant(test.database.db, 'other', async (tx) => ({
      customers: resultRows(await tx.execute(sql`select tenant_id from customer_events`)),
      secrets: resultRows<{ tenant_id: string }>(
        await tx.execute(sql`select tenant_id from stripe_endpoint_secrets`),
      ),
    }));
    expect(seen).toEqual({ customers: [], secrets: [{ tenant_id: 'other' }] });
    // The API's role may read its tenant's secrets, never write them.
    const refused = await withTenant(test.database.db, 'other', (tx) =>
      tx.execute(
        sql`insert into stripe_endpoint_secrets (tenant_id, fingerprint, secret_encrypted) values ('other', 'fp_x', 'v1.x')`,
      ),
    ).then(
      () => 'inserted',
      (error: Error & { cause?: Error }) => error.cause?.message ?? error.message,
    );
    expect(refused).toMatch(/permission denied for table stripe_endpoint_secrets/);
  });

  it('accepts a delivery signed with any of the tenant’s secrets during a rotation', async () => {
    const next = 'whsec_test_hooked_rotated_secret_99';
    const now = Math.floor(Date.now() / 1000);
    const body = JSON.stringify(IGNORED_EVENT);
    // Before the new secret is stored, a header signed only with it is refused.
    expect((await deliver('hooked', body, stripeSignature(body, next))).body.error?.code).toBe(
      'SIGNATURE_INVALID',
    );
    await addStripeSecret(test.database.db, KEY, 'hooked', next);
    for (const signature of [
      stripeSignature(body, next),
      stripeSignature(body, SECRET),
      rotatedSignature(body, [SECRET, next], now),
      rotatedSignature(body, ['whsec_stale_secret_no_longer_used_x', next], now),
    ]) {
      expect((await deliver('hooked', body, signature)).status).toBe(200);
    }
  });

  it('answers deliveries while the tenant is being queried (latency printed)', async () => {
    const spans = [
      ...generatePeriods({
        customers: 3000,
        months: 24,
        start: Date.UTC(2023, 0, 1),
        currencies: [{ code: 'USD', share: 1 }],
      }),
    ].map(generatedPeriodToSpan);
    await storeTestSpans(test.database, 'busy', spans);
    const quiet: number[] = [];
    for (const event of SUBSCRIPTION_EVENTS)
      quiet.push((await signed('busy', { ...event, id: `${event.id}_quiet` })).ms);
    let querying = true;
    let queries = 0;
    // Bounded in time, should a delivery never return.
    const deadline = Date.now() + 60_000;
    const load = (async () => {
      while (querying && Date.now() < deadline) {
        // A new question each time (another window), so that each is computed, not cached.
        const month = String((queries % 12) + 1).padStart(2, '0');
        // Over HTTP as a dashboard would ask: in-process calls answered from memory would never
        // yield to the event loop, and so would starve the server rather than load it.
        const response = await fetch(`${server.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.busy}` },
          body: JSON.stringify({
            query: `{ retention(input: { from: "2024-${month}-01", to: "2025-01-01" }) { endingMrr { amount } } }`,
          }),
        });
        const body = (await response.json()) as { errors?: unknown };
        expect(body.errors).toBeUndefined();
        queries += 1;
      }
    })();
    const latencies: number[] = [];
    try {
      for (const [index, event] of SUBSCRIPTION_EVENTS.entries()) {
        const { status, ms } = await signed('busy', { ...event, id: `${event.id}_busy` });
        expect({ index, status }).toEqual({ index, status: 200 });
        latencies.push(ms);
      }
    } finally {
      querying = false;
      await load;
    }
    latencies.sort((a, b) => a - b);
    quiet.sort((a, b) => a - b);
    console.log(
      `[${kind}] Stripe webhook latency while the tenant (${spans.length} spans) was queried ${queries} times: ` +
        `median ${latencies[Math.floor(latencies.length / 2)]?.toFixed(1)} ms, max ${latencies.at(-1)?.toFixed(1)} ms over ${latencies.length} deliveries ` +
        `(with no query running: median ${quiet[Math.floor(quiet.length / 2)]?.toFixed(1)} ms, max ${quiet.at(-1)?.toFixed(1)} ms)`,
    );
    expect(queries).toBeGreaterThan(0);
    const { body } = await graphql<{ customer: { id: string } | null }>(
      api,
      '{ customer(id: "cus_2") { id } }',
      { credential: keys.busy },
    );
    expect(body.data?.customer).toEqual({ id: 'cus_2' });
  }, 120_000);

  it('a concurrent burst of 50 deliveries ends in the spans and figures of the same events imported as a file', async () => {
    const events = copiedLives(5);
    expect(events).toHaveLength(50);
    const answers = await Promise.all(shuffled(events).map((event) => signed('burst', event)));
    for (const { status, body } of answers)
      expect({ status, stored: body.stored }).toEqual({ status: 200, stored: true });
    const imported = await runImport(test.database.db, {
      tenantId: 'burstfile',
      format: 'events',
      source: events.map((event) => JSON.stringify(event)).join('\n'),
      sourceName: 'lives.ndjson',
      actor: 'test',
    });
    expect(imported.status).toBe('SUCCEEDED');
    const spans = await storedSpans('burst');
    expect(spans).toHaveLength(30);
    expect(spans).toEqual(await storedSpans('burstfile'));
    const fromHooks = await graphql(api, FIGURES, { credential: keys.burst });
    expect(fromHooks.body.errors).toBeUndefined();
    expect(fromHooks.body).toEqual((await graphql(api, FIGURES, { credential: keys.burstfile })).body);
    // Each import that stored some of them says how many deliveries it stored; together, all 50.
    const byImport = new Map(answers.map(({ body }) => [body.importId, body.batched as number]));
    expect([...byImport.values()].reduce((sum, n) => sum + n, 0)).toBe(50);
    expect(await count('subscription_events', 'burst')).toBe(50);
  });

  it('deliveries arriving while the tenant imports are stored together, one import and one data version', async () => {
    const events = SUBSCRIPTION_EVENTS.slice(0, 4);
    let release: () => void = () => {};
    const held = oneImportAtATime(
      test.database.db,
      'batched',
      () => new Promise<void>((resolve) => (release = resolve)),
    );
    const answers = Promise.all(events.map((event) => signed('batched', event)));
    while (waitingDeliveries(test.database.db, 'batched') < events.length)
      await new Promise((r) => setTimeout(r, 5));
    release();
    await held;
    const bodies = (await answers).map(
      ({ status, body }) => ({ ...body, status }) as Record<string, unknown>,
    );
    expect(new Set(bodies.map((body) => body.importId)).size).toBe(1);
    expect(
      bodies.map(({ status, stored, batched, dataVersion }) => ({ status, stored, batched, dataVersion })),
    ).toEqual(events.map(() => ({ status: 200, stored: true, batched: 4, dataVersion: 1 })));
    const [record] = resultRows<{ source: string; status: string; rows_read: number }>(
      await test.database.db.execute(
        sql`select source, status, rows_read from imports where tenant_id = 'batched' and import_id = ${bodies[0]?.importId as string}`,
      ),
    );
    // Named by the deliveries' event ids, in the order they arrived.
    const [prefix, ids] = (record?.source ?? '').split(':');
    expect({ ...record, source: `${prefix}:${ids?.split(',').sort().join(',')}` }).toEqual({
      source: `webhook:${events.map((event) => event.id).join(',')}`,
      status: 'SUCCEEDED',
      rows_read: 4,
    });
  });

  it('a batch with one bad delivery stores the others; the bad one is answered with its own error', async () => {
    const good = SUBSCRIPTION_EVENTS.slice(4, 7);
    const bad = {
      ...SUBSCRIPTION_EVENTS[7],
      id: 'evt_bad',
      data: { object: { ...SUBSCRIPTION_EVENTS[7]?.data.object, items: 'not a list' } },
    };
    const version = await dataVersion('batched');
    let release: () => void = () => {};
    const held = oneImportAtATime(
      test.database.db,
      'batched',
      () => new Promise<void>((resolve) => (release = resolve)),
    );
    const answers = Promise.all([good[0], bad, good[1], good[2]].map((event) => signed('batched', event)));
    while (waitingDeliveries(test.database.db, 'batched') < 4) await new Promise((r) => setTimeout(r, 5));
    release();
    await held;
    const [first, refused, second, third] = await answers;
    for (const answer of [first, second, third]) {
      expect({ status: answer?.status, stored: answer?.body.stored, batched: answer?.body.batched }).toEqual({
        status: 200,
        stored: true,
        batched: 1,
      });
    }
    expect(refused?.status).toBe(400);
    expect(refused?.body.error?.code).toBe('INVALID_EVENT');
    // Named by its event id, line and field, as a backfill names a page's records.
    expect(refused?.body.error?.message).toContain(
      'evt_bad: line 1, field "data.object.items": got "not a list", expected a JSON array',
    );
    expect(
      (refused?.body.error as { rowErrors?: { field: string }[] } | undefined)?.rowErrors?.map(
        (e) => e.field,
      ),
    ).toEqual(['data.object.items']);
    // Stored: the three good events, not the bad one.
    const ids = resultRows<{ event_id: string }>(
      await test.database.db.execute(
        sql`select event_id from subscription_events where tenant_id = 'batched' and event_id = any(${`{${[...good.map((event) => event.id), 'evt_bad'].join(',')}}`}::text[]) order by event_id`,
      ),
    ).map((row) => row.event_id);
    expect(ids).toEqual(good.map((event) => event.id));
    // The failed batch bumped nothing: the tenant is at the version the last good delivery gave.
    const versions = [first, second, third].map((answer) => answer?.body.dataVersion as number);
    expect(Math.min(...versions)).toBeGreaterThan(version as number);
    expect(await dataVersion('batched')).toBe(Math.max(...versions));
  });

  it('customer.deleted changes no figure; the subscription.deleted Stripe sends with it churns the customer', async () => {
    for (const event of [SUBSCRIPTION_EVENTS[9], CUSTOMER_EVENTS[2]]) {
      expect((await signed('deleting', event)).status).toBe(200);
    }
    const version = await dataVersion('deleting');
    const [deleted, subscriptionDeleted] = CUSTOMER_DELETION;
    const answer = await signed('deleting', deleted);
    expect({ status: answer.status, ...answer.body }).toEqual({
      status: 200,
      received: true,
      stored: false,
      id: 'evt_d1',
      type: 'customer.deleted',
    });
    expect(await dataVersion('deleting')).toBe(version);
    expect((await signed('deleting', subscriptionDeleted)).body.stored).toBe(true);
    // The customer keeps its attributes (its history stays in its segments) and churns on 2024-06-01.
    expect(await storedSpans('deleting')).toEqual([
      {
        customerId: 'cus_2',
        subscriptionId: 'sub_2',
        startAt: '2024-01-10',
        endAt: '2024-06-01',
        mrr: '100.0000',
        currency: 'USD',
        canceledAt: null,
        attributes: { billing_interval: 'month', plan: 'price_starter', country: 'US' },
      },
    ]);
    const { body } = await graphql<{
      retention: { churn: { amount: string }; customers: { churned: number } };
    }>(
      api,
      '{ retention(input: { from: "2024-06-01", to: "2024-07-01" }) { churn { amount } customers { churned } } }',
      { credential: keys.deleting },
    );
    expect(body.data?.retention).toEqual({ churn: { amount: '100' }, customers: { churned: 1 } });
  });

  it('a secret stored or removed takes effect at once in this process, within the cache TTL in others', async () => {
    const body = JSON.stringify(IGNORED_EVENT);
    const next = 'whsec_test_rotating_next_secret_0001';
    expect((await deliver('rotating', body, stripeSignature(body, SECRET))).status).toBe(200);
    await addStripeSecret(test.database.db, KEY, 'rotating', next);
    expect((await deliver('rotating', body, stripeSignature(body, next))).status).toBe(200);
    await removeStripeSecret(test.database.db, 'rotating', secretFingerprint(SECRET));
    const refused = await deliver('rotating', body, stripeSignature(body, SECRET));
    expect({ status: refused.status, code: refused.body.error?.code }).toEqual({
      status: 400,
      code: 'SIGNATURE_INVALID',
    });
    // Another process removing the secret (here: the row deleted behind this process's back) is
    // seen once the cached entry expires.
    const now = Date.now();
    expect(await stripeSecretsOf(test.database.db, KEY, 'rotating', now)).toEqual([next]);
    await test.database.db.execute(sql`delete from stripe_endpoint_secrets where tenant_id = 'rotating'`);
    expect(await stripeSecretsOf(test.database.db, KEY, 'rotating', now + 1)).toEqual([next]);
    expect(
      await stripeSecretsOf(test.database.db, KEY, 'rotating', now + STRIPE_SECRETS_CACHE_TTL_MS + 1),
    ).toEqual([]);
  });

  it('counts failed signatures against the client address, as failed authentications are', async () => {
    const limited = createApi({
      db: test.database.db,
      tokenSecret: TEST_TOKEN_SECRET,
      stripeSecretsKey: KEY,
      rateLimit: { capacity: 100, perSecond: 100, failedAuth: { capacity: 2, perSecond: 0.001 } },
    });
    const limitedServer = await listen(limited, 0);
    try {
      const body = JSON.stringify(IGNORED_EVENT);
      const post = (signature: string) =>
        fetch(`${limitedServer.url}/v1/webhooks/stripe/hooked`, {
          method: 'POST',
          headers: { 'stripe-signature': signature },
          body,
        });
      expect((await post('t=1,v1=00')).status).toBe(400);
      expect((await post('t=1,v1=00')).status).toBe(400);
      const refused = await post(stripeSignature(body, SECRET));
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    } finally {
      await limitedServer.close();
      await limited.close();
    }
  });
});

describe('without a secrets key', () => {
  it('answers 404 STRIPE_NOT_CONFIGURED and reads nothing', async () => {
    const test = await openTestDatabase('pglite');
    const api = createApi({ db: test.database.db, tokenSecret: TEST_TOKEN_SECRET, engineWorkers: 0 });
    try {
      const response = await api.fetch(
        new Request('http://nrr.test/v1/webhooks/stripe/acme', { method: 'POST', body: '{}' }),
      );
      expect(response.status).toBe(404);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
        'STRIPE_NOT_CONFIGURED',
      );
    } finally {
      await api.close();
      await test.dispose();
    }
  });
});
