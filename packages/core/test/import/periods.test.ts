import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatMoneyUnits,
  ImportError,
  importSubscriptionPeriods,
  MAX_REPORTED_ERRORS,
  type MrrSpan,
  type ParsedRow,
  parseMoney,
  periodRowsToSpans,
  type RowError,
  type SubscriptionPeriodRow,
  streamSubscriptionPeriods,
} from '../../src/index.ts';
import { asyncLines, dataset, day, mrrAt, readLines, toCsv } from './support.ts';

const seedPath = dataset('dbt-mrr-playbook/subscription_periods.csv');
const seed = readFileSync(seedPath, 'utf8');
const HEADER = 'subscription_id,customer_id,start_date,end_date,monthly_amount';

/** The error an import of `text` throws (fails the test if it does not throw). */
async function importErrorOf(text: string): Promise<ImportError> {
  try {
    await importSubscriptionPeriods(text);
  } catch (error) {
    if (error instanceof ImportError) return error;
    throw error;
  }
  throw new Error('expected the import to throw ImportError');
}

/** The single error of a file made of the header and one data line. */
async function errorOfRow(row: string, header = HEADER): Promise<Omit<RowError, 'message'>> {
  const { errors, rows } = await importSubscriptionPeriods(`${header}\n${row}\n`, { skipInvalidRows: true });
  expect(rows).toEqual([]);
  expect(errors).toHaveLength(1);
  const { message: _message, ...error } = errors[0] as RowError;
  return error;
}

