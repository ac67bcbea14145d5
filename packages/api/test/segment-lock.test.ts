/**
 * Issue 17: a segment lock always intersects. An empty list selects nobody, in a request and in
 * the token's own claim, for every query that takes a segment; and a locked token lists only the
 * attribute values and names of customers inside its lock.
 */
import { type MrrSpan, parseInstant, unitsFromNumber } from '@nrr/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api } from '../src/yoga.ts';
import { storeTestSpans } from './fixtures.ts';
import {
  DATABASE_KINDS,
  graphql,
  openTestDatabase,
  type TestDatabase,
  tenantWithKey,
  testApi,
} from './harness.ts';

function span(
  customerId: string,
  start: string,
  end: string | null,
  mrr: number,
  attributes: Record<string, string>,
): MrrSpan {
  const instant = (iso: string) => parseInstant(iso) as number;
  return {
    customerId,
    subscriptionId: `${customerId}-${start}`,
    start: instant(start),
    end: end === null ? null : instant(end),
    mrr: unitsFromNumber(mrr),
    currency: 'USD',
    attributes,
  };
}

/**
 * Four US customers (one of them enterprise-sized) and one in France whose plan "Atelier" and
 * attribute "region" nobody in the US has. `mover` was in France on plan "Legacy" until
 * September 2023 and is in the US on Growth since.
 */
const SPANS: readonly MrrSpan[] = [
  span('us-smb', '2023-06-01', '2024-02-01', 100, { country: 'US', plan: 'Growth' }),
  span('us-smb', '2024-02-01', null, 150, { country: 'US', plan: 'Growth' }),
  span('us-ent', '2023-06-01', null, 20_000, { country: 'US', plan: 'Enterprise' }),
  span('us-new', '2024-03-01', null, 30, { country: 'US', plan: 'Starter' }),
  span('fr-1', '2023-06-01', '2024-03-01', 50, { country: 'FR', plan: 'Atelier', region: 'IDF' }),
  span('mover', '2023-01-01', '2023-09-01', 40, { country: 'FR', plan: 'Legacy' }),
  span('mover', '2023-09-01', null, 40, { country: 'US', plan: 'Growth' }),
];

const WINDOW = 'from: "2024-01-01", to: "2024-04-01"';

/** How many customers each segment-taking query saw, and the values its rows named. */
interface Seen {
  retention: number;
  retentionSeries: number;
  breakdown: number;
  breakdownValues: string[];
  cohorts: number;
  movements: number;
  benchmarkComparison: number;
}

const NOTHING: Seen = {
  retention: 0,
  retentionSeries: 0,
  breakdown: 0,
  breakdownValues: [],
  cohorts: 0,
  movements: 0,
  benchmarkComparison: 0,
};

