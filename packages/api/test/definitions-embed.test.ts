/**
 * Embed tokens with fixed definitions (issue 14): minted with `definitions`, every question of the
 * token resolves them over the tenant's settings; asking another value of a fixed option, directly
 * or through a preset, is FORBIDDEN naming the option and its fixed value; open options may
 * change. Runs the engine on the request thread (`engineWorkers: 0`), the other tests use workers.
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
} from './harness.ts';

const RETENTION = `query ($definitions: DefinitionsInput) {
  retention(input: { from: "2024-02-01", to: "2024-06-01", definitions: $definitions }) {
    startingMrr { amount } newBusiness { amount } churn { amount } definitions { preset timeZone pause discounts } } }`;

describe.each(DATABASE_KINDS)('embed tokens with fixed definitions on %s', (kind) => {
  let test: TestDatabase;
  let api: Api;
  let key: string;

  const mint = async (definitions: Record<string, unknown>) => {
    const { body } = await graphql<{ createEmbedToken: { token: string } }>(
      api,
      'mutation ($definitions: DefinitionsInput) { createEmbedToken(input: { definitions: $definitions }) { token } }',
      { credential: key, variables: { definitions } },
    );
    expect(body.errors).toBeUndefined();
    return body.data?.createEmbedToken.token ?? '';
  };
  const ask = (token: string, definitions?: Record<string, unknown>) =>
    graphql<{ retention: Record<string, unknown> }>(api, RETENTION, {
      credential: token,
      variables: definitions ? { definitions } : {},
    });

  beforeAll(async () => {
    test = await openTestDatabase(kind);
    api = createApi({
      db: test.database.db,
      tokenSecret: TEST_TOKEN_SECRET,
      rateLimit: false,
      engineWorkers: 0,
    });
    key = await tenantWithKey(test.database, 'embed');
    const { body } = await graphql(
      api,
      'mutation ($text: String!) { importData(input: { format: EVENTS, text: $text }) { status } }',
      { credential: key, variables: { text: DEFINITIONS_EVENTS } },
    );
    expect(body.data).toEqual({ importData: { status: 'SUCCEEDED' } });
  });

  afterAll(async () => {
    await api.close();
    await test.dispose();
  });

  it('answers under the token’s fixed definitions, and refuses to change them', async () => {
    const token = await mint({ timeZone: 'Pacific/Auckland' });
    expect((await ask(token)).body.data?.retention).toEqual({
      startingMrr: { amount: '530' },
      newBusiness: { amount: '5' },
      churn: { amount: '260' },
      definitions: { preset: null, timeZone: 'Pacific/Auckland', pause: 'KEEP', discounts: 'ALL_RECURRING' },
    });
    const changed = await ask(token, { timeZone: 'UTC' });
    expect(changed.body.data).toBeNull();
    expect(changed.body.errors?.[0]).toMatchObject({
      message:
        'definitions: timeZone: "UTC" is not allowed; timeZone is fixed at "Pacific/Auckland" for this caller',
      extensions: { code: 'FORBIDDEN', field: 'definitions.timeZone' },
    });
    // The same value, and options the token leaves open, are fine.
    expect((await ask(token, { timeZone: 'Pacific/Auckland', pause: 'ZERO' })).body.data?.retention).toEqual({
      startingMrr: { amount: '530' },
      newBusiness: { amount: '5' },
      churn: { amount: '310' },
      definitions: { preset: null, timeZone: 'Pacific/Auckland', pause: 'ZERO', discounts: 'ALL_RECURRING' },
    });
    // Invalid values are the caller's input error, as for any caller.
    expect((await ask(token, { pause: 'SOMETIMES' })).body.errors?.[0]?.extensions?.code).toBe(
      'BAD_USER_INPUT',
    );
  });

  it('a fixed preset fixes its options too, whichever way a question asks for others', async () => {
    const token = await mint({ preset: 'CHARTMOGUL' });
    expect((await ask(token)).body.data?.retention).toMatchObject({
      definitions: { preset: 'CHARTMOGUL', discounts: 'ALL_RECURRING' },
    });
    const preset = await ask(token, { preset: 'STRIPE' });
    expect(preset.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(preset.body.errors?.[0]?.message).toContain(
      'preset: "STRIPE" is not allowed; preset is fixed at "CHARTMOGUL"',
    );
    const option = await ask(token, { discounts: 'ONLY_FOREVER' });
    expect(option.body.errors?.[0]).toMatchObject({
      message:
        'definitions: discounts: "ONLY_FOREVER" is not allowed; discounts is fixed at "ALL_RECURRING" for this caller',
      extensions: { code: 'FORBIDDEN' },
    });
    // The time zone is not a preset's: open.
    expect((await ask(token, { timeZone: 'Pacific/Auckland' })).body.data?.retention).toMatchObject({
      startingMrr: { amount: '530' },
    });
  });

  it('tokens with different fixed definitions get their own answers to the same query (the result cache keeps them apart)', async () => {
    const utc = await mint({ timeZone: 'UTC' });
    const auckland = await mint({ timeZone: 'Pacific/Auckland' });
    for (let round = 0; round < 2; round++) {
      expect((await ask(utc)).body.data?.retention).toMatchObject({ startingMrr: { amount: '535' } });
      expect((await ask(auckland)).body.data?.retention).toMatchObject({ startingMrr: { amount: '530' } });
    }
  });

  it('minting checks the definitions; the REST endpoint takes them too', async () => {
    const bad = await graphql(
      api,
      'mutation { createEmbedToken(input: { definitions: { pastDueChurnDays: 400 } }) { token } }',
      {
        credential: key,
      },
    );
    expect(bad.body.errors?.[0]).toMatchObject({
      message:
        'definitions: pastDueChurnDays: 400 is not allowed; allowed: an integer from 0 to 365, or null (past due keeps its MRR)',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const response = await api.fetch(
      new Request('http://nrr.test/v1/embed-tokens', {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ definitions: { pause: 'ZERO', sizeBandMidMarket: '150' } }),
      }),
    );
    expect(response.status).toBe(201);
    const { token } = (await response.json()) as { token: string };
    expect((await ask(token)).body.data?.retention).toMatchObject({
      churn: { amount: '310' },
      definitions: { pause: 'ZERO' },
    });
    expect((await ask(token, { pause: 'KEEP' })).body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const refused = await api.fetch(
      new Request('http://nrr.test/v1/embed-tokens', {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ definitions: { grain: 'DAY' } }),
      }),
    );
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({
      error: {
        code: 'BAD_USER_INPUT',
        message: 'definitions: grain: "DAY" is not allowed; allowed: CUSTOMER, SUBSCRIPTION',
      },
    });
  });
});
