/**
 * Stripe webhook endpoint secrets (`whsec_…`), several per tenant during a rotation. Checking
 * Stripe's HMAC needs the secret itself, so it cannot be hashed as API keys are: it is encrypted
 * with AES-256-GCM under the operator's secrets key, with the tenant id as associated data (a row
 * copied to another tenant does not decrypt), and named by a fingerprint (`fp_` + 16 hex digits of
 * its SHA-256) in listings. The secret is never printed after `nrr stripe connect` reads it.
 *
 * The secrets key (32 bytes): `NRR_SECRETS_KEY` (base64, base64url or 64 hex digits), required
 * with `DATABASE_URL` (every instance must share it); with PGlite one is generated on first use and
 * kept in `<NRR_DATA_DIR>/secrets-key` (mode 0600).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../db/connect.ts';
import { stripeEndpointSecrets } from '../db/schema.ts';
import { withTenant } from '../db/tenant-scope.ts';
import { ApiError } from '../errors.ts';
import { findTenant } from '../tenants.ts';

/** What a Stripe endpoint secret looks like: `whsec_` and at least 16 more characters of base64. */
const SECRET_SHAPE = /^whsec_[A-Za-z0-9+/=_-]{16,200}$/;

/** Reads a 32-byte key written as base64, base64url or 64 hex digits; throws naming `name`. */
export function parseSecretsKey(text: string, name = 'NRR_SECRETS_KEY'): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) {
    throw new Error(
      `${name}: expected 32 bytes as base64 or 64 hex digits (e.g. \`openssl rand -base64 32\`), got ${key.length} bytes`,
    );
  }
  return key;
}

/**
 * The secrets key from the environment: `NRR_SECRETS_KEY`, else (PGlite with a data directory)
 * `<dataDir>/secrets-key`, created with mode 0600 on first use; `undefined` for Postgres without
 * the variable (and for in-memory PGlite), where Stripe webhooks are then off.
 */
export function secretsKeyFromEnv(env: NodeJS.ProcessEnv, dataDir: string | undefined): Buffer | undefined {
  const fromEnv = env.NRR_SECRETS_KEY;
  if (fromEnv !== undefined && fromEnv.trim() !== '') return parseSecretsKey(fromEnv);
  if (dataDir === undefined) return undefined;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, 'secrets-key');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
  return parseSecretsKey(readFileSync(file, 'utf8'), file);
}

/** The fingerprint that names a secret: `fp_` and the first 16 hex digits of its SHA-256. */
export function secretFingerprint(secret: string): string {
  return `fp_${createHash('sha256').update(secret).digest('hex').slice(0, 16)}`;
}

function encrypt(key: Buffer, tenantId: string, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(tenantId));
  const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), ciphertext]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.');
}

function decrypt(key: Buffer, tenantId: string, stored: string): string {
  const [version, iv, tag, ciphertext] = stored.split('.');
  if (version !== 'v1' || !iv || !tag || ciphertext === undefined) {
    throw new Error(`stored Stripe secret of tenant ${tenantId} is not in the v1 format`);
  }
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(tenantId));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString(
    'utf8',
  );
}

/** One stored secret as listings show it. */
export interface StripeSecretInfo {
  readonly fingerprint: string;
  readonly createdAt: Date;
}

/**
 * Stores `secret` for `tenantId` (an operator command; the API's role may not write secrets).
 * Storing a secret already stored changes nothing. Returns its fingerprint. The API over the same
 * `db` accepts deliveries signed with it from its next one (see {@link STRIPE_SECRETS_CACHE_TTL_MS}).
 */
export async function addStripeSecret(
  db: Db,
  key: Buffer,
  tenantId: string,
  secret: string,
): Promise<StripeSecretInfo & { readonly added: boolean }> {
  if (!SECRET_SHAPE.test(secret)) {
    throw new ApiError(
      'BAD_USER_INPUT',
      '--secret: expected the endpoint\u2019s signing secret, whsec_ followed by at least 16 characters (Stripe Dashboard \u2192 Webhooks \u2192 the endpoint \u2192 Signing secret)',
    );
  }
  if (!(await findTenant(db, tenantId))) {
    throw new ApiError(
      'NOT_FOUND',
      `tenant ${JSON.stringify(tenantId)} does not exist (nrr tenants create ${tenantId})`,
    );
  }
  const fingerprint = secretFingerprint(secret);
  const inserted = await db
    .insert(stripeEndpointSecrets)
    .values({ tenantId, fingerprint, secretEncrypted: encrypt(key, tenantId, secret) })
    .onConflictDoNothing()
    .returning({ createdAt: stripeEndpointSecrets.createdAt });
  // After the write, so that no delivery in between caches the secrets from before it.
  forgetStripeSecrets(db, tenantId);
  if (inserted[0]) return { fingerprint, createdAt: inserted[0].createdAt, added: true };
  const [existing] = await db
    .select({ createdAt: stripeEndpointSecrets.createdAt })
    .from(stripeEndpointSecrets)
    .where(
      and(eq(stripeEndpointSecrets.tenantId, tenantId), eq(stripeEndpointSecrets.fingerprint, fingerprint)),
    );
  return { fingerprint, createdAt: existing?.createdAt ?? new Date(), added: false };
}

