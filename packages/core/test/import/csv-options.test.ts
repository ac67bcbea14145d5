import { describe, expect, it } from 'vitest';
import { readSubscriptionPeriodsGeneral } from '../../src/import/periods.ts';
import {
  ColumnMappingError,
  type DecimalSeparator,
  ImportError,
  importInvoiceLines,
  importSubscriptionPeriods,
  invoiceLineMapping,
  type RowError,
  type SubscriptionPeriodOptions,
  spanBatchesOfFile,
  subscriptionPeriodMapping,
} from '../../src/index.ts';

const HEADER = 'subscription_id,customer_id,start_date,end_date,monthly_amount';

/** Rows as [subscription, customer, monthly units, attributes], or the errors without their message. */
async function periods(text: string, options: SubscriptionPeriodOptions = {}) {
  const result = await importSubscriptionPeriods(text, { ...options, skipInvalidRows: true });
  // The general path (every record through the row reader) must agree with the plain path.
  const general = readSubscriptionPeriodsGeneral(text.split('\n'), options);
  expect(general.filter((item) => item.ok).map((item) => item.ok && item.row)).toEqual(result.rows);
  return {
    rows: result.rows.map((row) => [row.subscriptionId, row.customerId, row.monthlyAmount, row.attributes]),
    errors: result.errors.map(({ message: _, ...error }) => error),
  };
}

describe('CSV delimiters', () => {
  it.each([
    ['semicolons', HEADER.replaceAll(',', ';'), 's1;c1;2024-01-01;;10'],
    ['tabs', HEADER.replaceAll(',', '\t'), 's1\tc1\t2024-01-01\t\t10'],
    ['commas', HEADER, 's1,c1,2024-01-01,,10'],
    ['semicolons, quoted fields', HEADER.replaceAll(',', ';'), '"s1";"c1";2024-01-01;;"10"'],
  ])('sniffs %s from a header without commas', async (_case, header, row) => {
    expect(await periods(`${header}\n${row}\n`)).toEqual({ rows: [['s1', 'c1', 100_000, {}]], errors: [] });
  });

  it('reads a header with commas as commas, as always, even when it has more semicolons', async () => {
    const text = `${HEADER},plan;tier;seats\ns1,c1,2024-01-01,,10,Pro;2;5\n`;
    expect(await periods(text)).toEqual({
      rows: [['s1', 'c1', 100_000, { 'plan;tier;seats': 'Pro;2;5' }]],
      errors: [],
    });
  });

  it('reads a given delimiter without sniffing', async () => {
    // Sniffing would take the comma of the last column's name; the file is tab-separated.
    const header = `${HEADER.replaceAll(',', '\t')}\tnote, free text`;
    const text = `${header}\ns1\tc1\t2024-01-01\t\t10\ta,b\n`;
    expect(await periods(text, { delimiter: '\t' })).toEqual({
      rows: [['s1', 'c1', 100_000, { 'note, free text': 'a,b' }]],
      errors: [],
    });
    const sniffed = await periods(text);
    expect(sniffed.errors[0]?.code).toBe('MISSING_COLUMN');
    expect(sniffed.errors[0]?.expected).toBe(
      `a header with the columns ${HEADER.replaceAll(',', ', ')} (missing: ${HEADER.replaceAll(',', ', ')}); the header was read with the comma as the delimiter but also has a tab: if that separates the columns, name it (delimiter option; nrr import --delimiter tab)`,
    );
  });

  it('names the delimiter it read with, and the other one found, when columns are missing', async () => {
    const text = 'subscription_id;customer_id;start_date;end_date,monthly_amount\ns1;c1;2024-01-01;,10\n';
    const { errors } = await periods(text);
    expect(errors).toEqual([
      {
        code: 'MISSING_COLUMN',
        line: 1,
        field: 'subscription_id, customer_id, start_date, end_date',
        value: 'subscription_id;customer_id;start_date;end_date,monthly_amount',
        expected: `a header with the columns ${HEADER.replaceAll(',', ', ')} (missing: subscription_id, customer_id, start_date, end_date); the header was read with the comma as the delimiter but also has a semicolon: if that separates the columns, name it (delimiter option; nrr import --delimiter ';')`,
      },
    ]);
  });

  it('sniffs invoice lines too', async () => {
    const text = 'name;ValidFrom;ValidTo;AUD\nacme;2024-01-01;2024-02-01;12,5\n';
    const mapping = { customer: 'name', from: 'ValidFrom', to: 'ValidTo', amount: 'AUD' };
    const { rows } = await importInvoiceLines(text, mapping, { decimal: ',' });
    expect(rows.map((row) => [row.customerId, row.amount])).toEqual([['acme', 125_000]]);
  });
});

