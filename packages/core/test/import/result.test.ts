import { describe, expect, it } from 'vitest';
import {
  collectRows,
  collectRowsSync,
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
const errorAt = (line: number) => rowError('INVALID_AMOUNT', line, 'amount', 'x', 'a decimal number');
const bad = (line: number): ParsedRow<string> => ({ ok: false, error: errorAt(line) });
const lines = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

describe('collectRows', () => {
  it('returns every row and counts them when all are valid', async () => {
    expect(await collectRows(stream([good('a'), good('b')]))).toEqual({
      rows: ['a', 'b'],
      errors: [],
      rowsRead: 2,
    });
  });

  it('throws ImportError with the errors and counts, whatever comes before or after them', async () => {
    const error = await collectRows(stream([good('a'), bad(3), good('c'), bad(5)])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportError);
    expect(error).toMatchObject({ errorCount: 2, rowsRead: 4, code: 'INVALID_INPUT' });
    expect((error as ImportError).errors.map((e) => e.line)).toEqual([3, 5]);
  });

  it(`throws with the first ${MAX_REPORTED_ERRORS} errors only, counting them all`, async () => {
    const items = [good('a'), ...lines(3, MAX_REPORTED_ERRORS + 5).map(bad)];
    const error = (await collectRows(stream(items)).catch((e: unknown) => e)) as ImportError;
    expect(error.errors.map((e) => e.line)).toEqual(lines(3, MAX_REPORTED_ERRORS));
    expect([error.errorCount, error.rowsRead]).toEqual([MAX_REPORTED_ERRORS + 5, MAX_REPORTED_ERRORS + 6]);
  });

  it('with skipInvalidRows keeps the valid rows and every error', async () => {
    const items = [good('a'), ...lines(3, MAX_REPORTED_ERRORS + 5).map(bad), good('z')];
    const result = await collectRows(stream(items), { skipInvalidRows: true });
    expect(result.rows).toEqual(['a', 'z']);
    expect(result.errors.map((e) => e.line)).toEqual(lines(3, MAX_REPORTED_ERRORS + 5));
    expect(result.rowsRead).toBe(MAX_REPORTED_ERRORS + 7);
  });

  it('returns nothing for an empty stream', async () => {
    expect(await collectRows(stream([]))).toEqual({ rows: [], errors: [], rowsRead: 0 });
  });

  it('collects a synchronous iterable by the same rules', () => {
    expect(collectRowsSync([good('a'), bad(3)], { skipInvalidRows: true })).toEqual({
      rows: ['a'],
      errors: [errorAt(3)],
      rowsRead: 2,
    });
    expect(() => collectRowsSync([good('a'), bad(3)])).toThrow(ImportError);
  });
});

describe('file-level CSV problems through an importer', () => {
  it('reports a malformed header once and nothing else', async () => {
    const result = await importSubscriptionPeriods('subscription_id,"customer_id\n1,2', {
      skipInvalidRows: true,
    });
    expect(result.errors.map((e) => [e.code, e.line, e.field])).toEqual([['INVALID_CSV', 1, 'column 2']]);
    expect([result.rows.length, result.rowsRead]).toEqual([0, 1]);
  });

  it('reports a quote left open as one error and keeps the rows before it', async () => {
    const text =
      'subscription_id,customer_id,start_date,end_date,monthly_amount\n1,1,2024-01-01,,5\n2,"2,2024-01-01,,5\n3,3,2024-01-01,,5';
    const result = await importSubscriptionPeriods(text, { skipInvalidRows: true });
    expect(result.rows.map((row) => row.line)).toEqual([2]);
    expect(result.errors.map((e) => [e.code, e.line, e.field])).toEqual([['INVALID_CSV', 3, 'customer_id']]);
  });
});
