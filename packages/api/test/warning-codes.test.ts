/**
 * Warning codes are one GraphQL enum, `WarningCode`, built from the engine's list (`WARNING_CODES`
 * in @nrr/core). A missing exchange rate is not among them: no figure can be given, so the question
 * is refused (BAD_USER_INPUT, reason MISSING_FX_RATE) with the command that adds the rate.
 */
import { WARNING_CODES } from '@nrr/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api } from '../src/yoga.ts';
import { ACME_SPANS, storeTestSpans } from './fixtures.ts';
import { graphql, openTestDatabase, type TestDatabase, tenantWithKey, testApi } from './harness.ts';

const CODES = (window: string, extra = '') =>
  `{ retention(input: { ${window}${extra} }) { nrr warnings { code } } }`;

describe('warning codes over GraphQL', () => {
  let test: TestDatabase;
  let api: Api;
  let key: string;

  beforeAll(async () => {
    test = await openTestDatabase('pglite');
    api = testApi(test.database);
    key = await tenantWithKey(test.database, 'acme');
    await storeTestSpans(test.database, 'acme', ACME_SPANS);
  });
  afterAll(() => test.dispose());

  it('are the engine’s codes, and only those', async () => {
    const { body } = await graphql(api, '{ __type(name: "WarningCode") { enumValues { name } } }', {
      credential: key,
    });
    const names = (body.data as { __type: { enumValues: { name: string }[] } }).__type.enumValues.map(
      (value) => value.name,
    );
    expect(names.sort()).toEqual(Object.keys(WARNING_CODES).sort());
    expect(names).toHaveLength(8);
    expect(names).not.toContain('MISSING_FX_RATE');
  });

  it('come back as enum values with the figures they qualify', async () => {
    // acme over Feb–Apr 2024: a cohort of 2 (a1 100, a2 50); a2's churn and a1's expansion give
    // NRR 100% and GRR 67%, and a1's expansion is all of it.
    const small = await graphql(api, CODES('from: "2024-02-01", to: "2024-04-01"'), { credential: key });
    expect(small.body).toEqual({
      data: {
        retention: {
          nrr: 1,
          warnings: [
            { code: 'SMALL_SAMPLE' },
            { code: 'EXPANSION_MASKS_CHURN' },
            { code: 'CONCENTRATED_EXPANSION' },
            { code: 'CONCENTRATED_REVENUE' },
          ],
        },
      },
    });
    const empty = await graphql(api, CODES('from: "2023-01-01", to: "2023-06-01"'), { credential: key });
    expect(empty.body).toEqual({ data: { retention: { nrr: null, warnings: [{ code: 'EMPTY_COHORT' }] } } });
  });

  it('leave a missing exchange rate to an error that names the command adding it', async () => {
    // a2 pays in EUR, and the USD tenant has no EUR rate.
    const mixed = await tenantWithKey(test.database, 'mixed');
    await storeTestSpans(
      test.database,
      'mixed',
      ACME_SPANS.map((span) => (span.customerId === 'a2' ? { ...span, currency: 'EUR' } : span)),
    );
    const { body } = await graphql(api, CODES('from: "2024-02-01", to: "2024-04-01"'), { credential: mixed });
    expect(body.data).toBeNull();
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'MISSING_FX_RATE' });
    expect(body.errors?.[0]?.message).toMatch(
      /^no exchange rate from EUR to USD at 2024-0\d-01; add one with `nrr rates set --tenant mixed --currency EUR --rate <USD per EUR> --from <YYYY-MM-DD on or before 2024-0\d-01>`$/,
    );
  });
});
