import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CSV_DELIMITERS,
  type CsvDelimiter,
  type CsvRecord,
  type ParsedRow,
  parseCsv,
  readCsv,
} from '../../src/index.ts';
import { asyncLines, toCsv } from './support.ts';

async function readAll(
  source: Parameters<typeof readCsv>[0],
  maxFieldLength?: number,
  delimiter?: CsvDelimiter,
) {
  const out: ParsedRow<CsvRecord>[] = [];
  const options = {
    ...(maxFieldLength === undefined ? {} : { maxFieldLength }),
    ...(delimiter === undefined ? {} : { delimiter }),
  };
  for await (const item of readCsv(source, options)) out.push(item);
  return out;
}

/** Records as [line, ...fields] and errors as [code, line, field] for compact expectations. */
function summarise(items: readonly ParsedRow<CsvRecord>[]) {
  return items.map((item) =>
    item.ok ? [item.row.line, ...item.row.fields] : [item.error.code, item.error.line, item.error.field],
  );
}

describe('readCsv', () => {
  it('reads a header and records with their line numbers', async () => {
    expect(summarise(await readAll('a,b\n1,2\n3,4'))).toEqual([
      [1, 'a', 'b'],
      [2, '1', '2'],
      [3, '3', '4'],
    ]);
  });

  it('drops a byte order mark, accepts CRLF and skips blank trailing lines', async () => {
    expect(summarise(await readAll('\uFEFFa,b\r\n1,2\r\n\r\n\n'))).toEqual([
      [1, 'a', 'b'],
      [2, '1', '2'],
    ]);
  });

  it('skips blank lines in the middle and keeps physical line numbers', async () => {
    expect(summarise(await readAll('a\n\nx\n\n\ny'))).toEqual([
      [1, 'a'],
      [3, 'x'],
      [6, 'y'],
    ]);
  });

  it('unquotes quoted fields with commas, doubled quotes and line breaks', async () => {
    const text = 'id,note\r\n1,"a, b"\r\n2,"say ""hi"""\r\n3,"two\r\nlines"\r\n4,""\r\n5,x';
    expect(summarise(await readAll(text))).toEqual([
      [1, 'id', 'note'],
      [2, '1', 'a, b'],
      [3, '2', 'say "hi"'],
      [4, '3', 'two\nlines'],
      [6, '4', ''],
      [7, '5', 'x'],
    ]);
  });

  it('keeps spaces and empty fields as they are', async () => {
    expect(summarise(await readAll('a,b,c\n  x ,, "y" \n'))).toEqual([
      [1, 'a', 'b', 'c'],
      ['INVALID_CSV', 2, 'c'],
    ]);
    expect(summarise(await readAll('a,b,c\n  x ,,\n'))).toEqual([
      [1, 'a', 'b', 'c'],
      [2, '  x ', '', ''],
    ]);
  });

  it('rejoins a quoted field that spans lines from an async iterable of lines', async () => {
    const lines = ['id,note', '1,"first', '', 'third"', '2,plain'];
    expect(summarise(await readAll(asyncLines(lines)))).toEqual([
      [1, 'id', 'note'],
      [2, '1', 'first\n\nthird'],
      [5, '2', 'plain'],
    ]);
  });

  it('gives the same records from a text, a sync iterable and an async iterable', async () => {
    const text = '\uFEFFa,b\r\n"x\r\ny",1\r\n"q""",2\r\n';
    const lines = text.split(/\r?\n/);
    const fromText = await readAll(text);
    expect(await readAll(lines)).toEqual(fromText);
    expect(await readAll(asyncLines(lines))).toEqual(fromText);
    expect([...parseCsv(text)]).toEqual(fromText);
  });

  it('yields nothing for an empty input and only the header for a header-only file', async () => {
    expect(await readAll('')).toEqual([]);
    expect(await readAll([])).toEqual([]);
    expect(summarise(await readAll('a,b\n'))).toEqual([[1, 'a', 'b']]);
  });

  it('rejects a record with the wrong number of fields and reads on', async () => {
    const items = await readAll('a,b\n1,2,3\n4\n5,6');
    expect(summarise(items)).toEqual([
      [1, 'a', 'b'],
      ['INVALID_CSV', 2, 'column 3'],
      ['INVALID_CSV', 3, 'b'],
      [4, '5', '6'],
    ]);
    const error = items[1]?.ok === false ? items[1].error : undefined;
    expect(error).toMatchObject({ value: '1,2,3', expected: '2 fields as in the header, got 3' });
    expect(error?.message).toBe(
      'line 2, field "column 3": got "1,2,3", expected 2 fields as in the header, got 3',
    );
  });

  it('rejects a stray quote in an unquoted field', async () => {
    const items = await readAll('a,b\n1,x"y\n2,3');
    expect(summarise(items)).toEqual([
      [1, 'a', 'b'],
      ['INVALID_CSV', 2, 'b'],
      [3, '2', '3'],
    ]);
    expect(items[1]?.ok === false && items[1].error.expected).toBe(
      'a field that contains a quote (") to be enclosed in quotes, with the quote doubled ("")',
    );
  });

  it('rejects text after a closing quote, on the physical line where it is', async () => {
    const items = await readAll('a,b\n1,"x\ny"z\n2,3');
    expect(summarise(items)).toEqual([
      [1, 'a', 'b'],
      ['INVALID_CSV', 3, 'b'],
      [4, '2', '3'],
    ]);
    expect(items[1]?.ok === false && items[1].error.expected).toBe(
      'a comma or the end of the line after a closing quote (")',
    );
  });

  it('reports an unterminated quote once, at the line where it opened', async () => {
    const items = await readAll('a,b\n1,2\n3,"open\n4,5\n6,7');
    expect(summarise(items)).toEqual([
      [1, 'a', 'b'],
      [2, '1', '2'],
      ['INVALID_CSV', 3, 'b'],
    ]);
    expect(items[2]?.ok === false && items[2].error.expected).toBe(
      'a closing quote (") before the end of the file',
    );
  });

  it('stops after a malformed header, since nothing after it can be checked', async () => {
    expect(summarise(await readAll('a,"b\n1,2'))).toEqual([['INVALID_CSV', 1, 'column 2']]);
    expect(summarise(await readAll('a,b"\n1,2'))).toEqual([['INVALID_CSV', 1, 'column 2']]);
  });

  it('rejects a field longer than the limit, quoted, unquoted or spanning lines, and reads on', async () => {
    const items = await readAll(
      ['a,b', '1,0123456789x', '2,"0123456789x"', '3,"01234', '56789', 'xyz', 'end",tail', '4,ok'],
      10,
    );
    expect(summarise(items)).toEqual([
      [1, 'a', 'b'],
      ['VALUE_TOO_LONG', 2, 'b'],
      ['VALUE_TOO_LONG', 3, 'b'],
      ['VALUE_TOO_LONG', 4, 'b'],
      [8, '4', 'ok'],
    ]);
    expect(items[1]?.ok === false && items[1].error.expected).toBe(
      'a field of at most 10 characters (got 11)',
    );
  });

  it('accepts a field of exactly 1 MB and rejects one character more by default', async () => {
    const limit = 1_048_576;
    const items = await readAll(`a\n${'x'.repeat(limit)}\n"${'y'.repeat(limit + 1)}"`);
    expect(items.map((item) => (item.ok ? item.row.fields[0]?.length : item.error.code))).toEqual([
      1,
      limit,
      'VALUE_TOO_LONG',
    ]);
  });

  it('pulls lines only as records are asked for (streams in constant memory)', async () => {
    let pulled = 0;
    async function* endless() {
      yield 'id,value';
      for (let i = 0; ; i++) {
        pulled += 1;
        yield `${i},"v${i}"`;
      }
    }
    const seen: string[] = [];
    for await (const item of readCsv(endless())) {
      if (item.ok) seen.push(item.row.fields[1] ?? '');
      if (seen.length === 4) break;
    }
    expect(seen).toEqual(['value', 'v0', 'v1', 'v2']);
    expect(pulled).toBe(3);
  });
});

