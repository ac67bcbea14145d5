/**
 * One way for bulk writers to reach either database inside a drizzle transaction: statements with
 * `$n` parameters, and binary `COPY` — streamed over the connection on Postgres (postgres.js),
 * handed over a few megabytes at a time as `COPY … FROM '/dev/blob'` on PGlite.
 */
import type { Transaction as PgliteTransaction } from '@electric-sql/pglite';
import { BinaryCopyWriter } from './binary-copy.ts';
import { copyConnection, sessionClient } from './copy.ts';
import type { Tx } from './tenant-scope.ts';

/** A transaction's statements and binary COPY (see the module comment). */
export interface CopyClient {
  /** Runs one statement (trusted text, values as `$n` parameters); its rows. */
  query<T extends object>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** Starts a binary COPY into `target`: a table and its columns, `mrr_spans (tenant_id, …)`. */
  copy(target: string): Promise<BinaryCopyWriter>;
}

/**
 * The {@link CopyClient} of a drizzle transaction on postgres.js or PGlite; throws for any other
 * driver.
 */
export function copyClient(tx: Tx): CopyClient {
  const connection = copyConnection(tx);
  if (connection) {
    return {
      query: <T extends object>(text: string, params: readonly unknown[] = []) =>
        connection.unsafe<T[]>(text, params as never[]) as unknown as Promise<T[]>,
      copy: (target) => BinaryCopyWriter.open(connection, `copy ${target} from stdin with (format binary)`),
    };
  }
  const client = sessionClient(tx) as PgliteTransaction | undefined;
  if (typeof client?.query !== 'function')
    throw new Error('copyClient: neither a postgres.js nor a PGlite transaction');
  return {
    query: async <T extends object>(text: string, params: readonly unknown[] = []) =>
      (await client.query<T>(text, [...params])).rows,
    copy: async (target) => BinaryCopyWriter.inMemory((copy) => copyBlob(client, target, copy)),
  };
}

/**
 * `COPY target FROM '/dev/blob'` on PGlite. Postgres lets only a superuser (or a member of
 * `pg_read_server_files`) copy from a file, and this is one to it, so the copy runs as the session's
 * user — PGlite's embedded superuser — and the transaction's role is restored after it. (Embedded,
 * the database has no other user to protect; the API's own role still confines every query.)
 */
async function copyBlob(client: PgliteTransaction, target: string, copy: Buffer<ArrayBuffer>): Promise<void> {
  const [current] = (await client.query<{ role: string }>('select current_user as role')).rows;
  const role = current?.role ?? '';
  if (!/^[a-z_][a-z0-9_]*$/.test(role))
    throw new Error(`copyBlob: unexpected role name ${JSON.stringify(role)}`);
  await client.query('set local role none');
  // A failed copy aborts the transaction, which then rolls back (role included).
  await client.query(`copy ${target} from '/dev/blob' with (format binary)`, [], { blob: new Blob([copy]) });
  await client.query(`set local role ${role}`);
}
