/**
 * What the hardening suites share: a tenant's complete stored state (to prove a failed import
 * changed nothing), the shape every error answer must have, generated period files, and a
 * counter of cases tried that each suite prints at the end.
 */
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import type { Database } from '../../src/db/connect.ts';
import { resultRows } from '../../src/db/tenant-scope.ts';
import type { GraphQLBody } from '../harness.ts';

/** Error codes the API may answer with, besides graphql's own parse and validation codes. */
export const CLIENT_CODES = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'RATE_LIMITED',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
]);

/**
 * Everything stored for a tenant that an import may change: row counts, a digest of every span
 * and timeline, the data version and the number of successful imports. Failed attempts are
 * recorded in `imports` by design, so only successful ones are counted.
 */
export interface TenantState {
  readonly spans: number;
  readonly timelines: number;
  readonly succeededImports: number;
  readonly dataVersion: number;
  readonly spansDigest: string;
  readonly timelinesDigest: string;
}

/** Reads {@link TenantState} as the owner role (row-level security does not apply to it). */
export async function tenantState(database: Database, tenantId: string): Promise<TenantState> {
  const rows = resultRows<Record<string, unknown>>(
    await database.db.execute(sql`
      select
        (select count(*) from mrr_spans where tenant_id = ${tenantId})::int as spans,
        (select count(*) from customer_timelines where tenant_id = ${tenantId})::int as timelines,
        (select count(*) from imports where tenant_id = ${tenantId} and status = 'SUCCEEDED')::int as succeeded,
        (select data_version from tenants where tenant_id = ${tenantId})::int as version,
        (select coalesce(md5(string_agg(source_key || ':' || content_hash, ',' order by source_key)), '')
           from mrr_spans where tenant_id = ${tenantId}) as spans_digest,
        (select coalesce(md5(string_agg(customer_id || ':' || entities::text || attributes::text, ',' order by customer_id)), '')
           from customer_timelines where tenant_id = ${tenantId}) as timelines_digest`),
  );
  const row = rows[0] ?? {};
  return {
    spans: Number(row.spans),
    timelines: Number(row.timelines),
    succeededImports: Number(row.succeeded),
    dataVersion: Number(row.version),
    spansDigest: String(row.spans_digest),
    timelinesDigest: String(row.timelines_digest),
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
