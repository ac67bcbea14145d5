import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCsvChunks } from '../../src/import/csv.ts';
import { readSubscriptionPeriodsGeneral } from '../../src/import/periods.ts';
import {
  type CsvRecord,
  importSubscriptionPeriods,
  type LineChunks,
  type ParsedRow,
  parseCsv,
  periodRowsToSpans,
  periodRowToSpan,
  type SubscriptionPeriodOptions,
  type SubscriptionPeriodRow,
  streamSubscriptionPeriodBatches,
  streamSubscriptionPeriods,
} from '../../src/index.ts';
import { asyncLines, dataset, day, readLines, toCsv } from './support.ts';

type Result = ParsedRow<SubscriptionPeriodRow>;

const HEADER = 'subscription_id,customer_id,start_date,end_date,monthly_amount';
const CHUNK_SIZES = [1, 2, 7, 100_000] as const;

/** The physical lines of a text, as readline gives them (a `\r` before `\n` is kept for the parser). */
function linesOf(text: string): string[] {
  return text.split('\n');
}

/** The lines in chunks of `size` lines, as an async iterable of arrays. */
async function* chunksOf(lines: readonly string[], size: number): LineChunks {
  for (let i = 0; i < lines.length; i += size) yield lines.slice(i, i + size);
}

/** Every result of the per-row API. */
async function perRow(
  source: Parameters<typeof streamSubscriptionPeriods>[0],
  options = {},
): Promise<Result[]> {
  const results: Result[] = [];
  for await (const parsed of streamSubscriptionPeriods(source, options)) results.push(parsed);
  return results;
}

/** Every batch of the batch API. */
async function batchesOf(
  source: Parameters<typeof streamSubscriptionPeriodBatches>[0],
  options: SubscriptionPeriodOptions = {},
): Promise<(readonly Result[])[]> {
  const batches: (readonly Result[])[] = [];
  for await (const batch of streamSubscriptionPeriodBatches(source, options)) batches.push(batch);
  return batches;
}

/** A result with the order of its attribute keys made visible, for exact comparisons. */
function exact(parsed: Result): unknown {
  return parsed.ok ? { ...parsed, keys: Object.keys(parsed.row.attributes) } : parsed;
}

/**
 * Checks that the batch API gives exactly the per-row API's results for a text, however its lines
 * are chunked, and that the general path (every record through the field reader) agrees.
 */
async function expectSameEverywhere(
  text: string,
  options: SubscriptionPeriodOptions = {},
): Promise<Result[]> {
  const expected = await perRow(text, options);
  const lines = linesOf(text);
  expect((await perRow(asyncLines(lines), options)).map(exact)).toEqual(expected.map(exact));
  expect(readSubscriptionPeriodsGeneral(lines, options).map(exact)).toEqual(expected.map(exact));
  for (const size of CHUNK_SIZES) {
    const batches = await batchesOf(chunksOf(lines, size), options);
    expect(batches.flat().map(exact), `chunks of ${size}`).toEqual(expected.map(exact));
    for (const batch of batches) expect(batch.length).toBeGreaterThan(0);
  }
  expect((await batchesOf(text, options)).flat().map(exact)).toEqual(expected.map(exact));
  expect((await batchesOf(lines, options)).flat().map(exact)).toEqual(expected.map(exact));
  return expected;
}

/** A result without the message (which repeats the other fields). */
function brief(parsed: Result): unknown {
  if (parsed.ok) return { line: parsed.row.line, id: parsed.row.subscriptionId };
  const { message: _message, ...error } = parsed.error;
  return error;
}

