/**
 * `<NrrCard>` asks `retention` and `benchmarkComparison` for the same window (separate requests, at
 * once). The comparison is the same question as the retention report, so the server computes that
 * window once: `TimelineCache.computations` counts the engine operations actually run.
 */

import { parseInstant } from '@nrr/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setFxRates } from '../src/fx-rates.ts';
import { createApi } from '../src/yoga.ts';
import { ACME_SPANS, storeTestSpans } from './fixtures.ts';
import { graphql, openTestDatabase, TEST_TOKEN_SECRET, type TestDatabase, tenantWithKey } from './harness.ts';

const WINDOW = 'from: "2024-02-01", to: "2024-04-01"';
// What the card sends (the widgets' NrrRetention and NrrBenchmarkComparison, abridged).
const RETENTION = `query NrrRetention { retention(input: { ${WINDOW} }) { nrr grr startingMrr { amount } } }`;
const COMPARISON = `query NrrBenchmarkComparison {
  benchmarkComparison(input: { benchmark: "b2b-saas", ${WINDOW}, metric: NRR }) { figure position report { nrr } }
}`;

describe.each([0, 1])('the card’s window computed once (engineWorkers: %i)', (engineWorkers) => {
  let test: TestDatabase;
  let key: string;
  let euro: string;

  beforeAll(async () => {
    test = await openTestDatabase('pglite');
    key = await tenantWithKey(test.database, 'acme');
    await storeTestSpans(test.database, 'acme', ACME_SPANS);
    // euro: acme with a3 paying in EUR; 1 EUR = 1.25 USD, so a host can show its figures in EUR
    // (the provider's `currency`).
    euro = await tenantWithKey(test.database, 'euro');
    await storeTestSpans(
      test.database,
      'euro',
      ACME_SPANS.map((span) => (span.customerId === 'a3' ? { ...span, currency: 'EUR' } : span)),
    );
    await setFxRates(test.database.db, 'euro', [
      { currency: 'EUR', effective: parseInstant('2023-01-01') as number, rate: 1.25 },
    ]);
  });
  afterAll(() => test.dispose());

  it('answers retention and benchmarkComparison of one window with one computation', async () => {
    const api = createApi({
      db: test.database.db,
      tokenSecret: TEST_TOKEN_SECRET,
      rateLimit: false,
      engineWorkers,
    });
    try {
      const [retention, comparison] = await Promise.all([
        graphql(api, RETENTION, { credential: key }),
        graphql(api, COMPARISON, { credential: key }),
      ]);
      expect(retention.body).toEqual({
        data: { retention: { nrr: 1, grr: 2 / 3, startingMrr: { amount: '150' } } },
      });
      expect(comparison.body).toEqual({
        data: { benchmarkComparison: { figure: 1, position: 'WITHIN', report: { nrr: 1 } } },
      });
      expect(api.timelines.computations('retention')).toBe(1);
      // Asked again (another card on the page, a remount): still one.
      await graphql(api, COMPARISON.replace('b2b-saas', 'smb-saas'), { credential: key });
      await graphql(api, RETENTION.replace('nrr grr', 'nrr'), { credential: key });
      expect(api.timelines.computations('retention')).toBe(1);
      // Another window is another computation.
      await graphql(api, RETENTION.replace('2024-02-01', '2024-01-01'), { credential: key });
      expect(api.timelines.computations('retention')).toBe(2);
    } finally {
      await api.close();
    }
  });

  it('reports in the card’s currency on both, so a currency override is still one computation', async () => {
    const api = createApi({
      db: test.database.db,
      tokenSecret: TEST_TOKEN_SECRET,
      rateLimit: false,
      engineWorkers,
    });
    try {
      const inEuros = (query: string) => query.replace(WINDOW, `${WINDOW}, currency: "EUR"`);
      const [retention, comparison] = await Promise.all([
        graphql(api, inEuros(RETENTION), { credential: euro }),
        graphql(api, inEuros(COMPARISON), { credential: euro }),
      ]);
      expect(retention.body).toEqual({
        data: { retention: { nrr: 1, grr: 2 / 3, startingMrr: { amount: '120' } } },
      });
      expect(comparison.body).toEqual({
        data: { benchmarkComparison: { figure: 1, position: 'WITHIN', report: { nrr: 1 } } },
      });
      expect(api.timelines.computations('retention')).toBe(1);
    } finally {
      await api.close();
    }
  });
  it('takes the same definitions override as retention, and still shares its computation', async () => {
    const api = createApi({
      db: test.database.db,
      tokenSecret: TEST_TOKEN_SECRET,
      rateLimit: false,
      engineWorkers,
    });
    try {
      const definitions = '{ timeZone: "Pacific/Auckland", reactivationWindowDays: 30 }';
      const overridden = (query: string) => query.replace(WINDOW, `${WINDOW}, definitions: ${definitions}`);
      const [retention, comparison] = await Promise.all([
        graphql<{ retention: { nrr: number } }>(
          api,
          overridden(RETENTION).replace('startingMrr', 'definitions { timeZone } startingMrr'),
          { credential: key },
        ),
        graphql<{ benchmarkComparison: { figure: number; report: { nrr: number } } }>(
          api,
          overridden(COMPARISON).replace(
            'report { nrr }',
            'report { nrr definitions { timeZone reactivationWindowDays } }',
          ),
          { credential: key },
        ),
      ]);
      expect(retention.body.errors).toBeUndefined();
      expect(retention.body.data?.retention).toMatchObject({ definitions: { timeZone: 'Pacific/Auckland' } });
      expect(comparison.body.data?.benchmarkComparison).toMatchObject({
        figure: retention.body.data?.retention.nrr,
        report: { definitions: { timeZone: 'Pacific/Auckland', reactivationWindowDays: 30 } },
      });
      expect(api.timelines.computations('retention')).toBe(1);
      const bad = await graphql(
        api,
        COMPARISON.replace(WINDOW, `${WINDOW}, definitions: { reactivationWindowDays: 0 }`),
        {
          credential: key,
        },
      );
      expect(bad.body.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'definitions.reactivationWindowDays',
      });
    } finally {
      await api.close();
    }
  });
});
