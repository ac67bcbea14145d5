import { type MrrSpan, parseInstant } from '@nrr/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../src/index.ts';
import type { Api } from '../src/yoga.ts';
import { storeTestSpans } from './fixtures.ts';
import {
  DATABASE_KINDS,
  type GraphQLBody,
  graphql,
  openTestDatabase,
  TEST_TOKEN_SECRET,
  type TestDatabase,
  tenantWithKey,
  testApi,
} from './harness.ts';

const span = (
  customerId: string,
  end: string | null,
  mrr: number,
  attributes: Record<string, string>,
): MrrSpan => ({
  customerId,
  subscriptionId: `${customerId}-sub`,
  start: parseInstant('2024-01-01') as number,
  end: end === null ? null : (parseInstant(end) as number),
  mrr: mrr * 10_000,
  currency: 'USD',
  attributes,
});

/**
 * p1 (Pro, US) 100 and p2 (Pro, DE) 200 pay throughout; t1 (Team, US) pays 50 until March; f1
 * (Professional, FR, the only one with an industry) pays 30 throughout. A token locked to the US
 * sees p1 and t1 only: never "Professional", "DE", "FR" or the name "industry".
 */
const SPANS = [
  span('p1', null, 100, { plan: 'Pro', country: 'US' }),
  span('p2', null, 200, { plan: 'Pro', country: 'DE' }),
  span('t1', '2024-03-01', 50, { plan: 'Team', country: 'US' }),
  span('f1', null, 30, { plan: 'Professional', country: 'FR', industry: 'Retail' }),
];

const WINDOW = 'from: "2024-02-01", to: "2024-04-01"';
const UNKNOWN_PLANN =
  'segment.attributes: no customer has the attribute "plann". Did you mean "plan"? Known dimensions: "country", "industry", "plan".';
const proWarning = (matches: string) => ({
  code: 'UNKNOWN_SEGMENT_VALUE',
  message: `No customer has plan "pro", so that value selects nobody; did you mean ${matches}? Values match exactly, case included.`,
});

interface Report {
  startingMrr: { amount: string };
  nrr: number | null;
  warnings: { code: string; message: string }[];
}

