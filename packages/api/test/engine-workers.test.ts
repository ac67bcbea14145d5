/**
 * Issue 17, item 4: engine work runs in worker threads (./src/analytics/engine-pool.ts), so one
 * tenant's heavy computation does not stop the API from answering another tenant. Structural
 * assertions, not wall-clock thresholds: tenant B's answer arrives while tenant A's computation
 * is still running; B's single question is served before A's last queued one (tenants take
 * turns); a dead worker fails only its own request and is replaced; the figures are the same
 * with workers and without.
 */
import { type MrrSpan, parseInstant } from '@nrr/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packSpans, unpackSpans } from '../src/analytics/engine-ops.ts';
import { type Api, createApi } from '../src/yoga.ts';
import { ACME_SPANS, storeTestSpans } from './fixtures.ts';
import {
  DATABASE_KINDS,
  graphql,
  openTestDatabase,
  TEST_TOKEN_SECRET,
  type TestDatabase,
  tenantWithKey,
} from './harness.ts';

/** Customers of the heavy tenant: enough that its aliased 20-year series take a while. */
const HEAVY_CUSTOMERS = 20_000;
const day = (iso: string) => parseInstant(iso) as number;

function heavySpans(count: number): MrrSpan[] {
  const spans: MrrSpan[] = [];
  for (let i = 0; i < count; i++) {
    const attributes = { plan: ['Starter', 'Growth', 'Pro'][i % 3] as string, country: i % 5 ? 'US' : 'FR' };
    const customerId = `h${String(i).padStart(5, '0')}`;
    const start = day(`202${i % 3}-0${1 + (i % 9)}-01`);
    spans.push({
      customerId,
      subscriptionId: `s${i}`,
      start,
      end: null,
      mrr: (20 + (i % 97)) * 10_000,
      currency: 'USD',
      attributes,
    });
    if (i % 4 === 0) {
      spans[spans.length - 1] = { ...(spans.at(-1) as MrrSpan), end: day('2024-03-01') };
      spans.push({
        customerId,
        subscriptionId: `t${i}`,
        start: day('2024-03-01'),
        end: i % 8 ? null : day('2025-02-01'),
        mrr: (35 + (i % 89)) * 10_000,
        currency: 'USD',
        attributes,
      });
    }
  }
  return spans;
}

/** `n` aliased monthly series over 20 years ending on different days: `n` distinct computations. */
function heavyQuery(n: number, offset = 0): string {
  const fields = Array.from(
    { length: n },
    (_, i) =>
      `s${i}: retentionSeries(input: { from: "2005-01-01", to: "2025-0${1 + ((i + offset) % 9)}-${String(1 + Math.floor((i + offset) / 9)).padStart(2, '0')}", granularity: MONTH }) { nrr endingMrr { amount } }`,
  );
  return `{ ${fields.join('\n')} }`;
}

/** One long computation: 600 monthly points, each chained over its month (1,200 windows). */
const LONG_QUESTION =
  '{ retentionSeries(input: { from: "1976-01-01", to: "2025-12-01", granularity: MONTH, method: CHAINED }) { nrr } }';

/** The figures every widget and example asks for, to compare with and without workers. */
const FIGURE_QUERIES = [
  '{ retention(input: { from: "2024-01-01", to: "2025-01-01" }) { startingMrr { amount } endingMrr { amount } nrr grr logoRetention quickRatio customers { starting churned } warnings { code } } }',
  '{ retention(input: { from: "2024-01-01", to: "2025-01-01", method: CHAINED }) { nrr grr endingMrr { amount } } }',
  '{ retentionSeries(input: { from: "2023-01-01", to: "2025-06-01", granularity: MONTH, method: TRAILING_12M }) { from to nrr grr endingMrr { amount } } }',
  '{ retentionSeries(input: { from: "2022-01-01", to: "2025-01-01", granularity: QUARTER, method: CHAINED }) { nrr } }',
  '{ breakdown(input: { from: "2024-01-01", to: "2025-01-01", by: "plan" }) { value valueCount report { startingMrr { amount } nrr } } }',
  '{ breakdown(input: { from: "2024-01-01", to: "2025-01-01", by: "size_band" }, first: 2) { value valueCount report { churn { amount } } } }',
  '{ cohorts(input: { from: "2022-01-01", to: "2025-01-01", granularity: QUARTER, measure: REVENUE, view: ABSOLUTE }) { maxAge dataEnd rows { label size initialMrr { amount } amounts } } }',
  '{ movements(input: { from: "2024-01-01", to: "2025-01-01", types: [CHURN, EXPANSION] }, first: 20) { totalCount edges { node { customerId type amount { amount } attributes { name value } } } } }',
  '{ benchmarkComparison(input: { benchmark: "smb-saas", from: "2024-01-01", to: "2025-01-01" }) { figure position } }',
  '{ viewer { tenant { currencies dataEnd } } segments(dimension: "plan") customers(first: 3) { totalCount edges { node { id mrr { amount } } } } }',
  '{ retention(input: { from: "2025-01-01", to: "2024-01-01" }) { nrr } }',
];

describe('spans posted to a worker', () => {
  it('arrive field for field: open ends, cancellations, shared and missing attributes', () => {
    const shared = { plan: 'Pro', country: 'FR' };
    const spans: MrrSpan[] = [
      {
        customerId: 'c1',
        subscriptionId: 's1',
        start: 1,
        end: null,
        mrr: 10,
        currency: 'EUR',
        attributes: shared,
      },
      {
        customerId: 'c1',
        subscriptionId: 's2',
        start: 2,
        end: 9,
        mrr: 0,
        currency: 'EUR',
        canceledAt: 5,
        attributes: shared,
      },
      { customerId: 'c2', subscriptionId: 's1', start: 3, end: 4, mrr: 123_456_789, currency: 'USD' },
    ];
    const packed = packSpans(spans);
    expect(unpackSpans(structuredClone(packed))).toEqual(spans);
    expect(JSON.parse(packed.attributeSets)).toEqual([shared]);
  });
});

