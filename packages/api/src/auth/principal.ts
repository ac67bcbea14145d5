/**
 * Who is calling: a secret key (server or analyst) or an embed token (browser), always for exactly
 * one tenant. Resolved from the `Authorization: Bearer …` header once per request.
 */
import type { DefinitionsInput } from '@nrr/core';
import type { Db } from '../db/connect.ts';
import { ApiError } from '../errors.ts';
import type { CallerCache, VerifiedKey } from './caller-cache.ts';
import { type EmbedClaims, verifyEmbedToken } from './embed-tokens.ts';
import { findKeyBySecret, type KeyScope, SECRET_KEY_PREFIX } from './keys.ts';
import type { SegmentFilter } from './segment-lock.ts';

/** An authenticated caller. */
export type Principal =
  | {
      readonly kind: 'SECRET_KEY';
      readonly tenantId: string;
      readonly keyId: string;
      readonly scope: KeyScope;
    }
  | {
      readonly kind: 'EMBED_TOKEN';
      readonly tenantId: string;
      readonly tokenId: string;
      /** Segment every query is confined to; `undefined` = the whole tenant. */
      readonly segment: SegmentFilter | undefined;
      /** Definitions fixed at minting (see `EmbedClaims.definitions`); `undefined` = none. */
      readonly definitions: DefinitionsInput | undefined;
      readonly expiresAt: Date;
    };

/**
 * Resolves the caller from an `Authorization` header value. Throws `UNAUTHENTICATED` when the
 * header is missing, not a bearer credential, an unknown or revoked key, or an invalid token.
 * `lookups` default to reading the database and verifying the token every time; the API passes
 * its {@link CallerCache}.
 */
export async function authenticate(
  db: Db,
  tokenKey: Uint8Array,
  header: string | null,
  lookups: {
    /** The unrevoked key of a secret. */
    readonly findKey?: (secret: string) => Promise<VerifiedKey | undefined>;
    /** The claims of a valid embed token (throws `UNAUTHENTICATED` otherwise). */
    readonly verifyToken?: (token: string) => Promise<EmbedClaims>;
  } = {},
): Promise<Principal> {
  const findKey = lookups.findKey ?? ((secret: string) => findKeyBySecret(db, secret));
  const verifyToken = lookups.verifyToken ?? ((token: string) => verifyEmbedToken(tokenKey, token));
  if (!header) {
    throw new ApiError(
      'UNAUTHENTICATED',
      'missing credentials: send "Authorization: Bearer <secret key or embed token>"',
    );
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const credential = match?.[1];
  if (!credential) {
    throw new ApiError(
      'UNAUTHENTICATED',
      'the Authorization header must be "Bearer <secret key or embed token>"',
    );
  }
  if (credential.startsWith(SECRET_KEY_PREFIX)) {
    const key = await findKey(credential);
    if (!key) throw new ApiError('UNAUTHENTICATED', 'the secret key is unknown or has been revoked');
    return { kind: 'SECRET_KEY', tenantId: key.tenantId, keyId: key.keyId, scope: key.scope };
  }
  const claims: EmbedClaims = await verifyToken(credential);
  return {
    kind: 'EMBED_TOKEN',
    tenantId: claims.tenantId,
    tokenId: claims.tokenId,
    segment: claims.segment,
    definitions: claims.definitions,
    expiresAt: claims.expiresAt,
  };
}

/** Throws `FORBIDDEN` unless the caller holds a secret key (with write scope when `write`). */
export function requireSecretKey(principal: Principal, action: string, write = false): void {
  if (principal.kind !== 'SECRET_KEY') {
    throw new ApiError('FORBIDDEN', `${action} needs a secret API key; embed tokens are read-only`);
  }
  if (write && principal.scope !== 'read_write') {
    throw new ApiError('FORBIDDEN', `${action} needs a key with the read_write scope; this key is read-only`);
  }
}