describe.each(DATABASE_KINDS)('segment locks always intersect, on %s', (kind) => {
  let test: TestDatabase;
  let api: Api;
  let secret: string;

  const mint = async (segment: string) => {
    const { body } = await graphql<{ createEmbedToken: { token: string } }>(
      api,
      `mutation { createEmbedToken(input: { segment: ${segment} }) { token } }`,
      { credential: secret },
    );
    const token = body.data?.createEmbedToken.token;
    if (!token) throw new Error(`minting failed: ${JSON.stringify(body.errors)}`);
    return token;
  };

  /** Runs every query that takes a segment with `segment` (a GraphQL literal, or none). */
  const seen = async (credential: string, segment?: string): Promise<Seen> => {
    const arg = segment ? `, segment: ${segment}` : '';
    type Counts = { starting: number; new: number };
    const { body } = await graphql<{
      retention: { customers: Counts };
      retentionSeries: { customers: Counts }[];
      breakdown: { value: string; report: { customers: Counts } }[];
      cohorts: { rows: { size: number }[] };
      movements: { totalCount: number };
      benchmarkComparison: { report: { customers: Counts } };
    }>(
      api,
      `{ retention(input: { ${WINDOW}${arg} }) { customers { starting new } }
         retentionSeries(input: { ${WINDOW}, granularity: MONTH${arg} }) { customers { starting new } }
         breakdown(input: { ${WINDOW}, by: "plan"${arg} }) { value report { customers { starting new } } }
         cohorts(input: { from: "2023-01-01", to: "2024-04-01", granularity: QUARTER${arg} }) { rows { size } }
         movements(input: { ${WINDOW}${arg} }) { totalCount }
         benchmarkComparison(input: { ${WINDOW}, benchmark: "smb-saas"${arg} }) { report { customers { starting new } } } }`,
      { credential },
    );
    const data = body.data;
    if (!data) throw new Error(`query failed: ${JSON.stringify(body.errors)}`);
    const count = (c: Counts) => c.starting + c.new;
    return {
      retention: count(data.retention.customers),
      retentionSeries: data.retentionSeries.reduce((sum, point) => sum + count(point.customers), 0),
      breakdown: data.breakdown.reduce((sum, row) => sum + count(row.report.customers), 0),
      breakdownValues: data.breakdown.map((row) => row.value).sort(),
      cohorts: data.cohorts.rows.reduce((sum, row) => sum + row.size, 0),
      movements: data.movements.totalCount,
      benchmarkComparison: count(data.benchmarkComparison.report.customers),
    };
  };

  const visibleCustomers = async (credential: string) => {
    const { body } = await graphql<{
      customers: { totalCount: number };
      ent: { id: string } | null;
      bands: string[];
    }>(
      api,
      '{ customers { totalCount } ent: customer(id: "us-ent") { id } bands: segments(dimension: "size_band") }',
      {
        credential,
      },
    );
    return body.data;
  };

  beforeAll(async () => {
    test = await openTestDatabase(kind);
    api = testApi(test.database);
    secret = await tenantWithKey(test.database, 'lock');
    await storeTestSpans(test.database, 'lock', SPANS);
  });
  afterAll(() => test.dispose());

  it('a token locked to a size band that asks for sizeBands: [] sees nobody', async () => {
    const enterprise = await mint('{ sizeBands: [ENTERPRISE] }');
    // The lock alone: only us-ent.
    expect((await seen(enterprise)).retention).toBe(1);
    expect((await seen(enterprise)).breakdownValues).toEqual(['Enterprise']);
    expect(await seen(enterprise, '{ sizeBands: [] }')).toEqual(NOTHING);
    expect(
      await seen(enterprise, '{ sizeBands: [], attributes: [{ name: "country", values: ["US"] }] }'),
    ).toEqual(NOTHING);
  });

  it('a token locked to an attribute that asks for values: [] sees nobody', async () => {
    const us = await mint('{ attributes: [{ name: "country", values: ["US"] }] }');
    expect((await seen(us)).retention).toBe(4);
    for (const segment of [
      '{ attributes: [{ name: "country", values: [] }] }',
      '{ attributes: [{ name: "plan", values: [] }] }',
      '{ sizeBands: [] }',
    ]) {
      expect(await seen(us, segment)).toEqual(NOTHING);
    }
    // No conditions at all is the lock itself, never more.
    expect(await seen(us, '{ attributes: [] }')).toEqual(await seen(us));
  });

  it('a lock with two conditions on one attribute keeps both (the merge intersects, never replaces)', async () => {
    const us = await mint(
      '{ attributes: [{ name: "country", values: ["US"] }, { name: "country", values: ["US", "FR"] }] }',
    );
    const lockOnly = await seen(us);
    expect(lockOnly.retention).toBe(4);
    expect(await seen(us, '{}')).toEqual(lockOnly);
    expect(
      await seen(us, '{ attributes: [{ name: "plan", values: ["Growth", "Enterprise", "Starter"] }] }'),
    ).toEqual(lockOnly);
    const widened = await graphql(
      api,
      `{ retention(input: { ${WINDOW}, segment: { attributes: [{ name: "country", values: ["FR"] }] } }) { nrr } }`,
      { credential: us },
    );
    expect(widened.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('a token minted with sizeBands: [] is locked to nobody, not unlocked (GraphQL and REST)', async () => {
    const response = await api.fetch(
      new Request('http://nrr.test/v1/embed-tokens', {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: JSON.stringify({ segment: { sizeBands: [] } }),
      }),
    );
    expect(response.status).toBe(201);
    const rest = ((await response.json()) as { token: string }).token;
    for (const token of [await mint('{ sizeBands: [] }'), rest]) {
      expect(await seen(token)).toEqual(NOTHING);
      const widened = await graphql(
        api,
        `{ retention(input: { ${WINDOW}, segment: { sizeBands: [SMB] } }) { nrr } }`,
        { credential: token },
      );
      expect(widened.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(widened.body.errors?.[0]?.message).toContain('this token is limited to []');
      expect(await visibleCustomers(token)).toEqual({ customers: { totalCount: 0 }, ent: null, bands: [] });
    }
    const emptyValues = await mint('{ attributes: [{ name: "country", values: [] }] }');
    expect(await seen(emptyValues)).toEqual(NOTHING);
    expect((await visibleCustomers(emptyValues))?.customers.totalCount).toBe(0);
  });

  it('a token locked to country US lists only values and names of customers inside the lock', async () => {
    const us = await mint('{ attributes: [{ name: "country", values: ["US"] }] }');
    const query = `{ countries: segments(dimension: "country") plans: segments(dimension: "plan")
        regions: segments(dimension: "region") dimensions: segmentDimensions
        byCountry: breakdown(input: { ${WINDOW}, by: "country" }) { value }
        fr: customers(search: "FR") { totalCount } atelier: customers(search: "Atelier") { totalCount }
        mover: customer(id: "mover") { attributes { name value } } }`;
    type Lists = {
      countries: string[];
      plans: string[];
      regions: string[];
      dimensions: string[];
      byCountry: { value: string }[];
      fr: { totalCount: number };
      atelier: { totalCount: number };
      mover: { attributes: { name: string; value: string }[] } | null;
    };
    const locked = (await graphql<Lists>(api, query, { credential: us })).body.data;
    expect(locked).toEqual({
      countries: ['US'],
      // Not "Atelier" (only fr-1 has it), nor "Legacy" (mover's plan while it was in France).
      plans: ['Enterprise', 'Growth', 'Starter'],
      regions: [],
      dimensions: ['country', 'plan', 'size_band'],
      byCountry: [{ value: 'US' }],
      fr: { totalCount: 0 },
      atelier: { totalCount: 0 },
      mover: {
        attributes: [
          { name: 'country', value: 'US' },
          { name: 'plan', value: 'Growth' },
        ],
      },
    });
    const all = (await graphql<Lists>(api, query, { credential: secret })).body.data;
    expect(all?.countries).toEqual(['FR', 'US']);
    expect(all?.plans).toEqual(['Atelier', 'Enterprise', 'Growth', 'Legacy', 'Starter']);
    expect(all?.dimensions).toEqual(['country', 'plan', 'region', 'size_band']);
    expect(all?.fr.totalCount).toBe(1);
    // A breakdown by a name only customers outside the lock carry is, for the token, a dimension
    // that does not exist: refused, naming only the names it can see.
    const byRegion = `{ breakdown(input: { ${WINDOW}, by: "region" }) { value } }`;
    const lockedRegion = (await graphql(api, byRegion, { credential: us })).body;
    expect(lockedRegion.data ?? null).toBeNull();
    expect(lockedRegion.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(lockedRegion.errors?.[0]?.message).toBe(
      'by: no customer has the attribute "region". Known dimensions: "country", "plan", "size_band".',
    );
    const allRegion = (
      await graphql<{ breakdown: { value: string }[] }>(api, byRegion, { credential: secret })
    ).body;
    expect(allRegion.data?.breakdown.map((row) => row.value)).toContain('(none)');
  });

  it('a token locked to a size band lists only values of customers in that band', async () => {
    const enterprise = await mint('{ sizeBands: [ENTERPRISE] }');
    const { body } = await graphql<{ plans: string[]; bands: string[]; byBand: { value: string }[] }>(
      api,
      `{ plans: segments(dimension: "plan") bands: segments(dimension: "size_band")
         byBand: breakdown(input: { ${WINDOW}, by: "size_band" }) { value } }`,
      { credential: enterprise },
    );
    expect(body.data).toEqual({
      plans: ['Enterprise'],
      bands: ['ENTERPRISE'],
      byBand: [{ value: 'ENTERPRISE' }],
    });
  });

  it('a secret key asking for empty lists sees nobody too, and without a segment everyone', async () => {
    expect(await seen(secret, '{ sizeBands: [] }')).toEqual(NOTHING);
    expect((await seen(secret)).retention).toBe(5);
  });
});
