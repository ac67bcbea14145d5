/**
 * Hardening, bad input through HTTP: fast-check generates broken and hostile files for the
 * `importData` mutation (every format) and hostile arguments for every query. Each answer is a
 * correct result or a coded refusal (never `INTERNAL`, never a 5xx, never a stack trace), and a
 * refused import leaves the tenant's stored rows, digests and figures exactly as before.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api } from '../../src/yoga.ts';
import { ACME_SPANS, storeTestSpans } from '../fixtures.ts';
import {
  DATABASE_KINDS,
  graphql,
  openTestDatabase,
  type TestDatabase,
  tenantWithKey,
  testApi,
} from '../harness.ts';
import { CaseCounter, expectCleanAnswer, PERIODS_HEADER, tenantState } from './support.ts';

const RUNS = Number(process.env.NRR_FUZZ_RUNS ?? 60);

const HOSTILE = [
  '',
  ' ',
  '"',
  ',',
  '\n',
  '\r\n',
  '\u0000',
  '\uFEFF',
  "'; drop table mrr_spans; --",
  "1' or '1'='1",
  "US' OR tenant_id <> 'acme",
  '{ __schema { types { name } } }',
  '") { id } } mutation { importData(input: {',
  '$1',
  '\\',
  '%',
  '_',
  '*',
  '𝕏🙂',
  '\u202Eevil',
  'Ω'.repeat(300),
  '2023-02-30',
  '1e30',
  'NaN',
  // Names every plain object inherits: a dimension or attribute called so is an ordinary name.
  'valueOf',
  'constructor',
  '__proto__',
] as const;
const hostile = fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ unit: 'grapheme', maxLength: 16 }));

const IMPORT = `mutation ($input: ImportDataInput!) {
  importData(input: $input) { status rowsRead rowsStored rowsUnchanged errorCount }
}`;
const FIGURES = `{ retention(input: { from: "2024-02-01", to: "2024-04-01" }) {
  startingMrr { amount } expansion { amount } churn { amount } newBusiness { amount } endingMrr { amount } } }`;

const validPeriod = fc.record({
  sub: fc.stringMatching(/^[a-z]{1,6}$/),
  customer: fc.constantFrom('a1', 'a2', 'z9'),
  month: fc.integer({ min: 1, max: 12 }),
  amount: fc.integer({ min: 0, max: 99_999 }),
  plan: hostile,
});

const cell = (value: string) => `"${value.replaceAll('"', '""')}"`;

/** Ways to break a periods row (and so the whole file). */
const brokenRow = fc.oneof(
  fc.constantFrom(
    'x1,a1,2023-02-30,,10,USD,p',
    'x1,a1,2024-03-01,2024-02-01,10,USD,p',
    'x1,a1,2024-01-01,,1e30,USD,p',
    'x1,a1,2024-01-01,,NaN,USD,p',
    'x1,a1,2024-01-01,,-1,USD,p',
    'x1,a1,2024-01-01,,10,DOLLARS,p',
    'x1,a1,2024-01-01,,10',
    'x1,a1,2024-01-01,,10,USD,p,q',
    '"x1,a1,2024-01-01,,10,USD,p',
    ',a1,2024-01-01,,10,USD,p',
  ),
  fc.array(hostile, { minLength: 1, maxLength: 9 }).map((cells) => cells.map(cell).join(',')),
);