describe('streamSubscriptionPeriodBatches on the real datasets', () => {
  const seedPath = dataset('dbt-mrr-playbook/subscription_periods.csv');
  const seed = readFileSync(seedPath, 'utf8');

  it('gives the per-row results of the dbt seed, one array per chunk, for every chunking', async () => {
    const results = await expectSameEverywhere(seed);
    expect(results).toHaveLength(121);
    expect(results.every((parsed) => parsed.ok)).toBe(true);
    const lines = linesOf(seed);
    // 122 lines and a final empty one: chunks of 7 give 18 arrays, the first without the header.
    const batches = await batchesOf(chunksOf(lines, 7));
    expect(batches.map((batch) => batch.length)).toEqual([6, ...Array(16).fill(7), 3]);
  });

  it('reads a file streamed line by line (readline) like the text', async () => {
    const fromFile = (await batchesOf(readLines(seedPath))).flat();
    expect(fromFile).toEqual(await perRow(seed));
    expect(fromFile[120]).toMatchObject({ ok: true, row: { line: 122 } });
  });

  it('reports what the per-row API reports for the other real files (not periods files)', async () => {
    for (const path of [
      'displayr-invoice-lines/q_invoice_lines_short.csv',
      'displayr-invoice-lines/fake_invoice_lines.csv',
      'dbt-mrr-playbook/expected_mrr_rows.derived.csv',
      'killbill-normalisation/mrr_normalisation.csv',
    ]) {
      const results = await expectSameEverywhere(readFileSync(dataset(path), 'utf8'));
      expect(results).toHaveLength(1);
      expect(results[0]).toMatchObject({ ok: false, error: { code: 'MISSING_COLUMN', line: 1 } });
    }
  });

  it('turns rows into the spans periodRowsToSpans gives, one row at a time', async () => {
    const rows = (await batchesOf(seed)).flat().flatMap((parsed) => (parsed.ok ? [parsed.row] : []));
    expect(rows.map(periodRowToSpan)).toEqual(periodRowsToSpans(rows));
    const attributed = { ...(rows[0] as SubscriptionPeriodRow), attributes: { plan: 'Pro' } };
    expect(periodRowToSpan(attributed)).toEqual({
      customerId: '1',
      subscriptionId: '1',
      start: day('2018-11-01'),
      end: day('2019-02-01'),
      mrr: 500_000,
      currency: 'USD',
      attributes: { plan: 'Pro' },
    });
    expect('attributes' in periodRowToSpan(rows[0] as SubscriptionPeriodRow)).toBe(false);
  });
});

