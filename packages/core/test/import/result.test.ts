import { describe, expect, it } from 'vitest';
import {
  collectRows,
  ImportError,
  importSubscriptionPeriods,
  MAX_REPORTED_ERRORS,
  type ParsedRow,
  rowError,
} from '../../src/index.ts';

async function* stream(items: readonly ParsedRow<string>[]) {
  for (const item of items) yield item;
}

const good = (row: string): ParsedRow<string> => ({ ok: true, row });
const bad = (line: number): ParsedRow<string> => ({
  ok: false,
  error: rowError('INVALID_AMOUNT', line, 'amount', 'x', 'a decimal number'),
});

describe('collectRows', () => {
  it('returns every row and counts them when all are valid', async () => {
    expect(await collectRows(stream([good('a'), good('b')]))).toEqual({
      rows: ['a', 'b'],
      errors: [],
      errorCount: 0,
      rowsRead: 2,
    });
  });

  it('throws ImportError with the errors and counts, whatever comes before or after them', async () => {
    const error = await collectRows(stream([good('a'), bad(3), good('c'), bad(5)])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportError);
    expect(error).toMatchObject({ errorCount: 2, rowsRead: 4, code: 'INVALID_INPUT' });
    expect((error as ImportError).errors.map((e) => e.line)).toEqual([3, 5]);
  });

  it('with skipInvalidRows keeps the valid rows, the first errors, and counts them all', async () => {
    const items = [
      good('a'),
      ...Array.from({ length: MAX_REPORTED_ERRORS + 5 }, (_, i) => bad(i + 3)),
      good('z'),
    ];
    const result = await collectRows(stream(items), { skipInvalidRows: true });
    expect(result.rows).toEqual(['a', 'z']);
    expect(result.errors).toHaveLength(MAX_REPORTED_ERRORS);
    expect([result.errorCount, result.rowsRead]).toEqual([MAX_REPORTED_ERRORS + 5, MAX_REPORTED_ERRORS + 7]);
  });

  it('returns nothing for an empty stream', async () => {
    expect(await collectRows(stream([]))).toEqual({ rows: [], errors: [], errorCount: 0, rowsRead: 0 });
  });
});

describe('file-level CSV problems through an importer', () => {
  it('reports a malformed header once and nothing else', async () => {
    const result = await importSubscriptionPeriods('subscription_id,"customer_id\n1,2', {
      skipInvalidRows: true,
    });
    expect(result.errors.map((e) => [e.code, e.line, e.field])).toEqual([['INVALID_CSV', 1, 'column 2']]);
    expect([result.rows.length, result.errorCount, result.rowsRead]).toEqual([0, 1, 1]);
  });

  it('reports a quote left open as one error and keeps the rows before it', async () => {
    const text =
      'subscription_id,customer_id,start_date,end_date,monthly_amount\n1,1,2024-01-01,,5\n2,"2,2024-01-01,,5\n3,3,2024-01-01,,5';
    const result = await importSubscriptionPeriods(text, { skipInvalidRows: true });
    expect(result.rows.map((row) => row.line)).toEqual([2]);
    expect(result.errors.map((e) => [e.code, e.line, e.field])).toEqual([['INVALID_CSV', 3, 'customer_id']]);
  });
});
