/**
 * Embed tokens: short-lived HS256 JWTs (signed with `jose`) that let a browser read one tenant's
 * figures, optionally confined to a segment. Minted by a host app's backend with a secret key.
 */
import { randomBytes } from 'node:crypto';
import { checkDefinitionsInput, type DefinitionsInput } from '@nrr/core';
import { errors, jwtVerify, SignJWT } from 'jose';
import { ApiError } from '../errors.ts';
import { parseSegmentClaim, type SegmentFilter } from './segment-lock.ts';

/** Lifetime when none is asked for: 15 minutes. */
export const DEFAULT_EMBED_TTL_SECONDS = 900;
/** Longest lifetime a token may have: 1 hour. */
export const MAX_EMBED_TTL_SECONDS = 3600;

const ISSUER = 'nrr';
const AUDIENCE = 'nrr-embed';

/** What a verified embed token grants. */
export interface EmbedClaims {
  readonly tenantId: string;
  /** Segment every query is confined to; `undefined` = the whole tenant. */
  readonly segment: SegmentFilter | undefined;
  /**
   * Definitions fixed when the token was minted (`{ preset?, ...options }`, as given): every
   * question resolves them over the tenant's settings, and may not change the options they name
   * (nor, with a preset, the preset's options). `undefined`: none fixed.
   */
  readonly definitions: DefinitionsInput | undefined;
  /** When the token stops working. */
  readonly expiresAt: Date;
  /** Token id, for logs. */
  readonly tokenId: string;
}

/** The HMAC key tokens are signed with; at least 32 bytes of secret. */
export function tokenKey(secret: string): Uint8Array {
  const key = new TextEncoder().encode(secret);
  if (key.length < 32) {
    throw new Error('the token secret (NRR_TOKEN_SECRET) must be at least 32 bytes long');
  }
  return key;
}

/**
 * Mints a token for `tenantId`. `ttlSeconds` defaults to {@link DEFAULT_EMBED_TTL_SECONDS} and must
 * be a whole number in 1..{@link MAX_EMBED_TTL_SECONDS} (else `BAD_USER_INPUT`).
 */
export async function signEmbedToken(
  key: Uint8Array,
  input: {
    tenantId: string;
    ttlSeconds?: number | undefined;
    segment?: SegmentFilter | undefined;
    /** Checked by the caller (core's `checkDefinitionsInput`). */
    definitions?: DefinitionsInput | undefined;
  },
  now: Date = new Date(),
): Promise<{ token: string; expiresAt: Date }> {
  const ttl = input.ttlSeconds ?? DEFAULT_EMBED_TTL_SECONDS;
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_EMBED_TTL_SECONDS) {
    throw new ApiError(
      'BAD_USER_INPUT',
      `ttlSeconds: got ${ttl}, expected a whole number of seconds from 1 to ${MAX_EMBED_TTL_SECONDS}`,
      { field: 'ttlSeconds' },
    );
  }
  const issuedAt = Math.floor(now.getTime() / 1000);
  const payload: Record<string, unknown> = { scope: 'read' };
  if (input.segment) payload.seg = input.segment;
  if (input.definitions && Object.keys(input.definitions).length > 0) payload.def = input.definitions;
  const token = await new SignJWT(payload)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(input.tenantId)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ttl)
    .setJti(randomBytes(12).toString('base64url'))
    .sign(key);
  return { token, expiresAt: new Date((issuedAt + ttl) * 1000) };
}

/**
 * Verifies a token: HS256 only (so `alg: none` and every other algorithm are refused), our issuer
 * and audience, not expired, lifetime at most {@link MAX_EMBED_TTL_SECONDS}, read scope and a
 * well-formed segment. Throws `UNAUTHENTICATED` saying why, without echoing the token.
 */
export async function verifyEmbedToken(
  key: Uint8Array,
  token: string,
  now: Date = new Date(),
): Promise<EmbedClaims> {
  let payload: Awaited<ReturnType<typeof jwtVerify>>['payload'];
  try {
    ({ payload } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: AUDIENCE,
      requiredClaims: ['sub', 'exp', 'iat', 'jti'],
      currentDate: now,
    }));
  } catch (error) {
    throw unauthenticated(reasonOf(error));
  }
  const { sub, exp, iat, jti, scope, seg, def } = payload;
  if (
    typeof sub !== 'string' ||
    typeof exp !== 'number' ||
    typeof iat !== 'number' ||
    typeof jti !== 'string'
  ) {
    throw unauthenticated('the token lacks its subject, expiry, issue time or id');
  }
  if (exp - iat > MAX_EMBED_TTL_SECONDS) throw unauthenticated('the token lives longer than one hour');
  if (scope !== 'read') throw unauthenticated('the token does not carry the read scope');
  const segment = seg === undefined ? undefined : parseSegmentClaim(seg);
  if (seg !== undefined && segment === undefined)
    throw unauthenticated('the token carries a malformed segment');
  if (def !== undefined && checkDefinitionsInput(def).length > 0)
    throw unauthenticated('the token carries malformed definitions');
  return {
    tenantId: sub,
    segment,
    definitions: def as DefinitionsInput | undefined,
    expiresAt: new Date(exp * 1000),
    tokenId: jti,
  };
}

function reasonOf(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'the embed token has expired';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the embed token signature is not valid';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'the embed token must be signed with HS256';
  if (error instanceof errors.JWTClaimValidationFailed)
    return `the embed token claim "${error.claim}" is not valid`;
  return 'the embed token is malformed';
}

function unauthenticated(reason: string): ApiError {
  return new ApiError('UNAUTHENTICATED', reason);
}
