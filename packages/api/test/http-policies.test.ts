import { parse, type ValidationContext, validate } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryLimitsRule } from '../src/internal/query-limits.ts';
import type { Api } from '../src/yoga.ts';
import { createApi } from '../src/yoga.ts';
import { ACME_SPANS, storeTestSpans } from './fixtures.ts';
import {
  graphql,
  openTestDatabase,
  TEST_TOKEN_SECRET,
  type TestDatabase,
  tenantWithKey,
  testApi,
} from './harness.ts';

describe('HTTP policies (CORS, limits, errors, rate limits)', () => {
  let test: TestDatabase;
  let api: Api;
  let secret: string;

  beforeAll(async () => {
    test = await openTestDatabase('pglite');
    api = testApi(test.database);
    secret = await tenantWithKey(test.database, 'acme', { allowedOrigins: ['https://app.acme.test'] });
    await tenantWithKey(test.database, 'globex', { allowedOrigins: ['https://globex.test'] });
    await storeTestSpans(test.database, 'acme', ACME_SPANS);
  });
  afterAll(() => test.dispose());

  it('answers allowed origins with CORS headers and refuses others', async () => {
    const allowed = await graphql(api, '{ viewer { kind } }', {
      credential: secret,
      headers: { origin: 'https://app.acme.test' },
    });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.acme.test');
    // Another tenant's origin is not acme's.
    const foreign = await graphql(api, '{ viewer { kind } }', {
      credential: secret,
      headers: { origin: 'https://globex.test' },
    });
    expect(foreign.status).toBe(403);
    expect(foreign.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });

  it("answers every preflight alike, so it reveals no tenant's origins", async () => {
    const preflight = (origin: string) =>
      api.fetch(
        new Request('http://nrr.test/graphql', {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'authorization',
          },
        }),
      );
    /** Status and headers, with the echoed origin replaced so answers can be compared. */
    const shape = async (origin: string) => {
      const response = await preflight(origin);
      const headers = [...response.headers].map(([name, value]) => [name, value.replace(origin, '<origin>')]);
      return { status: response.status, headers, body: await response.text() };
    };
    const allowed = await preflight('https://app.acme.test');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.acme.test');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
    const expected = await shape('https://app.acme.test');
    expect(await shape('https://globex.test')).toEqual(expected);
    expect(await shape('https://evil.test')).toEqual(expected);
    // The real request from an origin no tenant allows still gets no CORS headers.
    const real = await graphql(api, '{ viewer { kind } }', {
      credential: secret,
      headers: { origin: 'https://evil.test' },
    });
    expect(real.status).toBe(403);
    expect(real.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses pages over 500 and over-deep or over-costly queries', async () => {
    const page = await graphql(api, '{ customers(first: 501) { totalCount } }', { credential: secret });
    expect(page.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(page.body.errors?.[0]?.message).toBe('first: got 501, expected a page size from 1 to 500');

    const node =
      'id attributes { name value } mrr { amount currency } history { at mrr { amount currency } } ledger { at type amount { amount currency } }';
    const costly = await graphql(
      api,
      `{ a: customers(first: 500) { edges { node { ${node} } } } b: customers(first: 500) { edges { node { ${node} } } } }`,
      { credential: secret },
    );
    expect(costly.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(costly.body.errors?.[0]?.message).toMatch(/^query cost \d+ exceeds the limit of 20000/);
  });

  it('measures depth through fragments and leaves introspection out', () => {
    // The schema has no cycles, so no valid query reaches depth 12; check the rule at a lower limit.
    const rule = queryLimitsRule({ maxDepth: 5 });
    const errorsOf = (query: string) =>
      validate(api.schema, parse(query), [rule]).map((error) => error.message);
    expect(errorsOf('{ customers { edges { node { ledger { amount { amount } } } } } }')).toEqual([
      'query depth 6 exceeds the limit of 5',
    ]);
    expect(
      errorsOf(
        '{ customers { ...page } } fragment page on CustomerConnection { edges { node { history { mrr { amount } } } } }',
      ),
    ).toEqual(['query depth 6 exceeds the limit of 5']);
    expect(errorsOf('{ customers { edges { node { history { at } } } } }')).toEqual([]);
    expect(errorsOf('{ __schema { types { fields { type { ofType { ofType { name } } } } } } }')).toEqual([]);
  });

  /** A document of `n` fragments on Viewer, each spreading the next twice: cost 2^(n-1) + 1 in 2n spreads. */
  const doublingChain = (n: number) =>
    `query { viewer { ...f0 } }\n${Array.from(
      { length: n },
      (_, i) => `fragment f${i} on Viewer { ${i + 1 < n ? `...f${i + 1} ...f${i + 1}` : 'kind'} }`,
    ).join('\n')}`;

  // graphql-response+json: invalid documents are 400s (application/json answers them 200, per the spec).
  const strict = { headers: { accept: 'application/graphql-response+json' } };

  it('refuses a chain of fragments each spread twice, unauthenticated, measured once per fragment', async () => {
    const query = doublingChain(40);
    expect(query.length).toBeLessThan(2_000);
    const started = performance.now();
    const response = await graphql(api, query, strict);
    const elapsed = performance.now() - started;
    expect(response.status).toBe(400);
    // Only our limit is reported: graphql's own rules did not run on the document.
    expect(response.body.errors).toEqual([
      expect.objectContaining({
        message: `query cost ${2 ** 39 + 1} exceeds the limit of 20000; ask for smaller pages (first) or fewer fields`,
        extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', cost: 2 ** 39 + 1 }),
      }),
    ]);
    // A backstop only (the structural check is the next test): before the fix this took hours.
    expect(elapsed).toBeLessThan(2_000);
  });

  it('looks each fragment up once per operation, however often it is spread', () => {
    let lookups = 0;
    const rule = queryLimitsRule();
    const counting = (context: ValidationContext) =>
      rule(
        new Proxy(context, {
          get(target, property) {
            const value = Reflect.get(target, property, target);
            if (property !== 'getFragment' || typeof value !== 'function') return value;
            return (name: string) => {
              lookups += 1;
              return value.call(target, name);
            };
          },
        }),
      );
    const errors = validate(api.schema, parse(doublingChain(20)), [counting]);
    expect(errors.map((error) => error.message)).toEqual([
      `query cost ${2 ** 19 + 1} exceeds the limit of 20000; ask for smaller pages (first) or fewer fields`,
    ]);
    expect(lookups).toBe(20);
  });

  it('refuses too many fragment definitions or spreads before measuring, and saturates the cost', async () => {
    const spreads = await graphql(
      api,
      `{ viewer { ${'...v '.repeat(101)} } } fragment v on Viewer { kind }`,
      strict,
    );
    expect(spreads.status).toBe(400);
    expect(spreads.body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fragmentSpreads: 101,
      maxFragmentSpreads: 100,
    });
    const definitions = Array.from({ length: 51 }, (_, i) => `fragment g${i} on Viewer { kind }`).join(' ');
    const fragments = await graphql(api, `{ viewer { ...g0 } } ${definitions}`, strict);
    expect(fragments.body.errors?.[0]?.extensions).toMatchObject({ fragments: 51, maxFragments: 50 });
    // 49 doublings under a page of 500 pass 2^53: the figure saturates instead of losing precision.
    const customerChain = Array.from(
      { length: 50 },
      (_, i) => `fragment c${i} on Customer { ${i + 1 < 50 ? `...c${i + 1} ...c${i + 1}` : 'id'} }`,
    ).join(' ');
    const huge = await graphql(
      api,
      `{ customers(first: 500) { edges { node { ...c0 } } } } ${customerChain}`,
      strict,
    );
    expect(huge.status).toBe(400);
    expect(huge.body.errors?.[0]?.message).toBe(
      `query cost over ${Number.MAX_SAFE_INTEGER} exceeds the limit of 20000; ask for smaller pages (first) or fewer fields`,
    );
    expect(huge.body.errors?.[0]?.extensions?.cost).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('names bad arguments with BAD_USER_INPUT', async () => {
    const badDate = await graphql(
      api,
      '{ retention(input: { from: "2024-02-30", to: "2024-04-01" }) { nrr } }',
      {
        credential: secret,
      },
    );
    expect(badDate.body.errors?.[0]?.message).toContain('expected an ISO date such as "2024-01-31"');
    const backwards = await graphql(
      api,
      '{ retention(input: { from: "2024-04-01", to: "2024-02-01" }) { nrr } }',
      {
        credential: secret,
      },
    );
    expect(backwards.body.errors?.[0]).toMatchObject({
      message: 'to: must be later than from (periods are half-open, [from, to))',
      extensions: { code: 'BAD_USER_INPUT', field: 'to' },
    });
    const currency = await graphql(
      api,
      '{ retention(input: { from: "2024-02-01", to: "2024-04-01", currency: "JPY" }) { nrr } }',
      { credential: secret },
    );
    expect(currency.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('reports unexpected failures as INTERNAL without details or stack traces', async () => {
    const broken = await openTestDatabase('pglite');
    const brokenApi = createApi({ db: broken.database.db, tokenSecret: TEST_TOKEN_SECRET, rateLimit: false });
    await broken.dispose();
    const response = await brokenApi.fetch(
      new Request('http://nrr.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
        body: JSON.stringify({ query: '{ viewer { kind } }' }),
      }),
    );
    const text = await response.text();
    expect(JSON.parse(text).errors[0]).toMatchObject({
      message: 'internal error',
      extensions: { code: 'INTERNAL' },
    });
    expect(text).not.toMatch(/\bat \S+ \(|\.ts:\d+|stack/);
  });

  it('limits request rates per credential with 429 RATE_LIMITED', async () => {
    const limited = createApi({
      db: test.database.db,
      tokenSecret: TEST_TOKEN_SECRET,
      rateLimit: { capacity: 2, perSecond: 0.01 },
    });
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      statuses.push((await graphql(limited, '{ viewer { kind } }', { credential: secret })).status);
    }
    expect(statuses).toEqual([200, 200, 429]);
    const last = await graphql(limited, '{ viewer { kind } }', { credential: secret });
    expect(last.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
  });
});
