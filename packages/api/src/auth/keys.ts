/**
 * Secret API keys (`nrr_sk_…`) for servers and analysts. Only a SHA-256 hash of a key is stored;
 * the key itself is returned once, at creation.
 */
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { announceChange } from '../db/changes.ts';
import type { Db } from '../db/connect.ts';
import { apiKeys } from '../db/schema.ts';
import { ApiError } from '../errors.ts';
import { findTenant } from '../tenants.ts';

/** What a key may do: `read` queries, or also `read_write` (imports). */
export type KeyScope = 'read' | 'read_write';

/** Every secret key starts with this. */
export const SECRET_KEY_PREFIX = 'nrr_sk_';

/** A stored key, without its secret. */
export interface ApiKeyRecord {
  readonly tenantId: string;
  readonly keyId: string;
  readonly name: string;
  readonly scope: KeyScope;
  readonly createdAt: Date;
  /** `null` while the key is valid. */
  readonly revokedAt: Date | null;
}

/** SHA-256 of a secret, hex. Keys have 192 random bits, so a fast hash is enough (no brute force). */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/**
 * Creates a key for a tenant and returns its record and the secret (shown once; only its hash is
 * stored). `scope` defaults to `read`. Throws `NOT_FOUND` for an unknown tenant.
 */
export async function createApiKey(
  db: Db,
  input: { tenantId: string; name?: string; scope?: KeyScope },
): Promise<{ key: ApiKeyRecord; secret: string }> {
  if (!(await findTenant(db, input.tenantId))) {
    throw new ApiError('NOT_FOUND', `tenant ${JSON.stringify(input.tenantId)} does not exist`);
  }
  const keyId = `key_${randomBytes(6).toString('hex')}`;
  const secret = `${SECRET_KEY_PREFIX}${randomBytes(24).toString('base64url')}`;
  const [row] = await db
    .insert(apiKeys)
    .values({
      tenantId: input.tenantId,
      keyId,
      name: input.name ?? keyId,
      scope: input.scope ?? 'read',
      secretHash: hashSecret(secret),
    })
    .returning();
  if (!row) throw new Error('insert returned no row');
  return { key: toRecord(row), secret };
}

/** A tenant's keys, newest first, revoked ones included. */
export async function listApiKeys(db: Db, tenantId: string): Promise<ApiKeyRecord[]> {
  const rows = await db.select().from(apiKeys).where(eq(apiKeys.tenantId, tenantId));
  return rows.map(toRecord).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
}

/**
 * Revokes a key; `NOT_FOUND` if the tenant has no such unrevoked key. APIs over the same `db` in
 * this process refuse it from the next request; other processes within their `cacheTtlMs`.
 */
export async function revokeApiKey(db: Db, tenantId: string, keyId: string): Promise<void> {
  const updated = await db
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.keyId, keyId), isNull(apiKeys.revokedAt)))
    .returning({ keyId: apiKeys.keyId });
  if (updated.length === 0) {
    throw new ApiError('NOT_FOUND', `tenant ${tenantId} has no active key ${JSON.stringify(keyId)}`);
  }
  announceChange(db, { kind: 'key', tenantId, keyId });
}

/** The valid (unrevoked) key a secret belongs to, or `undefined`. */
export async function findKeyBySecret(db: Db, secret: string): Promise<ApiKeyRecord | undefined> {
  if (!secret.startsWith(SECRET_KEY_PREFIX)) return undefined;
  const [row] = await db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.secretHash, hashSecret(secret)), isNull(apiKeys.revokedAt)));
  return row ? toRecord(row) : undefined;
}

function toRecord(row: typeof apiKeys.$inferSelect): ApiKeyRecord {
  return {
    tenantId: row.tenantId,
    keyId: row.keyId,
    name: row.name,
    scope: row.scope === 'read_write' ? 'read_write' : 'read',
    createdAt: row.createdAt,
    revokedAt: row.revokedAt,
  };
}
