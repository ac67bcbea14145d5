/**
 * Issue 17, item 4: one request within the document limits must not cost unbounded engine work
 * or an unbounded answer. Over HTTP: the per-request work budget (./src/internal/work-budget.ts)
 * refuses 30 aliased 20-year monthly series, charges nothing for memoised questions, and its
 * default fits every documented query at 100,000 customers × 36 months; `breakdown` reports at
 * most `first` values plus one "(other)" row (an embed token included); an answer over
 * `maxResponseBytes` is refused.
 */
import { addMonths, type MrrSpan, parseInstant } from '@nrr/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cohortWindows,
  DEFAULT_WORK_BUDGET,
  questionWork,
  retentionWindows,
  seriesWindows,
} from '../src/internal/work-budget.ts';
import { createApi } from '../src/yoga.ts';
import { ACME_SPANS, storeTestSpans } from './fixtures.ts';
import {
  DATABASE_KINDS,
  graphql,
  openTestDatabase,
  TEST_TOKEN_SECRET,
  type TestDatabase,
  tenantWithKey,
  testApi,
} from './harness.ts';

/** Customers of the wide tenant: enough that 30 series over 20 years of months exceed the default. */
const WIDE_CUSTOMERS = 8_000;
const day = (iso: string) => parseInstant(iso) as number;

/** One customer per value of `account`, paying 10 + i from 2023 on; every 7th churns in 2024. */
function wideSpans(count: number): MrrSpan[] {
  return Array.from({ length: count }, (_, i) => ({
    customerId: `c${String(i).padStart(5, '0')}`,
    subscriptionId: `s${i}`,
    start: day('2023-01-01'),
    end: i % 7 === 0 ? day('2024-06-01') : null,
    mrr: (10 + i) * 10_000,
    currency: 'USD',
    attributes: { account: `account-${i}`, plan: i % 2 === 0 ? 'Growth' : 'Starter' },
  }));
}

/** `n` aliases of a monthly series over 20 years, each ending on a different day (n questions). */
function aliasedSeries(n: number): string {
  const fields = Array.from(
    { length: n },
    (_, i) =>
      `s${i}: retentionSeries(input: { from: "2004-01-01", to: "2024-01-${String(i + 1).padStart(2, '0')}", granularity: MONTH }) { nrr }`,
  );
  return `{ ${fields.join('\n')} }`;
}

interface Row {
  value: string;
  valueCount: number;
  report: { startingMrr: { amount: string }; endingMrr: { amount: string } };
}

describe('the work budget counts engine work (arithmetic of the default)', () => {
  const customers = 100_000;
  const end = Date.UTC(2026, 0, 1);
  const start = addMonths(end, -36);
  const year = addMonths(end, -12);

  it('fits every documented question and a whole dashboard at 100,000 customers × 36 months', () => {
    const questions = {
      retention: questionWork(customers, retentionWindows('PERIOD', year, end)),
      chainedYear: questionWork(customers, retentionWindows('CHAINED', year, end)),
      series36: questionWork(customers, seriesWindows('PERIOD', start, end, 'MONTH')),
      trailingSeries36: questionWork(customers, seriesWindows('TRAILING_12M', start, end, 'MONTH')),
      chainedQuarters: questionWork(customers, seriesWindows('CHAINED', start, end, 'QUARTER')),
      cohorts36: questionWork(customers, cohortWindows(start, end, 'MONTH')),
      breakdown: questionWork(customers, retentionWindows('PERIOD', year, end), { grouped: true }),
      movements: questionWork(customers, 1),
    };
    for (const [name, work] of Object.entries(questions)) {
      expect(work, name).toBeLessThan(DEFAULT_WORK_BUDGET / 4);
    }
    const dashboard = Object.values(questions).reduce((a, b) => a + b, 0);
    expect(dashboard).toBeLessThan(DEFAULT_WORK_BUDGET);
  });

  it('does not fit 30 series of 20 years of months at 100,000 customers', () => {
    const one = questionWork(customers, seriesWindows('PERIOD', addMonths(end, -240), end, 'MONTH'));
    expect(one).toBeLessThan(DEFAULT_WORK_BUDGET);
    expect(30 * one).toBeGreaterThan(10 * DEFAULT_WORK_BUDGET);
  });
});