describe.each(DATABASE_KINDS)('typos in segments and breakdowns on %s', (kind) => {
  let test: TestDatabase;
  let api: Api;
  let secret: string;
  let emptySecret: string;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    test = await openTestDatabase(kind);
    api = testApi(test.database);
    secret = await tenantWithKey(test.database, 'typos');
    await storeTestSpans(test.database, 'typos', SPANS);
    emptySecret = await tenantWithKey(test.database, 'fresh');
    for (const [name, segment] of [
      ['us', '{ attributes: [{ name: "country", values: ["US"] }] }'],
      // A lock may hold values nobody has (CA) or name an attribute nobody has (region).
      ['usOrCa', '{ attributes: [{ name: "country", values: ["US", "CA"] }] }'],
      ['region', '{ attributes: [{ name: "region", values: ["EMEA"] }] }'],
    ] as const) {
      const minted = await graphql<{ createEmbedToken: { token: string } }>(
        api,
        `mutation { createEmbedToken(input: { segment: ${segment} }) { token } }`,
        { credential: secret },
      );
      tokens[name] = minted.body.data?.createEmbedToken.token ?? '';
    }
  });
  afterAll(() => test.dispose());

  const retention = async (segment: string, credential = secret) =>
    (
      await graphql<{ retention: Report }>(
        api,
        `{ retention(input: { ${WINDOW} segment: ${segment} }) { startingMrr { amount } nrr warnings { code message } } }`,
        { credential },
      )
    ).body;
  const breakdown = async (args: string, credential = secret) =>
    (
      await graphql<{ breakdown: { value: string; report: Report }[] }>(
        api,
        `{ breakdown(input: { ${WINDOW} ${args} }) { value report { startingMrr { amount } nrr warnings { code message } } } }`,
        { credential },
      )
    ).body;
  const errorOf = (body: GraphQLBody) => ({
    data: body.data ?? null,
    code: body.errors?.[0]?.extensions?.code,
    message: body.errors?.[0]?.message,
  });
  const typoWarnings = (report: Report | undefined) =>
    report?.warnings.filter((warning) => warning.code === 'UNKNOWN_SEGMENT_VALUE');

  it('refuses a breakdown by a dimension no customer has, naming the known ones', async () => {
    const region = await breakdown('by: "region"');
    expect(errorOf(region)).toEqual({
      data: null,
      code: 'BAD_USER_INPUT',
      message:
        'by: no customer has the attribute "region". Known dimensions: "country", "industry", "plan", "size_band".',
    });
    expect(region.errors?.[0]?.extensions).toMatchObject({
      field: 'by',
      reason: 'UNKNOWN_DIMENSION',
      dimension: 'region',
      closeMatches: [],
      knownDimensions: ['country', 'industry', 'plan', 'size_band'],
    });
    expect(errorOf(await breakdown('by: "Plan"')).message).toBe(
      'by: no customer has the attribute "Plan". Did you mean "plan"? Known dimensions: "country", "industry", "plan", "size_band".',
    );
    expect(errorOf(await breakdown('by: "sizeband"')).message).toContain('Did you mean "size_band"?');
  });

  it('refuses an unknown attribute name in the segment of every question that takes one', async () => {
    const segment = 'segment: { attributes: [{ name: "plann", values: ["Pro"] }] }';
    const questions = {
      retention: `{ retention(input: { ${WINDOW} ${segment} }) { nrr } }`,
      retentionSeries: `{ retentionSeries(input: { ${WINDOW} ${segment} }) { nrr } }`,
      breakdown: `{ breakdown(input: { ${WINDOW} by: "country" ${segment} }) { value } }`,
      cohorts: `{ cohorts(input: { ${WINDOW} ${segment} }) { maxAge } }`,
      movements: `{ movements(input: { ${WINDOW} ${segment} }) { totalCount } }`,
      benchmarkComparison: `{ benchmarkComparison(input: { benchmark: "smb-saas", ${WINDOW} ${segment} }) { figure } }`,
    };
    for (const [field, query] of Object.entries(questions)) {
      const { body } = await graphql(api, query, { credential: secret });
      expect({ field, ...errorOf(body) }).toEqual({
        field,
        data: null,
        code: 'BAD_USER_INPUT',
        message: UNKNOWN_PLANN,
      });
    }
    // Size bands are filtered with `sizeBands`, not as an attribute.
    expect(errorOf(await retention('{ attributes: [{ name: "size_band", values: ["SMB"] }] }')).message).toBe(
      'segment.attributes: no customer has the attribute "size_band". Filter size bands with `sizeBands`. Known dimensions: "country", "industry", "plan".',
    );
  });

  it('answers a value no customer has with the empty segment and a warning naming the close values', async () => {
    const pro = await retention('{ attributes: [{ name: "plan", values: ["pro"] }] }');
    expect(pro.errors).toBeUndefined();
    expect(pro.data?.retention.startingMrr.amount).toBe('0');
    expect(pro.data?.retention.nrr).toBeNull();
    expect(pro.data?.retention.warnings.map((warning) => warning.code)).toEqual([
      'EMPTY_COHORT',
      'UNKNOWN_SEGMENT_VALUE',
    ]);
    expect(typoWarnings(pro.data?.retention)).toEqual([proWarning('"Pro"')]);
    // A known value next to the typo keeps its figures, and the typo is still named.
    const both = await retention('{ attributes: [{ name: "plan", values: ["Pro", "pro"] }] }');
    const right = await retention('{ attributes: [{ name: "plan", values: ["Pro"] }] }');
    expect(both.data?.retention.startingMrr.amount).toBe('300');
    expect(both.data?.retention.nrr).toBe(right.data?.retention.nrr);
    expect(typoWarnings(both.data?.retention)).toEqual([proWarning('"Pro"')]);
    expect(typoWarnings(right.data?.retention)).toEqual([]);
  });

  it('puts the warning on every series point, breakdown row, cohort table and movement page', async () => {
    const segment = 'segment: { attributes: [{ name: "plan", values: ["Pro", "pro"] }] }';
    const { body } = await graphql<{
      retentionSeries: Report[];
      breakdown: { value: string; report: Report }[];
      cohorts: { rows: unknown[]; warnings: Report['warnings'] };
      movements: { totalCount: number; warnings: Report['warnings'] };
      clean: { warnings: Report['warnings'] };
    }>(
      api,
      `{ retentionSeries(input: { ${WINDOW} ${segment} }) { startingMrr { amount } nrr warnings { code message } }
         breakdown(input: { ${WINDOW} by: "country" ${segment} }) { value report { startingMrr { amount } nrr warnings { code message } } }
         cohorts(input: { from: "2024-01-01", to: "2024-04-01" ${segment} }) { rows { size } warnings { code message } }
         movements(input: { ${WINDOW} ${segment} }) { totalCount warnings { code message } }
         clean: movements(input: { ${WINDOW} }) { warnings { code message } } }`,
      { credential: secret },
    );
    expect(body.errors).toBeUndefined();
    const expected = [proWarning('"Pro"')];
    expect(body.data?.retentionSeries.map((point) => point.startingMrr.amount)).toEqual(['300', '300']);
    expect(body.data?.retentionSeries.map(typoWarnings)).toEqual([expected, expected]);
    expect(body.data?.breakdown.map((row) => [row.value, row.report.startingMrr.amount])).toEqual([
      ['DE', '200'],
      ['US', '100'],
    ]);
    expect(body.data?.breakdown.map((row) => typoWarnings(row.report))).toEqual([expected, expected]);
    // January's cohort: p1 and p2 (Pro); "pro" adds nobody.
    expect(body.data?.cohorts.rows).toEqual([{ size: 2 }, { size: 0 }, { size: 0 }]);
    expect(body.data?.cohorts.warnings).toEqual(expected);
    expect(body.data?.movements.warnings).toEqual(expected);
    expect(body.data?.clean.warnings).toEqual([]);
  });

  it('draws close matches only from what a locked token can see, and never checks the lock itself', async () => {
    // "Professional" belongs to a customer outside the US: the token must not learn it.
    const segment = '{ attributes: [{ name: "plan", values: ["profesional"] }] }';
    const typo = (matches: string) => ({
      code: 'UNKNOWN_SEGMENT_VALUE',
      message: `No customer has plan "profesional", so that value selects nobody; did you mean ${matches}? Values match exactly, case included.`,
    });
    expect(typoWarnings((await retention(segment)).data?.retention)).toEqual([
      typo('"Professional" or "Pro"'),
    ]);
    expect(typoWarnings((await retention(segment, tokens.us)).data?.retention)).toEqual([typo('"Pro"')]);
    // Nor the name "industry", which only that customer has.
    expect(errorOf(await breakdown('by: "industri"', tokens.us)).message).toBe(
      'by: no customer has the attribute "industri". Known dimensions: "country", "plan", "size_band".',
    );
    expect(errorOf(await breakdown('by: "industri"')).message).toContain('Did you mean "industry"?');
    // The lock's own values (CA, which nobody has) raise nothing; asking for CA by name is the
    // request's own value, named without any close match from outside the lock.
    const locked = await retention('{ attributes: [{ name: "plan", values: ["Pro"] }] }', tokens.usOrCa);
    expect(locked.data?.retention.startingMrr.amount).toBe('100');
    expect(typoWarnings(locked.data?.retention)).toEqual([]);
    const canada = await retention('{ attributes: [{ name: "country", values: ["CA"] }] }', tokens.usOrCa);
    expect(typoWarnings(canada.data?.retention)).toEqual([
      {
        code: 'UNKNOWN_SEGMENT_VALUE',
        message:
          'No customer has country "CA", so that value selects nobody; check the spelling against the values the `segments` query lists.',
      },
    ]);
    // A lock on an attribute nobody has sees nobody: nothing to check against, so no refusal.
    const region = await breakdown('by: "plan"', tokens.region);
    expect(region.errors).toBeUndefined();
    expect(region.data?.breakdown).toEqual([]);
  });

  it('warns whoever mints a token locked to a value no customer has; an unknown attribute name is allowed', async () => {
    const mint = async (segment: string) =>
      (
        await graphql<{ createEmbedToken: { token: string; warnings: { code: string; message: string }[] } }>(
          api,
          `mutation { createEmbedToken(input: { segment: ${segment} }) { token warnings { code message } } }`,
          { credential: secret },
        )
      ).body;
    const typo = await mint('{ attributes: [{ name: "plan", values: ["Pro", "pro"] }] }');
    expect(typo.errors).toBeUndefined();
    expect(typo.data?.createEmbedToken.token).toMatch(/^ey/);
    expect(typo.data?.createEmbedToken.warnings).toEqual([proWarning('"Pro"')]);
    expect(
      (await mint('{ attributes: [{ name: "plan", values: ["Pro"] }] }')).data?.createEmbedToken.warnings,
    ).toEqual([]);
    expect(
      (await mint('{ attributes: [{ name: "region", values: ["EMEA"] }] }')).data?.createEmbedToken.warnings,
    ).toEqual([]);
  });

  it('checks nothing for a tenant without data (no names exist yet)', async () => {
    const body = await breakdown(
      'by: "plan" segment: { attributes: [{ name: "plan", values: ["Pro"] }] }',
      emptySecret,
    );
    expect(body).toEqual({ data: { breakdown: [] } });
  });

  // The vocabulary is then an engine operation answered by the worker (the request thread builds no timeline).
  it('gives the same answers when the engine runs in a worker thread', async () => {
    const pooled = createApi({
      db: test.database.db,
      tokenSecret: TEST_TOKEN_SECRET,
      rateLimit: false,
      engineWorkers: 1,
    });
    try {
      const typo = await graphql(api, `{ breakdown(input: { ${WINDOW} by: "plann" }) { value } }`, {
        credential: secret,
      });
      const pooledTypo = await graphql(pooled, `{ breakdown(input: { ${WINDOW} by: "plann" }) { value } }`, {
        credential: secret,
      });
      expect(pooledTypo.body).toEqual(typo.body);
      expect(errorOf(pooledTypo.body).message).toContain('Did you mean "plan"?');
      const query = `{ retention(input: { ${WINDOW} segment: { attributes: [{ name: "plan", values: ["pro"] }] } }) { nrr warnings { code message } } }`;
      const pooledPro = await graphql(pooled, query, { credential: secret });
      expect(pooledPro.body).toEqual((await graphql(api, query, { credential: secret })).body);
      expect(pooledPro.body.data).toMatchObject({ retention: { nrr: null } });
    } finally {
      await pooled.close();
    }
  });
});
