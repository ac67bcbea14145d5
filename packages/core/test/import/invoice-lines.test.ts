import { describe, expect, it } from 'vitest';
import {
  ImportError,
  INVOICE_LINE_KINDS,
  type InvoiceLineMapping,
  importInvoiceLines,
  parseInvoiceLineKind,
  type RowError,
} from '../../src/index.ts';
import { asyncLines, dataset, day, readLines } from './support.ts';

const MAPPING: InvoiceLineMapping = { customer: 'customer', from: 'from', to: 'to', amount: 'amount' };
const FULL: InvoiceLineMapping = {
  ...MAPPING,
  currency: 'currency',
  tax: 'tax',
  kind: 'kind',
  subscription: 'subscription',
  id: 'id',
  attributes: { Plan: 'plan', Region: 'country' },
};
const FULL_HEADER = 'id,customer,subscription,from,to,amount,tax,currency,kind,Plan,Region';

async function errorsOf(
  text: string,
  mapping: InvoiceLineMapping = FULL,
): Promise<Omit<RowError, 'message'>[]> {
  const { errors } = await importInvoiceLines(text, mapping, { skipInvalidRows: true });
  return errors.map(({ message: _message, ...error }) => error);
}

describe('importInvoiceLines', () => {
  it('reads every mapped column, trimming values and matching headers case-insensitively', async () => {
    const text =
      ' ID ,Customer,Subscription,FROM,To,Amount,Tax,Currency,Kind,plan,region\r\n' +
      'L1, acme ,sub-1,2024-01-15,2024-04-15,300.00,30,eur ,Subscription,Pro,\r\n' +
      'L2,acme,,2024-01-15,2024-04-15,-20,,,credit note,,EU\r\n';
    const { rows } = await importInvoiceLines(text, FULL);
    expect(rows).toEqual([
      {
        line: 2,
        id: 'L1',
        customerId: 'acme',
        subscriptionId: 'sub-1',
        from: day('2024-01-15'),
        to: day('2024-04-15'),
        amount: 3_000_000,
        tax: 300_000,
        currency: 'EUR',
        kind: 'RECURRING',
        attributes: { plan: 'Pro' },
      },
      {
        line: 3,
        id: 'L2',
        customerId: 'acme',
        from: day('2024-01-15'),
        to: day('2024-04-15'),
        amount: -200_000,
        tax: 0,
        currency: 'USD',
        kind: 'CREDIT',
        attributes: { country: 'EU' },
      },
    ]);
  });

  it('subtracts the tax column when the amount includes tax', async () => {
    const text = `${FULL_HEADER}\n1,a,,2024-01-01,2024-02-01,110,10,,,,`;
    const { rows } = await importInvoiceLines(text, FULL, { amountIncludesTax: true });
    expect([rows[0]?.amount, rows[0]?.tax]).toEqual([1_000_000, 100_000]);
  });

  it('defaults to RECURRING, the default currency, and no subscription, id or attributes when unmapped', async () => {
    const { rows } = await importInvoiceLines(
      'customer,from,to,amount\nx,2024-01-01,2025-01-01,0\n',
      MAPPING,
      {
        defaultCurrency: 'aud',
      },
    );
    expect(rows).toEqual([
      {
        line: 2,
        customerId: 'x',
        from: day('2024-01-01'),
        to: day('2025-01-01'),
        amount: 0,
        tax: 0,
        currency: 'AUD',
        kind: 'RECURRING',
        attributes: {},
      },
    ]);
  });

  it('reports every missing mapped column in one error at line 1', async () => {
    const text = 'customer,start,end,amount\nx,2024-01-01,2025-01-01,1\n';
    await expect(importInvoiceLines(text, { ...MAPPING, tax: 'vat' })).rejects.toThrow(ImportError);
    expect(await errorsOf(text, { ...MAPPING, tax: 'vat' })).toEqual([
      {
        code: 'MISSING_COLUMN',
        line: 1,
        field: 'from, to, vat',
        value: 'customer,start,end,amount',
        expected: 'a header with the columns customer, from, to, amount, vat (missing: from, to, vat)',
      },
    ]);
    expect(await errorsOf('', MAPPING)).toEqual([
      {
        code: 'MISSING_COLUMN',
        line: 1,
        field: 'customer, from, to, amount',
        value: '',
        expected: 'a header with the columns customer, from, to, amount (the file is empty)',
      },
    ]);
  });

  it('rejects an empty column name in the mapping', async () => {
    await expect(importInvoiceLines('a\n', { ...MAPPING, customer: ' ' })).rejects.toThrow(RangeError);
  });

  it.each([
    ['an empty id', ',a,,2024-01-01,2024-02-01,1,,,,,', 'MISSING_VALUE', 'id', '', 'a non-empty value'],
    [
      'an empty customer',
      '1, ,,2024-01-01,2024-02-01,1,,,,,',
      'MISSING_VALUE',
      'customer',
      '',
      'a non-empty value',
    ],
    [
      'an impossible date',
      '1,a,,2023-02-29,2024-02-01,1,,,,,',
      'INVALID_DATE',
      'from',
      '2023-02-29',
      'a real calendar date in ISO 8601 form, such as 2024-01-31 or 2024-01-31T12:00:00Z',
    ],
    [
      'an end equal to the start',
      '1,a,,2024-02-01,2024-02-01,1,,,,,',
      'END_BEFORE_START',
      'to',
      '2024-02-01',
      'an end of the service period after from (2024-02-01); the end is exclusive',
    ],
    ['a missing end', '1,a,,2024-02-01,,1,,,,,', 'MISSING_VALUE', 'to', '', 'a non-empty value'],
    [
      'an amount with a thousands separator',
      '1,a,,2024-01-01,2024-02-01,"1,000",,,,,',
      'INVALID_AMOUNT',
      'amount',
      '1,000',
      'a decimal number such as 49.99 (no currency symbols, thousands separators or exponents); for amounts written like 1,234.50 or 1.234,50, name the decimal separator (decimal option; nrr import --decimal . or --decimal ,)',
    ],
    [
      'a tax that is not a number',
      '1,a,,2024-01-01,2024-02-01,1,ten,,,,',
      'INVALID_AMOUNT',
      'tax',
      'ten',
      'a decimal number such as 49.99 (no currency symbols, thousands separators or exponents)',
    ],
    [
      'a bad currency',
      '1,a,,2024-01-01,2024-02-01,1,,A$,,,',
      'INVALID_CURRENCY',
      'currency',
      'A$',
      'a three-letter ISO 4217 currency code such as USD',
    ],
    [
      'an unknown kind',
      '1,a,,2024-01-01,2024-02-01,1,,,shipping,,',
      'INVALID_KIND',
      'kind',
      'shipping',
      'a line kind: recurring, one-time, setup, usage, tax, refund or credit (or a common synonym such as subscription, credit note, VAT)',
    ],
  ] as const)('rejects %s', async (_case, row, code, field, value, expected) => {
    expect(await errorsOf(`${FULL_HEADER}\n${row}\n`)).toEqual([{ code, line: 2, field, value, expected }]);
  });

  it('rejects a repeated line id, naming the line that has it', async () => {
    const text = `${FULL_HEADER}\nL1,a,,2024-01-01,2024-02-01,1,,,,,\nL2,a,,2024-01-01,2024-02-01,1,,,,,\nL1,b,,2024-01-01,2024-02-01,1,,,,,`;
    expect(await errorsOf(text)).toEqual([
      {
        code: 'DUPLICATE_ID',
        line: 4,
        field: 'id',
        value: 'L1',
        expected: 'a line id not used before (line 2 has it)',
      },
    ]);
  });

  it('loads the Displayr invoice lines with the documented mapping and no errors', async () => {
    const mapping = { customer: 'name', from: 'ValidFrom', to: 'ValidTo', amount: 'AUD' };
    const path = dataset('displayr-invoice-lines/q_invoice_lines.csv');
    const result = await importInvoiceLines(readLines(path), mapping, { defaultCurrency: 'AUD' });
    expect([result.rows.length, result.errors.length, result.rowsRead]).toEqual([3769, 0, 3769]);
    expect(result.rows[0]).toEqual({
      line: 2,
      customerId: 'Organization 33',
      from: day('2009-05-11'),
      to: day('2009-11-11'),
      amount: 37_475_000,
      tax: 0,
      currency: 'AUD',
      kind: 'RECURRING',
      attributes: {},
    });
  });

  it("trims the Displayr file's padded currency column when it is mapped", async () => {
    const mapping = {
      customer: 'name',
      from: 'ValidFrom',
      to: 'ValidTo',
      amount: 'Amount',
      currency: 'currency',
    };
    const { rows } = await importInvoiceLines(
      readLines(dataset('displayr-invoice-lines/q_invoice_lines.csv')),
      mapping,
    );
    const byCurrency: Record<string, number> = {};
    for (const row of rows) byCurrency[row.currency] = (byCurrency[row.currency] ?? 0) + 1;
    expect(byCurrency).toEqual({ AUD: 2402, USD: 809, GBP: 307, NZD: 136, EUR: 110, CNY: 5 });
  });

  it('gives the same rows from lines as from the text', async () => {
    const text = `${FULL_HEADER}\r\nL1,a,s,2024-01-01,2024-02-01,1,,,,"multi\r\nline",\r\n`;
    const fromText = await importInvoiceLines(text, FULL);
    expect(fromText.rows[0]?.attributes).toEqual({ plan: 'multi\nline' });
    expect(await importInvoiceLines(asyncLines(text.split('\r\n')), FULL)).toEqual(fromText);
  });
});

describe('parseInvoiceLineKind', () => {
  it.each([
    ['Recurring', 'RECURRING'],
    ['subscription', 'RECURRING'],
    ['Licence', 'RECURRING'],
    ['one-time', 'ONE_TIME'],
    ['One Off', 'ONE_TIME'],
    ['non-recurring', 'ONE_TIME'],
    ['Setup fee', 'SETUP'],
    ['onboarding', 'SETUP'],
    ['metered', 'USAGE'],
    ['Overages', 'USAGE'],
    ['VAT', 'TAX'],
    ['sales tax', 'TAX'],
    ['REFUND', 'REFUND'],
    ['credit note', 'CREDIT'],
    ['credit-memo', 'CREDIT'],
    ['Discount', 'CREDIT'],
  ] as const)('%s → %s', (text, kind) => {
    expect(parseInvoiceLineKind(text)).toBe(kind);
  });

  it('knows every kind by its own name and nothing unknown', () => {
    for (const kind of INVOICE_LINE_KINDS) expect(parseInvoiceLineKind(kind)).toBe(kind);
    for (const text of ['', 'shipping', 'constructor', '__proto__', 'toString']) {
      expect(parseInvoiceLineKind(text)).toBeUndefined();
    }
  });
});