describe.each(DATABASE_KINDS)('bounded engine work and answers on %s', (kind) => {
  let test: TestDatabase;
  let api: ReturnType<typeof testApi>;
  let wide: string;
  let acme: string;

  beforeAll(async () => {
    test = await openTestDatabase(kind);
    api = testApi(test.database);
    wide = await tenantWithKey(test.database, 'wide');
    await storeTestSpans(test.database, 'wide', wideSpans(WIDE_CUSTOMERS));
    acme = await tenantWithKey(test.database, 'acme');
    await storeTestSpans(test.database, 'acme', ACME_SPANS);
  });
  afterAll(() => test.dispose());

  it('refuses 30 aliased 20-year monthly series with COST_LIMIT, naming the work and the limit', async () => {
    const single = await graphql(api, aliasedSeries(1), { credential: wide });
    expect(single.body.errors).toBeUndefined();
    const { status, body } = await graphql<Record<string, unknown>>(api, aliasedSeries(30), {
      credential: wide,
    });
    // Every root field is non-null, so a refused one nulls the whole answer: HTTP 400.
    expect(status).toBe(400);
    expect(body.data ?? null).toBeNull();
    const refused = body.errors ?? [];
    // About 2,000,000 customer-windows each: 19 fit in 40,000,000; the 20th is refused (graphql
    // reports the first error of a non-null root, which nulls the answer).
    expect(refused.length).toBeGreaterThan(0);
    for (const error of refused) {
      expect(error.extensions?.code).toBe('COST_LIMIT');
      expect(error.extensions?.limit).toBe(DEFAULT_WORK_BUDGET);
    }
    expect(refused[0]?.message).toMatch(
      /^retentionSeries \(24\d windows × 8,000 customers\) needs 2,00\d,000 customer-windows of engine work, .* limit of 40,000,000; ask for fewer periods/,
    );
  });

  it('charges memoised questions nothing, and each question once per request', async () => {
    const oneQuestion = questionWork(3, 1); // acme has 3 customers
    const tight = createApi({
      db: test.database.db,
      tokenSecret: TEST_TOKEN_SECRET,
      rateLimit: false,
      workBudget: oneQuestion,
    });
    const retention = (alias: string, to: string) =>
      `${alias}: retention(input: { from: "2024-01-01", to: "${to}" }) { startingMrr { amount } }`;
    const first = await graphql(tight, `{ ${retention('a', '2024-02-01')} }`, { credential: acme });
    expect(first.body.errors).toBeUndefined();
    // `a` is memoised: only `b` is charged; `c` repeats `b`.
    const second = await graphql(
      tight,
      `{ ${retention('a', '2024-02-01')} ${retention('b', '2024-03-01')} ${retention('c', '2024-03-01')} }`,
      { credential: acme },
    );
    expect(second.body.errors).toBeUndefined();
    const third = await graphql<Record<string, unknown>>(
      tight,
      `{ ${retention('d', '2024-04-01')} ${retention('e', '2024-05-01')} }`,
      { credential: acme },
    );
    expect(third.body.errors?.map((error) => error.extensions?.code)).toEqual(['COST_LIMIT']);
    expect(third.body.errors?.[0]?.path).toEqual(['e']);
  });

  it('reports the 50 largest values of a breakdown and rolls the rest into "(other)", for an embed token too', async () => {
    const minted = await graphql<{ createEmbedToken: { token: string } }>(
      api,
      'mutation { createEmbedToken(input: {}) { token } }',
      { credential: wide },
    );
    const token = minted.body.data?.createEmbedToken.token ?? '';
    expect(token).not.toBe('');
    const window = 'from: "2024-01-01", to: "2025-01-01"';
    const rowFields = 'value valueCount report { startingMrr { amount } endingMrr { amount } }';
    const { body, headers } = await graphql<{
      breakdown: Row[];
      retention: Row['report'];
    }>(
      api,
      `{ breakdown(input: { ${window}, by: "account" }) { ${rowFields} }
         retention(input: { ${window} }) { startingMrr { amount } endingMrr { amount } } }`,
      { credential: token },
    );
    expect(body.errors).toBeUndefined();
    const rows = body.data?.breakdown ?? [];
    expect(rows).toHaveLength(51);
    // Largest starting MRR first: the customer paying most is account-7999.
    expect(rows[0]).toMatchObject({ value: `account-${WIDE_CUSTOMERS - 1}`, valueCount: 1 });
    expect(rows.at(-1)).toMatchObject({ value: '(other)', valueCount: WIDE_CUSTOMERS - 50 });
    const sum = (pick: (row: Row) => string) => rows.reduce((total, row) => total + Number(pick(row)), 0);
    expect(sum((row) => row.report.startingMrr.amount)).toBe(Number(body.data?.retention.startingMrr.amount));
    expect(sum((row) => row.report.endingMrr.amount)).toBe(Number(body.data?.retention.endingMrr.amount));
    expect(Number(headers.get('content-length') ?? 0)).toBeLessThan(20_000);

    const most = await graphql<{ breakdown: Row[] }>(
      api,
      `{ breakdown(input: { ${window}, by: "account" }, first: 500) { value valueCount } }`,
      { credential: token },
    );
    expect(most.body.data?.breakdown).toHaveLength(501);
    const tooMany = await graphql(
      api,
      `{ breakdown(input: { ${window}, by: "account" }, first: 501) { value } }`,
      {
        credential: token,
      },
    );
    expect(tooMany.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    // A dimension with fewer values than `first` has no "(other)" row.
    const plans = await graphql<{ breakdown: Row[] }>(
      api,
      `{ breakdown(input: { ${window}, by: "plan" }) { value valueCount } }`,
      { credential: token },
    );
    expect(plans.body.data?.breakdown).toEqual([
      { value: 'Starter', valueCount: 1 },
      { value: 'Growth', valueCount: 1 },
    ]);
  });

  it('refuses an answer over maxResponseBytes with COST_LIMIT, and does not keep it', async () => {
    const small = createApi({
      db: test.database.db,
      tokenSecret: TEST_TOKEN_SECRET,
      rateLimit: false,
      maxResponseBytes: 4_000,
    });
    const query = `{ breakdown(input: { from: "2024-01-01", to: "2025-01-01", by: "account" }, first: 100) { value report { nrr } } }`;
    for (let attempt = 0; attempt < 2; attempt++) {
      const { status, body } = await graphql(small, query, { credential: wide });
      expect(status).toBe(400);
      expect(body.data ?? null).toBeNull();
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'COST_LIMIT', maxBytes: 4_000 });
      expect(body.errors?.[0]?.message).toMatch(/^the answer would be [\d,]+ bytes, over the limit of 4,000/);
    }
    const fits = await graphql(small, query.replace('first: 100', 'first: 5'), { credential: wide });
    expect(fits.body.errors).toBeUndefined();
  });
});