describe('a periods file with its own column names', () => {
  const text = 'Sub,Client,From,Until,MRR,Cur,plan\ns1,c1,2024-01-01,2024-03-01,10,eur,Pro\n';
  const mapping = subscriptionPeriodMapping([
    { column: 'Sub', field: 'subscription_id' },
    { column: 'Client', field: 'customer_id' },
    { column: 'From', field: 'start_date' },
    { column: 'Until', field: 'end_date' },
    { column: 'MRR', field: 'monthly_amount' },
    { column: 'Cur', field: 'currency' },
  ]);

  it('reads the mapped columns, keeping every other column as an attribute', async () => {
    const result = await importSubscriptionPeriods(text, { mapping });
    expect(result.rows).toEqual([
      {
        line: 2,
        subscriptionId: 's1',
        customerId: 'c1',
        start: Date.UTC(2024, 0, 1),
        end: Date.UTC(2024, 2, 1),
        monthlyAmount: 100_000,
        currency: 'EUR',
        attributes: { plan: 'Pro' },
      },
    ]);
  });

  it('finds an unmapped field under its own name, and names a missing column as mapped', async () => {
    const partial = subscriptionPeriodMapping([{ column: 'Client', field: 'customer_id' }]);
    const ok = await periods(
      'subscription_id,Client,start_date,end_date,monthly_amount\ns1,c1,2024-01-01,,5\n',
      {
        mapping: partial,
      },
    );
    expect(ok).toEqual({ rows: [['s1', 'c1', 50_000, {}]], errors: [] });
    const { errors } = await periods(`${HEADER}\ns1,c1,2024-01-01,,5\n`, { mapping: partial });
    expect(errors).toEqual([
      {
        code: 'MISSING_COLUMN',
        line: 1,
        field: 'Client',
        value: HEADER,
        expected:
          'a header with the columns subscription_id, Client, start_date, end_date, monthly_amount (missing: Client)',
      },
    ]);
  });

  it.each([
    [
      [{ column: 'Sub', field: 'subscription' }],
      '--map Sub=subscription: unknown field "subscription", expected one of subscription_id, customer_id, start_date, end_date, monthly_amount, currency',
    ],
    [
      [
        { column: 'A', field: 'customer_id' },
        { column: 'B', field: 'customer_id' },
      ],
      '--map B=customer_id: field "customer_id" is already mapped to "A"',
    ],
    [
      [{ column: ' ', field: 'customer_id' }],
      '--map  =customer_id: expected COLUMN=FIELD, e.g. --map name=customer',
    ],
    [
      [{ column: 'Plan', field: 'attribute:plan' }],
      '--map Plan=attribute:plan: unknown field "attribute:plan", expected one of subscription_id, customer_id, start_date, end_date, monthly_amount, currency',
    ],
  ])('refuses the mapping %j', (pairs, message) => {
    expect(() => subscriptionPeriodMapping(pairs)).toThrow(new ColumnMappingError(message));
  });
});

describe('invoice-line mappings from column/field pairs', () => {
  it('builds the typed mapping, attributes included', () => {
    expect(
      invoiceLineMapping([
        { column: 'name', field: 'customer' },
        { column: 'ValidFrom', field: 'from' },
        { column: 'ValidTo', field: 'to' },
        { column: 'AUD', field: 'amount' },
        { column: 'Plan', field: 'attribute:plan' },
        { column: 'Tax', field: 'tax' },
      ]),
    ).toEqual({
      customer: 'name',
      from: 'ValidFrom',
      to: 'ValidTo',
      amount: 'AUD',
      tax: 'Tax',
      attributes: { Plan: 'plan' },
    });
  });

  it.each([
    [
      [{ column: 'name', field: 'client' }],
      '--map name=client: unknown field "client", expected one of customer, from, to, amount, currency, tax, kind, subscription, id or attribute:<name>',
    ],
    [[{ column: 'Plan', field: 'attribute: ' }], '--map Plan=attribute: : expected attribute:<name>'],
    [
      [{ column: 'name', field: 'customer' }],
      'invoice lines need --map for from, to, amount (e.g. --map name=customer --map ValidFrom=from --map ValidTo=to --map AUD=amount)',
    ],
  ])('refuses %j', (pairs, message) => {
    expect(() => invoiceLineMapping(pairs)).toThrow(new ColumnMappingError(message));
  });
});

