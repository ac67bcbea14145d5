/**
 * Test harness: a fresh database per test file with the real migrations, and the API over it.
 * Every suite runs against in-memory PGlite and, when DATABASE_URL is set, against that Postgres
 * server too, in a database of its own (created here, dropped afterwards) so files can run in parallel.
 */
import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import postgres from 'postgres';
import { createApiKey, type KeyScope } from '../src/auth/keys.ts';
import { runCli } from '../src/cli.ts';
import { type Database, openDatabase } from '../src/db/connect.ts';
import { mrrSpans, spanAttributeSets } from '../src/db/schema.ts';
import { ensureTenant } from '../src/tenants.ts';
import { type Api, createApi } from '../src/yoga.ts';

/** Which databases the suites run against. */
export const DATABASE_KINDS: readonly ('pglite' | 'postgres')[] = process.env.DATABASE_URL
  ? ['pglite', 'postgres']
  : ['pglite'];

/** The secret tests sign embed tokens with. */
export const TEST_TOKEN_SECRET = 'test-secret-that-is-at-least-32-bytes-long!';

/** An open, migrated database and how to dispose of it. */
export interface TestDatabase {
  readonly database: Database;
  dispose(): Promise<void>;
}

/** Opens a fresh database of the given kind, migrated unless `options.migrate` is false. */
export async function openTestDatabase(
  kind: 'pglite' | 'postgres',
  options: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  const migrate = options.migrate ?? true;
  if (kind === 'pglite') {
    const database = await openDatabase({ kind: 'pglite', dataDir: undefined });
    if (migrate) await database.migrate();
    return { database, dispose: () => database.close() };
  }
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) throw new Error('DATABASE_URL is not set');
  const name = `nrr_api_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ kind: 'postgres', url: url.toString(), maxConnections: 4 });
  if (migrate) await database.migrate();
  return {
    database,
    async dispose() {
      await database.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/** The API over a test database, rate limits off. */
export function testApi(database: Database): Api {
  return createApi({ db: database.db, tokenSecret: TEST_TOKEN_SECRET, rateLimit: false });
}

/** Creates a tenant and a key for it; returns the key's secret. */
export async function tenantWithKey(
  database: Database,
  tenantId: string,
  options: { scope?: KeyScope; reportingCurrency?: string; allowedOrigins?: string[] } = {},
): Promise<string> {
  await ensureTenant(database.db, {
    tenantId,
    ...(options.reportingCurrency ? { reportingCurrency: options.reportingCurrency } : {}),
    ...(options.allowedOrigins ? { allowedOrigins: options.allowedOrigins } : {}),
  });
  const { secret } = await createApiKey(database.db, { tenantId, scope: options.scope ?? 'read_write' });
  return secret;
}

/** A GraphQL response body. */
export interface GraphQLBody<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; path?: string[]; extensions?: Record<string, unknown> }[];
}

/** Posts a GraphQL operation through HTTP (`api.fetch`) and returns the status and body. */
export async function graphql<T = Record<string, unknown>>(
  api: Api,
  query: string,
  options: {
    credential?: string;
    variables?: Record<string, unknown>;
    headers?: Record<string, string>;
  } = {},
): Promise<{ status: number; body: GraphQLBody<T>; headers: Headers }> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
  if (options.credential) headers.authorization = `Bearer ${options.credential}`;
  const response = await api.fetch(
    new Request('http://nrr.test/graphql', {
      method: 'POST',
      headers,
      body: JSON.stringify({ query, variables: options.variables ?? {} }),
    }),
  );
  return {
    status: response.status,
    body: (await response.json()) as GraphQLBody<T>,
    headers: response.headers,
  };
}

/** The join of a span to its attribute set (`span_attribute_sets`), for tests reading stored spans. */
export const SPAN_ATTRIBUTES_JOIN = and(
  eq(spanAttributeSets.tenantId, mrrSpans.tenantId),
  eq(spanAttributeSets.setId, mrrSpans.attributesId),
);

/** Runs `nrr …` in-process against an embedded database in `dir`; returns exit code and output lines. */
export async function runNrr(dir: string, argv: readonly string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    argv,
    (line) => out.push(line),
    (line) => err.push(line),
    { NRR_DATA_DIR: dir, NRR_TOKEN_SECRET: TEST_TOKEN_SECRET },
  );
  return { code, out, err };
}