describe('the dbt MRR playbook seed', () => {
  it('loads all 121 rows with no errors', async () => {
    const result = await importSubscriptionPeriods(seed);
    expect(result.errors).toEqual([]);
    expect(result.rowsRead).toBe(121);
    expect(result.rows).toHaveLength(121);
  });

  it('gives one span per row, equal to a naive reading of the file', async () => {
    const { rows } = await importSubscriptionPeriods(seed);
    const naive = seed
      .trim()
      .split('\n')
      .slice(1)
      .map((line): MrrSpan => {
        const [subscriptionId = '', customerId = '', start = '', end = '', amount = ''] = line.split(',');
        return {
          customerId,
          subscriptionId,
          start: Date.parse(start),
          end: end ? Date.parse(end) : null,
          mrr: Number(amount) * 10_000,
          currency: 'USD',
        };
      });
    expect(periodRowsToSpans(rows)).toEqual(naive);
    expect(rows[0]).toEqual({
      line: 2,
      subscriptionId: '1',
      customerId: '1',
      start: day('2018-11-01'),
      end: day('2019-02-01'),
      monthlyAmount: 500_000,
      currency: 'USD',
      attributes: {},
    });
  });

  it("has at each month's start the total MRR of the playbook's monthly model", async () => {
    const spans = periodRowsToSpans((await importSubscriptionPeriods(seed)).rows);
    const expected = readFileSync(dataset('dbt-mrr-playbook/expected_mrr_by_month.derived.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(','));
    expect(expected.length).toBeGreaterThan(20);
    for (const [month = '', , totalMrr = ''] of expected) {
      expect([month, formatMoneyUnits(mrrAt(spans, day(month)))]).toEqual([month, totalMrr]);
    }
  });

  it('streams from a file read line by line with the same result as from the text', async () => {
    const fromText = await importSubscriptionPeriods(seed);
    expect(await importSubscriptionPeriods(readLines(seedPath))).toEqual(fromText);
    const parsed: ParsedRow<SubscriptionPeriodRow>[] = [];
    for await (const item of streamSubscriptionPeriods(asyncLines(seed.split('\n')))) parsed.push(item);
    expect(parsed.map((item) => (item.ok ? item.row : item.error))).toEqual(fromText.rows);
  });
});

describe('importSubscriptionPeriods', () => {
  it('reads a BOM, CRLF, spaced mixed-case headers, quoted commas and line breaks, currency and attributes', async () => {
    const text =
      '\uFEFF Subscription_ID ,Customer_Id,START_DATE,end_date,Monthly_Amount, Currency ,Plan,country,notes\r\n' +
      '"s,1",c1,2024-01-01,2024-03-01,"1,5",eur, Pro ,"Korea, Republic of",""\r\n' +
      's2,c2,2024-02-01T12:00:00Z,,0,, Free ,,"line one\r\nline two"\r\n\r\n';
    const first = await errorOfRow(text.split('\r\n')[1] ?? '', text.split('\r\n')[0]);
    expect(first).toMatchObject({ code: 'INVALID_AMOUNT', line: 2, field: 'Monthly_Amount', value: '1,5' });

    const { rows } = await importSubscriptionPeriods(text.replace('"1,5"', '1.5'));
    expect(rows).toEqual([
      {
        line: 2,
        subscriptionId: 's,1',
        customerId: 'c1',
        start: day('2024-01-01'),
        end: day('2024-03-01'),
        monthlyAmount: 15_000,
        currency: 'EUR',
        attributes: { Plan: 'Pro', country: 'Korea, Republic of' },
      },
      {
        line: 3,
        subscriptionId: 's2',
        customerId: 'c2',
        start: Date.UTC(2024, 1, 1, 12),
        end: null,
        monthlyAmount: 0,
        currency: 'USD',
        attributes: { Plan: 'Free', notes: 'line one\nline two' },
      },
    ]);
    expect(periodRowsToSpans(rows)).toEqual([
      {
        customerId: 'c1',
        subscriptionId: 's,1',
        start: day('2024-01-01'),
        end: day('2024-03-01'),
        mrr: 15_000,
        currency: 'EUR',
        attributes: { Plan: 'Pro', country: 'Korea, Republic of' },
      },
      {
        customerId: 'c2',
        subscriptionId: 's2',
        start: Date.UTC(2024, 1, 1, 12),
        end: null,
        mrr: 0,
        currency: 'USD',
        attributes: { Plan: 'Free', notes: 'line one\nline two' },
      },
    ]);
  });

  it('uses the default currency option and rejects a malformed one', async () => {
    const { rows } = await importSubscriptionPeriods(`${HEADER}\n1,1,2024-01-01,,10`, {
      defaultCurrency: 'gbp',
    });
    expect(rows[0]?.currency).toBe('GBP');
    await expect(importSubscriptionPeriods(seed, { defaultCurrency: 'pounds' })).rejects.toThrow(RangeError);
  });

  it('returns no rows for a header-only file', async () => {
    expect(await importSubscriptionPeriods(`${HEADER}\r\n`)).toEqual({
      rows: [],
      errors: [],
      rowsRead: 0,
    });
  });

  it('rejects a truly empty file with one MISSING_COLUMN error at line 1', async () => {
    for (const empty of ['', '\n\n', '\uFEFF']) {
      const error = await importErrorOf(empty);
      expect(error.errorCount).toBe(1);
      expect(error.errors[0]).toMatchObject({
        code: 'MISSING_COLUMN',
        line: 1,
        field: 'subscription_id, customer_id, start_date, end_date, monthly_amount',
        expected:
          'a header with the columns subscription_id, customer_id, start_date, end_date, monthly_amount (the file is empty)',
      });
    }
  });

  it('names every missing column in one error at line 1 and reads no further', async () => {
    const error = await importErrorOf('subscription_id,customer_id,start,monthly_amount\n1,1,2024-01-01,5\n');
    expect(error.errors).toEqual([
      expect.objectContaining({
        code: 'MISSING_COLUMN',
        line: 1,
        field: 'start_date, end_date',
        value: 'subscription_id,customer_id,start,monthly_amount',
        expected:
          'a header with the columns subscription_id, customer_id, start_date, end_date, monthly_amount (missing: start_date, end_date)',
      }),
    ]);
    expect(error.rowsRead).toBe(1);
  });

  it('rejects two columns whose names differ only in case', async () => {
    const error = await importErrorOf(`${HEADER},Plan,plan\n1,1,2024-01-01,,5,a,b`);
    expect(error.errors[0]).toMatchObject({ code: 'INVALID_CSV', line: 1, field: 'plan' });
  });

  it.each([
    [
      'empty subscription id',
      ',1,2024-01-01,,5',
      'MISSING_VALUE',
      'subscription_id',
      '',
      'a non-empty value',
    ],
    ['blank customer id', '1,  ,2024-01-01,,5', 'MISSING_VALUE', 'customer_id', '', 'a non-empty value'],
    [
      'impossible start date',
      '1,1,2023-02-30,,5',
      'INVALID_DATE',
      'start_date',
      '2023-02-30',
      'a real calendar date in ISO 8601 form, such as 2024-01-31 or 2024-01-31T12:00:00Z',
    ],
    [
      'non-ISO end date',
      '1,1,2023-02-01,03/01/2023,5',
      'INVALID_DATE',
      'end_date',
      '03/01/2023',
      'a real calendar date in ISO 8601 form, such as 2024-01-31 or 2024-01-31T12:00:00Z',
    ],
    [
      'end equal to start',
      '1,1,2024-01-01,2024-01-01,5',
      'END_BEFORE_START',
      'end_date',
      '2024-01-01',
      'an end after start_date (2024-01-01); the end is exclusive, leave it empty while active',
    ],
    [
      'end before start',
      '1,1,2024-01-01,2023-12-01,5',
      'END_BEFORE_START',
      'end_date',
      '2023-12-01',
      'an end after start_date (2024-01-01); the end is exclusive, leave it empty while active',
    ],
    [
      'amount with a currency symbol',
      '1,1,2024-01-01,,$5',
      'INVALID_AMOUNT',
      'monthly_amount',
      '$5',
      'a decimal number such as 49.99 (no currency symbols, thousands separators or exponents)',
    ],
    [
      'amount in exponent form',
      '1,1,2024-01-01,,1e3',
      'INVALID_AMOUNT',
      'monthly_amount',
      '1e3',
      'a decimal number such as 49.99 (no currency symbols, thousands separators or exponents)',
    ],
    [
      'negative amount',
      '1,1,2024-01-01,,-5',
      'INVALID_AMOUNT',
      'monthly_amount',
      '-5',
      'a decimal number of zero or more, such as 49.99',
    ],
    [
      'missing amount',
      '1,1,2024-01-01,,',
      'MISSING_VALUE',
      'monthly_amount',
      '',
      'a decimal number such as 49.99 (no currency symbols, thousands separators or exponents)',
    ],
  ] as const)('rejects an %s', async (_case, row, code, field, value, expected) => {
    expect(await errorOfRow(row)).toEqual({ code, line: 2, field, value, expected });
  });

  it.each(['EURO', 'E1R', '€'])('rejects the currency %j', async (currency) => {
    expect(await errorOfRow(`1,1,2024-01-01,,5,${currency}`, `${HEADER},currency`)).toEqual({
      code: 'INVALID_CURRENCY',
      line: 2,
      field: 'currency',
      value: currency,
      expected: 'a three-letter ISO 4217 currency code such as USD',
    });
  });

  it('rejects a wrong number of fields with the line and the expected count', async () => {
    expect(await errorOfRow('1,1,2024-01-01,5')).toEqual({
      code: 'INVALID_CSV',
      line: 2,
      field: 'monthly_amount',
      value: '1,1,2024-01-01,5',
      expected: '5 fields as in the header, got 4',
    });
  });

  it('finds an overlap with a period read before other subscriptions’ rows', async () => {
    const text = [
      HEADER,
      'a,1,2024-01-01,2024-03-01,5',
      'b,2,2024-01-01,,5',
      'a,1,2024-03-01,2024-04-01,6',
      'c,3,2024-01-01,,5',
      'b,2,2024-05-01,,5',
      'a,1,2024-02-01,2024-02-15,5',
    ].join('\n');
    const { rows, errors } = await importSubscriptionPeriods(text, { skipInvalidRows: true });
    expect(rows.map((row) => row.line)).toEqual([2, 3, 4, 5]);
    expect(errors.map((error) => [error.line, error.value, error.expected])).toEqual([
      [6, 'b', 'a subscription_id whose periods do not overlap; line 3 already covers 2024-01-01 to no end'],
      [
        7,
        'a',
        'a subscription_id whose periods do not overlap; line 2 already covers 2024-01-01 to 2024-03-01',
      ],
    ]);
  });

  it('accepts consecutive periods of one subscription but rejects overlapping ones', async () => {
    const text = [
      HEADER,
      'a,1,2024-01-01,2024-02-01,5',
      'a,1,2024-02-01,2024-04-01,7',
      'a,1,2024-01-01,2024-02-01,5',
      'a,1,2024-03-01,,9',
      'a,1,2024-06-01,,9',
      'a,1,2024-09-01,2024-10-01,9',
      'b,1,2024-01-01,2024-02-01,5',
    ].join('\n');
    const { rows, errors } = await importSubscriptionPeriods(text, { skipInvalidRows: true });
    expect(rows.map((row) => row.line)).toEqual([2, 3, 6, 8]);
    expect(errors.map(({ message: _m, ...error }) => error)).toEqual([
      {
        code: 'DUPLICATE_ID',
        line: 4,
        field: 'subscription_id',
        value: 'a',
        expected:
          'a subscription_id whose periods do not overlap; line 2 already covers 2024-01-01 to 2024-02-01',
      },
      {
        code: 'DUPLICATE_ID',
        line: 5,
        field: 'subscription_id',
        value: 'a',
        expected:
          'a subscription_id whose periods do not overlap; line 3 already covers 2024-02-01 to 2024-04-01',
      },
      {
        code: 'DUPLICATE_ID',
        line: 7,
        field: 'subscription_id',
        value: 'a',
        expected:
          'a subscription_id whose periods do not overlap; line 6 already covers 2024-06-01 to no end',
      },
    ]);
  });

  it('throws ImportError and returns nothing when a row is invalid', async () => {
    const text = `${HEADER}\n1,1,2024-01-01,,5\n2,2,2024-13-01,,5\n3,3,2024-01-01,,5\n`;
    const error = await importErrorOf(text);
    expect(error.errorCount).toBe(1);
    expect(error.rowsRead).toBe(3);
    expect(error.message).toBe(
      '1 invalid row in 3 read; nothing was imported. First: line 3, field "start_date": got "2024-13-01", expected a real calendar date in ISO 8601 form, such as 2024-01-31 or 2024-01-31T12:00:00Z',
    );
  });

  it('with skipInvalidRows returns the valid rows beside the errors', async () => {
    const text = `${HEADER}\n1,1,2024-01-01,,5\n2,2,2024-13-01,,5\n3,3,2024-01-01,,x\n4,4,2024-01-01,,6\n`;
    const result = await importSubscriptionPeriods(text, { skipInvalidRows: true });
    expect(result.rows.map((row) => row.subscriptionId)).toEqual(['1', '4']);
    expect(result.errors.map((error) => [error.line, error.code])).toEqual([
      [3, 'INVALID_DATE'],
      [4, 'INVALID_AMOUNT'],
    ]);
    expect(result.rowsRead).toBe(4);
  });

  it(`reports the first ${MAX_REPORTED_ERRORS} errors and counts them all, or returns all when skipping`, async () => {
    const bad = Array.from({ length: 250 }, (_, i) => `${i},c,2024-01-01,,minus`);
    const error = await importErrorOf([HEADER, ...bad].join('\n'));
    expect(error.errorCount).toBe(250);
    expect(error.errors).toHaveLength(MAX_REPORTED_ERRORS);
    expect(error.errors.at(-1)?.line).toBe(MAX_REPORTED_ERRORS + 1);
    const skipped = await importSubscriptionPeriods([HEADER, ...bad].join('\n'), { skipInvalidRows: true });
    expect([skipped.errors.length, skipped.rows.length, skipped.rowsRead]).toEqual([250, 0, 250]);
    expect(skipped.errors.at(-1)?.line).toBe(251);
  });

  it('lets a streaming caller see every row and error in order', async () => {
    const text = `${HEADER}\n1,1,2024-01-01,,5\n2,2,2024-01-01,,-1\n`;
    const seen: string[] = [];
    for await (const item of streamSubscriptionPeriods(asyncLines(text.split('\n')))) {
      seen.push(item.ok ? `row ${item.row.line}` : `${item.error.code} ${item.error.line}`);
    }
    expect(seen).toEqual(['row 2', 'INVALID_AMOUNT 3']);
  });
});

describe('subscription periods laws', () => {
  const text = (min: number) =>
    fc
      .string({
        unit: fc.constantFrom('a', 'Z', '7', ' ', ',', '"', '\n', 'é', '-'),
        minLength: min,
        maxLength: 8,
      })
      .map((value) => value.trim())
      .filter((value) => value.length >= min);
  const period = fc.record({
    customerId: text(1),
    startDay: fc.integer({ min: 0, max: 20_000 }),
    days: fc.option(fc.integer({ min: 1, max: 2_000 }), { nil: null }),
    amount: fc.integer({ min: 0, max: 10_000_000_000 }),
    currency: fc.option(fc.constantFrom('usd', 'EUR', ' gbp '), { nil: undefined }),
    plan: text(0),
  });
  const style = fc.record({
    crlf: fc.boolean(),
    bom: fc.boolean(),
    trailing: fc.boolean(),
    quote: fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }),
  });

  it('parses any table of valid rows, however serialised, back to the same rows', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(period, { maxLength: 15 }), style, async (periods, how) => {
        const iso = (dayNumber: number) => new Date(dayNumber * 86_400_000).toISOString().slice(0, 10);
        const table = [
          ['subscription_id', 'customer_id', 'start_date', 'end_date', 'monthly_amount', 'currency', 'plan'],
          ...periods.map((p, i) => [
            `sub "${i}", x`,
            p.customerId,
            iso(p.startDay),
            p.days === null ? '' : iso(p.startDay + p.days),
            formatMoneyUnits(p.amount),
            p.currency ?? '',
            p.plan,
          ]),
        ];
        const csv = toCsv(table, how);
        const expected: SubscriptionPeriodRow[] = periods.map((p, i) => ({
          line: 0,
          subscriptionId: `sub "${i}", x`,
          customerId: p.customerId,
          start: p.startDay * 86_400_000,
          end: p.days === null ? null : (p.startDay + p.days) * 86_400_000,
          monthlyAmount: p.amount,
          currency: (p.currency ?? 'usd').trim().toUpperCase(),
          attributes: p.plan ? { plan: p.plan } : {},
        }));
        const { rows } = await importSubscriptionPeriods(csv);
        expect(rows.map((row) => ({ ...row, line: 0 }))).toEqual(expected);
        expect(await importSubscriptionPeriods(asyncLines(csv.split(/\r?\n/)))).toEqual(
          await importSubscriptionPeriods(csv),
        );
      }),
      { numRuns: 150 },
    );
  });

  it('never fails with anything but coded row errors on arbitrary input', async () => {
    const noise = fc.string({
      unit: fc.oneof(
        fc.constantFrom('"', ',', '\n', '\r', '-', '1', '2024-01-01', 'a', ' '),
        fc.string({ maxLength: 1 }),
      ),
      maxLength: 80,
    });
    await fc.assert(
      fc.asyncProperty(noise, async (body) => {
        const result = await importSubscriptionPeriods(`${HEADER}\n${body}`, { skipInvalidRows: true });
        expect(result.rows.length + result.errors.length).toBe(result.rowsRead);
        for (const error of result.errors) expect(error.message).toContain(`line ${error.line}, field`);
      }),
      { numRuns: 300 },
    );
  });

  it('turns a row into a span with the same amount, and a zero amount into MRR 0', () => {
    const row: SubscriptionPeriodRow = {
      line: 2,
      subscriptionId: 's',
      customerId: 'c',
      start: day('2024-01-01'),
      end: null,
      monthlyAmount: parseMoney('0') ?? -1,
      currency: 'USD',
      attributes: {},
    };
    expect(periodRowsToSpans([row])).toEqual([
      { customerId: 'c', subscriptionId: 's', start: day('2024-01-01'), end: null, mrr: 0, currency: 'USD' },
    ]);
  });
});
