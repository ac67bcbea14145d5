/**
 * What an API instance remembers between requests about its callers, so that a warm request
 * costs no database round trip: the secret keys it verified (by the SHA-256 of the secret, as
 * stored) and the rows of their tenants (data version, allowed origins, reporting currency).
 *
 * Consistency: an entry is trusted for `ttlMs` from the moment its read began, then read again;
 * so is a secret found unknown (a bad key costs one database read per `ttlMs`, however often sent).
 * A change announced in this process (`announceChange`: key revocation, imports through the API,
 * exchange rates, allowed origins) drops the entries it concerns at once, including reads already
 * in flight. A change made by another process (another instance, `nrr import`, SQL) is seen
 * within `ttlMs`. With `ttlMs` 0 every request reads the database, as without a cache.
 *
 * Embed tokens are stateless (nothing to revoke): a token whose signature and claims were verified
 * is remembered by its full text, and every later use still checks its expiry, so an expired token
 * is refused exactly as before; only the signature check and claim parsing are skipped.
 */
import { type Change, onChange } from '../db/changes.ts';
import type { Db } from '../db/connect.ts';
import { findTenant, type Tenant } from '../tenants.ts';
import { type EmbedClaims, verifyEmbedToken } from './embed-tokens.ts';
import { type ApiKeyRecord, findKeyBySecret, hashSecret } from './keys.ts';

/** Default time an instance trusts what it read about a key or tenant: 1 second. */
export const DEFAULT_CACHE_TTL_MS = 1000;

/** Most keys (and, separately, tenants) remembered; the least recently read are dropped first. */
const MAX_ENTRIES = 10_000;

/** A verified key, as authentication needs it. */
export type VerifiedKey = Pick<ApiKeyRecord, 'tenantId' | 'keyId' | 'scope'>;

/**
 * Values read from the database, each trusted until its expiry; concurrent reads of one key share
 * one query. With `rememberMissing`, a key found missing is also remembered for `ttlMs`, apart
 * from the found values (so a flood of unknown keys cannot push them out), at most
 * {@link MAX_ENTRIES} of them; only for values that, once missing, cannot appear under the same
 * key in this process without it being announced.
 */
class ExpiringReads<V> {
  readonly #entries = new Map<string, { value: V; expires: number }>();
  /** Keys found missing, and until when that is trusted, oldest first. */
  readonly #misses = new Map<string, number>();
  readonly #pending = new Map<string, { generation: number; value: Promise<V | undefined> }>();
  /** Bumped by every drop: a read that began before it must neither be stored nor joined. */
  #generation = 0;

  constructor(
    readonly ttlMs: number,
    readonly now: () => number,
    readonly rememberMissing = false,
  ) {}

