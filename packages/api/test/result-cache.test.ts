/**
 * Whole answers of figure queries are kept per tenant and data version
 * (./src/internal/result-cache.ts). What users rely on: the same figures as without the cache,
 * an embed token's segment lock still applied, new data served after an import, and errors not
 * kept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runImport } from '../src/imports/run-import.ts';
import type { Api } from '../src/yoga.ts';
import { ACME_SPANS, storeTestSpans } from './fixtures.ts';
import {
  DATABASE_KINDS,
  graphql,
  openTestDatabase,
  type TestDatabase,
  tenantWithKey,
  testApi,
} from './harness.ts';

const FIGURES =
  '{ retention(input: { from: "2024-02-01", to: "2024-04-01" }) { startingMrr { amount } endingMrr { amount } } }';
const FIGURES_BY_VARIABLES = `query ($from: Date!, $to: Date!) {
  retention(input: { from: $from, to: $to }) { startingMrr { amount } endingMrr { amount } } }`;

describe.each(DATABASE_KINDS)('answers kept per data version on %s', (kind) => {
  let test: TestDatabase;
  let api: Api;
  let key: string;

  beforeAll(async () => {
    test = await openTestDatabase(kind);
    api = testApi(test.database);
    key = await tenantWithKey(test.database, 'acme');
    await storeTestSpans(test.database, 'acme', ACME_SPANS);
    key = await tenantWithKey(test.database, 'acme', { scope: 'read_write' });
  });
  afterAll(() => test.dispose());

  const whole = { retention: { startingMrr: { amount: '150' }, endingMrr: { amount: '180' } } };

  it('answers a repeated query with the same figures', async () => {
    const first = await graphql(api, FIGURES, { credential: key });
    const second = await graphql(api, FIGURES, { credential: key });
    expect(first.body).toEqual({ data: whole });
    expect(second.body).toEqual(first.body);
  });

  it('keys answers by their variables', async () => {
    const feb = await graphql(api, FIGURES_BY_VARIABLES, {
      credential: key,
      variables: { from: '2024-02-01', to: '2024-04-01' },
    });
    const jan = await graphql(api, FIGURES_BY_VARIABLES, {
      credential: key,
      variables: { from: '2024-01-01', to: '2024-02-01' },
    });
    expect(feb.body).toEqual({ data: whole });
    expect(jan.body).toEqual({
      data: { retention: { startingMrr: { amount: '0' }, endingMrr: { amount: '150' } } },
    });
  });

  it('tells an omitted variable (its default applies) from one given as null, and ignores undeclared ones', async () => {
    const withDefault = `query ($method: RetentionMethod = TRAILING_12M) {
      retention(input: { from: "2024-02-01", to: "2024-04-01", method: $method }) { method startingMrr { amount } } }`;
    const trailing = await graphql(
      api,
      '{ retention(input: { from: "2024-02-01", to: "2024-04-01", method: TRAILING_12M }) { method startingMrr { amount } } }',
      { credential: key },
    );
    expect(trailing.body.errors).toBeUndefined();
    const omitted = await graphql(api, withDefault, { credential: key });
    expect(omitted.body).toEqual(trailing.body);
    // null: the field's own default, PERIOD.
    const nulled = await graphql(api, withDefault, { credential: key, variables: { method: null } });
    expect(nulled.body).toEqual({
      data: { retention: { method: 'PERIOD', startingMrr: { amount: '150' } } },
    });
    const extra = await graphql(api, withDefault, {
      credential: key,
      variables: { unused: 'x'.repeat(10_000) },
    });
    expect(extra.body).toEqual(trailing.body);
  });

  it('applies an embed token’s segment lock to a query a secret key asked before', async () => {
    expect((await graphql(api, FIGURES, { credential: key })).body).toEqual({ data: whole });
    const minted = await graphql<{ createEmbedToken: { token: string } }>(
      api,
      'mutation { createEmbedToken(input: { segment: { attributes: [{ name: "country", values: ["US"] }] } }) { token } }',
      { credential: key },
    );
    const token = minted.body.data?.createEmbedToken.token ?? '';
    // US only: a1 (100, then 150) and a3 (new, 30).
    const us = { retention: { startingMrr: { amount: '100' }, endingMrr: { amount: '180' } } };
    expect((await graphql(api, FIGURES, { credential: token })).body).toEqual({ data: us });
    expect((await graphql(api, FIGURES, { credential: token })).body).toEqual({ data: us });
    expect((await graphql(api, FIGURES, { credential: key })).body).toEqual({ data: whole });
  });

  it('does not keep an error', async () => {
    const bad = '{ retention(input: { from: "2024-04-01", to: "2024-02-01" }) { startingMrr { amount } } }';
    for (let i = 0; i < 2; i++) {
      const { status, body } = await graphql(api, bad, { credential: key });
      expect(status).toBe(200);
      expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  it('answers with the new figures after an import', async () => {
    const other = await tenantWithKey(test.database, 'later');
    const csv = (mrr: number) =>
      `subscription_id,customer_id,start_date,end_date,monthly_amount,currency\ns1,c1,2024-01-01,,${mrr},USD\n`;
    const load = (mrr: number) =>
      runImport(test.database.db, {
        tenantId: 'later',
        format: 'periods',
        source: csv(mrr),
        sourceName: 't',
        actor: 't',
      });
    await load(10);
    const answer = (mrr: string) => ({
      data: { retention: { startingMrr: { amount: mrr }, endingMrr: { amount: mrr } } },
    });
    expect((await graphql(api, FIGURES, { credential: other })).body).toEqual(answer('10'));
    expect((await graphql(api, FIGURES, { credential: other })).body).toEqual(answer('10'));
    await load(20);
    expect((await graphql(api, FIGURES, { credential: other })).body).toEqual(answer('20'));
    // The other tenant's kept answer is untouched.
    expect((await graphql(api, FIGURES, { credential: key })).body).toEqual({ data: whole });
  });
});
