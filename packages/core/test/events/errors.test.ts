import { describe, expect, it } from 'vitest';
import {
  eventsToSpans,
  ImportError,
  importSubscriptionEvents,
  importSubscriptionEventsJson,
  parseSubscriptionEvent,
  type RowError,
  SUBSCRIPTION_STATUSES,
} from '../../src/index.ts';
import { flat } from './fixtures.ts';

const valid = flat({ id: 'evt_1', effective_at: '2024-01-01T00:00:00Z' });
const DATE_EXPECTED =
  'an ISO 8601 date-time such as 2024-03-01T00:00:00Z, or Unix seconds such as 1709251200';

function firstError(record: unknown, line = 7): Omit<RowError, 'message'> {
  const result = parseSubscriptionEvent(record, line);
  if (result.ok) throw new Error('expected the record to be rejected');
  const { message: _message, ...rest } = result.error;
  return rest;
}

const stripeItem = (price: Record<string, unknown>) => ({
  id: 'evt_1',
  created: 1_704_067_200,
  data: {
    object: {
      id: 'sub_1',
      object: 'subscription',
      customer: 'cus_1',
      status: 'active',
      currency: 'usd',
      items: { data: [{ price: { currency: 'usd', recurring: { interval: 'month' }, ...price } }] },
    },
  },
});

