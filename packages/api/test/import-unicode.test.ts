/**
 * An import whose bad value holds an emoji at the cut of its shown value, or a lone surrogate,
 * failed as INTERNAL and went unrecorded: the row error's value was cut mid-character and jsonb
 * refuses lone surrogates, so recording the failure failed. It answers BAD_USER_INPUT naming the
 * row and field, and is recorded FAILED with its errors; and a failed import is recorded FAILED
 * even when its errors cannot be stored. A valid row's lone surrogates are stored as U+FFFD.
 */
import { ImportError, type RowError } from '@nrr/core';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imports, mrrSpans, spanAttributeSets } from '../src/db/schema.ts';
import { ImportFailed, storeSpans } from '../src/imports/run-import.ts';
import type { Api } from '../src/yoga.ts';
import {
  DATABASE_KINDS,
  graphql,
  openTestDatabase,
  SPAN_ATTRIBUTES_JOIN,
  type TestDatabase,
  tenantWithKey,
  testApi,
} from './harness.ts';

const EMOJI = '😀';
const IMPORT = `mutation ($text: String!) { importData(input: { format: PERIODS, text: $text }) { status } }`;
const HISTORY = '{ imports { status errorCount errors { line field value } } }';

describe.each(DATABASE_KINDS)('imports whose bad values are not plain text, on %s', (kind) => {
  let test: TestDatabase;
  let api: Api;
  beforeAll(async () => {
    test = await openTestDatabase(kind);
    api = testApi(test.database);
  });
  afterAll(() => test.dispose());

  it('answers BAD_USER_INPUT naming the row and field, and records the import FAILED with its errors', async () => {
    const writer = await tenantWithKey(test.database, 'emoji', { scope: 'read_write' });
    const text =
      'subscription_id,customer_id,start_date,end_date,monthly_amount\n' +
      `s1,c1,2024-01-01,,${'9'.repeat(196)}${EMOJI}${'9'.repeat(20)}\n` +
      's2,c2,2024-01-01,,1\uD83D\n' +
      `s3,c3,2024-01-01,,${EMOJI}\n`;
    const { status, body } = await graphql(api, IMPORT, { credential: writer, variables: { text } });
    expect(status).toBeLessThan(500);
    const error = body.errors?.[0];
    expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error?.message).toMatch(
      /^3 invalid rows in 3 read; nothing was imported\. First: line 2, field "monthly_amount"/,
    );
    const shown = [
      { line: 2, field: 'monthly_amount', value: `${'9'.repeat(196)}${EMOJI}...` },
      { line: 3, field: 'monthly_amount', value: '1\uFFFD' },
      { line: 4, field: 'monthly_amount', value: EMOJI },
    ];
    expect(
      ((error?.extensions?.rowErrors ?? []) as RowError[]).map(({ line, field, value }) => ({
        line,
        field,
        value,
      })),
    ).toEqual(shown);
    const history = await graphql<{ imports: { status: string; errorCount: number; errors: unknown[] }[] }>(
      api,
      HISTORY,
      { credential: writer },
    );
    expect(history.body).toEqual({ data: { imports: [{ status: 'FAILED', errorCount: 3, errors: shown }] } });
  });

  it('stores a valid row whose id and attribute hold lone surrogates with U+FFFD in their place', async () => {
    const writer = await tenantWithKey(test.database, 'lone', { scope: 'read_write' });
    const text =
      'subscription_id,customer_id,start_date,end_date,monthly_amount,currency,plan\n' +
      `s1,c\uD83D,2024-01-01,,10,USD,Gro\uDE00wth ${EMOJI}\n`;
    const imported = await graphql(api, IMPORT, { credential: writer, variables: { text } });
    expect(imported.body).toEqual({ data: { importData: { status: 'SUCCEEDED' } } });
    const stored = await test.database.db
      .select({ customerId: mrrSpans.customerId, attributes: spanAttributeSets.attributes })
      .from(mrrSpans)
      .innerJoin(spanAttributeSets, SPAN_ATTRIBUTES_JOIN)
      .where(eq(mrrSpans.tenantId, 'lone'));
    expect(stored).toEqual([{ customerId: 'c\uFFFD', attributes: { plan: `Gro\uFFFDwth ${EMOJI}` } }]);
  });

  it('records a failed import FAILED even when its errors cannot be stored', async () => {
    await tenantWithKey(test.database, 'unstorable');
    // A row error no importer makes any more: a lone surrogate, which jsonb refuses.
    const unstorable: RowError = {
      code: 'INVALID_AMOUNT',
      line: 2,
      field: 'amount',
      value: '\uD83D',
      expected: 'a number',
      message: 'line 2, field "amount": got "\\ud83d", expected a number',
    };
    const failure = await storeSpans(
      test.database.db,
      { tenantId: 'unstorable', format: 'periods', sourceName: 'test', actor: 'test' },
      () => {
        throw new ImportError([unstorable], 1, 1);
      },
    ).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ImportFailed);
    expect((failure as ImportFailed).summary.errors).toEqual([unstorable]);
    const records = await test.database.db.select().from(imports).where(eq(imports.tenantId, 'unstorable'));
    expect(records.map((r) => [r.status, r.errorCount, r.rowsRead])).toEqual([['FAILED', 1, 1]]);
  });
});