describe('amounts per decimal convention', () => {
  const STRICT_HINT =
    'a decimal number such as 49.99 (no currency symbols, thousands separators or exponents); for amounts written like 1,234.50 or 1.234,50, name the decimal separator (decimal option; nrr import --decimal . or --decimal ,)';
  const STRICT = 'a decimal number such as 49.99 (no currency symbols, thousands separators or exponents)';
  const POINT =
    'a decimal number with a decimal point, such as 49.99 or 1,234.50 (no currency symbols or exponents)';
  const COMMA =
    'a decimal number with a decimal comma, such as 49,99 or 1.234,50 (no currency symbols or exponents)';

  it.each<[string, DecimalSeparator | undefined, number | string]>([
    ['1234.50', undefined, 12_345_000],
    ['1,234.50', undefined, STRICT_HINT],
    ['1.234,50', undefined, STRICT_HINT],
    ['49,99', undefined, STRICT_HINT],
    ['1 234.50', undefined, STRICT],
    ['$12', undefined, STRICT],
    ['1,234.50', '.', 12_345_000],
    ['1,234,567.5', '.', 12_345_675_000],
    ['1234.50', '.', 12_345_000],
    ['1,234', '.', 12_340_000],
    ['1,23', '.', POINT],
    ['12,34.5', '.', POINT],
    ['1.234,50', ',', 12_345_000],
    ['1 234,50', ',', 12_345_000],
    ['1\u00a0234,50', ',', 12_345_000],
    ['49,99', ',', 499_900],
    ['1.234', ',', 12_340_000],
    ['1234', ',', 12_340_000],
    ['1234.50', ',', COMMA],
    ['1,234.50', ',', COMMA],
    ['0,00005', ',', 1],
  ])('%s with decimal %s', async (amount, decimal, expected) => {
    // Quoted: a comma inside the amount is not a delimiter.
    const text = `${HEADER}\ns1,c1,2024-01-01,,"${amount}"\n`;
    const result = await periods(text, decimal === undefined ? {} : { decimal });
    if (typeof expected === 'number') {
      expect(result).toEqual({ rows: [['s1', 'c1', expected, {}]], errors: [] });
    } else {
      expect(result).toEqual({
        rows: [],
        errors: [{ code: 'INVALID_AMOUNT', line: 2, field: 'monthly_amount', value: amount, expected }],
      });
    }
  });

  it('reads negative invoice amounts and tax with a decimal comma', async () => {
    const text = 'c;f;t;a;tax\nacme;2024-01-01;2024-02-01;-1.234,50;0,5\n';
    const { rows } = await importInvoiceLines(
      text,
      { customer: 'c', from: 'f', to: 't', amount: 'a', tax: 'tax' },
      {
        decimal: ',',
      },
    );
    expect(rows.map((row) => [row.amount, row.tax])).toEqual([[-12_345_000, 5000]]);
  });

  it('leaves plain amounts exactly as they were in the default', async () => {
    const text = `${HEADER}\ns1,c1,2024-01-01,,49.9999\ns2,c1,2024-01-01,,-0\n`;
    expect((await periods(text)).rows).toEqual([
      ['s1', 'c1', 499_999, {}],
      ['s2', 'c1', 0, {}],
    ]);
  });
});

describe('spanBatchesOfFile: the rules of a whole file', () => {
  async function drain(text: string) {
    const batches: number[] = [];
    let rowsRead = -1;
    try {
      for await (const batch of spanBatchesOfFile(
        text,
        { format: 'periods', defaultCurrency: 'USD' },
        (count) => {
          rowsRead = count;
        },
      )) {
        batches.push(batch.length);
      }
    } catch (error) {
      if (!(error instanceof ImportError)) throw error;
      return { batches, rowsRead, errorCount: error.errorCount, errors: error.errors as RowError[] };
    }
    return { batches, rowsRead };
  }

  it('streams periods in batches of about 1,000 spans and counts the records read', async () => {
    // Chunks of 1,024 lines, the first with the header; a batch goes once it has 1,000 spans.
    const rows = Array.from({ length: 2500 }, (_, i) => `s${i},c${i},2024-01-01,,1`);
    expect(await drain(`${HEADER}\n${rows.join('\n')}\n`)).toEqual({
      batches: [1023, 1024, 453],
      rowsRead: 2500,
    });
  });

  it('yields nothing after the first bad row, and reports every error with the count', async () => {
    const rows = Array.from(
      { length: 2500 },
      (_, i) => `s${i},c${i},2024-01-01,,${i % 1000 === 999 ? 'x' : '1'}`,
    );
    const result = await drain(`${HEADER}\n${rows.join('\n')}\n`);
    expect(result.batches).toEqual([]);
    expect(result.rowsRead).toBe(-1);
    expect(result.errorCount).toBe(2);
    expect(result.errors?.map((error) => [error.line, error.field, error.value])).toEqual([
      [1001, 'monthly_amount', 'x'],
      [2001, 'monthly_amount', 'x'],
    ]);
  });

  it('refuses a NUL, naming its line', async () => {
    const result = await drain(`${HEADER}\ns1,c\u00001,2024-01-01,,1\n`);
    expect(result.errors?.map(({ message: _, ...error }) => error)).toEqual([
      {
        code: 'INVALID_CSV',
        line: 2,
        field: '(line)',
        value: 's1,c\\u00001,2024-01-01,,1',
        expected: 'text without NUL characters (U+0000)',
      },
    ]);
  });
});