describe('row errors name the line, the field, the value and what was expected', () => {
  it.each<[string, unknown, Omit<RowError, 'message' | 'line'>]>([
    [
      'unknown status',
      { ...valid, status: 'actve' },
      {
        code: 'INVALID_STATUS',
        field: 'status',
        value: 'actve',
        expected: `one of ${SUBSCRIPTION_STATUSES.join(', ')}`,
      },
    ],
    [
      'unknown interval',
      { ...valid, interval: 'fortnight' },
      {
        code: 'INVALID_INTERVAL',
        field: 'interval',
        value: 'fortnight',
        expected: 'one of day, week, month, quarter, half_year, year (or one_time for a one-off price)',
      },
    ],
    [
      'an interval named like an Object.prototype member',
      { ...valid, interval: 'constructor' },
      {
        code: 'INVALID_INTERVAL',
        field: 'interval',
        value: 'constructor',
        expected: 'one of day, week, month, quarter, half_year, year (or one_time for a one-off price)',
      },
    ],
    [
      'bad currency',
      { ...valid, currency: 'US$' },
      {
        code: 'INVALID_CURRENCY',
        field: 'currency',
        value: 'US$',
        expected: 'an ISO 4217 currency code such as USD',
      },
    ],
    [
      'negative amount',
      { ...valid, unit_amount: '-5' },
      {
        code: 'INVALID_AMOUNT',
        field: 'unit_amount',
        value: '-5',
        expected: 'a non-negative decimal amount in major currency units such as 19.99',
      },
    ],
    [
      'amount with a currency sign',
      { ...valid, unit_amount: '$5' },
      {
        code: 'INVALID_AMOUNT',
        field: 'unit_amount',
        value: '$5',
        expected: 'a non-negative decimal amount in major currency units such as 19.99',
      },
    ],
    [
      'negative quantity',
      { ...valid, quantity: -1 },
      {
        code: 'OUT_OF_RANGE',
        field: 'quantity',
        value: '-1',
        expected: 'a non-negative quantity such as 1 or 3',
      },
    ],
    [
      'impossible date',
      { ...valid, effective_at: '2024-02-30' },
      { code: 'INVALID_DATE', field: 'effective_at', value: '2024-02-30', expected: DATE_EXPECTED },
    ],
    [
      'millisecond timestamp',
      { ...valid, effective_at: 1_709_251_200_000 },
      { code: 'INVALID_DATE', field: 'effective_at', value: '1709251200000', expected: DATE_EXPECTED },
    ],
    [
      'bad canceled_at',
      { ...valid, canceled_at: 'yesterday' },
      { code: 'INVALID_DATE', field: 'canceled_at', value: 'yesterday', expected: DATE_EXPECTED },
    ],
    [
      'missing event id',
      { ...valid, id: undefined },
      { code: 'MISSING_VALUE', field: 'id', value: '', expected: 'a non-empty id' },
    ],
    [
      'missing customer',
      { ...valid, customer: '' },
      { code: 'MISSING_VALUE', field: 'customer', value: '', expected: 'a non-empty id' },
    ],
    [
      'missing subscription',
      { ...valid, subscription: null },
      { code: 'MISSING_VALUE', field: 'subscription', value: 'null', expected: 'a non-empty id' },
    ],
    [
      'id too long',
      { ...valid, id: 'x'.repeat(256) },
      {
        code: 'VALUE_TOO_LONG',
        field: 'id',
        value: `${'x'.repeat(197)}...`,
        expected: 'an id of at most 255 characters',
      },
    ],
    [
      'percent_off above 100',
      { ...valid, discounts: [{ percent_off: 120 }] },
      {
        code: 'OUT_OF_RANGE',
        field: 'discounts[0].percent_off',
        value: '120',
        expected: 'a percentage between 0 and 100 such as 20 or 12.5',
      },
    ],
    [
      'percent_off and amount_off together',
      { ...valid, discounts: [{ percent_off: 10, amount_off: 5 }] },
      {
        code: 'MISSING_VALUE',
        field: 'discounts[0].percent_off',
        value: '{"percent_off":10,"amount_off":5}',
        expected: 'exactly one of percent_off (0 to 100) and amount_off',
      },
    ],
    [
      'discount ending before it starts',
      { ...valid, discounts: [{ percent_off: 10, start: '2024-03-01', end: '2024-02-01' }] },
      {
        code: 'END_BEFORE_START',
        field: 'discounts[0].end',
        value: '2024-02-01',
        expected: "an end after the discount's start",
      },
    ],
    [
      'missing price on an active event',
      {
        id: 'e',
        customer: 'c',
        subscription: 's',
        effective_at: '2024-01-01',
        status: 'active',
        currency: 'USD',
      },
      {
        code: 'MISSING_VALUE',
        field: 'unit_amount',
        value: '',
        expected: 'the price of the active subscription',
      },
    ],
    [
      'missing currency on an active event',
      { ...valid, currency: undefined },
      {
        code: 'MISSING_VALUE',
        field: 'currency',
        value: '',
        expected: 'an ISO 4217 currency code such as USD',
      },
    ],
    [
      'tax-inclusive price without a rate',
      { ...valid, tax_behavior: 'inclusive' },
      {
        code: 'MISSING_VALUE',
        field: 'tax_percent',
        value: '',
        expected: 'the tax rate in percent of a tax-inclusive price',
      },
    ],
    [
      'unknown price type',
      { ...valid, price_type: 'subscription' },
      {
        code: 'OUT_OF_RANGE',
        field: 'price_type',
        value: 'subscription',
        expected: 'one of recurring, one_time',
      },
    ],
    [
      'negative Stripe minor units',
      stripeItem({ unit_amount: -100 }),
      {
        code: 'INVALID_AMOUNT',
        field: 'data.object.items.data[0].price.unit_amount',
        value: '-100',
        expected: 'a non-negative integer number of USD minor units such as 2000',
      },
    ],
    [
      'fractional Stripe minor units',
      stripeItem({ unit_amount: 19.5 }),
      {
        code: 'INVALID_AMOUNT',
        field: 'data.object.items.data[0].price.unit_amount',
        value: '19.5',
        expected: 'a non-negative integer number of USD minor units such as 2000',
      },
    ],
    [
      'price in another currency',
      stripeItem({ unit_amount: 100, currency: 'eur' }),
      {
        code: 'INVALID_CURRENCY',
        field: 'data.object.items.data[0].price.currency',
        value: 'eur',
        expected: "USD, the subscription's currency",
      },
    ],
    [
      'Stripe interval unknown',
      stripeItem({ unit_amount: 100, recurring: { interval: 'decade' } }),
      {
        code: 'INVALID_INTERVAL',
        field: 'data.object.items.data[0].price.recurring.interval',
        value: 'decade',
        expected: 'one of day, week, month, quarter, half_year, year (or one_time for a one-off price)',
      },
    ],
    [
      'items on different billing intervals',
      {
        ...stripeItem({ unit_amount: 100 }),
        data: {
          object: {
            ...stripeItem({ unit_amount: 100 }).data.object,
            items: {
              data: [
                { price: { currency: 'usd', unit_amount: 100, recurring: { interval: 'month' } } },
                { price: { currency: 'usd', unit_amount: 900, recurring: { interval: 'year' } } },
              ],
            },
          },
        },
      },
      {
        code: 'INVALID_INTERVAL',
        field: 'data.object.items.data[1].price.recurring.interval',
        value: '1 year',
        expected:
          '1 month like data.object.items.data[0]: the recurring items of a subscription share one billing interval',
      },
    ],
    [
      'flat price fields and items together',
      {
        ...valid,
        items: [{ price: { currency: 'usd', unit_amount: 100, recurring: { interval: 'month' } } }],
      },
      {
        code: 'INVALID_JSON',
        field: 'unit_amount',
        value: '100',
        expected: 'either flat price fields or items, not both',
      },
    ],
    [
      'coupon in another currency',
      {
        ...stripeItem({ unit_amount: 100 }),
        data: {
          object: {
            ...stripeItem({ unit_amount: 100 }).data.object,
            discount: {
              id: 'di_1',
              coupon: { amount_off: 500, currency: 'eur', duration: 'forever' },
              start: 1_704_067_200,
            },
          },
        },
      },
      {
        code: 'INVALID_CURRENCY',
        field: 'data.object.discount.coupon.currency',
        value: 'eur',
        expected: "USD, the subscription's currency",
      },
    ],
    [
      'repeating discount without an end',
      { ...valid, discounts: [{ amount_off: 5, duration: 'repeating' }] },
      {
        code: 'MISSING_VALUE',
        field: 'discounts[0].end',
        value: '',
        expected: 'the end of a repeating discount (or start and duration_in_months)',
      },
    ],
    [
      'forever discount with an end',
      { ...valid, discounts: [{ amount_off: 5, duration: 'forever', end: '2024-06-01' }] },
      {
        code: 'OUT_OF_RANGE',
        field: 'discounts[0].end',
        value: '2024-06-01',
        expected: 'no end date for a forever discount',
      },
    ],
    [
      'a line that is not an object',
      [valid],
      {
        code: 'INVALID_JSON',
        field: '(event)',
        value: JSON.stringify([valid]),
        expected: 'a JSON object describing one event',
      },
    ],
    [
      'tiered licensed price',
      stripeItem({ unit_amount: null, billing_scheme: 'tiered' }),
      {
        code: 'INVALID_AMOUNT',
        field: 'data.object.items.data[0].price.billing_scheme',
        value: 'tiered',
        expected: 'per_unit (tiered licensed prices are not supported)',
      },
    ],
    [
      'an invoice event',
      { id: 'evt_9', created: 1_704_067_200, data: { object: { id: 'in_1', object: 'invoice' } } },
      {
        code: 'INVALID_JSON',
        field: 'data.object.object',
        value: 'invoice',
        expected: 'a Stripe subscription object (customer.subscription.* events)',
      },
    ],
    [
      'an unexpanded discount id',
      {
        ...stripeItem({ unit_amount: 100 }),
        data: { object: { ...stripeItem({ unit_amount: 100 }).data.object, discounts: ['di_9'] } },
      },
      {
        code: 'MISSING_VALUE',
        field: 'data.object.discounts[0]',
        value: 'di_9',
        expected: 'an expanded discount object (only its id was given)',
      },
    ],
    [
      'nested metadata',
      { ...valid, metadata: { plan: { name: 'pro' } } },
      {
        code: 'INVALID_JSON',
        field: 'metadata.plan',
        value: '{"name":"pro"}',
        expected: 'a text value (attributes are flat)',
      },
    ],
  ])('%s', (_name, record, expected) => {
    expect(firstError(record)).toEqual({ ...expected, line: 7 });
  });

  it('writes a message combining all four', () => {
    const result = parseSubscriptionEvent({ ...valid, status: 'gone' }, 3);
    expect(result.ok ? '' : result.error.message).toBe(
      `line 3, field "status": got "gone", expected one of ${SUBSCRIPTION_STATUSES.join(', ')}`,
    );
  });

  it('refuses a malformed defaultCurrency option outright', () => {
    expect(() => parseSubscriptionEvent(valid, 1, { defaultCurrency: 'dollars' })).toThrow(RangeError);
  });

  it('turns numbers and booleans in metadata into text and drops empty values', () => {
    const result = parseSubscriptionEvent(
      { ...valid, metadata: { seats: 12, annual: false, gone: '', none: null } },
      1,
    );
    expect(result.ok && result.row.attributes).toEqual({
      billing_interval: 'month',
      seats: '12',
      annual: 'false',
    });
  });

  it('keeps metadata keys named like Object.prototype members as ordinary attributes', () => {
    const metadata = JSON.parse('{"__proto__": "gold", "constructor": "x", "valueOf": 3}');
    const result = parseSubscriptionEvent({ ...valid, metadata }, 1);
    const attributes = result.ok ? result.row.attributes : {};
    expect(Object.getPrototypeOf(attributes)).toBe(Object.prototype);
    expect(Object.entries(attributes)).toEqual([
      ['billing_interval', 'month'],
      ['__proto__', 'gold'],
      ['constructor', 'x'],
      ['valueOf', '3'],
    ]);
  });

  it('uses defaultCurrency when an event names none', () => {
    const result = parseSubscriptionEvent({ ...valid, currency: undefined }, 1, { defaultCurrency: 'eur' });
    expect(result.ok && result.row.currency).toBe('EUR');
  });
});