describe('streamSubscriptionPeriodBatches on bad input', () => {
  it('gives the same errors as the per-row API, in order, for every chunking', async () => {
    const text = [
      `\uFEFF${HEADER},currency,plan,region`,
      's1,c1,2024-01-01,2024-03-01,10,usd,Pro,EU',
      's1,c1,2024-03-01,,12.5,USD,Pro,EU',
      's2,c2,2024-02-30,,5,USD,Basic,US', // no such date
      's3,c3,2024-05-01,2024-05-01,5,USD,Basic,US', // end not after start
      's4,c4,2024-01-01,,5,USD,Basic', // a field short
      's5,c5,2024-01-01,,5,USD,"Basic ""plus"",',
      'with a line break",US', // quoted field over two lines
      's2,c2,2024-01-01,,-1,USD,Basic,US', // negative amount
      's6,c6,2024-01-01,,5,US,Basic,US\r', // bad currency, CRLF
      '',
      's7,c7,2024-01-01T12:00:00Z,, 1.5 ,EUR, Basic ,\u00a0US\u3000\r',
      's1,c1,2024-02-01,2024-02-15,3,USD,Pro,EU', // s1 comes back, overlapping its first period
      's8,c8,2024-01-01,,5,USD,x"y,US', // quote inside an unquoted field
      's1,c1,2023-01-01,2023-06-01,3,USD,Pro,EU', // s1 again, no overlap
      ' ,c9,2024-01-01,,5,USD,Pro,EU', // blank id
      's7,c7,2024-01-01T12:00:00Z,,9,EUR,Basic,US', // repeats s7's start
      's9,c9,2024-01-01,,1e3,USD,Pro,EU', // an exponent
      's10,c10,2024-01-01,,5,USD,"never closed,EU',
      's11,c11,2024-01-01,,5,USD,Pro,EU',
    ].join('\n');
    const results = await expectSameEverywhere(text);
    expect(results.map(brief)).toEqual([
      { line: 2, id: 's1' },
      { line: 3, id: 's1' },
      {
        code: 'INVALID_DATE',
        line: 4,
        field: 'start_date',
        value: '2024-02-30',
        expected: 'a real calendar date in ISO 8601 form, such as 2024-01-31 or 2024-01-31T12:00:00Z',
      },
      {
        code: 'END_BEFORE_START',
        line: 5,
        field: 'end_date',
        value: '2024-05-01',
        expected: 'an end after start_date (2024-05-01); the end is exclusive, leave it empty while active',
      },
      {
        code: 'INVALID_CSV',
        line: 6,
        field: 'region',
        value: 's4,c4,2024-01-01,,5,USD,Basic',
        expected: '8 fields as in the header, got 7',
      },
      { line: 7, id: 's5' },
      {
        code: 'INVALID_AMOUNT',
        line: 9,
        field: 'monthly_amount',
        value: '-1',
        expected: 'a decimal number of zero or more, such as 49.99',
      },
      {
        code: 'INVALID_CURRENCY',
        line: 10,
        field: 'currency',
        value: 'US',
        expected: 'a three-letter ISO 4217 currency code such as USD',
      },
      { line: 12, id: 's7' },
      {
        code: 'DUPLICATE_ID',
        line: 13,
        field: 'subscription_id',
        value: 's1',
        expected:
          'a subscription_id whose periods do not overlap; line 2 already covers 2024-01-01 to 2024-03-01',
      },
      {
        code: 'INVALID_CSV',
        line: 14,
        field: 'plan',
        value: 's8,c8,2024-01-01,,5,USD,x"y,US',
        expected: 'a field that contains a quote (") to be enclosed in quotes, with the quote doubled ("")',
      },
      { line: 15, id: 's1' },
      { code: 'MISSING_VALUE', line: 16, field: 'subscription_id', value: '', expected: 'a non-empty value' },
      {
        code: 'DUPLICATE_ID',
        line: 17,
        field: 'subscription_id',
        value: 's7',
        expected:
          'a subscription_id whose periods do not overlap; line 12 already covers 2024-01-01T12:00:00.000Z to no end',
      },
      {
        code: 'INVALID_AMOUNT',
        line: 18,
        field: 'monthly_amount',
        value: '1e3',
        expected: 'a decimal number such as 49.99 (no currency symbols, thousands separators or exponents)',
      },
      {
        code: 'INVALID_CSV',
        line: 19,
        field: 'plan',
        value: 's10,c10,2024-01-01,,5,USD,"never closed,EU',
        expected: 'a closing quote (") before the end of the file',
      },
    ]);
    const rows = results.flatMap((parsed) => (parsed.ok ? [parsed.row] : []));
    expect(rows[0]).toEqual({
      line: 2,
      subscriptionId: 's1',
      customerId: 'c1',
      start: day('2024-01-01'),
      end: day('2024-03-01'),
      monthlyAmount: 100_000,
      currency: 'USD',
      attributes: { plan: 'Pro', region: 'EU' },
    });
    expect(rows[2]?.attributes).toEqual({ plan: 'Basic "plus",\nwith a line break', region: 'US' });
    expect(rows[3]).toMatchObject({
      start: Date.parse('2024-01-01T12:00:00Z'),
      monthlyAmount: 15_000,
      currency: 'EUR',
      attributes: { plan: 'Basic', region: 'US' },
    });
  });

  it('tells apart subscriptions whose ids hash alike, and reads every amount form exactly', async () => {
    // sub_608699 and sub_1077474 have the same 32-bit hash in the importer's table of subscriptions.
    const text = [
      HEADER,
      'sub_608699,c1,2024-01-01,,49.9999',
      'other,c2,2024-01-01,,0.0001',
      'sub_1077474,c3,2024-01-01,,12.34', // no overlap: another subscription
      'sub_608699,c1,2024-06-01,,007.5', // overlaps sub_608699's open period
      'sub_1077474,c3,2024-02-01,,1,extra', // a field too many
    ].join('\n');
    const results = await expectSameEverywhere(text);
    expect(results.map((parsed) => (parsed.ok ? parsed.row.monthlyAmount : parsed.error.code))).toEqual([
      499_999,
      1,
      123_400,
      'DUPLICATE_ID',
      'INVALID_CSV',
    ]);
    expect(results[3]).toMatchObject({ ok: false, error: { line: 5, value: 'sub_608699' } });
    expect(results[4]).toMatchObject({
      ok: false,
      error: { line: 6, field: 'column 6', expected: '5 fields as in the header, got 6' },
    });
  });

  it('gives one MISSING_COLUMN error for an empty file and nothing for a header-only one', async () => {
    for (const empty of ['', '\uFEFF', '\n\n', '\r\n']) {
      const results = await expectSameEverywhere(empty);
      expect(results.map(brief)).toEqual([
        {
          code: 'MISSING_COLUMN',
          line: 1,
          field: 'subscription_id, customer_id, start_date, end_date, monthly_amount',
          value: '',
          expected:
            'a header with the columns subscription_id, customer_id, start_date, end_date, monthly_amount (the file is empty)',
        },
      ]);
    }
    for (const headerOnly of [HEADER, `${HEADER}\n`, `\uFEFF${HEADER}\r\n\r\n`]) {
      expect(await expectSameEverywhere(headerOnly)).toEqual([]);
      expect(await batchesOf(headerOnly)).toEqual([]);
    }
  });

  it('stops after a header that lacks columns or repeats one, reading no further', async () => {
    const missing = await expectSameEverywhere('subscription_id,start_date\ns1,2024-01-01\n');
    expect(missing.map((parsed) => !parsed.ok && parsed.error.code)).toEqual(['MISSING_COLUMN']);
    const repeated = await expectSameEverywhere(`${HEADER},Plan, plan \ns1,c1,2024-01-01,,1,a,b\n`);
    expect(repeated.map((parsed) => !parsed.ok && parsed.error.code)).toEqual(['INVALID_CSV']);
    let pulled = 0;
    async function* counted(): AsyncGenerator<readonly string[]> {
      for (const chunk of [['subscription_id'], ['s1'], ['s2']]) {
        pulled += 1;
        yield chunk;
      }
    }
    expect((await batchesOf(counted())).flat()).toHaveLength(1);
    expect(pulled).toBe(1);
  });

  it('takes single lines and chunks mixed in one async iterable', async () => {
    async function* mixed(): AsyncGenerator<string | readonly string[]> {
      yield HEADER;
      yield ['s1,c1,2024-01-01,,1', 's2,c2,2024-01-01,"'];
      yield '",1';
      yield ['s1,c1,2023-12-01,,2'];
    }
    const results = (await batchesOf(mixed() as LineChunks)).flat();
    expect(results.map(brief)).toEqual([
      { line: 2, id: 's1' },
      { line: 3, id: 's2' },
      {
        code: 'DUPLICATE_ID',
        line: 5,
        field: 'subscription_id',
        value: 's1',
        expected:
          'a subscription_id whose periods do not overlap; line 2 already covers 2024-01-01 to no end',
      },
    ]);
    expect(results[1]).toMatchObject({ ok: true, row: { end: null, customerId: 'c2' } });
  });

  it('yields the results of the lines received before a source fails, then its error', async () => {
    async function* failing(): AsyncGenerator<string> {
      yield HEADER;
      yield 's1,c1,2024-01-01,,1';
      yield 's2,c2,2024-01-01,,1';
      throw new Error('disk gone');
    }
    const seen: Result[] = [];
    await expect(async () => {
      for await (const parsed of streamSubscriptionPeriods(failing())) seen.push(parsed);
    }).rejects.toThrow('disk gone');
    expect(seen.map(brief)).toEqual([
      { line: 2, id: 's1' },
      { line: 3, id: 's2' },
    ]);
  });

  it('rejects a malformed default currency before reading', async () => {
    await expect(batchesOf(HEADER, { defaultCurrency: 'dollars' })).rejects.toThrow(RangeError);
  });

  it('reports a field too long, on the plain path and in quotes, as the per-row API does', async () => {
    const text = `${HEADER},note\ns1,c1,2024-01-01,,1,${'x'.repeat(30)}\ns2,c2,2024-01-01,,1,"${'y'.repeat(12)}\n${'z'.repeat(20)}"\ns3,c3,2024-01-01,,1,short\n`;
    const results = await expectSameEverywhere(text, { maxFieldLength: 25 });
    expect(results.map((parsed) => (parsed.ok ? parsed.row.line : parsed.error.code))).toEqual([
      'VALUE_TOO_LONG',
      'VALUE_TOO_LONG',
      5,
    ]);
  });

  it('trims exactly the characters String.prototype.trim trims', async () => {
    const lines = [`${HEADER},plan`];
    const codes: number[] = [];
    for (let code = 0; code < 0x10000; code++) {
      // Every code unit up to U+3100 (all whitespace but U+FEFF is there), then a range around U+FEFF.
      if (code > 0x3100 && code < 0xfef0) continue;
      const c = String.fromCharCode(code);
      if (c === '"' || c === ',' || c === '\n' || c === '\r') continue;
      codes.push(code);
      lines.push(`s${code},${c}c${c},2024-01-01,,1,${c}v${c}`);
    }
    const results = await expectSameEverywhere(lines.join('\n'));
    expect(results).toHaveLength(codes.length);
    let trimmed = 0;
    for (const [k, parsed] of results.entries()) {
      const c = String.fromCharCode(codes[k] as number);
      expect(parsed).toMatchObject({
        ok: true,
        row: { customerId: `${c}c${c}`.trim(), attributes: { plan: `${c}v${c}`.trim() } },
      });
      if (parsed.ok && parsed.row.customerId === 'c') trimmed += 1;
    }
    // The WhiteSpace and LineTerminator code units of ECMAScript, but \n and \r (line ends here).
    expect(trimmed).toBe(23);
    // About 13,000 rows through every reading path: a second or two alone, several on a loaded machine.
  }, 30_000);
});

