/**
 * Bulk loading with `COPY … FROM STDIN` on Postgres (postgres.js), inside a drizzle transaction
 * (the rows themselves are encoded by `BinaryCopyWriter`, binary-copy.ts).
 * PGlite has no streaming COPY: {@link copyConnection} returns `undefined` for it, and copy-client.ts
 * hands PGlite its COPY data a few megabytes at a time instead.
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
  const client = sessionClient(tx) as (TransactionSql & { savepoint?: unknown }) | undefined;
  return typeof client?.unsafe === 'function' && typeof client.savepoint === 'function' ? client : undefined;
}

/** The driver's own client under a drizzle transaction (drizzle's session; not its typed API). */
export function sessionClient(tx: Tx): unknown {
  return (tx as unknown as { session?: { client?: unknown } }).session?.client;
}

/**
 * Bytes a COPY's stream may hold that the connection has not yet taken before the writer waits:
 * enough for Node to go on encoding rows while the socket and the server catch up, rather than
 * stopping at every chunk.
 */
export const MAX_PENDING_BYTES = 4 << 20;

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