const fieldText = fc.string({
  unit: fc.constantFrom('a', 'b', 'Z', '1', ' ', ',', '"', '\n', 'é', '日', '\t', ';', "'"),
  maxLength: 8,
});

const table = fc.integer({ min: 1, max: 5 }).chain((columns) =>
  fc.array(fc.array(fieldText, { minLength: columns, maxLength: columns }), {
    minLength: 1,
    maxLength: 12,
  }),
);

const style = fc.record({
  crlf: fc.boolean(),
  bom: fc.boolean(),
  trailing: fc.boolean(),
  quote: fc.array(fc.boolean(), { minLength: 1, maxLength: 7 }),
});

describe('readCsv laws', () => {
  it('parses any serialised table back to the same fields, from a text or from lines', async () => {
    await fc.assert(
      fc.asyncProperty(table, style, fc.constantFrom(...CSV_DELIMITERS), async (rows, how, delimiter) => {
        const text = toCsv(rows, how, delimiter);
        const fromText = await readAll(text, undefined, delimiter);
        expect(fromText.map((item) => (item.ok ? item.row.fields : item.error))).toEqual(rows);
        expect(await readAll(asyncLines(text.split(/\r?\n/)), undefined, delimiter)).toEqual(fromText);
      }),
      { numRuns: 300 },
    );
  });

  it('sniffs the delimiter of any serialised table whose other delimiters are quoted', async () => {
    // The delimiter is sniffed from the header's first physical line: header fields without line breaks.
    const oneLineHeader = table.map(([header, ...rest]) => [
      (header ?? []).map((field) => field.replaceAll('\n', ' ')),
      ...rest,
    ]);
    await fc.assert(
      fc.asyncProperty(
        oneLineHeader,
        style,
        fc.constantFrom(...CSV_DELIMITERS),
        async (rows, how, delimiter) => {
          const text = toCsv(rows, how, delimiter, true);
          const fromText = await readAll(text);
          expect(fromText.map((item) => (item.ok ? item.row.fields : item.error))).toEqual(rows);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary text: every item is a record or a coded error on an existing line', () => {
    const noise = fc.string({
      unit: fc.oneof(fc.constantFrom('"', ',', '\n', '\r', '\uFEFF', 'a', ' '), fc.string({ maxLength: 1 })),
      maxLength: 60,
    });
    fc.assert(
      fc.property(noise, (text) => {
        const lineCount = text.split('\n').length;
        for (const item of parseCsv(text, { maxFieldLength: 8 })) {
          const line = item.ok ? item.row.line : item.error.line;
          expect(line).toBeGreaterThanOrEqual(1);
          expect(line).toBeLessThanOrEqual(lineCount);
          if (!item.ok) expect(['INVALID_CSV', 'VALUE_TOO_LONG']).toContain(item.error.code);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
