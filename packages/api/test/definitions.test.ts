/**
 * Definitions through GraphQL over HTTP (issue 14): each option, as a tenant setting and as a
 * query's override, changes the figures of a worked example (./definitions-fixture.ts) it should
 * and nothing else; an override does not leak into other questions or tenants; settings are
 * changed by read_write keys only, atomically with the spans they recompute.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mrrSpans, tenants } from '../src/db/schema.ts';
import type { Api } from '../src/yoga.ts';
import { DEFINITIONS_EVENTS } from './definitions-fixture.ts';
import {
  DATABASE_KINDS,
  graphql,
  openTestDatabase,
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

const REPORT = `startingMrr { amount } newBusiness { amount } reactivation { amount } expansion { amount }
  contraction { amount } churn { amount } endingMrr { amount }
  definitions { preset grain churnDate reactivationWindowDays coalesceWindowMinutes discounts pastDueChurnDays
    unpaid pause sizeBandMidMarket sizeBandEnterprise timeZone customizedOptions }`;
const RETENTION = `query ($from: Date!, $to: Date!, $definitions: DefinitionsInput) {
  retention(input: { from: $from, to: $to, definitions: $definitions }) { ${REPORT} } }`;
const SETTINGS = `mutation ($input: DefinitionsInput!) {
  updateTenantSettings(input: $input) { dataVersion settings { preset grain pause discounts timeZone sizeBandMidMarket customizedOptions } } }`;

/** The engine's defaults, as a settings change that puts every option back. */
const DEFAULTS = {
  preset: null,
  grain: 'CUSTOMER',
  churnDate: 'END_OF_SERVICE',
  reactivationWindowDays: null,
  coalesceWindowMinutes: 60,
  discounts: 'ALL_RECURRING',
  pastDueChurnDays: null,
  unpaid: 'CHURN',
  pause: 'KEEP',
  sizeBandMidMarket: '1000',
  sizeBandEnterprise: '10000',
  timeZone: 'UTC',
};

const FEB_TO_JUN = { from: '2024-02-01', to: '2024-06-01' };
const FEB_TO_APR = { from: '2024-02-01', to: '2024-04-01' };

/** Default figures of February–May: a, b, c, d, e, g, h, i paying on February 1; f back in May. */
const DEFAULT_FEB_TO_JUN: Bridge = {
  startingMrr: '535',
  newBusiness: '0',
  reactivation: '30',
  expansion: '15',
  contraction: '20',
  churn: '260',
  endingMrr: '300',
};

/** Each option, a window, and every bridge line it changes there (the others must not change). */
const CASES: readonly {
  readonly definitions: Record<string, unknown>;
  readonly window: { from: string; to: string };
  readonly changes: Partial<Bridge>;
}[] = [
  // g's second subscription ending is churn of a subscription, not contraction; f's new subscription is new.
  {
    definitions: { grain: 'SUBSCRIPTION' },
    window: FEB_TO_JUN,
    changes: { newBusiness: '30', reactivation: '0', contraction: '0', churn: '280' },
  },
  // c asked to cancel on March 10; its service ends on April 15, after this window.
  {
    definitions: { churnDate: 'CANCELLATION' },
    window: FEB_TO_APR,
    changes: { churn: '260', endingMrr: '275' },
  },
  // f came back after 107 days: new business under a 30-day window.
  {
    definitions: { reactivationWindowDays: 30 },
    window: FEB_TO_JUN,
    changes: { newBusiness: '30', reactivation: '0' },
  },
  // a's coupon is finite: not subtracted under ONLY_FOREVER.
  {
    definitions: { discounts: 'ONLY_FOREVER' },
    window: FEB_TO_JUN,
    changes: { startingMrr: '555', endingMrr: '320' },
  },
  // d has been past due since February 10: churned on March 11.
  { definitions: { pastDueChurnDays: 30 }, window: FEB_TO_JUN, changes: { churn: '300', endingMrr: '260' } },
  // e's unpaid subscription stays, as past due.
  { definitions: { unpaid: 'KEEP' }, window: FEB_TO_JUN, changes: { churn: '200', endingMrr: '360' } },
  // b's pause takes its 50 out of MRR.
  { definitions: { pause: 'ZERO' }, window: FEB_TO_JUN, changes: { churn: '310', endingMrr: '250' } },
  // February starts at 11:00 UTC on January 31 in Auckland: i (from 12:00 UTC) is new in February there.
  {
    definitions: { timeZone: 'Pacific/Auckland' },
    window: FEB_TO_JUN,
    changes: { startingMrr: '530', newBusiness: '5' },
  },
  // Coalescing only groups h's two changes of April 1 (its ledger shows it); the bridge is the same.
  { definitions: { coalesceWindowMinutes: 0 }, window: FEB_TO_JUN, changes: {} },
];

