/**
 * Tenants: creation and lookup. These are operator actions (CLI, start-up), run as the owner role;
 * request-time reads go through `withTenant`.
 */
import { CURRENCY_CODE, type ResolvedDefinitions, tryResolveDefinitions } from '@nrr/core';
import { eq } from 'drizzle-orm';
import { announceChange } from './db/changes.ts';
import type { Db } from './db/connect.ts';
import { tenants } from './db/schema.ts';
import type { Tx } from './db/tenant-scope.ts';
import { ApiError } from './errors.ts';

/** The shape of a tenant id: 1–64 characters of lower-case letters, digits, `_` and `-`, starting alphanumeric. */
export const TENANT_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** A tenant as the API sees it. */
export interface Tenant {
  readonly tenantId: string;
  readonly name: string;
  /** ISO 4217 code every figure is reported in. */
  readonly reportingCurrency: string;
  /** Counter bumped by every import that changed data. */
  readonly dataVersion: number;
  /** Browser origins allowed by CORS. */
  readonly allowedOrigins: readonly string[];
  /** The tenant's settings: the definitions every question uses unless it overrides them. */
  readonly definitions: ResolvedDefinitions;
}

/**
 * The stored settings (`tenants.definitions`) resolved over the engine's defaults: `{}` is the
 * defaults. Stored settings were checked when written; a value a later engine no longer accepts
 * is an error naming the tenant and the problems rather than a silent fallback.
 */
export function storedDefinitions(tenantId: string, stored: unknown): ResolvedDefinitions {
  const resolved = tryResolveDefinitions(stored ?? {});
  if (resolved.ok) return resolved.definitions;
  throw new Error(
    `tenant ${tenantId}: stored definitions are not valid: ${resolved.problems.map((p) => p.message).join('; ')}`,
  );
}

/** A tenant row as the API sees it. */
export function tenantOfRow(row: typeof tenants.$inferSelect): Tenant {
  return {
    tenantId: row.tenantId,
    name: row.name,
    reportingCurrency: row.reportingCurrency,
    dataVersion: row.dataVersion,
    allowedOrigins: row.allowedOrigins,
    definitions: storedDefinitions(row.tenantId, row.definitions),
  };
}

/** Checks a tenant id, throwing `BAD_USER_INPUT` that names the expected shape. */
export function assertTenantId(tenantId: string): void {
  if (!TENANT_ID.test(tenantId)) {
    throw new ApiError(
      'BAD_USER_INPUT',
      `tenant id ${JSON.stringify(tenantId)} is not valid: expected 1–64 characters of a-z, 0-9, "_" or "-", starting with a letter or digit`,
    );
  }
}

/** Checks an ISO 4217 currency code, throwing `BAD_USER_INPUT`. */
export function assertCurrency(currency: string, field = 'currency'): void {
  if (!CURRENCY_CODE.test(currency)) {
    throw new ApiError(
      'BAD_USER_INPUT',
      `${field}: got ${JSON.stringify(currency)}, expected an ISO 4217 code of three upper-case letters such as USD`,
    );
  }
}

/**
 * Creates a tenant if it does not exist and returns it (an existing tenant is returned unchanged).
 * `reportingCurrency` defaults to USD.
 */
export async function ensureTenant(
  db: Db,
  input: { tenantId: string; name?: string; reportingCurrency?: string; allowedOrigins?: readonly string[] },
): Promise<Tenant> {
  assertTenantId(input.tenantId);
  const reportingCurrency = input.reportingCurrency ?? 'USD';
  assertCurrency(reportingCurrency, 'reporting currency');
  await db
    .insert(tenants)
    .values({
      tenantId: input.tenantId,
      name: input.name ?? input.tenantId,
      reportingCurrency,
      allowedOrigins: [...(input.allowedOrigins ?? [])],
    })
    .onConflictDoNothing();
  const tenant = await findTenant(db, input.tenantId);
  if (!tenant) throw new Error(`tenant ${input.tenantId} vanished after insert`);
  return tenant;
}

/** The tenant with this id, or `undefined`. Works on the database or inside a tenant transaction. */
export async function findTenant(db: Db | Tx, tenantId: string): Promise<Tenant | undefined> {
  const [row] = await db.select().from(tenants).where(eq(tenants.tenantId, tenantId));
  if (!row) return undefined;
  return tenantOfRow(row);
}

/** Every tenant, by id. */
export async function listTenants(db: Db): Promise<Tenant[]> {
  const rows = await db.select().from(tenants).orderBy(tenants.tenantId);
  return rows.map(tenantOfRow);
}

/**
 * Replaces a tenant's CORS origins. Each must be an origin (`scheme://host[:port]`, no path);
 * `*` is refused because embed tokens are bearer credentials.
 */
export async function setAllowedOrigins(db: Db, tenantId: string, origins: readonly string[]): Promise<void> {
  for (const origin of origins) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || parsed.origin !== origin) {
      throw new ApiError(
        'BAD_USER_INPUT',
        `origin ${JSON.stringify(origin)} is not valid: expected scheme://host[:port] with no path or trailing slash, e.g. https://app.example.com`,
      );
    }
  }
  const updated = await db
    .update(tenants)
    .set({ allowedOrigins: [...origins] })
    .where(eq(tenants.tenantId, tenantId))
    .returning({ tenantId: tenants.tenantId });
  if (updated.length === 0)
    throw new ApiError('NOT_FOUND', `tenant ${JSON.stringify(tenantId)} does not exist`);
  announceChange(db, { kind: 'tenant', tenantId });
}