  get(key: string, read: () => Promise<V | undefined>): Promise<V | undefined> {
    if (this.ttlMs <= 0) return read();
    const started = this.now();
    const hit = this.#entries.get(key);
    if (hit && hit.expires > started) return Promise.resolve(hit.value);
    if (hit) this.#entries.delete(key);
    const missing = this.#misses.get(key);
    if (missing !== undefined && missing > started) return Promise.resolve(undefined);
    if (missing !== undefined) this.#misses.delete(key);
    const generation = this.#generation;
    const pending = this.#pending.get(key);
    if (pending && pending.generation === generation) return pending.value;
    const value = read().then(
      (found) => {
        if (this.#pending.get(key)?.value === value) this.#pending.delete(key);
        if (found !== undefined && generation === this.#generation) {
          this.#entries.delete(key);
          this.#entries.set(key, { value: found, expires: started + this.ttlMs });
          if (this.#entries.size > MAX_ENTRIES) {
            const oldest = this.#entries.keys().next().value;
            if (oldest !== undefined) this.#entries.delete(oldest);
          }
        } else if (found === undefined && this.rememberMissing && generation === this.#generation) {
          this.#misses.set(key, started + this.ttlMs);
          if (this.#misses.size > MAX_ENTRIES) {
            const oldest = this.#misses.keys().next().value;
            if (oldest !== undefined) this.#misses.delete(oldest);
          }
        }
        return found;
      },
      (error: unknown) => {
        if (this.#pending.get(key)?.value === value) this.#pending.delete(key);
        throw error;
      },
    );
    this.#pending.set(key, { generation, value });
    return value;
  }

  /** Forgets the entries `matches` selects, and every read in flight. */
  drop(matches: (value: V) => boolean): void {
    this.#generation += 1;
    // A change may concern a key once found missing (a tenant created): forget every miss.
    this.#misses.clear();
    for (const [key, entry] of this.#entries) if (matches(entry.value)) this.#entries.delete(key);
  }

  clear(): void {
    this.#generation += 1;
    this.#entries.clear();
    this.#misses.clear();
  }
}

/** Verified keys and tenant rows of one API instance (see the module comment for consistency). */
export class CallerCache {
  readonly #keys: ExpiringReads<VerifiedKey>;
  readonly #tenants: ExpiringReads<Tenant>;
  /** Verified embed tokens by their text, oldest first. */
  readonly #tokens = new Map<string, EmbedClaims>();
  readonly #now: () => number;

  constructor(
    readonly db: Db,
    options: { ttlMs?: number; now?: () => number } = {},
  ) {
    const ttl = options.ttlMs ?? DEFAULT_CACHE_TTL_MS;
    if (!(Number.isFinite(ttl) && ttl >= 0)) {
      throw new Error(`cacheTtlMs: got ${ttl}, expected a number of milliseconds ≥ 0`);
    }
    const now = options.now ?? Date.now;
    this.#now = now;
    // A secret found unknown stays unknown: keys are created with fresh random secrets, and
    // revocation only turns known into unknown. So an unknown secret is not looked up again
    // within the TTL, however often it is sent.
    this.#keys = new ExpiringReads(ttl, now, true);
    this.#tenants = new ExpiringReads(ttl, now);
    onChange(db, (change) => this.#forget(change));
  }

  /**
   * The unrevoked key a secret belongs to, or `undefined`. A secret found unknown is remembered
   * as such for `ttlMs` (the database is not asked again for it within that time).
   */
  key(secret: string): Promise<VerifiedKey | undefined> {
    return this.#keys.get(hashSecret(secret), async () => {
      const found = await findKeyBySecret(this.db, secret);
      return found ? { tenantId: found.tenantId, keyId: found.keyId, scope: found.scope } : undefined;
    });
  }

  /** The tenant with this id, or `undefined`. */
  tenant(tenantId: string): Promise<Tenant | undefined> {
    return this.#tenants.get(tenantId, () => findTenant(this.db, tenantId));
  }

  /**
   * The claims of a valid embed token signed with `tokenKey`; throws `UNAUTHENTICATED` like
   * `verifyEmbedToken` (an expired token: "the embed token has expired").
   */
  async embedToken(tokenKey: Uint8Array, token: string): Promise<EmbedClaims> {
    const known = this.#tokens.get(token);
    const now = this.#now();
    if (known && now < known.expiresAt.getTime()) return known;
    if (known) this.#tokens.delete(token);
    const claims = await verifyEmbedToken(tokenKey, token, new Date(now));
    this.#tokens.set(token, claims);
    if (this.#tokens.size > MAX_ENTRIES) {
      const oldest = this.#tokens.keys().next().value;
      if (oldest !== undefined) this.#tokens.delete(oldest);
    }
    return claims;
  }

  /** Forgets everything (the next request of every caller reads the database). */
  clear(): void {
    this.#keys.clear();
    this.#tenants.clear();
    this.#tokens.clear();
  }

  #forget(change: Change): void {
    if (change.kind === 'key')
      this.#keys.drop((key) => key.keyId === change.keyId && key.tenantId === change.tenantId);
    else this.#tenants.drop((tenant) => tenant.tenantId === change.tenantId);
  }
}
