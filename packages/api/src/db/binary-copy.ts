/**
 * `COPY … FROM STDIN WITH (FORMAT binary)` from Node: rows are encoded straight into a reused
 * buffer in Postgres' binary tuple format (https://www.postgresql.org/docs/current/sql-copy.html,
 * "Binary Format"), so the server parses no text: no timestamp, decimal or escape parsing per
 * value. Used for the largest write there is, a tenant's first import.
 */
import type { Writable } from 'node:stream';
import type { TransactionSql } from 'postgres';
import { drained, endCopy, MAX_PENDING_BYTES, openCopy } from './copy.ts';

/** The binary COPY signature, flags and header extension length. */
const HEADER = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]);
/** Bytes buffered before they go to the connection. */
const CHUNK_BYTES = 1 << 18;
/** Milliseconds from the Unix epoch to Postgres' epoch (2000-01-01T00:00:00Z). */
const POSTGRES_EPOCH_MS = 946_684_800_000;
const TWO_32 = 4_294_967_296;
/** Bytes an in-memory writer keeps before handing them over as one COPY. */
const MEMORY_COPY_BYTES = 8 << 20;
/** Buffers kept for reuse: as many as the connection may hold unwritten, and one more. */
const MAX_FREE_BUFFERS = Math.ceil(MAX_PENDING_BYTES / CHUNK_BYTES) + 1;

/**
 * Rows streamed into one binary `COPY`, with backpressure: {@link BinaryCopyWriter.endRow} returns
 * a promise, to be awaited, only when the buffer went to the connection and must drain first.
 * A row is `beginRow(fields)` followed by exactly `fields` values. {@link BinaryCopyWriter.inMemory}
 * keeps rows in memory instead and hands them over as whole COPY data a few megabytes at a time.
 */
export class BinaryCopyWriter {
  #buffer: Buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  #offset = 0;
  /**
   * Buffers the connection is done with, for reuse: a large import writes hundreds of megabytes,
   * and fresh buffers for all of them would make the collector run full collections for the
   * external memory alone.
   */
  readonly #free: Buffer[] = [];
  /** Scratch for a numeric's base-10,000 digits. */
  readonly #digits = new Int32Array(8);
  /** In memory: filled buffers not yet handed over, their bytes, and rows since the header. */
  #kept: Buffer[] = [];
  #keptBytes = 0;
  #rows = 0;