describe.each(DATABASE_KINDS)('engine work in worker threads on %s', (kind) => {
  let test: TestDatabase;
  let heavy: string;
  let small: string;
  const apis: Api[] = [];
  const api = (options: { engineWorkers?: number } = {}) => {
    const built = createApi({
      db: test.database.db,
      tokenSecret: TEST_TOKEN_SECRET,
      rateLimit: false,
      workBudget: Number.POSITIVE_INFINITY,
      ...options,
    });
    apis.push(built);
    return built;
  };

  beforeAll(async () => {
    test = await openTestDatabase(kind);
    heavy = await tenantWithKey(test.database, 'heavy');
    await storeTestSpans(test.database, 'heavy', heavySpans(HEAVY_CUSTOMERS));
    small = await tenantWithKey(test.database, 'acme');
    await storeTestSpans(test.database, 'acme', ACME_SPANS);
  });
  afterAll(async () => {
    await Promise.all(apis.map((built) => built.close()));
    await test.dispose();
  });

  it('answers tenant B while tenant A’s computation is running', async () => {
    const server = api({ engineWorkers: 1 });
    const cheap = '{ retention(input: { from: "2024-02-01", to: "2024-04-01" }) { startingMrr { amount } } }';
    // Warm: both tenants' callers and timelines, B's answer kept.
    expect((await graphql(server, cheap, { credential: small })).body.errors).toBeUndefined();
    expect((await graphql(server, cheap, { credential: heavy })).body.errors).toBeUndefined();

    let heavyDone = false;
    const heavyAnswer = graphql(server, LONG_QUESTION, { credential: heavy }).then((answer) => {
      heavyDone = true;
      return answer;
    });
    // Wait until A's computation is on the worker.
    while (server.engine?.load.running !== 1) await new Promise((resolve) => setTimeout(resolve, 5));
    const kept = await graphql(server, cheap, { credential: small });
    const viewer = await graphql(server, '{ viewer { tenant { id dataEnd } } }', { credential: small });
    const running = server.engine?.load.running;
    expect({ heavyDone, running }).toEqual({ heavyDone: false, running: 1 });
    expect(kept.body).toEqual({ data: { retention: { startingMrr: { amount: '150' } } } });
    expect(viewer.body.errors).toBeUndefined();
    const answer = await heavyAnswer;
    expect(answer.body.errors).toBeUndefined();
    expect((answer.body.data as { retentionSeries: unknown[] }).retentionSeries).toHaveLength(599);
  });

  it('serves tenant B’s one question before tenant A’s last queued one (tenants take turns)', async () => {
    const server = api({ engineWorkers: 1 });
    const order: string[] = [];
    const ask = (label: string, query: string, credential: string) =>
      graphql(server, query, { credential }).then((answer) => {
        order.push(label);
        return answer;
      });
    const asks = [ask('A1', heavyQuery(6, 0), heavy)];
    while (server.engine?.load.running !== 1) await new Promise((resolve) => setTimeout(resolve, 5));
    asks.push(ask('A2', heavyQuery(6, 6), heavy), ask('A3', heavyQuery(6, 12), heavy));
    while ((server.engine?.load.queued ?? 0) < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    asks.push(
      ask(
        'B',
        '{ retention(input: { from: "2024-01-01", to: "2024-03-01" }) { endingMrr { amount } } }',
        small,
      ),
    );
    const answers = await Promise.all(asks);
    for (const answer of answers) expect(answer.body.errors).toBeUndefined();
    // A1 was running; then A and B alternate: A2, B, A3 (first come, first served would be A2, A3, B).
    expect(order.indexOf('B')).toBeLessThan(order.indexOf('A3'));
  });

  it('fails only the request of a worker that dies, with INTERNAL, and replaces the worker', async () => {
    const server = api({ engineWorkers: 1 });
    const doomed = graphql(server, heavyQuery(30, 3), { credential: heavy });
    while (server.engine?.load.running !== 1) await new Promise((resolve) => setTimeout(resolve, 5));
    const [thread] = server.engine?.threads ?? [];
    await thread?.terminate();
    const failed = await doomed;
    expect(failed.body.errors?.[0]?.extensions?.code).toBe('INTERNAL');
    expect(failed.body.errors?.[0]?.message).toBe('internal error');
    const after = await graphql(server, heavyQuery(1, 3), { credential: heavy });
    expect(after.body.errors).toBeUndefined();
    expect(server.engine?.threads[0]).not.toBe(thread);
  });

  it('answers every figure the same with workers and without', async () => {
    const pooled = api({ engineWorkers: 1 });
    const inline = api({ engineWorkers: 0 });
    expect(inline.engine).toBeUndefined();
    for (const credential of [heavy, small]) {
      for (const query of FIGURE_QUERIES) {
        const a = await graphql(pooled, query, { credential });
        const b = await graphql(inline, query, { credential });
        expect(a.status, query).toBe(b.status);
        expect(a.body, query).toEqual(b.body);
      }
    }
    // The inline mode answers too (and the pool was used).
    expect(pooled.engine?.threads).toHaveLength(1);
  });
});