/** The tenant's stored secrets by fingerprint, oldest first. */
export async function listStripeSecrets(db: Db, tenantId: string): Promise<StripeSecretInfo[]> {
  return db
    .select({ fingerprint: stripeEndpointSecrets.fingerprint, createdAt: stripeEndpointSecrets.createdAt })
    .from(stripeEndpointSecrets)
    .where(eq(stripeEndpointSecrets.tenantId, tenantId))
    .orderBy(asc(stripeEndpointSecrets.createdAt), asc(stripeEndpointSecrets.fingerprint));
}

/**
 * Removes the secret with `fingerprint`; throws `NOT_FOUND` naming the fingerprints stored. The API
 * over the same `db` refuses deliveries signed only with it from its next one.
 */
export async function removeStripeSecret(db: Db, tenantId: string, fingerprint: string): Promise<void> {
  const removed = await db
    .delete(stripeEndpointSecrets)
    .where(
      and(eq(stripeEndpointSecrets.tenantId, tenantId), eq(stripeEndpointSecrets.fingerprint, fingerprint)),
    )
    .returning({ fingerprint: stripeEndpointSecrets.fingerprint });
  forgetStripeSecrets(db, tenantId);
  if (removed.length === 0) {
    const stored = (await listStripeSecrets(db, tenantId)).map((entry) => entry.fingerprint);
    throw new ApiError(
      'NOT_FOUND',
      `tenant ${tenantId} has no Stripe secret ${fingerprint}; stored: ${stored.length === 0 ? 'none' : stored.join(', ')}`,
    );
  }
}

/**
 * How long a tenant's decrypted secrets are kept in memory, in milliseconds: a delivery then
 * costs no database read before its signature is checked. {@link addStripeSecret} and
 * {@link removeStripeSecret} drop the tenant's entry at once for the API over the same `Db` (the
 * same process); an API in another process (another instance, or the API beside an `nrr stripe
 * connect` run elsewhere) sees a rotation within this time.
 */
export const STRIPE_SECRETS_CACHE_TTL_MS = 10_000;

/** Tenants kept per database at most (unknown tenant ids are kept too, as `[]`): then it starts over. */
const MAX_CACHED_TENANTS = 10_000;

/**
 * Decrypted secrets by tenant, per database (a `Db` object): the read (shared by the deliveries
 * that arrive while it runs) and when it expires; `changes` counts the secrets stored or removed,
 * so that a read that overlapped one is not kept.
 */
const cached = new WeakMap<
  object,
  { entries: Map<string, { read: Promise<readonly string[]>; expiresAt: number }>; changes: number }
>();

function cacheOf(db: Db) {
  let cache = cached.get(db);
  if (!cache) {
    cache = { entries: new Map(), changes: 0 };
    cached.set(db, cache);
  }
  return cache;
}

/** Drops the tenant's cached secrets in this process (after a secret was stored or removed). */
export function forgetStripeSecrets(db: Db, tenantId: string): void {
  const cache = cacheOf(db);
  cache.entries.delete(tenantId);
  cache.changes += 1;
}

/**
 * The tenant's secrets in clear, for verifying a delivery: read as the tenant (row-level
 * security), so an unknown tenant and a tenant without a secret both give `[]` by the same query;
 * then kept for {@link STRIPE_SECRETS_CACHE_TTL_MS} (both kinds of `[]` too, so they still cost the
 * same). Deliveries that arrive while the tenant's secrets are being read wait for that one read.
 * `nowMs` is for tests.
 */
export function stripeSecretsOf(
  db: Db,
  key: Buffer,
  tenantId: string,
  nowMs: number = Date.now(),
): Promise<readonly string[]> {
  const cache = cacheOf(db);
  const hit = cache.entries.get(tenantId);
  if (hit !== undefined && hit.expiresAt > nowMs) return hit.read;
  const changes = cache.changes;
  const read = readStripeSecrets(db, key, tenantId);
  if (cache.entries.size >= MAX_CACHED_TENANTS) cache.entries.clear();
  const entry = { read, expiresAt: nowMs + STRIPE_SECRETS_CACHE_TTL_MS };
  cache.entries.set(tenantId, entry);
  const drop = () => {
    if (cache.entries.get(tenantId) === entry) cache.entries.delete(tenantId);
  };
  // A failed read is not kept; nor one that a secret stored or removed meanwhile may have missed
  // (its callers get what it read, the next delivery reads again).
  read.then(() => {
    if (cache.changes !== changes) drop();
  }, drop);
  return read;
}

async function readStripeSecrets(db: Db, key: Buffer, tenantId: string): Promise<string[]> {
  const rows = await withTenant(
    db,
    tenantId,
    (tx) =>
      tx
        .select({ secretEncrypted: stripeEndpointSecrets.secretEncrypted })
        .from(stripeEndpointSecrets)
        .where(eq(stripeEndpointSecrets.tenantId, tenantId)),
    { readOnly: true },
  );
  return rows.map((row) => decrypt(key, tenantId, row.secretEncrypted));
}
