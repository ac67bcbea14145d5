/**
 * What the hardening suites share: a tenant's complete stored state (to prove a failed import
 * changed nothing), the shape every error answer must have, generated period files, and a
 * counter of cases tried that each suite prints at the end.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { expect } from 'vitest';
import { type Database, openDatabase } from '../../src/db/connect.ts';
import { resultRows } from '../../src/db/tenant-scope.ts';
import type { GraphQLBody } from '../harness.ts';

/** Error codes the API may answer with, besides graphql's own parse and validation codes. */
export const CLIENT_CODES = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'RATE_LIMITED',
  'COST_LIMIT',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
]);

/**
 * Everything stored for a tenant that an import may change: the span count, a digest of every
 * span, the data version and the number of successful imports. Failed attempts are
 * recorded in `imports` by design, so only successful ones are counted.
 */
export interface TenantState {
  readonly spans: number;
  readonly succeededImports: number;
  readonly dataVersion: number;
  readonly spansDigest: string;
}

/** Reads {@link TenantState} as the owner role (row-level security does not apply to it). */
export async function tenantState(database: Database, tenantId: string): Promise<TenantState> {
  const rows = resultRows<Record<string, unknown>>(
    await database.db.execute(sql`
      select
        (select count(*) from mrr_spans where tenant_id = ${tenantId})::int as spans,
        (select count(*) from imports where tenant_id = ${tenantId} and status = 'SUCCEEDED')::int as succeeded,
        (select data_version from tenants where tenant_id = ${tenantId})::int as version,
        (select coalesce(md5(string_agg(concat_ws('|', s.customer_id, s.subscription_id, s.start_at, s.end_at, s.mrr,
             s.currency, s.canceled_at, a.attributes::text), ',' order by s.customer_id, s.subscription_id, s.start_at)), '')
           from mrr_spans s left join span_attribute_sets a on a.tenant_id = s.tenant_id and a.set_id = s.attributes_id
           where s.tenant_id = ${tenantId}) as spans_digest`),
  );
  const row = rows[0] ?? {};
  return {
    spans: Number(row.spans),
    succeededImports: Number(row.succeeded),
    dataVersion: Number(row.version),
    spansDigest: String(row.spans_digest),
  };
}

/**
 * Asserts an answer is a correct result or a clean coded refusal: HTTP status below 500, every
 * error with a known client code (never `INTERNAL`), no stack trace or driver text in the body.
 */
export function expectCleanAnswer(status: number, body: GraphQLBody, raw = JSON.stringify(body)): void {
  expect(status, raw.slice(0, 500)).toBeLessThan(500);
  for (const error of body.errors ?? []) {
    expect(CLIENT_CODES.has(String(error.extensions?.code)), raw.slice(0, 500)).toBe(true);
    expect(error.message.length).toBeGreaterThan(0);
  }
  expect(raw).not.toMatch(/\n\s+at |"stack"|postgres|PGlite|relation "|syntax error at/i);
}

/** Counts cases per label and prints them once, as `[hardening] <suite>: N cases {...}`. */
export class CaseCounter {
  readonly #counts: Record<string, number> = {};
  constructor(readonly suite: string) {}
  /** Counts one case of `label`. */
  add(label: string, n = 1): void {
    this.#counts[label] = (this.#counts[label] ?? 0) + n;
  }
  /** The total so far. */
  get total(): number {
    return Object.values(this.#counts).reduce((a, b) => a + b, 0);
  }
  /** Prints the counts. */
  print(): void {
    console.log(`[hardening] ${this.suite}: ${this.total} cases ${JSON.stringify(this.#counts)}`);
  }
}

/** The subscription-periods header with one attribute column. */
export const PERIODS_HEADER = 'subscription_id,customer_id,start_date,end_date,monthly_amount,currency,plan';

/**
 * A valid periods file of `rows` rows: customer `c<i % customers>` holds subscription `<prefix><i>`
 * at `10 + (i % 90)` per month from a January between 2021 and 2023, some ending a year later.
 */
export function* periodLines(rows: number, prefix = 's', customers = Math.max(1, Math.floor(rows / 2))) {
  yield PERIODS_HEADER;
  for (let i = 0; i < rows; i += 1) {
    const year = 2021 + (i % 3);
    const end = i % 5 === 0 ? `${year + 1}-01-01` : '';
    yield `${prefix}${i},c${i % customers},${year}-01-01,${end},${10 + (i % 90)}.25,USD,${i % 2 ? 'Growth' : 'Starter'}`;
  }
}

/** A periods file as one text. */
export function periodsText(rows: number, prefix = 's', customers?: number): string {
  return `${[...periodLines(rows, prefix, customers)].join('\n')}\n`;
}

/** A fresh, migrated Postgres database of its own (for tests that hand its URL to a child process). */
export interface OwnPostgres {
  readonly url: string;
  readonly database: Database;
  /** An admin connection to the server (for pg_stat_activity and pg_terminate_backend). */
  readonly admin: ReturnType<typeof postgres>;
  dispose(): Promise<void>;
}

/** Creates {@link OwnPostgres} on the server of `DATABASE_URL`, named `nrr_hardening_<random>`. */
export async function ownPostgres(maxConnections = 4): Promise<OwnPostgres> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) throw new Error('DATABASE_URL is not set');
  const name = `nrr_hardening_${randomBytes(6).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 2, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ kind: 'postgres', url: url.toString(), maxConnections });
  await database.migrate();
  return {
    url: url.toString(),
    database,
    admin,
    async dispose() {
      await database.close().catch(() => {});
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/** Why Postgres-only tests are skipped, or `undefined` when they run. */
export const POSTGRES_SKIP_REASON = process.env.DATABASE_URL
  ? undefined
  : 'DATABASE_URL is not set: Postgres-only hardening tests are skipped (CI sets it to postgres://postgres@127.0.0.1:5432/test)';

/** The p-th percentile (0–100) of `values`, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}
