/**
 * The definition diff through GraphQL over HTTP (issue 14): `compareDefinitions` answers one
 * window under two definition sets with both reports, b − a per bridge line and the customers
 * whose movements differ. A worked example with exact figures (two customers, CHARTMOGUL against
 * PROFITWELL: both sets' span options differ from the settings, so both timelines are rebuilt from
 * the events); the law (every page's differences sum to `difference`, which is b's bridge minus
 * a's); cursors tied to the data version and both sets; tenancy; embed tokens; bad values.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, createApi } from '../src/yoga.ts';
import { DEFINITIONS_EVENTS } from './definitions-fixture.ts';
import {
  DATABASE_KINDS,
  graphql,
  openTestDatabase,
  TEST_TOKEN_SECRET,
  type TestDatabase,
  tenantWithKey,
  testApi,
} from './harness.ts';

const LINES = [
  'startingMrr',
  'newBusiness',
  'reactivation',
  'expansion',
  'contraction',
  'churn',
  'endingMrr',
] as const;
type Line = (typeof LINES)[number];
type Bridge = Record<Line, string>;
const BRIDGE = LINES.map((line) => `${line} { amount }`).join(' ');

const event = (fields: Record<string, unknown>) =>
  JSON.stringify({ status: 'active', currency: 'USD', interval: 'month', ...fields });

/**
 * Two customers: bee (50 a month, EU) paused from March 1, eve (60, US) unpaid from March 1. Under
 * CHARTMOGUL both keep their MRR (pause KEEP, unpaid KEEP); under PROFITWELL bee's pause takes it
 * to 0 (pause ZERO) and eve churns (unpaid CHURN).
 */
const TWO_CUSTOMERS = [
  event({
    id: 'b1',
    customer: 'bee',
    subscription: 'sb',
    unit_amount: '50',
    effective_at: '2024-01-01',
    metadata: { region: 'EU' },
  }),
  event({
    id: 'b2',
    customer: 'bee',
    subscription: 'sb',
    unit_amount: '50',
    effective_at: '2024-03-01',
    status: 'paused',
    metadata: { region: 'EU' },
  }),
  event({
    id: 'e1',
    customer: 'eve',
    subscription: 'se',
    unit_amount: '60',
    effective_at: '2024-01-01',
    metadata: { region: 'US' },
  }),
  event({
    id: 'e2',
    customer: 'eve',
    subscription: 'se',
    unit_amount: '60',
    effective_at: '2024-03-01',
    status: 'unpaid',
    metadata: { region: 'US' },
  }),
].join('\n');

const COMPARE = `query ($input: CompareDefinitionsInput!, $first: Int, $after: String) {
  compareDefinitions(input: $input) {
    a { ${BRIDGE} definitions { preset pause unpaid } warnings { code } }
    b { ${BRIDGE} definitions { preset pause unpaid } }
    difference { ${BRIDGE} }
    nrrDifference grrDifference
    customers(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node {
        customerId
        customer { id attributes { name value } }
        a { bridge { ${BRIDGE} } movements { entityId type amount { amount currency } } }
        b { bridge { ${BRIDGE} } movements { entityId type amount { amount currency } } }
        difference { ${BRIDGE} }
      } }
    }
  } }`;

interface Share {
  bridge: Record<Line, { amount: string }>;
  movements: { entityId: string; type: string; amount: { amount: string; currency: string } }[];
}
interface Comparison {
  a: Record<Line, { amount: string }> & { definitions: Record<string, unknown>; warnings: unknown[] };
  b: Record<Line, { amount: string }> & { definitions: Record<string, unknown> };
  difference: Record<Line, { amount: string }>;
  nrrDifference: number | null;
  grrDifference: number | null;
  customers: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: {
      cursor: string;
      node: {
        customerId: string;
        customer: { id: string; attributes: { name: string; value: string }[] } | null;
        a: Share;
        b: Share;
        difference: Record<Line, { amount: string }>;
      };
    }[];
  };
}

const bridgeOf = (lines: Record<Line, { amount: string }>): Bridge =>
  Object.fromEntries(LINES.map((line) => [line, lines[line].amount])) as Bridge;
