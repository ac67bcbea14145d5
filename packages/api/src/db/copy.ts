/**
 * Bulk loading with `COPY … FROM STDIN` on Postgres (postgres.js), inside a drizzle transaction.
 * PGlite has no streaming COPY here: {@link copyConnection} returns `undefined` for it and callers
 * keep their batched-statement path.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { TransactionSql } from 'postgres';
import type { Tx } from './tenant-scope.ts';

/**
 * The postgres.js connection a drizzle transaction runs on, or `undefined` when the transaction is
 * not a postgres.js one (PGlite). Reads drizzle's session, which is not part of its typed API.
 */
export function copyConnection(tx: Tx): TransactionSql | undefined {
  const client = (tx as unknown as { session?: { client?: unknown } }).session?.client as
    | (TransactionSql & { savepoint?: unknown })
    | undefined;
  return typeof client?.unsafe === 'function' && typeof client.savepoint === 'function' ? client : undefined;
}

/** One value in COPY's text format: `\N` for null; backslash, tab, line feed and return escaped. */
export function copyText(value: string | null): string {
  if (value === null) return '\\N';
  return /[\\\t\n\r]/.test(value)
    ? value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : value;
}

/**
 * Bytes a COPY's stream may hold that the connection has not yet taken before the writer waits:
 * enough for Node to go on encoding rows while the socket and the server catch up, rather than
 * stopping at every chunk.
 */
export const MAX_PENDING_BYTES = 4 << 20;

/** Characters buffered before a chunk is handed to the connection. */
const CHUNK_CHARS = 1 << 16;

/**
 * Rows streamed into one `COPY <table> (<columns>) FROM STDIN` (text format), with backpressure:
 * {@link CopyWriter.write} waits while the connection's buffer is full.
 */
export class CopyWriter {
  #buffer = '';

  private constructor(private readonly stream: Writable) {}

  /** Starts `statement` (a `COPY … FROM STDIN`, trusted text) on `connection`. */
  static async open(connection: TransactionSql, statement: string): Promise<CopyWriter> {
    return new CopyWriter(await openCopy(connection, statement));
  }

  /** Appends one row (values already in COPY text form, see {@link copyText}). */
  async write(values: readonly string[]): Promise<void> {
    await this.writeLine(`${values.join('\t')}\n`);
  }

  /**
   * Appends one row given as a whole line (tab-separated values in COPY text form, ending in a
   * line feed). Returns a promise, to be awaited, only when the buffer went to the connection.
   */
  writeLine(line: string): Promise<void> | undefined {
    this.#buffer += line;
    return this.#buffer.length >= CHUNK_CHARS ? this.#drain() : undefined;
  }

  /** Sends what is buffered and ends the COPY; resolves when the server has taken every row. */
  async end(): Promise<void> {
    await this.#drain();
    await endCopy(this.stream);
  }

  /** Abandons the COPY (the server fails it, so the transaction must roll back). */
  abort(reason: Error): void {
    this.stream.on('error', () => {});
    this.stream.destroy(reason);
  }

  async #drain(): Promise<void> {
    if (this.#buffer === '') return;
    const chunk = this.#buffer;
    this.#buffer = '';
    this.stream.write(chunk);
    if (this.stream.writableLength > MAX_PENDING_BYTES) await drained(this.stream);
  }
}

/** Starts a `COPY … FROM STDIN` (trusted text) on `connection` and returns its stream. */
export async function openCopy(connection: TransactionSql, statement: string): Promise<Writable> {
  return connection.unsafe(statement).writable();
}

/**
 * Ends a COPY's stream and waits until the server has taken every row. A row the server refuses
 * (a value its column cannot hold) fails the stream with the server's error (our postgres.js
 * patch: unpatched, the stream would wait forever and the error be lost).
 */
export async function endCopy(stream: Writable): Promise<void> {
  stream.end();
  await finished(stream);
}

/** Waits for a COPY stream to drain; throws the server's error if it refused a row meanwhile. */
export async function drained(stream: Writable): Promise<void> {
  await once(stream, 'drain');
}