  private constructor(
    private readonly stream: Writable | undefined,
    private readonly run?: (copy: Buffer<ArrayBuffer>) => Promise<unknown>,
  ) {
    HEADER.copy(this.#buffer, 0);
    this.#offset = HEADER.length;
    // A failed COPY (its connection lost, a row refused) is reported where the writer next waits,
    // by endRow's drain or by end, rather than as an 'error' event nobody is listening to.
    stream?.on('error', () => {});
  }

  /** Starts `statement` (a `COPY … FROM STDIN WITH (FORMAT binary)`, trusted text) on `connection`. */
  static async open(connection: TransactionSql, statement: string): Promise<BinaryCopyWriter> {
    return BinaryCopyWriter.over(await openCopy(connection, statement));
  }

  /** A writer over a COPY's stream already started (what {@link BinaryCopyWriter.open} returns). */
  static over(stream: Writable): BinaryCopyWriter {
    return new BinaryCopyWriter(stream);
  }

  /**
   * A writer for a server reached without a stream (PGlite's `COPY … FROM '/dev/blob'`): rows are
   * kept in memory and `run` gets them as complete binary COPY data (header, rows, trailer) once
   * they reach {@link MEMORY_COPY_BYTES}, and at {@link BinaryCopyWriter.end}; each is awaited.
   */
  static inMemory(run: (copy: Buffer<ArrayBuffer>) => Promise<unknown>): BinaryCopyWriter {
    return new BinaryCopyWriter(undefined, run);
  }

  /** Starts a row of `fields` values. */
  beginRow(fields: number): void {
    this.#rows += 1;
    this.#room(2);
    const buffer = this.#buffer;
    const at = this.#offset;
    buffer[at] = fields >>> 8;
    buffer[at + 1] = fields;
    this.#offset = at + 2;
  }

  /** Ends a row; returns a promise only when the caller must wait for the connection. */
  endRow(): Promise<void> | undefined {
    if (this.stream === undefined) {
      return this.#keptBytes + this.#offset >= MEMORY_COPY_BYTES ? this.#runKept() : undefined;
    }
    return this.#offset >= CHUNK_BYTES - 4096 ? this.#drain() : undefined;
  }

  /** A NULL value. */
  null(): void {
    this.#room(4);
    this.#int32(-1, this.#offset);
    this.#offset += 4;
  }

  /** A `text` value (UTF-8). */
  text(value: string): void {
    const length = value.length;
    this.#room(4 + length * 3);
    const buffer = this.#buffer;
    const start = this.#offset + 4;
    if (length <= 64) {
      // Short ASCII text (ids, codes) byte by byte: cheaper than a call into the UTF-8 encoder.
      let i = 0;
      for (; i < length; i++) {
        const code = value.charCodeAt(i);
        if (code > 127) break;
        buffer[start + i] = code;
      }
      if (i === length) {
        this.#int32(length, this.#offset);
        this.#offset = start + length;
        return;
      }
    }
    const written = buffer.write(value, start, 'utf8');
    this.#int32(written, this.#offset);
    this.#offset = start + written;
  }

  /** A value already encoded (e.g. {@link textBytes}): its length, then its bytes. */
  bytes(value: Uint8Array): void {
    const length = value.length;
    this.#room(4 + length);
    const buffer = this.#buffer;
    const start = this.#offset + 4;
    this.#int32(length, this.#offset);
    if (length <= 32) for (let i = 0; i < length; i++) buffer[start + i] = value[i] as number;
    else buffer.set(value, start);
    this.#offset = start + length;
  }

  /** An `integer` value. */
  int4(value: number): void {
    this.#room(8);
    this.#int32(4, this.#offset);
    this.#int32(value, this.#offset + 4);
    this.#offset += 8;
  }

  /** A `bigint` value (a safe integer: |value| < 2^53). */
  int8(value: number): void {
    if (!Number.isSafeInteger(value)) throw new RangeError(`not a safe integer: ${value}`);
    this.#eightBytes(value);
  }

  /**
   * A `numeric` value of `units` ten-thousandths (an integer, |units| < 2^53) with display scale 4:
   * base-10,000 digits, the last one the four decimals (no leading or trailing zero digits; zero has
   * none). Throws a RangeError, writing nothing, for any other number.
   */
  decimal4(units: number): void {
    const digits = this.#digits;
    const layout = numericDigits(units, digits);
    const count = layout >> 4;
    this.#room(12 + 2 * count);
    const buffer = this.#buffer;
    const at = this.#offset;
    this.#int32(8 + 2 * count, at);
    let offset = at + 4;
    const weight = count === 0 ? 0 : (layout & 15) - 1;
    buffer[offset++] = count >>> 8;
    buffer[offset++] = count;
    buffer[offset++] = weight >>> 8;
    buffer[offset++] = weight;
    buffer[offset++] = units < 0 && count > 0 ? 0x40 : 0;
    buffer[offset++] = 0;
    buffer[offset++] = 0;
    buffer[offset++] = 4;
    for (let i = 0; i < count; i++) {
      const digit = digits[i] as number;
      buffer[offset++] = digit >>> 8;
      buffer[offset++] = digit;
    }
    this.#offset = offset;
  }

  /** A `timestamptz` value from epoch milliseconds (whole microseconds are kept). */
  timestamp(epochMs: number): void {
    this.#eightBytes(Math.round((epochMs - POSTGRES_EPOCH_MS) * 1000));
  }

  /** An 8-byte value: a whole number, |value| < 2^53, big-endian two's complement. */
  #eightBytes(value: number): void {
    this.#room(12);
    const high = Math.floor(value / TWO_32);
    const at = this.#offset;
    this.#int32(8, at);
    this.#int32(high, at + 4);
    this.#int32(value - high * TWO_32, at + 8);
    this.#offset = at + 12;
  }