const bridgeOf = (report: Record<string, { amount: string }>): Bridge =>
  Object.fromEntries(LINES.map((line) => [line, report[line]?.amount ?? ''])) as Bridge;

/** The lines of `b` that differ from `a`, with `b`'s values. */
function changedLines(a: Bridge, b: Bridge): Partial<Bridge> {
  return Object.fromEntries(LINES.filter((line) => a[line] !== b[line]).map((line) => [line, b[line]]));
}

describe.each(DATABASE_KINDS)('definitions through GraphQL on %s', (kind) => {
  let test: TestDatabase;
  let api: Api;
  let key: string;
  let readKey: string;
  let otherKey: string;

  const retention = async (
    window: { from: string; to: string },
    definitions?: Record<string, unknown>,
    credential = key,
  ) => {
    const { body } = await graphql<{
      retention: Record<string, { amount: string }> & { definitions: Record<string, unknown> };
    }>(api, RETENTION, { credential, variables: { ...window, ...(definitions ? { definitions } : {}) } });
    expect(body.errors).toBeUndefined();
    return body.data?.retention as Record<string, { amount: string }> & {
      definitions: Record<string, unknown>;
    };
  };
  const settings = (input: Record<string, unknown>, credential = key) =>
    graphql<{ updateTenantSettings: { dataVersion: number; settings: Record<string, unknown> } }>(
      api,
      SETTINGS,
      {
        credential,
        variables: { input },
      },
    );
  const importEvents = async (credential: string) => {
    const { body } = await graphql(
      api,
      'mutation ($text: String!) { importData(input: { format: EVENTS, text: $text }) { status } }',
      { credential, variables: { text: DEFINITIONS_EVENTS } },
    );
    expect(body.data).toEqual({ importData: { status: 'SUCCEEDED' } });
  };
  const storedSpans = (tenantId: string) =>
    test.database.db
      .select({
        subscriptionId: mrrSpans.subscriptionId,
        startAt: mrrSpans.startAt,
        endAt: mrrSpans.endAt,
        mrr: mrrSpans.mrr,
      })
      .from(mrrSpans)
      .where(eq(mrrSpans.tenantId, tenantId))
      .orderBy(asc(mrrSpans.subscriptionId), asc(mrrSpans.startAt));

  beforeAll(async () => {
    test = await openTestDatabase(kind);
    api = testApi(test.database);
    key = await tenantWithKey(test.database, 'defs');
    readKey = await tenantWithKey(test.database, 'defs', { scope: 'read' });
    otherKey = await tenantWithKey(test.database, 'other');
    await importEvents(key);
    await importEvents(otherKey);
  });

  afterAll(async () => {
    await api.close();
    await test.dispose();
  });

  it('answers with the engine’s defaults, and says so, until told otherwise', async () => {
    const report = await retention(FEB_TO_JUN);
    expect(bridgeOf(report)).toEqual(DEFAULT_FEB_TO_JUN);
    expect(report.definitions).toEqual({
      preset: null,
      grain: 'CUSTOMER',
      churnDate: 'END_OF_SERVICE',
      reactivationWindowDays: null,
      coalesceWindowMinutes: 60,
      discounts: 'ALL_RECURRING',
      pastDueChurnDays: null,
      unpaid: 'CHURN',
      pause: 'KEEP',
      sizeBandMidMarket: '1000',
      sizeBandEnterprise: '10000',
      timeZone: 'UTC',
      customizedOptions: [],
    });
  });

  it.each(CASES)(
    'override $definitions changes exactly $changes',
    async ({ definitions, window, changes }) => {
      const base = bridgeOf(await retention(window));
      const report = await retention(window, definitions);
      expect(changedLines(base, bridgeOf(report))).toEqual(changes);
      expect(report.definitions).toMatchObject({
        ...definitions,
        customizedOptions: Object.keys(definitions),
      });
      // The override was for that question only.
      expect(bridgeOf(await retention(window))).toEqual(base);
    },
  );

  it.each(CASES)(
    'setting $definitions changes exactly $changes, and bumps the data version',
    async ({ definitions, window, changes }) => {
      const base = bridgeOf(await retention(window));
      const before = (await test.database.db.select().from(tenants).where(eq(tenants.tenantId, 'defs')))[0];
      const changed = await settings(definitions);
      expect(changed.body.errors).toBeUndefined();
      expect(changed.body.data?.updateTenantSettings.dataVersion).toBe((before?.dataVersion ?? 0) + 1);
      try {
        const report = await retention(window);
        expect(changedLines(base, bridgeOf(report))).toEqual(changes);
        expect(report.definitions).toMatchObject(definitions);
        // The other tenant's figures and settings are its own.
        expect(bridgeOf(await retention(window, undefined, otherKey))).toEqual(base);
      } finally {
        expect((await settings(DEFAULTS)).body.errors).toBeUndefined();
      }
      expect(bridgeOf(await retention(window))).toEqual(base);
    },
  );

  it('a span setting recomputes the stored spans from the events; an override leaves them alone', async () => {
    const before = await storedSpans('defs');
    const couponed = () =>
      storedSpans('defs').then((spans) =>
        spans.filter((span) => span.subscriptionId === 'sa').map((s) => s.mrr),
      );
    expect(await couponed()).toEqual(['80.0000', '100.0000']);
    await retention(FEB_TO_JUN, { discounts: 'ONLY_FOREVER' });
    expect(await storedSpans('defs')).toEqual(before);
    const changed = await settings({ discounts: 'ONLY_FOREVER' });
    expect(changed.body.data?.updateTenantSettings.settings).toMatchObject({
      discounts: 'ONLY_FOREVER',
      customizedOptions: ['discounts'],
    });
    expect(await couponed()).toEqual(['100.0000']);
    expect(
      (await storedSpans('other')).filter((span) => span.subscriptionId === 'sa').map((s) => s.mrr),
    ).toEqual(['80.0000', '100.0000']);
    await settings(DEFAULTS);
    expect(await storedSpans('defs')).toEqual(before);
  });

  it('a setting that changes nothing keeps the data version', async () => {
    const [before] = await test.database.db.select().from(tenants).where(eq(tenants.tenantId, 'defs'));
    const { body } = await settings({ pause: 'KEEP', timeZone: 'UTC' });
    expect(body.data?.updateTenantSettings.dataVersion).toBe(before?.dataVersion);
  });

  it('coalescing groups the changes of a customer’s ledger', async () => {
    const LEDGER = `query ($definitions: DefinitionsInput) {
      customer(id: "h", definitions: $definitions) { ledger { at type amount { amount } } definitions { coalesceWindowMinutes } } }`;
    const ledger = async (definitions?: Record<string, unknown>) =>
      (
        await graphql<{ customer: { ledger: unknown[]; definitions: unknown } }>(api, LEDGER, {
          credential: key,
          variables: definitions ? { definitions } : {},
        })
      ).body.data?.customer;
    expect(await ledger()).toEqual({
      ledger: [
        { at: '2024-01-01T00:00:00.000Z', type: 'NEW', amount: { amount: '10' } },
        { at: '2024-04-01T00:00:00.000Z', type: 'EXPANSION', amount: { amount: '15' } },
      ],
      definitions: { coalesceWindowMinutes: 60 },
    });
    expect(await ledger({ coalesceWindowMinutes: 0 })).toEqual({
      ledger: [
        { at: '2024-01-01T00:00:00.000Z', type: 'NEW', amount: { amount: '10' } },
        { at: '2024-04-01T00:00:00.000Z', type: 'EXPANSION', amount: { amount: '5' } },
        { at: '2024-04-01T00:30:00.000Z', type: 'EXPANSION', amount: { amount: '10' } },
      ],
      definitions: { coalesceWindowMinutes: 0 },
    });
    expect(await ledger()).toMatchObject({ definitions: { coalesceWindowMinutes: 60 } });
  });

  it('a customer’s ledger classifies a return under the reactivation window', async () => {
    const LEDGER = `query ($definitions: DefinitionsInput) {
      customer(id: "f", definitions: $definitions) { ledger { at type amount { amount } } } }`;
    const types = async (definitions?: Record<string, unknown>) =>
      (
        await graphql<{ customer: { ledger: { at: string; type: string }[] } }>(api, LEDGER, {
          credential: key,
          variables: definitions ? { definitions } : {},
        })
      ).body.data?.customer.ledger.map((entry) => `${entry.at.slice(0, 10)} ${entry.type}`);
    // f came back on May 1 after 107 days away: a reactivation by default (any gap), new under 30 days.
    const byDefault = await types();
    expect(byDefault).toContain('2024-05-01 REACTIVATION');
    const within30 = await types({ reactivationWindowDays: 30 });
    expect(within30).toContain('2024-05-01 NEW');
    expect(within30?.filter((line) => !line.startsWith('2024-05-01'))).toEqual(
      byDefault?.filter((line) => !line.startsWith('2024-05-01')),
    );
  });

  it('size bands follow their thresholds in a breakdown', async () => {
    const BREAKDOWN = `query ($definitions: DefinitionsInput) {
      breakdown(input: { from: "2024-02-01", to: "2024-06-01", by: "size_band", definitions: $definitions }) {
        value report { startingMrr { amount } definitions { sizeBandMidMarket } } } }`;
    const rows = async (definitions?: Record<string, unknown>) =>
      (
        await graphql<{ breakdown: { value: string; report: { startingMrr: { amount: string } } }[] }>(
          api,
          BREAKDOWN,
          {
            credential: key,
            variables: definitions ? { definitions } : {},
          },
        )
      ).body.data?.breakdown.map((row) => [row.value, row.report.startingMrr.amount]);
    expect(await rows()).toEqual([
      ['SMB', '535'],
      ['ENTERPRISE', '0'],
      ['MID_MARKET', '0'],
    ]);
    // c pays 200 a month: mid-market from 150.
    expect(await rows({ sizeBandMidMarket: '150' })).toEqual([
      ['SMB', '335'],
      ['MID_MARKET', '200'],
      ['ENTERPRISE', '0'],
    ]);
  });

  it('cohort tables and movement pages carry the definitions that produced them', async () => {
    const { body } = await graphql<{
      cohorts: { definitions: { pause: string; timeZone: string }; rows: { cohort: string; size: number }[] };
      movements: { definitions: { pause: string }; edges: { node: { customerId: string; type: string } }[] };
    }>(
      api,
      `{ cohorts(input: { from: "2024-01-01", to: "2024-06-01", definitions: { timeZone: "Pacific/Auckland" } }) {
           definitions { pause timeZone } rows { cohort size } }
         movements(input: { from: "2024-02-01", to: "2024-06-01", types: [CHURN], definitions: { pause: ZERO } }) {
           definitions { pause } edges { node { customerId type } } } }`,
      { credential: key },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?.cohorts.definitions).toEqual({ pause: 'KEEP', timeZone: 'Pacific/Auckland' });
    // Cohorts are Auckland months, shown as their calendar dates: i (January 31, 12:00 UTC) is February's.
    expect(body.data?.cohorts.rows.map((row) => [row.cohort, row.size])).toEqual([
      ['2024-01-01', 7],
      ['2024-02-01', 1],
      ['2024-03-01', 0],
      ['2024-04-01', 0],
      ['2024-05-01', 0],
    ]);
    expect(body.data?.movements.definitions).toEqual({ pause: 'ZERO' });
    expect(body.data?.movements.edges.map((edge) => edge.node.customerId).sort()).toEqual(['b', 'c', 'e']);
  });

  it('refuses invalid values with BAD_USER_INPUT naming the option and what is allowed', async () => {
    const asked = await graphql(api, RETENTION, {
      credential: key,
      variables: { ...FEB_TO_JUN, definitions: { reactivationWindowDays: 0, timeZone: 'Mars/Olympus' } },
    });
    expect(asked.body.errors?.[0]).toMatchObject({
      message:
        'definitions: reactivationWindowDays: 0 is not allowed; allowed: an integer from 1 to 3650, or null (any gap); timeZone: "Mars/Olympus" is not allowed; allowed: an IANA time zone name such as Europe/Paris, or UTC',
      extensions: { code: 'BAD_USER_INPUT', field: 'definitions.reactivationWindowDays' },
    });
    const set = await settings({ sizeBandEnterprise: '500' });
    expect(set.body.errors?.[0]).toMatchObject({
      message:
        'settings: sizeBandEnterprise: 5000000 is not above sizeBandMidMarket (10000000); allowed: a whole number of units (1/10,000 of the currency) above sizeBandMidMarket',
      extensions: { code: 'BAD_USER_INPUT', field: 'settings.sizeBandEnterprise' },
    });
    const band = await settings({ sizeBandMidMarket: 'lots' });
    expect(band.body.errors?.[0]?.message).toBe(
      'settings: sizeBandMidMarket: "lots" is not allowed; allowed: a decimal amount of the currency above 0, e.g. 1000 for 1,000 a month (10000 units each)',
    );
    const nulled = await settings({ grain: null });
    expect(nulled.body.errors?.[0]?.message).toBe(
      'settings: grain: null is not allowed; allowed: CUSTOMER, SUBSCRIPTION',
    );
  });

  it('only a read_write secret key changes settings; each tenant sees and changes its own', async () => {
    const read = await settings({ pause: 'ZERO' }, readKey);
    expect(read.body.errors?.[0]).toMatchObject({
      message: 'updateTenantSettings needs a key with the read_write scope; this key is read-only',
      extensions: { code: 'FORBIDDEN' },
    });
    const minted = await graphql<{ createEmbedToken: { token: string } }>(
      api,
      'mutation { createEmbedToken { token } }',
      {
        credential: key,
      },
    );
    const token = minted.body.data?.createEmbedToken.token ?? '';
    const embed = await settings({ pause: 'ZERO' }, token);
    expect(embed.body.errors?.[0]).toMatchObject({
      message: 'updateTenantSettings needs a secret API key; embed tokens are read-only',
      extensions: { code: 'FORBIDDEN' },
    });
    expect(
      (await settings({ pause: 'ZERO' }, otherKey)).body.data?.updateTenantSettings.settings,
    ).toMatchObject({
      pause: 'ZERO',
    });
    try {
      const VIEW = '{ viewer { tenant { id settings { pause } } } }';
      expect((await graphql(api, VIEW, { credential: key })).body.data).toEqual({
        viewer: { tenant: { id: 'defs', settings: { pause: 'KEEP' } } },
      });
      expect((await graphql(api, VIEW, { credential: otherKey })).body.data).toEqual({
        viewer: { tenant: { id: 'other', settings: { pause: 'ZERO' } } },
      });
      expect(bridgeOf(await retention(FEB_TO_JUN))).toEqual(DEFAULT_FEB_TO_JUN);
    } finally {
      await settings(DEFAULTS, otherKey);
    }
  });

  it('a preset sets its options over the tenant’s time zone and size bands', async () => {
    await settings({ timeZone: 'Pacific/Auckland' });
    try {
      const { body } = await settings({ preset: 'STRIPE' });
      expect(body.data?.updateTenantSettings.settings).toEqual({
        preset: 'STRIPE',
        grain: 'CUSTOMER',
        pause: 'ZERO',
        discounts: 'ONLY_FOREVER',
        timeZone: 'Pacific/Auckland',
        sizeBandMidMarket: '1000',
        customizedOptions: ['timeZone'],
      });
      const report = await retention(FEB_TO_APR, { pause: 'KEEP' });
      expect(report.definitions).toMatchObject({
        preset: 'STRIPE',
        pause: 'KEEP',
        customizedOptions: ['pause', 'timeZone'],
      });
    } finally {
      await settings(DEFAULTS);
    }
  });

  it('events imported after a span setting are stored under it', async () => {
    const laterKey = await tenantWithKey(test.database, 'later');
    expect((await settings({ pause: 'ZERO' }, laterKey)).body.errors).toBeUndefined();
    await importEvents(laterKey);
    expect(
      changedLines(DEFAULT_FEB_TO_JUN, bridgeOf(await retention(FEB_TO_JUN, undefined, laterKey))),
    ).toEqual({
      churn: '310',
      endingMrr: '250',
    });
    // b's paused months are stored at 0.
    const b = (await storedSpans('later')).filter((span) => span.subscriptionId === 'sb');
    expect(b.map((span) => span.mrr)).toEqual(['50.0000', '0.0000']);
    expect(b[0]?.endAt?.toISOString()).toBe('2024-03-01T00:00:00.000Z');
  });

  it.each(['CHARTMOGUL', 'PROFITWELL', 'BAREMETRICS', 'STRIPE', 'DBT_PLAYBOOK'])(
    'the bridge balances under preset %s',
    async (preset) => {
      for (const window of [FEB_TO_JUN, FEB_TO_APR]) {
        const report = await retention(window, { preset });
        const units = (line: Line) => Math.round(Number(report[line]?.amount) * 10_000);
        expect(report.definitions).toMatchObject({ preset, customizedOptions: [] });
        expect(
          units('startingMrr') +
            units('newBusiness') +
            units('reactivation') +
            units('expansion') -
            units('contraction') -
            units('churn'),
        ).toBe(units('endingMrr'));
      }
    },
  );

  it('a settings change whose spans cannot be recomputed changes nothing', async () => {
    await tenantWithKey(test.database, 'broken');
    const brokenKey = await tenantWithKey(test.database, 'broken');
    await importEvents(brokenKey);
    // An event that can no longer become spans (as if stored by an older version without its currency).
    await test.database.db.execute(
      sql`update subscription_events set event = event - 'currency' where tenant_id = 'broken' and event_id = 'b2'`,
    );
    const spans = await storedSpans('broken');
    const [before] = await test.database.db.select().from(tenants).where(eq(tenants.tenantId, 'broken'));
    const { body } = await settings({ pause: 'ZERO', timeZone: 'Europe/Paris' }, brokenKey);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0]?.message).toMatch(
      /^settings: not changed: the stored subscription events cannot become spans under these definitions \(.+\)$/,
    );
    const [after] = await test.database.db.select().from(tenants).where(eq(tenants.tenantId, 'broken'));
    expect(after?.definitions).toEqual(before?.definitions);
    expect(after?.dataVersion).toBe(before?.dataVersion);
    expect(await storedSpans('broken')).toEqual(spans);
    // Options that do not act on spans still change.
    expect(
      (await settings({ timeZone: 'Europe/Paris' }, brokenKey)).body.data?.updateTenantSettings.settings,
    ).toMatchObject({
      timeZone: 'Europe/Paris',
    });
    expect(await storedSpans('broken')).toEqual(spans);
    const stored = await test.database.db
      .select({ definitions: tenants.definitions })
      .from(tenants)
      .where(and(eq(tenants.tenantId, 'broken')));
    expect(stored[0]?.definitions).toMatchObject({ timeZone: 'Europe/Paris', pause: 'KEEP' });
  });
});