describe('streamSubscriptionPeriodBatches sharing', () => {
  it('shares repeated values and equal attribute objects between rows, also apart', async () => {
    const text = [
      `${HEADER},currency,plan,region`,
      'sub_001,c1,2024-01-01,2024-02-01,1,USD,Pro,EU',
      'sub_001,c1,2024-02-01,,2,USD,Pro,EU',
      'sub_002,c2,2024-01-01,,1,usd,Basic,',
      'sub_003,c3,2024-01-01,,1,USD,Pro,EU',
      'sub_004,c4,2024-01-01,,1,USD,"Pro",EU', // the general path (quoted)
      'sub_005,c5,2024-01-01,,1,USD,Basic,',
      'sub_006,c6,2024-01-01,,1,USD,Pro,', // known values, one empty: not the Pro/EU combination
      'sub_007,c7,2024-01-01,,1,USD,,EU',
      'sub_008,c8,2024-01-01,,1,USD,Pro,',
    ].join('\n');
    const rows = (await batchesOf(text)).flat().map((parsed) => (parsed.ok ? parsed.row : undefined));
    const [a, b, c, d, e, f, g, h, i] = rows as SubscriptionPeriodRow[];
    expect(rows.every((row) => row !== undefined)).toBe(true);
    expect(b?.attributes).toBe(a?.attributes);
    expect(d?.attributes).toBe(a?.attributes);
    expect(e?.attributes).toBe(d?.attributes);
    expect(f?.attributes).toBe(c?.attributes);
    expect(c?.attributes).toEqual({ plan: 'Basic' });
    expect([g?.attributes, h?.attributes]).toEqual([{ plan: 'Pro' }, { region: 'EU' }]);
    expect(i?.attributes).toBe(g?.attributes);
    expect(Object.keys(a?.attributes ?? {})).toEqual(['plan', 'region']);
    expect(c?.currency).toBe('USD');
  });
});

