/**
 * Hardening, abuse: deep, wide and aliased queries, batched requests, huge pages and huge bodies
 * are refused with coded errors before they cost real work. "Before real work" is measured: the
 * database behind the API is wrapped to count the tenant transactions it opens (every analytic
 * read opens one), and a refused request must open none.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/connect.ts';
import { MAX_COST, MAX_DEPTH, MAX_PAGE_SIZE } from '../../src/internal/query-limits.ts';
import { type Api, createApi } from '../../src/yoga.ts';
import { ACME_SPANS, storeTestSpans } from '../fixtures.ts';
import {
  graphql,
  openTestDatabase,
  TEST_TOKEN_SECRET,
  type TestDatabase,
  tenantWithKey,
} from '../harness.ts';
import { CaseCounter, expectCleanAnswer } from './support.ts';

/** `db` with a count of the transactions opened through it. */
function countingDb(db: Db): { db: Db; transactions: () => number } {
  let transactions = 0;
  const proxy = new Proxy(db, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property === 'transaction' && typeof value === 'function') {
        return (...args: unknown[]) => {
          transactions += 1;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { db: proxy, transactions: () => transactions };
}

const REPORT = 'startingMrr { amount } endingMrr { amount } nrr';

describe('abuse is refused before it costs work (PGlite)', () => {
  const counter = new CaseCounter('api abuse');
  let test: TestDatabase;
  let api: Api;
  let counting: ReturnType<typeof countingDb>;
  let secret: string;

  beforeAll(async () => {
    test = await openTestDatabase('pglite');
    secret = await tenantWithKey(test.database, 'acme');
    await storeTestSpans(test.database, 'acme', ACME_SPANS);
    counting = countingDb(test.database.db);
    api = createApi({ db: counting.db, tokenSecret: TEST_TOKEN_SECRET, rateLimit: false });
  });
  afterAll(async () => {
    counter.print();
    await test.dispose();
  });

  /** Sends `body` raw; asserts a coded 4xx-or-200 refusal that opened no tenant transaction. */
  async function expectRefused(label: string, body: string, code = 'BAD_USER_INPUT') {
    counter.add(label);
    const before = counting.transactions();
    const started = performance.now();
    const response = await api.fetch(
      new Request('http://nrr.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
        body,
      }),
    );
    const elapsed = performance.now() - started;
    const text = await response.text();
    const parsed = JSON.parse(text) as { errors?: { extensions?: { code?: string } }[]; data?: unknown };
    expectCleanAnswer(response.status, parsed as never, text);
    expect(parsed.errors?.[0]?.extensions?.code, text.slice(0, 300)).toBe(code);
    expect(parsed.data ?? null).toBeNull();
    expect(counting.transactions() - before, `${label} opened a tenant transaction`).toBe(0);
    return { elapsed, text };
  }
  const query = (q: string, variables: Record<string, unknown> = {}) =>
    JSON.stringify({ query: q, variables });

  it('a legitimate dashboard query still runs (the limits are not too tight)', async () => {
    const { status, body } = await graphql(
      api,
      `{ viewer { kind } retention(input: { from: "2024-02-01", to: "2024-04-01" }) { ${REPORT} }
         series: retentionSeries(input: { from: "2024-01-01", to: "2024-04-01" }) { from ${REPORT} }
         customers(first: 500) { totalCount edges { node { id history { at mrr { amount } } } } }
         movements(input: { from: "2024-01-01", to: "2024-04-01" }, first: 100) { edges { node { customerId } } } }`,
      { credential: secret },
    );
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
  });

  it('refuses deep queries (fragments and inline fragments included)', async () => {
    // The schema has no cycle as deep as MAX_DEPTH (the rule itself is checked at a lower limit in
    // http-policies.test.ts), so depth is attacked through the document: thousands of nested inline
    // fragments or selections, which a recursive parser or validator could overflow its stack on.
    for (const levels of [1_200, 2_000, 20_000]) {
      const nested = `${'...on Query { '.repeat(levels)}viewer { kind }${' }'.repeat(levels)}`;
      await expectRefused(`deep: ${levels} nested inline fragments`, query(`{ ${nested} }`));
    }
    const deepUnknown = `${'a { '.repeat(MAX_DEPTH + 5)}b${' }'.repeat(MAX_DEPTH + 5)}`;
    await expectRefused('deep: fields', query(`{ ${deepUnknown} }`));
  });

  it('refuses wide and costly queries', async () => {
    const node =
      'id attributes { name value } mrr { amount } history { at mrr { amount } } ledger { at type }';
    const wide = Array.from(
      { length: 3 },
      (_, i) => `c${i}: customers(first: 500) { edges { node { ${node} } } }`,
    );
    const { text } = await expectRefused('wide: pages', query(`{ ${wide.join(' ')} }`));
    expect(text).toMatch(`exceeds the limit of ${MAX_COST}`);
  });

  it('refuses many aliases of an analytic field', async () => {
    const aliases = Array.from(
      { length: 1000 },
      (_, i) =>
        `r${i}: retention(input: { from: "2020-01-01", to: "2024-0${1 + (i % 8)}-0${1 + (i % 9)}" }) { nrr }`,
    );
    await expectRefused('aliases: retention x1000', query(`{ ${aliases.join(' ')} }`));
    const viewers = Array.from({ length: 30_000 }, (_, i) => `v${i}: viewer { kind }`);
    await expectRefused('aliases: viewer x30000', query(`{ ${viewers.join(' ')} }`));
  });

  it('refuses batched requests', async () => {
    const one = { query: '{ viewer { kind } }' };
    counter.add('batch: array of operations');
    const response = await api.fetch(
      new Request('http://nrr.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
        body: JSON.stringify(Array.from({ length: 100 }, () => one)),
      }),
    );
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    const text = await response.text();
    expect(text).not.toMatch(/\n\s+at /);
    expect(JSON.parse(text).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(text).not.toContain('"viewer"');
  });

  it('refuses huge page sizes, as literals and as variables, before loading the tenant', async () => {
    for (const first of [MAX_PAGE_SIZE + 1, 100_000, 2 ** 31 - 1, 0, -1]) {
      await expectRefused(`first: literal ${first}`, query(`{ customers(first: ${first}) { totalCount } }`));
      await expectRefused(
        `first: variable ${first}`,
        query('query ($n: Int) { customers(first: $n) { totalCount } }', { n: first }),
      );
      await expectRefused(
        `first: movements ${first}`,
        query(
          `{ movements(input: { from: "2024-01-01", to: "2024-04-01" }, first: ${first}) { edges { cursor } } }`,
        ),
      );
    }
    await expectRefused('first: beyond Int', query('{ customers(first: 99999999999) { totalCount } }'));
  });

  it('refuses an oversized request body without parsing it into a query', async () => {
    const huge = `{ viewer { kind } } #${'x'.repeat(2_000_000)}`;
    counter.add('body: 2 MB document');
    const started = performance.now();
    const response = await api.fetch(
      new Request('http://nrr.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
        body: JSON.stringify({ query: huge }),
      }),
    );
    expect(response.status).toBeLessThan(500);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