describe('whole imports', () => {
  const lines = [
    JSON.stringify(valid),
    JSON.stringify({ ...valid, id: 'evt_2', status: 'sleeping' }),
    '',
    '{"id": "evt_3",',
    JSON.stringify({ ...valid, unit_amount: '120' }),
  ].join('\n');

  it('returns nothing from an invalid NDJSON file: ImportError with every error located', async () => {
    const error = await importSubscriptionEvents(lines).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ImportError);
    const importError = error as ImportError;
    expect([importError.errorCount, importError.rowsRead]).toEqual([3, 4]);
    expect(importError.errors.map((e) => [e.line, e.code, e.field])).toEqual([
      [2, 'INVALID_STATUS', 'status'],
      [4, 'INVALID_JSON', '(line)'],
      [5, 'DUPLICATE_ID', 'id'],
    ]);
    expect(importError.errors[2]?.expected).toBe(
      'an event id not used before, or a repeat of the same event (line 1 has this id with other content)',
    );
  });

  it('keeps the valid rows when asked to skip invalid ones', async () => {
    const result = await importSubscriptionEvents(lines, { skipInvalidRows: true });
    expect(result.rows.map((row) => row.id)).toEqual(['evt_1']);
    expect([result.errors.length, result.rowsRead]).toEqual([3, 4]);
  });

  it('reports the first 100 errors and counts them all', async () => {
    const bad = Array.from({ length: 150 }, (_, i) =>
      JSON.stringify({ ...valid, id: `e${i}`, currency: 'dollars' }),
    );
    const error = (await importSubscriptionEvents(bad).catch((thrown: unknown) => thrown)) as ImportError;
    expect([error.errors.length, error.errorCount, error.rowsRead]).toEqual([100, 150, 150]);
    expect(error.message).toMatch(
      /^150 invalid rows in 150 read; nothing was imported\. First: line 1, field "currency"/,
    );
  });

  it('numbers JSON array rows by index + 1 and finds duplicates there too', () => {
    const text = JSON.stringify([valid, { ...valid, id: 'evt_2' }, { ...valid, status: 'past_due' }]);
    expect(() => importSubscriptionEventsJson(text)).toThrow(ImportError);
    const result = importSubscriptionEventsJson(text, { skipInvalidRows: true });
    expect(result.errors.map((e) => [e.line, e.code, e.value])).toEqual([[3, 'DUPLICATE_ID', 'evt_1']]);
  });

  it('reads an identical redelivery once, in NDJSON and JSON: one row, one read', async () => {
    // Stripe delivers at least once; a redelivery may differ in delivery metadata and spelling.
    const redelivered = { ...valid, unit_amount: 100, pending_webhooks: 2 };
    const lines = [
      JSON.stringify(valid),
      JSON.stringify({ ...valid, id: 'evt_2' }),
      JSON.stringify(redelivered),
    ];
    const ndjson = await importSubscriptionEvents(lines.join('\n'));
    expect([ndjson.rows.map((row) => row.id), ndjson.errors, ndjson.rowsRead]).toEqual([
      ['evt_1', 'evt_2'],
      [],
      2,
    ]);
    const json = importSubscriptionEventsJson(`[${lines.join(',')}]`);
    expect([json.rows.map((row) => row.id), json.rowsRead]).toEqual([['evt_1', 'evt_2'], 2]);
    expect(eventsToSpans(json.rows).map((span) => span.mrr)).toEqual([1_000_000]);
  });

  it('refuses an id repeated with other content, naming both lines', () => {
    const text = JSON.stringify([valid, { ...valid, effective_at: '2024-02-01T00:00:00Z' }]);
    const result = importSubscriptionEventsJson(text, { skipInvalidRows: true });
    const { message: _message, ...error } = result.errors[0] ?? { message: '' };
    expect(error).toEqual({
      code: 'DUPLICATE_ID',
      line: 2,
      field: 'id',
      value: 'evt_1',
      expected:
        'an event id not used before, or a repeat of the same event (line 1 has this id with other content)',
    });
    expect(result.rows.map((row) => row.effectiveAt)).toEqual([Date.UTC(2024, 0, 1)]);
  });

  it('rejects text that is not JSON, or JSON of another shape, whatever the options', () => {
    const broken = '[\n  {"id": "a"},\n  {"id": \n]';
    let error = (() => {
      try {
        importSubscriptionEventsJson(broken, { skipInvalidRows: true });
      } catch (thrown) {
        return thrown as ImportError;
      }
    })();
    expect(error?.errors[0]).toMatchObject({ code: 'INVALID_JSON', field: '(document)' });
    expect(error?.errors[0]?.value).toContain("Unexpected token ']'");
    expect(error?.errorCount).toBe(1);
    error = (() => {
      try {
        importSubscriptionEventsJson('{"events": []}', { skipInvalidRows: true });
      } catch (thrown) {
        return thrown as ImportError;
      }
    })();
    expect(error?.errors[0]).toMatchObject({ code: 'INVALID_JSON', line: 1, value: '{"events": []}' });
  });
});