describe.each(DATABASE_KINDS)('bad input through the API on %s', (kind) => {
  const counter = new CaseCounter(`api bad input (${kind})`);
  const runs = kind === 'postgres' ? Math.ceil(RUNS / 3) : RUNS;
  let test: TestDatabase;
  let api: Api;
  let writer: string;

  beforeAll(async () => {
    test = await openTestDatabase(kind);
    api = testApi(test.database);
    writer = await tenantWithKey(test.database, 'acme', { scope: 'read_write' });
    await storeTestSpans(test.database, 'acme', ACME_SPANS);
  });
  afterAll(async () => {
    counter.print();
    await test.dispose();
  });

  /** Imports `text`; on refusal asserts nothing changed, on success that a repeat changes nothing. */
  async function importAndCheck(input: Record<string, unknown>, label: string) {
    counter.add(label);
    const before = await tenantState(test.database, 'acme');
    const figuresBefore = await graphql(api, FIGURES, { credential: writer });
    const { status, body } = await graphql<{ importData: { status: string; rowsStored: number } }>(
      api,
      IMPORT,
      {
        credential: writer,
        variables: { input },
      },
    );
    expectCleanAnswer(status, body);
    if (body.errors) {
      expect(body.errors[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(await tenantState(test.database, 'acme')).toEqual(before);
      expect((await graphql(api, FIGURES, { credential: writer })).body).toEqual(figuresBefore.body);
      return 'refused' as const;
    }
    expect(body.data?.importData.status).toBe('SUCCEEDED');
    const after = await tenantState(test.database, 'acme');
    const again = await graphql<{ importData: { rowsStored: number } }>(api, IMPORT, {
      credential: writer,
      variables: { input },
    });
    expect(again.body.data?.importData.rowsStored).toBe(0);
    expect({ ...(await tenantState(test.database, 'acme')), succeededImports: 0 }).toEqual({
      ...after,
      succeededImports: 0,
    });
    return 'stored' as const;
  }

  it('periods files with any broken row store nothing and answer BAD_USER_INPUT with row errors', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(validPeriod, { maxLength: 6 }),
        brokenRow,
        fc.nat(),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        async (valid, broken, at, eol, bom) => {
          const rows = valid.map(
            (r, i) =>
              `${r.sub}${i},${r.customer},2024-${String(r.month).padStart(2, '0')}-01,,${r.amount}.5,USD,${cell(r.plan)}`,
          );
          rows.splice(at % (rows.length + 1), 0, broken);
          const text = (bom ? '\uFEFF' : '') + [PERIODS_HEADER, ...rows].join(eol);
          await importAndCheck({ format: 'PERIODS', text }, 'periods: broken');
        },
      ),
      { numRuns: runs },
    );
  });

  it('noise in any format is refused with codes or stored consistently', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('PERIODS', 'INVOICE_LINES', 'EVENTS'),
        fc.oneof(
          fc.string({ unit: 'grapheme', maxLength: 300 }),
          fc
            .array(fc.array(hostile, { maxLength: 7 }), { maxLength: 6 })
            .map((t) => t.map((r) => r.join(',')).join('\n')),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        fc.option(fc.constantFrom('USD', 'EUR', 'usd', 'XYZ1', "'; --", ''), { nil: undefined }),
        async (format, text, currency) => {
          const input: Record<string, unknown> = { format, text };
          if (currency !== undefined) input.currency = currency;
          if (format === 'INVOICE_LINES') {
            input.mapping = [
              { column: 'a', field: 'customer' },
              { column: 'b', field: 'from' },
              { column: 'c', field: 'to' },
              { column: 'd', field: 'amount' },
            ];
          }
          await importAndCheck(input, `noise: ${format}`);
        },
      ),
      { numRuns: runs },
    );
  });

  it('hostile column mappings are refused with codes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            column: hostile,
            field: fc.oneof(hostile, fc.constantFrom('customer', 'amount', 'attribute:')),
          }),
          {
            maxLength: 6,
          },
        ),
        async (mapping) => {
          await importAndCheck(
            { format: 'INVOICE_LINES', text: 'Name,From,To,Amount\nx,2024-01-01,2024-02-01,10', mapping },
            'invoice lines: mapping',
          );
        },
      ),
      { numRuns: Math.ceil(runs / 2) },
    );
  });

  it('events with impossible values, unknown intervals and duplicated ids store nothing', async () => {
    const base = {
      id: 'evt_1',
      customer: 'a1',
      subscription: 'sx',
      status: 'active',
      currency: 'USD',
      unit_amount: '100',
      interval: 'month',
      effective_at: '2024-01-01',
    };
    const cases = [
      { ...base, effective_at: '2023-02-30' },
      { ...base, interval: 'fortnight' },
      { ...base, unit_amount: '1e30' },
      { ...base, unit_amount: 'NaN' },
      { ...base, unit_amount: '-100' },
      { ...base, currency: 'DOLLARS' },
      { ...base, status: "active'; --" },
      { ...base, customer: { $gt: '' } },
    ];
    for (const record of cases) {
      const outcome = await importAndCheck(
        { format: 'EVENTS', text: JSON.stringify([record]) },
        'events: named',
      );
      expect(outcome, JSON.stringify(record)).toBe('refused');
    }
    const duplicated = [base, { ...base, unit_amount: '200', effective_at: '2024-02-01' }];
    const ndjson = duplicated.map((e) => JSON.stringify(e)).join('\n');
    expect(await importAndCheck({ format: 'EVENTS', text: ndjson }, 'events: named')).toBe('refused');
  });

  it('empty files, bare BOMs and a header alone are refused or store nothing', async () => {
    for (const text of ['', '\uFEFF', '\r\n', PERIODS_HEADER, `\uFEFF${PERIODS_HEADER}\r\n`]) {
      const before = await tenantState(test.database, 'acme');
      const outcome = await importAndCheck({ format: 'PERIODS', text }, 'periods: empty');
      if (outcome === 'stored')
        expect(await tenantState(test.database, 'acme')).toMatchObject({ spans: before.spans });
    }
  });

  it('a huge field and an over-limit text are refused before they cost memory', async () => {
    const huge = `${PERIODS_HEADER}\nx1,a1,2024-01-01,,10,USD,"${'x'.repeat(1_100_000)}"`;
    expect(await importAndCheck({ format: 'PERIODS', text: huge }, 'periods: huge field')).toBe('refused');
    counter.add('periods: over limit');
    const over = await graphql(api, IMPORT, {
      credential: writer,
      variables: { input: { format: 'PERIODS', text: 'x'.repeat(5_000_001) } },
    });
    expectCleanAnswer(over.status, over.body);
    expect(over.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('wrong types in variables are refused by validation, not by a crash', async () => {
    const inputs: unknown[] = [
      { format: 'PERIODS', text: 42 },
      { format: 'CSV', text: 'x' },
      { format: 'PERIODS' },
      { format: 'PERIODS', text: ['a'] },
      { format: 'PERIODS', text: 'x', mapping: 'customer=name' },
      null,
      'PERIODS',
    ];
    for (const input of inputs) {
      counter.add('import: wrong types');
      const { status, body } = await graphql(api, IMPORT, { credential: writer, variables: { input } });
      expectCleanAnswer(status, body);
      expect(body.errors?.length).toBeGreaterThan(0);
    }
  });

  it('a variable with a default, sent as null where null is not allowed, is BAD_USER_INPUT naming it', async () => {
    // Validation allows a nullable variable with a default in a non-null position; an explicit
    // null then fails while the field's arguments are read, which is the client's mistake.
    const documents = [
      'query ($from: Date = "2024-02-01") { retention(input: { from: $from, to: "2024-04-01" }) { nrr } }',
      'query ($w: RetentionInput = { from: "2024-02-01", to: "2024-04-01" }) { retention(input: $w) { nrr } }',
    ];
    for (const [document, variables] of [
      [documents[0], { from: null }],
      [documents[1], { w: null }],
    ] as const) {
      counter.add('variables: null over a default');
      const { status, body } = await graphql(api, document as string, { credential: writer, variables });
      expectCleanAnswer(status, body);
      expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(body.errors?.[0]?.message).toMatch(/"input"/);
    }
  });

  it('hostile query arguments answer correct results or coded errors, and filters never widen', async () => {
    const dates = fc.oneof(
      fc.constantFrom(
        '2024-02-01',
        '2024-04-01',
        '2023-02-30',
        '2024-13-01',
        '0000-01-01',
        '9999-12-31',
        '',
        'today',
      ),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
      hostile,
    );
    const segment = fc.record(
      {
        attributes: fc.array(
          fc.record({
            name: fc.oneof(fc.constantFrom('country', 'plan'), hostile),
            values: fc.array(hostile, { maxLength: 3 }),
          }),
          {
            maxLength: 2,
          },
        ),
        sizeBands: fc.array(fc.constantFrom('SMB', 'MID_MARKET', 'ENTERPRISE'), { maxLength: 2 }),
      },
      { requiredKeys: [] },
    );
    const operation = fc.oneof(
      fc
        .record({ from: dates, to: dates, segment, currency: fc.option(hostile, { nil: null }) })
        .map((input) => ({
          label: 'retention',
          query:
            'query ($input: RetentionInput!) { retention(input: $input) { startingMrr { amount } endingMrr { amount } customers { starting } } }',
          variables: { input },
        })),
      fc
        .record({ from: dates, to: dates, segment, granularity: fc.constantFrom('MONTH', 'QUARTER', 'YEAR') })
        .map((input) => ({
          label: 'retentionSeries',
          query:
            'query ($input: RetentionSeriesInput!) { retentionSeries(input: $input) { from startingMrr { amount } } }',
          variables: { input },
        })),
      fc
        .record({
          from: dates,
          to: dates,
          by: fc.oneof(fc.constantFrom('country', 'plan', 'size_band'), hostile),
          segment,
        })
        .map((input) => ({
          label: 'breakdown',
          query:
            'query ($input: BreakdownInput!) { breakdown(input: $input) { value report { startingMrr { amount } } } }',
          variables: { input },
        })),
      fc.record({ from: dates, to: dates, segment }).map((input) => ({
        label: 'cohorts',
        query: 'query ($input: CohortsInput!) { cohorts(input: $input) { rows { cohort } } }',
        variables: { input },
      })),
      fc
        .record({
          input: fc.record({ from: dates, to: dates, segment }),
          first: fc.option(fc.integer({ min: -10, max: 100_000 }), { nil: null }),
          after: fc.option(hostile, { nil: null }),
        })
        .map((variables) => ({
          label: 'movements',
          query:
            'query ($input: MovementsInput!, $first: Int, $after: String) { movements(input: $input, first: $first, after: $after) { edges { node { customerId } } } }',
          variables,
        })),
      fc
        .record({
          search: fc.option(hostile, { nil: null }),
          first: fc.option(fc.integer({ min: -10, max: 100_000 }), { nil: null }),
          after: fc.option(hostile, { nil: null }),
        })
        .map((variables) => ({
          label: 'customers',
          query:
            'query ($search: String, $first: Int, $after: String) { customers(search: $search, first: $first, after: $after) { edges { node { id } } } }',
          variables,
        })),
      hostile.map((id) => ({
        label: 'customer',
        query: 'query ($id: ID!) { customer(id: $id) { id } }',
        variables: { id },
      })),
      hostile.map((dimension) => ({
        label: 'segments',
        query: 'query ($d: String!) { segments(dimension: $d) }',
        variables: { d: dimension },
      })),
      hostile.map((segment) => ({
        label: 'benchmarks',
        query: 'query ($s: String) { benchmarks(segment: $s) { key } }',
        variables: { s: segment },
      })),
      fc.record({ from: dates, to: dates, benchmark: hostile }).map((input) => ({
        label: 'benchmarkComparison',
        query:
          'query ($input: BenchmarkComparisonInput!) { benchmarkComparison(input: $input) { position } }',
        variables: { input },
      })),
    );
    const ACME_IDS = new Set(['a1', 'a2', 'a3']);
    await fc.assert(
      fc.asyncProperty(operation, async ({ label, query, variables }) => {
        counter.add(`query: ${label}`);
        const { status, body } = await graphql<Record<string, unknown>>(api, query, {
          credential: writer,
          variables,
        });
        expectCleanAnswer(status, body);
        const data = JSON.stringify(body.data ?? {});
        // Whatever the search, cursor or filter, only acme's own customers can come back.
        for (const match of data.matchAll(/"(?:id|customerId)":"([^"]*)"/g))
          expect(ACME_IDS.has(match[1] as string)).toBe(true);
      }),
      { numRuns: runs * 2 },
    );
  });

  it('an attribute filter whose values no customer has selects nobody, whatever characters it holds', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, async (value) => {
        fc.pre(!['US', 'FR'].includes(value));
        counter.add('query: injected filter value');
        const { status, body } = await graphql<{
          retention: { startingMrr: { amount: string }; customers: { starting: number } };
        }>(
          api,
          'query ($v: String!) { retention(input: { from: "2024-02-01", to: "2024-04-01", segment: { attributes: [{ name: "country", values: [$v] }] } }) { startingMrr { amount } customers { starting } } }',
          { credential: writer, variables: { v: value } },
        );
        expectCleanAnswer(status, body);
        expect(body.data?.retention.customers.starting).toBe(0);
        expect(Number(body.data?.retention.startingMrr.amount)).toBe(0);
      }),
      { numRuns: runs },
    );
  });

  it('dimensions named like Object.prototype members are ordinary names no customer has', async () => {
    for (const name of ['valueOf', 'constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const { status, body } = await graphql<{ segments: string[] }>(
        api,
        'query ($d: String!) { segments(dimension: $d) }',
        { credential: writer, variables: { d: name } },
      );
      expectCleanAnswer(status, body);
      expect(body.data?.segments).toEqual([]);
      // A breakdown or a segment condition on a name no customer has is refused as a typo.
      for (const question of [
        'breakdown(input: { from: "2024-02-01", to: "2024-04-01", by: $d }) { value }',
        'retention(input: { from: "2024-02-01", to: "2024-04-01", segment: { attributes: [{ name: $d, values: ["x"] }] } }) { nrr }',
      ]) {
        const refused = await graphql(api, `query ($d: String!) { ${question} }`, {
          credential: writer,
          variables: { d: name },
        });
        expectCleanAnswer(refused.status, refused.body);
        expect(refused.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
        expect(refused.body.errors?.[0]?.message).toContain(
          `no customer has the attribute ${JSON.stringify(name)}. Known dimensions: "country", "plan"`,
        );
      }
    }
  });

  it('malformed GraphQL documents are refused at parse or validation', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ unit: 'grapheme', maxLength: 200 }),
          fc
            .array(
              fc.constantFrom(
                '{',
                '}',
                '(',
                ')',
                'retention',
                'input:',
                '"',
                '$x',
                '...',
                '@skip',
                'mutation',
                '#',
                '\\u0000',
              ),
              { maxLength: 40 },
            )
            .map((parts) => parts.join(' ')),
        ),
        async (query) => {
          counter.add('document: malformed');
          const { status, body } = await graphql(api, query, { credential: writer });
          expectCleanAnswer(status, body);
        },
      ),
      { numRuns: runs },
    );
  });
});
