/**
 * The binary COPY encoder against Postgres itself: every value written in binary must read back
 * as the same value Postgres parses from its text form (timestamps before and after 2000 with
 * milliseconds, decimals of every digit layout and sign, UTF-8 text with characters COPY's text
 * format escapes, jsonb, NULL), and a malformed value must fail the COPY, not store a wrong row.
 */
import { Writable } from 'node:stream';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BinaryCopyWriter, jsonbBytes } from '../src/db/binary-copy.ts';

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
      // Every value at least once; a last row of NULLs.
      const rows = Math.max(units.length, instants.length, texts.length, attributes.length) + 1;
      const unitAt = (i: number) => units[i % units.length] as number;
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
          copy.decimal4(unitAt(i));
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

  it('writes bigint values Postgres reads back exactly, and refuses unsafe ones', async () => {
    const values = [
      0,
      1,
      -1,
      2 ** 31,
      -(2 ** 31) - 1,
      2 ** 32,
      2 ** 32 + 7,
      -(2 ** 32),
      123_456_789_012,
      2 ** 53 - 1,
      -(2 ** 53 - 1),
    ];
    await sql.begin(async (tx) => {
      await tx.unsafe('create temporary table big (k int, v bigint) on commit drop');
      const copy = await BinaryCopyWriter.open(tx, 'copy big (k, v) from stdin with (format binary)');
      for (const [k, value] of values.entries()) {
        copy.beginRow(2);
        copy.int4(k);
        copy.int8(value);
        await copy.endRow();
      }
      await copy.end();
      const stored = await tx.unsafe<{ v: string }[]>('select v::text as v from big order by k');
      expect(stored.map((row) => row.v)).toEqual(values.map(String));
    });
    const copy = Object.create(BinaryCopyWriter.prototype) as BinaryCopyWriter;
    expect(() => copy.int8(2 ** 53)).toThrow(RangeError);
    expect(() => copy.int8(0.5)).toThrow(RangeError);
  });

  it('stores every row of a copy many buffers long, its buffers reused as the connection frees them', async () => {
    const rows = 60_000; // about 7 MB: some 28 buffers, more than the connection may hold unwritten
    const text = (i: number) => `row-${i}-${'x'.repeat(i % 97)}`;
    await sql.begin(async (tx) => {
      await tx.unsafe('create temporary table many (i int, t text) on commit drop');
      const copy = await BinaryCopyWriter.open(tx, 'copy many (i, t) from stdin with (format binary)');
      await writeNumberedRows(copy, rows, text);
      const [summary] = await tx.unsafe<{ count: string; wrong: string }[]>(
        `select count(*) as count,
           count(*) filter (where t is distinct from 'row-' || i || '-' || repeat('x', i % 97)) as wrong
         from many`,
      );
      expect(summary).toEqual({ count: String(rows), wrong: '0' });
    });
  });

  it('refuses amounts that are not whole numbers of units, writing nothing for them', async () => {
    await sql.begin(async (tx) => {
      await tx.unsafe('create temporary table amounts (n numeric(20, 4)) on commit drop');
      const copy = await BinaryCopyWriter.open(tx, 'copy amounts (n) from stdin with (format binary)');
      copy.beginRow(1);
      expect(() => copy.decimal4(1.5)).toThrow(RangeError);
      expect(() => copy.decimal4(2 ** 53)).toThrow(RangeError);
      copy.decimal4(12_345);
      await copy.endRow();
      await copy.end();
      const stored = await tx.unsafe<{ n: string }[]>('select n::text as n from amounts');
      expect(stored).toEqual([{ n: '1.2345' }]);
    });
  });

  it('fails the COPY on a value the column cannot hold, storing nothing', async () => {
    const outcome = await sql
      .begin(async (tx) => {
        await tx.unsafe('create temporary table small (n numeric(6, 4)) on commit drop');
        const copy = await BinaryCopyWriter.open(tx, 'copy small (n) from stdin with (format binary)');
        copy.beginRow(1);
        copy.decimal4(1_000_000_000);
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

describe('binary COPY kept in memory (PGlite)', () => {
  it('hands every row over as whole COPY data, a few megabytes at a time, and nothing when empty', async () => {
    const db = new PGlite();
    try {
      await db.exec('create table many (i int, t text)');
      const copies: number[] = [];
      const run = async (copy: Buffer<ArrayBuffer>) => {
        copies.push(copy.length);
        await db.query(`copy many (i, t) from '/dev/blob' with (format binary)`, [], {
          blob: new Blob([copy]),
        });
      };
      const rows = 150_000; // about 11 MB: two copies
      const text = (i: number) => `row-${i}-${'y'.repeat(i % 89)}`;
      await writeNumberedRows(BinaryCopyWriter.inMemory(run), rows, text);
      expect(copies.length).toBe(2);
      const [summary] = (
        await db.query<{ count: number; wrong: number }>(
          `select count(*)::int as count,
             count(*) filter (where t is distinct from 'row-' || i || '-' || repeat('y', i % 89))::int as wrong
           from many`,
        )
      ).rows;
      expect(summary).toEqual({ count: rows, wrong: 0 });

      const empty = BinaryCopyWriter.inMemory(run);
      await empty.end();
      const abandoned = BinaryCopyWriter.inMemory(run);
      abandoned.beginRow(2);
      abandoned.int4(-1);
      abandoned.text('never stored');
      abandoned.endRow();
      abandoned.abort(new Error('the import failed'));
      await abandoned.end();
      expect(copies.length).toBe(2);
    } finally {
      await db.close();
    }
  });
});

describe('binary COPY over a stream that fails', () => {
  it('reports the failure where the writer next waits, never as an unhandled error event', async () => {
    // A connection lost mid-copy: every write fails (as a socket's EPIPE does), asynchronously.
    const broken = new Writable({
      write(_chunk, _encoding, callback) {
        setImmediate(() => callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })));
      },
    });
    const writer = BinaryCopyWriter.over(broken);
    let failure: unknown;
    try {
      for (let i = 0; i < 100_000; i++) {
        writer.beginRow(1);
        writer.text(`row ${i} ${'z'.repeat(40)}`);
        const pending = writer.endRow();
        if (pending) await pending;
        await new Promise(setImmediate);
      }
      await writer.end();
    } catch (error) {
      failure = error;
    }
    expect(failure).toMatchObject({ code: 'EPIPE' });
  });
});

/** Rows (i, text(i)) for i below `rows`, waiting whenever the writer asks; then ends the copy. */
async function writeNumberedRows(writer: BinaryCopyWriter, rows: number, text: (i: number) => string) {
  for (let i = 0; i < rows; i++) {
    writer.beginRow(2);
    writer.int4(i);
    writer.text(text(i));
    const pending = writer.endRow();
    if (pending) await pending;
  }
  await writer.end();
}