/** An amount in ten-thousandths (the Money scalar has at most 4 decimal places): exact sums. */
const units = (amount: string) => Math.round(Number(amount) * 10_000);
const ZERO: Bridge = {
  startingMrr: '0',
  newBusiness: '0',
  reactivation: '0',
  expansion: '0',
  contraction: '0',
  churn: '0',
  endingMrr: '0',
};

const FEB_TO_JUN = { from: '2024-02-01', to: '2024-06-01' };

describe.each(DATABASE_KINDS)('compareDefinitions on %s', (kind) => {
  let test: TestDatabase;
  let api: Api;
  let key: string;
  let otherKey: string;

  const importEvents = async (credential: string, text: string) => {
    const { body } = await graphql(
      api,
      'mutation ($text: String!) { importData(input: { format: EVENTS, text: $text }) { status } }',
      { credential, variables: { text } },
    );
    expect(body.data).toEqual({ importData: { status: 'SUCCEEDED' } });
  };
  const compare = (
    input: Record<string, unknown>,
    options: { credential?: string; first?: number; after?: string } = {},
  ) =>
    graphql<{ compareDefinitions: Comparison }>(api, COMPARE, {
      credential: options.credential ?? key,
      variables: {
        input,
        ...(options.first === undefined ? {} : { first: options.first }),
        ...(options.after === undefined ? {} : { after: options.after }),
      },
    });
  const compared = async (input: Record<string, unknown>, options: Parameters<typeof compare>[1] = {}) => {
    const { body } = await compare(input, options);
    expect(body.errors).toBeUndefined();
    return body.data?.compareDefinitions as Comparison;
  };

  beforeAll(async () => {
    test = await openTestDatabase(kind);
    api = testApi(test.database);
    key = await tenantWithKey(test.database, 'pair');
    otherKey = await tenantWithKey(test.database, 'fixture');
    await importEvents(key, TWO_CUSTOMERS);
    await importEvents(otherKey, DEFINITIONS_EVENTS);
  });

  afterAll(async () => {
    await api.close();
    await test.dispose();
  });

  it('worked example: CHARTMOGUL keeps both customers, PROFITWELL loses both, and names who and how', async () => {
    const result = await compared({
      ...FEB_TO_JUN,
      a: { preset: 'CHARTMOGUL' },
      b: { preset: 'PROFITWELL' },
    });
    expect(bridgeOf(result.a)).toEqual({ ...ZERO, startingMrr: '110', endingMrr: '110' });
    expect(result.a.definitions).toEqual({ preset: 'CHARTMOGUL', pause: 'KEEP', unpaid: 'KEEP' });
    expect(bridgeOf(result.b)).toEqual({ ...ZERO, startingMrr: '110', churn: '110', endingMrr: '0' });
    expect(result.b.definitions).toEqual({ preset: 'PROFITWELL', pause: 'ZERO', unpaid: 'CHURN' });
    expect(bridgeOf(result.difference)).toEqual({ ...ZERO, churn: '110', endingMrr: '-110' });
    // NRR and GRR 1 (110 / 110) under a, 0 under b: b − a is −1 for both.
    expect({ nrr: result.nrrDifference, grr: result.grrDifference }).toEqual({ nrr: -1, grr: -1 });
    expect(result.customers.totalCount).toBe(2);
    expect(result.customers.pageInfo.hasNextPage).toBe(false);
    // Largest change first: eve's 60, then bee's 50.
    expect(result.customers.edges.map((edge) => edge.node)).toEqual([
      {
        customerId: 'eve',
        customer: {
          id: 'eve',
          attributes: [
            { name: 'billing_interval', value: 'month' },
            { name: 'region', value: 'US' },
          ],
        },
        a: { bridge: wrap({ ...ZERO, startingMrr: '60', endingMrr: '60' }), movements: [] },
        b: {
          bridge: wrap({ ...ZERO, startingMrr: '60', churn: '60' }),
          movements: [{ entityId: 'eve', type: 'CHURN', amount: { amount: '60', currency: 'USD' } }],
        },
        difference: wrap({ ...ZERO, churn: '60', endingMrr: '-60' }),
      },
      {
        customerId: 'bee',
        customer: {
          id: 'bee',
          attributes: [
            { name: 'billing_interval', value: 'month' },
            { name: 'region', value: 'EU' },
          ],
        },
        a: { bridge: wrap({ ...ZERO, startingMrr: '50', endingMrr: '50' }), movements: [] },
        b: {
          bridge: wrap({ ...ZERO, startingMrr: '50', churn: '50' }),
          movements: [{ entityId: 'bee', type: 'CHURN', amount: { amount: '50', currency: 'USD' } }],
        },
        difference: wrap({ ...ZERO, churn: '50', endingMrr: '-50' }),
      },
    ]);
  });

  it('nrrDifference and grrDifference are null when either report has no ratio (no starting MRR)', async () => {
    // January: both customers start paying in it, so neither set has a starting cohort.
    const january = await compared({
      from: '2024-01-01',
      to: '2024-02-01',
      a: { preset: 'CHARTMOGUL' },
      b: { preset: 'PROFITWELL' },
    });
    expect(bridgeOf(january.a)).toEqual({ ...ZERO, newBusiness: '110', endingMrr: '110' });
    expect({ nrr: january.nrrDifference, grr: january.grrDifference }).toEqual({ nrr: null, grr: null });
  });

  it('the same on the request thread (no engine workers), and the sets do not leak into other questions', async () => {
    const input = { ...FEB_TO_JUN, a: { preset: 'CHARTMOGUL' }, b: { preset: 'PROFITWELL' } };
    const inline = createApi({
      db: test.database.db,
      tokenSecret: TEST_TOKEN_SECRET,
      rateLimit: false,
      engineWorkers: 0,
    });
    try {
      const { body } = await graphql<{ compareDefinitions: Comparison }>(inline, COMPARE, {
        credential: key,
        variables: { input },
      });
      expect(body.errors).toBeUndefined();
      expect(body.data?.compareDefinitions).toEqual(await compared(input));
    } finally {
      await inline.close();
    }
    // The tenant's settings (pause KEEP, unpaid CHURN): bee keeps its 50, eve churns.
    const { body } = await graphql<{ retention: Record<Line, { amount: string }> }>(
      api,
      `{ retention(input: { from: "2024-02-01", to: "2024-06-01" }) { ${BRIDGE} } }`,
      { credential: key },
    );
    expect(bridgeOf(body.data?.retention as Record<Line, { amount: string }>)).toEqual({
      ...ZERO,
      startingMrr: '110',
      churn: '60',
      endingMrr: '50',
    });
  });

  it('is memoised per data version and pair of sets: each set’s half computed once', async () => {
    const input = {
      ...FEB_TO_JUN,
      a: { preset: 'DBT_PLAYBOOK' },
      b: { unpaid: 'KEEP', coalesceWindowMinutes: 5 },
    };
    const before = api.timelines.computations('definitionShares');
    const first = await compared(input, { credential: otherKey });
    expect(api.timelines.computations('definitionShares')).toBe(before + 2);
    // Asked again, and a page further on: answered from memory.
    expect(await compared(input, { credential: otherKey })).toEqual(first);
    await compared(input, { credential: otherKey, first: 1 });
    expect(api.timelines.computations('definitionShares')).toBe(before + 2);
    // Swapping the sets reuses both halves; a new b computes only its own.
    await compared({ ...FEB_TO_JUN, a: input.b, b: input.a }, { credential: otherKey });
    expect(api.timelines.computations('definitionShares')).toBe(before + 2);
    await compared({ ...input, b: { pause: 'ZERO' } }, { credential: otherKey });
    expect(api.timelines.computations('definitionShares')).toBe(before + 3);
  });

  it('charges each set’s half to the request’s work budget, once for equal sets', async () => {
    // Each half: 2 customers × (2 windows + 10 for reading their changes) = 24 customer-windows.
    const tight = createApi({
      db: test.database.db,
      tokenSecret: TEST_TOKEN_SECRET,
      rateLimit: false,
      workBudget: 30,
    });
    try {
      const ask = (input: Record<string, unknown>) =>
        graphql<{ compareDefinitions: Comparison }>(tight, COMPARE, {
          credential: key,
          variables: { input },
        });
      const refused = await ask({ ...FEB_TO_JUN, a: { preset: 'CHARTMOGUL' }, b: { preset: 'PROFITWELL' } });
      expect(refused.status).toBe(400);
      expect(refused.body.errors?.[0]).toMatchObject({
        message: expect.stringMatching(
          /^compareDefinitions \(2 windows × 2 customers\) needs 24 customer-windows of engine work, and this request has 6 left of its limit of 30;/,
        ),
        extensions: { code: 'COST_LIMIT' },
      });
      const same = await ask({ ...FEB_TO_JUN, a: { pause: 'ZERO' }, b: { pause: 'ZERO' } });
      expect(same.body.errors).toBeUndefined();
    } finally {
      await tight.close();
    }
  });

  it('reports are those of `retention` under each set; a missing `a` is the tenant’s settings', async () => {
    const retention = async (definitions: Record<string, unknown>) => {
      const { body } = await graphql<{ retention: Record<Line, { amount: string }> }>(
        api,
        `query ($d: DefinitionsInput) { retention(input: { from: "2024-02-01", to: "2024-06-01", definitions: $d }) { ${BRIDGE} } }`,
        { credential: otherKey, variables: { d: definitions } },
      );
      expect(body.errors).toBeUndefined();
      return bridgeOf(body.data?.retention as Record<Line, { amount: string }>);
    };
    const b = { preset: 'STRIPE', reactivationWindowDays: 30 };
    const result = await compared({ ...FEB_TO_JUN, b }, { credential: otherKey });
    expect(bridgeOf(result.a)).toEqual(await retention({}));
    expect(result.a.definitions).toEqual({ preset: null, pause: 'KEEP', unpaid: 'CHURN' });
    expect(bridgeOf(result.b)).toEqual(await retention(b));
  });

  it('law: every customer’s difference, over all pages, sums to `difference`, which is b − a line by line', async () => {
    const pairs: { a?: Record<string, unknown>; b: Record<string, unknown> }[] = [
      { b: { preset: 'STRIPE' } },
      { a: { preset: 'CHARTMOGUL' }, b: { preset: 'BAREMETRICS', grain: 'SUBSCRIPTION' } },
      { a: { timeZone: 'Pacific/Auckland' }, b: { reactivationWindowDays: 30, churnDate: 'CANCELLATION' } },
      { a: { pause: 'ZERO' }, b: { pause: 'ZERO' } },
    ];
    // And seeded random pairs over every option's values (a small linear congruential generator).
    let seed = 14;
    const pick = <T>(values: readonly T[]): T => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return values[seed % values.length] as T;
    };
    const randomSet = () => ({
      grain: pick(['CUSTOMER', 'SUBSCRIPTION']),
      churnDate: pick(['END_OF_SERVICE', 'CANCELLATION']),
      reactivationWindowDays: pick([null, 30, 120]),
      coalesceWindowMinutes: pick([0, 60]),
      discounts: pick(['ALL_RECURRING', 'ONLY_FOREVER']),
      pastDueChurnDays: pick([null, 0, 30]),
      unpaid: pick(['CHURN', 'KEEP']),
      pause: pick(['KEEP', 'ZERO', 'CHURN']),
      timeZone: pick(['UTC', 'Pacific/Auckland', 'America/New_York']),
    });
    const handPicked = pairs.length;
    for (let k = 0; k < 6; k++) pairs.push({ a: randomSet(), b: randomSet() });
    let randomDifferences = 0;
    for (const [index, pair] of pairs.entries()) {
      const input = { ...FEB_TO_JUN, ...pair };
      const first = await compared(input, { credential: otherKey, first: 2 });
      const nodes = [...first.customers.edges.map((edge) => edge.node)];
      let page = first;
      while (page.customers.pageInfo.hasNextPage) {
        page = await compared(input, {
          credential: otherKey,
          first: 2,
          after: page.customers.pageInfo.endCursor ?? '',
        });
        nodes.push(...page.customers.edges.map((edge) => edge.node));
      }
      expect(nodes.length).toBe(first.customers.totalCount);
      if (index >= handPicked) randomDifferences += nodes.length;
      expect(new Set(nodes.map((node) => node.customerId)).size).toBe(nodes.length);
      for (const line of LINES) {
        const summed = nodes.reduce((sum, node) => sum + units(node.difference[line].amount), 0);
        expect(summed, `${JSON.stringify(pair)} ${line}`).toBe(units(first.difference[line].amount));
        expect(units(first.difference[line].amount)).toBe(
          units(first.b[line].amount) - units(first.a[line].amount),
        );
        for (const node of nodes) {
          expect(units(node.difference[line].amount)).toBe(
            units(node.b.bridge[line].amount) - units(node.a.bridge[line].amount),
          );
        }
      }
      // The hand-picked distinct pairs each change someone (random ones may not: equal effects).
      if (index < handPicked && (!pair.a || JSON.stringify(pair.a) !== JSON.stringify(pair.b))) {
        expect(first.customers.totalCount, JSON.stringify(pair)).toBeGreaterThan(0);
      }
    }
    expect(randomDifferences).toBeGreaterThan(0);
    // Equal sets: no difference and nobody listed.
    const same = await compared(
      { ...FEB_TO_JUN, a: { pause: 'ZERO' }, b: { pause: 'ZERO' } },
      { credential: otherKey },
    );
    expect(bridgeOf(same.difference)).toEqual(ZERO);
    expect(same.customers.totalCount).toBe(0);
  });

  it('pages are cut in order; a cursor is refused for other definitions and after a new import', async () => {
    const input = { ...FEB_TO_JUN, b: { preset: 'STRIPE', grain: 'SUBSCRIPTION' } };
    const all = await compared(input, { credential: otherKey, first: 500 });
    expect(all.customers.totalCount).toBeGreaterThan(2);
    const firstPage = await compared(input, { credential: otherKey, first: 1 });
    expect(firstPage.customers.pageInfo.hasNextPage).toBe(true);
    const second = await compared(input, {
      credential: otherKey,
      first: 1,
      after: firstPage.customers.pageInfo.endCursor ?? '',
    });
    expect(
      [...firstPage.customers.edges, ...second.customers.edges].map((edge) => edge.node.customerId),
    ).toEqual(all.customers.edges.slice(0, 2).map((edge) => edge.node.customerId));

    const cursor = firstPage.customers.pageInfo.endCursor ?? '';
    const other = await compare(
      { ...FEB_TO_JUN, b: { preset: 'STRIPE' } },
      { credential: otherKey, first: 1, after: cursor },
    );
    expect(other.body.errors?.[0]).toMatchObject({
      message:
        'after: this cursor belongs to another question (other definitions, window, segment or currency); start again from the first page',
      extensions: { code: 'BAD_USER_INPUT', field: 'after' },
    });
    // The same sets written another way (the preset's own value spelled out) are the same comparison.
    const spelled = await compare(
      { ...FEB_TO_JUN, a: { pause: 'KEEP' }, b: { preset: 'STRIPE', grain: 'SUBSCRIPTION' } },
      { credential: otherKey, first: 1, after: cursor },
    );
    expect(spelled.body.errors).toBeUndefined();

    // Importing into this tenant bumps its data version: the cursor is stale.
    await importEvents(
      otherKey,
      event({ id: 'z1', customer: 'zed', subscription: 'sz', unit_amount: '1', effective_at: '2025-01-01' }),
    );
    const stale = await compare(input, { credential: otherKey, first: 1, after: cursor });
    expect(stale.body.errors?.[0]).toMatchObject({
      message:
        'after: the data changed since this cursor was issued (a new import); start again from the first page',
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });

  it('one tenant never sees another’s customers, and its figures are its own', async () => {
    const input = { ...FEB_TO_JUN, a: { preset: 'CHARTMOGUL' }, b: { preset: 'PROFITWELL' } };
    const mine = await compared(input);
    expect(mine.customers.edges.map((edge) => edge.node.customerId)).toEqual(['eve', 'bee']);
    const theirs = await compared(input, { credential: otherKey });
    const ids = theirs.customers.edges.map((edge) => edge.node.customerId);
    expect(ids).not.toContain('eve');
    expect(ids).not.toContain('bee');
    expect(ids.length).toBeGreaterThan(0);
    expect(bridgeOf(mine.difference)).toEqual({ ...ZERO, churn: '110', endingMrr: '-110' });
    // A cursor of one tenant's comparison means nothing in another's.
    const page = await compared(input, { first: 1 });
    const foreign = await compare(input, {
      credential: otherKey,
      first: 1,
      after: page.customers.pageInfo.endCursor ?? '',
    });
    expect(foreign.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('embed tokens: fixed definitions may not compare; a segment lock confines the comparison', async () => {
    const mint = async (input: string) => {
      const { body } = await graphql<{ createEmbedToken: { token: string } }>(
        api,
        `mutation { createEmbedToken(input: ${input}) { token } }`,
        { credential: key },
      );
      expect(body.errors).toBeUndefined();
      return body.data?.createEmbedToken.token ?? '';
    };
    const input = { ...FEB_TO_JUN, a: { preset: 'CHARTMOGUL' }, b: { preset: 'PROFITWELL' } };
    const fixed = await mint('{ definitions: { preset: CHARTMOGUL } }');
    for (const asked of [input, { ...FEB_TO_JUN, b: {} }]) {
      const refused = await compare(asked, { credential: fixed });
      expect(refused.body.data).toBeNull();
      expect(refused.body.errors?.[0]).toMatchObject({
        message:
          "compareDefinitions: this embed token's definitions are fixed (preset); comparing other definition sets needs a secret key",
        extensions: { code: 'FORBIDDEN' },
      });
    }

    const eu = await mint('{ segment: { attributes: [{ name: "region", values: ["EU"] }] } }');
    const locked = await compared(input, { credential: eu });
    expect(bridgeOf(locked.a)).toEqual({ ...ZERO, startingMrr: '50', endingMrr: '50' });
    expect(bridgeOf(locked.difference)).toEqual({ ...ZERO, churn: '50', endingMrr: '-50' });
    expect(locked.customers.edges.map((edge) => edge.node.customerId)).toEqual(['bee']);
    const widened = await compare(
      { ...input, segment: { attributes: [{ name: 'region', values: ['US'] }] } },
      { credential: eu },
    );
    expect(widened.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('movement cursors belong to their definition set too: refused under another, accepted under the same values', async () => {
    const MOVEMENTS = `query ($definitions: DefinitionsInput, $after: String) {
      movements(input: { from: "2024-02-01", to: "2024-06-01", definitions: $definitions }, first: 2, after: $after) {
        totalCount pageInfo { endCursor } edges { node { customerId type } } } }`;
    const movements = (definitions: Record<string, unknown>, after?: string) =>
      graphql<{ movements: { totalCount: number; pageInfo: { endCursor: string }; edges: unknown[] } }>(
        api,
        MOVEMENTS,
        { credential: otherKey, variables: { definitions, ...(after ? { after } : {}) } },
      );
    const first = await movements({ preset: 'STRIPE' });
    expect(first.body.errors).toBeUndefined();
    const cursor = first.body.data?.movements.pageInfo.endCursor ?? '';
    const next = await movements({ preset: 'STRIPE', pause: 'ZERO' }, cursor);
    expect(next.body.errors).toBeUndefined();
    expect(next.body.data?.movements.edges.length).toBeGreaterThan(0);
    const other = await movements({ preset: 'CHARTMOGUL' }, cursor);
    expect(other.body.data).toBeNull();
    expect(other.body.errors?.[0]).toMatchObject({
      message:
        'after: this cursor belongs to another question (other definitions); start again from the first page',
      extensions: { code: 'BAD_USER_INPUT', field: 'after' },
    });
  });

  it('a bad definition value is BAD_USER_INPUT naming the set and the option', async () => {
    const badB = await compare({ ...FEB_TO_JUN, b: { reactivationWindowDays: -3 } });
    expect(badB.body.data).toBeNull();
    expect(badB.body.errors?.[0]).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'b.reactivationWindowDays' },
    });
    expect(badB.body.errors?.[0]?.message).toMatch(
      /^b: reactivationWindowDays: -3 is not allowed; allowed: /,
    );
    const badA = await compare({ ...FEB_TO_JUN, a: { timeZone: 'Mars/Olympus' }, b: {} });
    expect(badA.body.errors?.[0]).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'a.timeZone' },
    });
    expect(badA.body.errors?.[0]?.message).toMatch(/^a: timeZone: "Mars\/Olympus" is not allowed/);
    const badBand = await compare({ ...FEB_TO_JUN, b: { sizeBandMidMarket: 'lots' } });
    expect(badBand.body.errors?.[0]).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'b.sizeBandMidMarket' },
    });
  });
});

/** A bridge of amounts as the `BridgeShare` and `BridgeDifference` types answer it. */
function wrap(bridge: Bridge): Record<Line, { amount: string }> {
  return Object.fromEntries(LINES.map((line) => [line, { amount: bridge[line] }])) as Record<
    Line,
    { amount: string }
  >;
}