describe('streamSubscriptionPeriodBatches laws', () => {
  const id = fc.constantFrom('s1', 's2', 's3', ' s1', 's1 ', '', 'sub_0001', 'sub_0002');
  const date = fc.oneof(
    fc.constantFrom('', '2024-01-01', '2024-02-01', '2024-03-01', '2024-02-29', '2023-02-29', '2024-13-01'),
    fc.constantFrom('2024-01-15T10:00:00Z', ' 2024-02-01', '2024-1-01', '0999-01-01', '99999-01-01', 'x'),
  );
  const amount = fc.oneof(
    fc.constantFrom(
      '0',
      '1',
      '49.99',
      '12345678901',
      '123456789012',
      '0.0001',
      '1.23456',
      '-0',
      '-1',
      '1.',
      '.5',
    ),
    fc.constantFrom('', ' 7 ', '1e3', '+1', '007', '1,000'),
  );
  const text = fc.constantFrom(
    '',
    'Pro',
    'pro',
    ' Pro',
    'Pro\t',
    'Basic',
    '"q"',
    'a\nb',
    'é',
    '\u3000x',
    'a,b',
  );
  const row = fc.tuple(
    id,
    fc.constantFrom('c1', 'c2', ' c1'),
    date,
    date,
    amount,
    fc.constantFrom('USD', 'usd', 'EUR', '', 'US', 'EURO'),
    text,
    text,
  );
  const style = fc.record({
    crlf: fc.boolean(),
    bom: fc.boolean(),
    trailing: fc.boolean(),
    quote: fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }),
  });
  const header = fc.constantFrom(
    [
      'subscription_id',
      'customer_id',
      'start_date',
      'end_date',
      'monthly_amount',
      'currency',
      'plan',
      'region',
    ],
    [
      'Customer_ID ',
      'subscription_id',
      'START_DATE',
      'end_date',
      'monthly_amount',
      'currency',
      '__proto__',
      '',
    ],
    ['subscription_id', 'customer_id', 'start_date', 'end_date', 'monthly_amount', 'x', 'plan', 'region'],
    // Attribute columns apart (plan, region), not read as one stretch of text.
    [
      'plan',
      'subscription_id',
      'customer_id',
      'start_date',
      'end_date',
      'monthly_amount',
      'currency',
      'region',
    ],
  );

  it('gives the per-row and general-path results for any table, however chunked', async () => {
    await fc.assert(
      fc.asyncProperty(
        header,
        fc.array(row, { maxLength: 25 }),
        style,
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 5 }),
        async (columns, rows, how, sizes) => {
          const csv = toCsv([columns, ...rows.map((fields) => [...fields])], how);
          const expected = (await perRow(csv)).map(exact);
          const lines = linesOf(csv);
          expect(readSubscriptionPeriodsGeneral(lines).map(exact)).toEqual(expected);
          async function* uneven(): LineChunks {
            let i = 0;
            for (let k = 0; i < lines.length; k++) {
              const size = sizes[k % sizes.length] as number;
              yield lines.slice(i, i + size);
              i += size;
            }
          }
          expect((await batchesOf(uneven())).flat().map(exact)).toEqual(expected);
          const imported = await importSubscriptionPeriods(uneven(), { skipInvalidRows: true });
          expect(imported.rowsRead).toBe(expected.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('finds exactly the overlapping periods of a subscription, in whatever order ids come', async () => {
    // 40 ids: more subscriptions than the importer remembers while ids ascend (16), so a sorted
    // stretch followed by any order exercises both of its ways of finding a subscription.
    const ids = Array.from({ length: 40 }, (_, i) => `sub_${String(i).padStart(3, '0')}`);
    const period = fc.tuple(
      fc.integer({ min: 0, max: 39 }),
      fc.integer({ min: 0, max: 11 }),
      fc.integer({ min: 0, max: 4 }),
    );
    const month = (m: number) => `${2024 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}-01`;
    await fc.assert(
      fc.asyncProperty(
        fc.array(period, { maxLength: 150 }),
        fc.integer({ min: 0, max: 150 }),
        async (periods, sortedPrefix) => {
          const prefix = periods.slice(0, sortedPrefix).sort((a, b) => a[0] - b[0]);
          const rows = [...prefix, ...periods.slice(sortedPrefix)];
          const csv = [
            HEADER,
            ...rows.map(
              ([s, from, months]) =>
                `${ids[s]},c${s},${month(from)},${months === 0 ? '' : month(from + months)},1`,
            ),
          ].join('\n');
          // The oracle: each row against the earlier accepted periods of its subscription, latest first.
          const accepted: { id: number; start: number; end: number; line: number }[] = [];
          const expected = rows.map(([s, from, months], i) => {
            const end = months === 0 ? Number.POSITIVE_INFINITY : from + months;
            const clash = accepted.findLast(
              (other) => other.id === s && other.start < end && from < other.end,
            );
            if (clash) return `DUPLICATE_ID after line ${clash.line}`;
            accepted.push({ id: s, start: from, end, line: i + 2 });
            return 'ok';
          });
          const results = (await batchesOf(csv)).flat();
          expect(
            results.map((parsed) => {
              if (parsed.ok) return 'ok';
              const line = /line (\d+) already covers/.exec(parsed.error.expected)?.[1];
              return `${parsed.error.code} after line ${line}`;
            }),
          ).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads a subscription back after many others, once ids stop ascending', async () => {
    const text = [
      HEADER,
      ...Array.from(
        { length: 20 },
        (_, i) => `sub_${String(i).padStart(2, '0')},c${i},2024-01-01,2024-03-01,1`,
      ),
      'sub_03,c3,2024-02-01,,1', // overlaps line 5, 17 new subscriptions ago
      'sub_03,c3,2024-03-01,,1', // follows it
      'sub_20,c20,2024-01-01,,1', // new, looked up in the table
      'sub_19,c19,2024-03-01,,1',
      'sub_19,c19,2024-02-01,2024-04-01,1', // overlaps the line before and line 21
    ].join('\n');
    const results = await expectSameEverywhere(text);
    expect(results.slice(20).map((parsed) => (parsed.ok ? 'ok' : parsed.error.expected))).toEqual([
      'a subscription_id whose periods do not overlap; line 5 already covers 2024-01-01 to 2024-03-01',
      'ok',
      'ok',
      'ok',
      'a subscription_id whose periods do not overlap; line 25 already covers 2024-03-01 to no end',
    ]);
  });

  it('reads the attributes of every row right past 10,000 distinct sets', async () => {
    const count = 10_050;
    const text = [
      `${HEADER},plan,region`,
      ...Array.from({ length: count }, (_, i) => `s${i},c${i},2024-01-01,,1,p${i % 10_020},EU`),
    ].join('\n');
    const rows = (await batchesOf(text)).flat().map((parsed) => (parsed.ok ? parsed.row.attributes : parsed));
    expect(rows).toEqual(Array.from({ length: count }, (_, i) => ({ plan: `p${i % 10_020}`, region: 'EU' })));
  });

  it('reads CSV records chunk by chunk as parseCsv does', async () => {
    const field = fc.string({ unit: fc.constantFrom('a', ' ', ',', '"', '\n', 'é'), maxLength: 5 });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(field, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.string({ unit: fc.constantFrom('a', ',', '"', '\r'), maxLength: 6 }), { maxLength: 3 }),
        style,
        fc.integer({ min: 1, max: 4 }),
        async (table, noise, how, size) => {
          const lines = [...linesOf(toCsv(table, how)), ...noise];
          const expected: ParsedRow<CsvRecord>[] = [...parseCsv(lines, { maxFieldLength: 4 })];
          const chunked: ParsedRow<CsvRecord>[] = [];
          for await (const batch of readCsvChunks(chunksOf(lines, size), { maxFieldLength: 4 })) {
            chunked.push(...batch);
          }
          expect(chunked).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
