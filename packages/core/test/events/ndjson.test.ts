import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  importSubscriptionEvents,
  importSubscriptionEventsJson,
  type ParsedRow,
  type SubscriptionEvent,
  streamSubscriptionEvents,
} from '../../src/index.ts';
import { flat } from './fixtures.ts';

const records = [
  flat({ id: 'evt_1', effective_at: '2024-01-01T00:00:00Z', metadata: { plan: 'basic' } }),
  flat({ id: 'evt_2', effective_at: 1_706_745_600, unit_amount: '2000', interval: 'year' }),
  flat({ id: 'evt_3', subscription: 'sub_2', effective_at: '2024-02-15', discounts: [{ percent_off: 10 }] }),
  { id: 'evt_4', customer: 'cus_1', subscription: 'sub_1', effective_at: '2024-06-01', status: 'canceled' },
];
// A byte-order mark, CRLF line ends, a blank line and a trailing newline, as files have them.
const text = `\uFEFF${records
  .slice(0, 2)
  .map((record) => JSON.stringify(record))
  .join('\r\n')}\r\n\n${records
  .slice(2)
  .map((record) => JSON.stringify(record))
  .join('\n')}\n`;

async function* slowly(lines: readonly string[]): AsyncGenerator<string> {
  for (const line of lines) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    yield line;
  }
}

describe('NDJSON', () => {
  it('streamed from an async iterable of lines equals parsing the whole text', async () => {
    const whole = await importSubscriptionEvents(text);
    const streamed = await importSubscriptionEvents(slowly(text.split(/\r?\n/)));
    const fromArray = await importSubscriptionEvents(text.split('\n'));
    expect(whole.rows).toHaveLength(4);
    expect(streamed).toEqual(whole);
    expect(fromArray).toEqual(whole);
    // Same events as the JSON array form.
    expect(importSubscriptionEventsJson(JSON.stringify(records)).rows).toEqual(whole.rows);
  });

  it('keeps file line numbers across blank lines', async () => {
    const lines: ParsedRow<SubscriptionEvent>[] = [];
    const withError = text.replace('"status":"canceled"', '"status":"cancelled"');
    for await (const row of streamSubscriptionEvents(withError)) lines.push(row);
    expect(lines.map((row) => (row.ok ? row.row.id : `line ${row.error.line}: ${row.error.field}`))).toEqual([
      'evt_1',
      'evt_2',
      'evt_3',
      'line 5: status',
    ]);
  });

  it('yields each row as soon as its line arrives', async () => {
    let supplied = 0;
    async function* counted(): AsyncGenerator<string> {
      for (const record of records) {
        supplied += 1;
        yield JSON.stringify(record);
      }
    }
    const stream = streamSubscriptionEvents(counted());
    const first = await stream.next();
    expect(first.value?.ok && first.value.row.id).toBe('evt_1');
    expect(supplied).toBe(1);
    await stream.return(undefined);
  });

  it('reads Unix seconds and ISO dates to the same instants', async () => {
    const { rows } = await importSubscriptionEvents(text);
    expect(rows.map((row) => new Date(row.effectiveAt).toISOString())).toEqual([
      '2024-01-01T00:00:00.000Z',
      '2024-02-01T00:00:00.000Z',
      '2024-02-15T00:00:00.000Z',
      '2024-06-01T00:00:00.000Z',
    ]);
  });
});

describe('NDJSON sources', () => {
  it('give the same import however the text is cut into elements of whole lines', async () => {
    const lines = fc.array(
      fc.oneof(
        fc.constant(''),
        fc.constant('not json'),
        fc
          .record({ n: fc.nat(5), amount: fc.integer({ min: -1, max: 300 }) })
          .map(({ n, amount }) =>
            JSON.stringify(flat({ id: `evt_${n}`, effective_at: '2024-01-01', unit_amount: amount })),
          ),
      ),
      { maxLength: 12 },
    );
    await fc.assert(
      fc.asyncProperty(
        lines,
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 12, maxLength: 12 }),
        async (all, cuts) => {
          const whole = await importSubscriptionEvents(all.join('\n'), { skipInvalidRows: true });
          const elements: string[] = [];
          for (let i = 0, c = 0; i < all.length; c += 1) {
            const size = cuts[c % cuts.length] ?? 1;
            elements.push(`${all.slice(i, i + size).join('\n')}\n`);
            i += size;
          }
          expect(await importSubscriptionEvents(slowly(elements), { skipInvalidRows: true })).toEqual(whole);
        },
      ),
      { numRuns: 50 },
    );
  });
});
