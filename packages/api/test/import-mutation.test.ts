import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imports, mrrSpans } from '../src/db/schema.ts';
import type { Api } from '../src/yoga.ts';
import {
  DATABASE_KINDS,
  graphql,
  openTestDatabase,
  type TestDatabase,
  tenantWithKey,
  testApi,
} from './harness.ts';

const event = (fields: Record<string, unknown>) =>
  JSON.stringify({ status: 'active', currency: 'USD', interval: 'month', ...fields });

/** c1 pays 100 from January and 150 from March; c2 pays 50 from January until canceled on April 1. */
const EVENTS = [
  event({ id: 'evt_1', customer: 'c1', subscription: 's1', unit_amount: '100', effective_at: '2024-01-01' }),
  event({ id: 'evt_2', customer: 'c1', subscription: 's1', unit_amount: '150', effective_at: '2024-03-01' }),
  event({ id: 'evt_3', customer: 'c2', subscription: 's2', unit_amount: '50', effective_at: '2024-01-01' }),
  event({
    id: 'evt_4',
    customer: 'c2',
    subscription: 's2',
    unit_amount: '50',
    status: 'canceled',
    effective_at: '2024-04-01',
  }),
].join('\n');

const IMPORT = `mutation ($text: String!) {
  importData(input: { format: EVENTS, text: $text }) { status rowsRead rowsStored rowsUnchanged customersAffected errorCount }
}`;
const FIGURES = `{ retention(input: { from: "2024-02-01", to: "2024-05-01" }) {
  startingMrr { amount } expansion { amount } churn { amount } endingMrr { amount } nrr } viewer { tenant { dataVersion } } }`;

describe.each(DATABASE_KINDS)('importData on %s', (kind) => {
  let test: TestDatabase;
  let api: Api;
  let writer: string;

  beforeAll(async () => {
    test = await openTestDatabase(kind);
    api = testApi(test.database);
    writer = await tenantWithKey(test.database, 'acme', { scope: 'read_write' });
  });
  afterAll(() => test.dispose());

  it('imports events and reports the figures they imply', async () => {
    const first = await graphql(api, IMPORT, { credential: writer, variables: { text: EVENTS } });
    expect(first.body).toEqual({
      data: {
        importData: {
          status: 'SUCCEEDED',
          rowsRead: 4,
          rowsStored: 3,
          rowsUnchanged: 0,
          customersAffected: 2,
          errorCount: 0,
        },
      },
    });
    const figures = await graphql(api, FIGURES, { credential: writer });
    expect(figures.body.data).toEqual({
      retention: {
        startingMrr: { amount: '150' },
        expansion: { amount: '50' },
        churn: { amount: '50' },
        endingMrr: { amount: '150' },
        nrr: 1,
      },
      viewer: { tenant: { dataVersion: 1 } },
    });
  });

  it('changes nothing when the same events are imported again', async () => {
    const again = await graphql(api, IMPORT, { credential: writer, variables: { text: EVENTS } });
    expect(again.body.data).toEqual({
      importData: {
        status: 'SUCCEEDED',
        rowsRead: 4,
        rowsStored: 0,
        rowsUnchanged: 3,
        customersAffected: 0,
        errorCount: 0,
      },
    });
    const figures = await graphql(api, FIGURES, { credential: writer });
    expect(figures.body.data).toMatchObject({
      retention: { startingMrr: { amount: '150' }, endingMrr: { amount: '150' } },
      viewer: { tenant: { dataVersion: 1 } },
    });
  });

  it('stores nothing from a batch with one bad row, names the row and records the failure', async () => {
    const before = await test.database.db.select().from(mrrSpans);
    const bad = [
      event({
        id: 'evt_10',
        customer: 'c3',
        subscription: 's3',
        unit_amount: '70',
        effective_at: '2024-01-01',
      }),
      event({
        id: 'evt_11',
        customer: 'c3',
        subscription: 's3',
        unit_amount: '90',
        effective_at: '2024-02-30',
      }),
    ].join('\n');
    const { body } = await graphql(api, IMPORT, { credential: writer, variables: { text: bad } });
    expect(body.data ?? null).toBeNull();
    const error = body.errors?.[0];
    expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error?.message).toMatch(/line 2/);
    expect(error?.extensions?.rowErrors).toEqual([
      expect.objectContaining({ line: 2, code: 'INVALID_DATE', value: '2024-02-30' }),
    ]);
    expect(await test.database.db.select().from(mrrSpans)).toEqual(before);
    const history = await graphql<{
      imports: { status: string; errorCount: number; errors: { line: number }[] }[];
    }>(api, '{ imports { status errorCount errors { line } } }', { credential: writer });
    expect(history.body.data?.imports.map((i) => [i.status, i.errorCount])).toEqual([
      ['FAILED', 1],
      ['SUCCEEDED', 0],
      ['SUCCEEDED', 0],
    ]);
    expect(history.body.data?.imports[0]?.errors).toEqual([{ line: 2 }]);
    const records = await test.database.db.select().from(imports);
    expect(records.every((record) => record.actor.startsWith('key:key_'))).toBe(true);
  });

  it('stores ids and attributes with quotes, backslashes, commas and braces unchanged', async () => {
    const odd = 'Acme "Intl", {EU} \\ Ltd';
    const text = event({
      id: 'evt_20',
      customer: odd,
      subscription: 's20',
      unit_amount: '10',
      effective_at: '2024-01-01',
      metadata: { region: 'a"b\\c,{d}' },
    });
    const imported = await graphql(api, IMPORT, { credential: writer, variables: { text } });
    expect(imported.body.errors).toBeUndefined();
    const { body } = await graphql<{ customer: { id: string; mrr: { amount: string } } | null }>(
      api,
      'query ($id: ID!) { customer(id: $id) { id mrr(at: "2024-02-01") { amount } } }',
      { credential: writer, variables: { id: odd } },
    );
    expect(body.data?.customer).toEqual({ id: odd, mrr: { amount: '10' } });
  });

  it('reports an unparsable document as BAD_USER_INPUT', async () => {
    const { status, body } = await graphql(api, '{ viewer { ', { credential: writer });
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0]?.message).toMatch(/^Syntax Error/);
    const unknown = await graphql(api, '{ viewer { nope } }', { credential: writer });
    expect(unknown.body.errors?.[0]).toMatchObject({
      message: 'Cannot query field "nope" on type "Viewer".',
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });

  it('refuses imports with a read-only key or an embed token', async () => {
    const reader = await tenantWithKey(test.database, 'acme', { scope: 'read' });
    const { body } = await graphql(api, IMPORT, { credential: reader, variables: { text: EVENTS } });
    expect(body.errors?.[0]).toMatchObject({
      message: 'importData needs a key with the read_write scope; this key is read-only',
      extensions: { code: 'FORBIDDEN' },
    });
  });
});