  /** Four bytes, big-endian, of a 32-bit integer (signed or unsigned) at `at`. */
  #int32(value: number, at: number): void {
    const buffer = this.#buffer;
    buffer[at] = value >>> 24;
    buffer[at + 1] = value >>> 16;
    buffer[at + 2] = value >>> 8;
    buffer[at + 3] = value;
  }

  /** Sends what is buffered and the trailer, ends the COPY; resolves when the server has every row. */
  async end(): Promise<void> {
    if (this.stream === undefined) {
      if (this.#rows > 0) await this.#runKept();
      return;
    }
    this.#trailer();
    await this.#drain();
    await endCopy(this.stream);
  }

  /** Abandons the COPY (the server fails it, so the transaction must roll back). */
  abort(reason: Error): void {
    if (this.stream === undefined) {
      this.#kept = [];
      this.#keptBytes = 0;
      this.#rows = 0;
      return;
    }
    // The constructor's listener takes the error this raises.
    this.stream.destroy(reason);
  }

  /** The end of binary COPY data. */
  #trailer(): void {
    this.#room(2);
    this.#buffer[this.#offset] = 0xff;
    this.#buffer[this.#offset + 1] = 0xff;
    this.#offset += 2;
  }

  /** In memory: hands the rows kept so far to `run` as one COPY, and starts the next. */
  async #runKept(): Promise<void> {
    this.#trailer();
    const copy = Buffer.concat([...this.#kept, this.#buffer.subarray(0, this.#offset)]);
    this.#kept = [];
    this.#keptBytes = 0;
    this.#rows = 0;
    HEADER.copy(this.#buffer, 0);
    this.#offset = HEADER.length;
    await this.run?.(copy);
  }

  /** Makes room for `bytes` more: a full buffer goes to the connection (without waiting). */
  #room(bytes: number): void {
    if (this.#offset + bytes <= this.#buffer.length) return;
    this.#send(bytes);
  }

  async #drain(): Promise<void> {
    const stream = this.stream;
    if (this.#offset === 0 || stream === undefined) return;
    if (stream.errored) throw stream.errored;
    this.#send(0);
    if (stream.writableLength > MAX_PENDING_BYTES) await drained(stream);
  }

  /**
   * Hands what is buffered to the connection and continues in another buffer with room for
   * `bytes`; the one handed over is reused once the connection has written it.
   */
  #send(bytes: number): void {
    const buffer = this.#buffer;
    if (this.stream === undefined) {
      this.#kept.push(buffer.subarray(0, this.#offset));
      this.#keptBytes += this.#offset;
      this.#buffer = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, bytes));
      this.#offset = 0;
      return;
    }
    this.stream.write(buffer.subarray(0, this.#offset), () => {
      if (buffer.length === CHUNK_BYTES && this.#free.length < MAX_FREE_BUFFERS) this.#free.push(buffer);
    });
    this.#buffer =
      bytes <= CHUNK_BYTES
        ? (this.#free.pop() ?? Buffer.allocUnsafe(CHUNK_BYTES))
        : Buffer.allocUnsafe(bytes);
    this.#offset = 0;
  }
}

/** A `text` value's bytes, for {@link BinaryCopyWriter.bytes}: UTF-8. */
export function textBytes(value: string): Buffer {
  return Buffer.from(value, 'utf8');
}

/** A `jsonb` value's bytes, for {@link BinaryCopyWriter.bytes}: format version 1, then the JSON text. */
export function jsonbBytes(json: string): Buffer {
  const text = Buffer.from(json, 'utf8');
  const bytes = Buffer.allocUnsafe(text.length + 1);
  bytes[0] = 1;
  text.copy(bytes, 1);
  return bytes;
}

/**
 * The base-10,000 digits of `units` ten-thousandths, most significant first, into `digits`
 * (without leading or trailing zero digits). Returns `count << 4 | wholeDigits`: how many digits
 * were written and how many of them, plus one past the point, are whole (the weight + 1).
 */
function numericDigits(units: number, digits: Int32Array): number {
  if (!Number.isSafeInteger(units)) throw new RangeError(`not a whole number of units: ${units}`);
  const magnitude = Math.abs(units);
  const fraction = magnitude % 10_000;
  let whole = (magnitude - fraction) / 10_000;
  // At most 3 whole digits below 2^53 units; written least significant first, then reversed.
  let wholeDigits = 0;
  while (whole > 0) {
    const digit = whole % 10_000;
    digits[wholeDigits++] = digit;
    whole = (whole - digit) / 10_000;
  }
  for (let i = 0, j = wholeDigits - 1; i < j; i++, j--) {
    const swap = digits[i] as number;
    digits[i] = digits[j] as number;
    digits[j] = swap;
  }
  let count = wholeDigits;
  if (fraction !== 0) digits[count++] = fraction;
  while (count > 0 && digits[count - 1] === 0) count--;
  return (count << 4) | wholeDigits;
}
