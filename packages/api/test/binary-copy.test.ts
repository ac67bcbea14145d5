/**
 * The binary COPY encoder against Postgres itself: every value written in binary must read back
 * as the same value Postgres parses from its text form (timestamps before and after 2000 with
 * milliseconds, decimals of every digit layout and sign, UTF-8 text with characters COPY's text
 * format escapes, jsonb, NULL), and a malformed value must fail the COPY, not store a wrong row.
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BinaryCopyWriter, decimal4Bytes, jsonbBytes } from '../src/db/binary-copy.ts';

const url = process.env.DATABASE_URL;

describe.runIf(url)('binary COPY on postgres', () => {
  let sql: postgres.Sql;

  beforeAll(async () => {
    sql = postgres(url as string, { max: 1, onnotice: () => {} });
  });
  afterAll(() => sql.end());

  const units = [
    0, 1, 9, 10, 9_999, 10_000, 10_001, 1_234, 570_000, 9_075_000, 99_990_000, 100_000_000, 123_456_789,
    1_000_000_000_000, 123_456_789_012_345, 9_007_199_254_740_991, -1, -10_000, -123_456_789,
    -9_007_199_254_740_991,
  ];
  const instants = [
    Date.UTC(2024, 0, 31),
    Date.UTC(2000, 0, 1),
    Date.UTC(1999, 11, 31, 23, 59, 59, 999),
    Date.UTC(1970, 0, 1),
    Date.UTC(1900, 1, 28, 12, 30, 0, 5),
    Date.UTC(2262, 3, 11, 23, 47, 16, 854),
    1_718_236_800_123,
  ];
  const texts = [
    'cus_0000001',
    'région',
    'tab\there',
    'back\\slash',
    'line\nbreak',
    '"quoted"',
    '😀 emoji',
    '',
  ];
  const attributes = [{}, { plan: 'Pro', région: 'Île-de-France' }, { a: 'x\ty', b: '\\', c: '"', d: '😀' }];

  it('reads back what Postgres parses from the text form', async () => {
    await sql.begin(async (tx) => {
      await tx.unsafe(`create temporary table bin (i int, t text, at timestamptz, n numeric(20, 4), j jsonb)
        on commit drop`);
      // Every amount twice, once through each numeric encoder; a last row of NULLs.
      const rows = 2 * Math.max(units.length, instants.length, texts.length, attributes.length) + 1;
      const unitAt = (i: number) => units[Math.floor(i / 2) % units.length] as number;
      const copy = await BinaryCopyWriter.open(
        tx,
        'copy bin (i, t, at, n, j) from stdin with (format binary)',
      );
      for (let i = 0; i < rows; i++) {
        copy.beginRow(5);
        copy.bytes(int4(i));
        if (i === rows - 1) {
          copy.null();
          copy.null();
          copy.null();
          copy.null();
        } else {
          copy.text(texts[i % texts.length] as string);
          copy.timestamp(instants[i % instants.length] as number);
          // Both encoders: into the buffer directly, and as bytes.
          if (i % 2 === 0) copy.decimal4(unitAt(i));
          else copy.bytes(decimal4Bytes(unitAt(i)));
          copy.bytes(jsonbBytes(JSON.stringify(attributes[i % attributes.length])));
        }
        await copy.endRow();
      }
      await copy.end();
      const stored = await tx.unsafe<
        { i: number; t: string | null; at: string | null; n: string | null; j: string | null }[]
      >('select i, t, at::text as at, n::text as n, j::text as j from bin order by i');
      const expected = await tx.unsafe<
        { i: number; t: string | null; at: string | null; n: string | null; j: string | null }[]
      >(
        `select i, t, at::text as at, n::text as n, j::text as j
         from (select i, t, at, n::numeric(20, 4) as n, j::jsonb as j
           from unnest($1::int[], $2::text[], $3::timestamptz[], $4::text[], $5::text[]) as u(i, t, at, n, j)) as v
         order by i`,
        [
          Array.from({ length: rows }, (_, i) => i),
          Array.from({ length: rows }, (_, i) => (i === rows - 1 ? null : texts[i % texts.length])),
          Array.from({ length: rows }, (_, i) =>
            i === rows - 1 ? null : new Date(instants[i % instants.length] as number).toISOString(),
          ),
          Array.from({ length: rows }, (_, i) => (i === rows - 1 ? null : decimalText(unitAt(i)))),
          Array.from({ length: rows }, (_, i) =>
            i === rows - 1 ? null : JSON.stringify(attributes[i % attributes.length]),
          ),
        ] as never,
      );
      expect(stored).toHaveLength(rows);
      expect(stored).toEqual(expected);
    });
  });

  it('refuses amounts that are not whole numbers of units', () => {
    expect(() => decimal4Bytes(1.5)).toThrow(RangeError);
    expect(() => decimal4Bytes(2 ** 53)).toThrow(RangeError);
  });

  it('fails the COPY on a value the column cannot hold, storing nothing', async () => {
    const outcome = await sql
      .begin(async (tx) => {
        await tx.unsafe('create temporary table small (n numeric(6, 4)) on commit drop');
        const copy = await BinaryCopyWriter.open(tx, 'copy small (n) from stdin with (format binary)');
        copy.beginRow(1);
        copy.bytes(decimal4Bytes(1_000_000_000));
        await copy.endRow();
        await copy.end();
      })
      .then(
        () => 'stored',
        (error: Error) => error.message,
      );
    expect(outcome).toMatch(/numeric field overflow/);
  });
});

/** An int4 value's bytes. */
function int4(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeInt32BE(value);
  return bytes;
}

/** Units as decimal text with four places, by string arithmetic (independent of the encoder). */
function decimalText(units: number): string {
  const digits = String(Math.abs(units)).padStart(5, '0');
  return `${units < 0 ? '-' : ''}${digits.slice(0, -4)}.${digits.slice(-4)}`;
}
