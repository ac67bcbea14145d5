/**
 * The one place that chooses the database: Postgres through the `postgres` driver when a URL is
 * given (`DATABASE_URL`), otherwise an embedded PGlite persisted in a directory (`NRR_DATA_DIR`,
 * default `.nrr/data`), or in memory for tests. Everything else sees a drizzle {@link Db}.
 */
import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { lockDataDir } from './data-dir-lock.ts';
import * as schema from './schema.ts';

/** A drizzle database over either driver. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/** Where the data lives. */
export type DatabaseTarget =
  /** A Postgres server, e.g. `postgres://user@host:5432/db`. */
  | { readonly kind: 'postgres'; readonly url: string; readonly maxConnections?: number }
  /** Embedded PGlite persisted in `dataDir`, or in memory when `dataDir` is `undefined`. */
  | { readonly kind: 'pglite'; readonly dataDir: string | undefined };

/** An open database: drizzle on top, the driver's kind, and a way to close it. */
export interface Database {
  readonly db: Db;
  readonly kind: DatabaseTarget['kind'];
  /** Applies the committed migrations in `packages/api/drizzle` that have not run yet. */
  migrate(): Promise<void>;
  /** Closes the connections (PGlite: and releases the data directory's lock). */
  close(): Promise<void>;
}

/** The committed SQL migrations. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url));

/** Default directory of the embedded database, relative to the working directory. */
export const DEFAULT_DATA_DIR = '.nrr/data';

/**
 * The target the environment asks for: `DATABASE_URL` if set, else PGlite in `NRR_DATA_DIR`
 * (default {@link DEFAULT_DATA_DIR}).
 */
export function targetFromEnv(env: NodeJS.ProcessEnv = process.env): DatabaseTarget {
  const url = env.DATABASE_URL?.trim();
  if (url) return { kind: 'postgres', url };
  return { kind: 'pglite', dataDir: env.NRR_DATA_DIR?.trim() || DEFAULT_DATA_DIR };
}

/**
 * Opens a database. Does not migrate; call {@link Database.migrate}. A PGlite directory is created
 * if absent (mode 0700, as are its contents: owner only) and locked for this process until
 * {@link Database.close} or exit; if another live process has it open, throws `DataDirLocked`
 * naming the directory, the holder's pid and what to do instead.
 */
export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if (target.kind === 'postgres') {
    const client = postgres(target.url, { max: target.maxConnections ?? 10, onnotice: () => {} });
    const db = drizzlePostgres(client, { schema }) as unknown as Db;
    return {
      db,
      kind: 'postgres',
      async migrate() {
        // Several instances may start at once: one migrates, the others wait for it.
        const lock = await client.reserve();
        try {
          await lock`select pg_advisory_lock(7401234567)`;
          await migratePostgres(drizzlePostgres(client), { migrationsFolder: MIGRATIONS_FOLDER });
        } finally {
          await lock`select pg_advisory_unlock(7401234567)`;
          lock.release();
        }
      },
      async close() {
        await client.end({ timeout: 5 });
      },
    };
  }
  if (target.dataDir === undefined) return pgliteDatabase(new PGlite(), () => {});
  const { dataDir } = target;
  // Owner only, as Postgres itself insists on for its data directory: nothing inside is reachable
  // by other users, whatever the modes of the files in it.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  const lock = lockDataDir(dataDir);
  try {
    const database = await pgliteDatabase(new PGlite(dataDir), () => {
      restrictToOwner(dataDir);
      lock.release();
    });
    // PGlite unpacks a new cluster's files world-writable (0666); Postgres creates its later ones 0600.
    restrictToOwner(dataDir);
    return database;
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function pgliteDatabase(client: PGlite, afterClose: () => void): Promise<Database> {
  await client.waitReady;
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  let closing: Promise<void> | undefined;
  return {
    db,
    kind: 'pglite',
    async migrate() {
      await migratePglite(drizzlePglite(client), { migrationsFolder: MIGRATIONS_FOLDER });
    },
    close() {
      closing ??= client.close().finally(afterClose);
      return closing;
    },
  };
}

/**
 * Takes group and other permissions off everything under `dir` (files 0600, directories 0700 with
 * the usual umask), leaving symbolic links alone.
 */
function restrictToOwner(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isSymbolicLink()) continue;
    const path = join(dir, entry.name);
    try {
      const { mode } = lstatSync(path);
      if ((mode & 0o077) !== 0) chmodSync(path, mode & 0o7700);
      if (entry.isDirectory()) restrictToOwner(path);
    } catch (error) {
      // A file Postgres removed meanwhile (a temporary file) needs no change.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}
