import { NrrError } from './errors.ts';

/**
 * What `fetchToken` resolves to: the token alone when it is a JWT (the API's embed tokens are:
 * expiry from `exp`, tenant from `sub`), or an object with the token and, when it is opaque, its
 * expiry (ms since epoch, a `Date` or an ISO string) and tenant. The API's
 * `POST /v1/embed-tokens` answer `{ token, expiresAt, tenantId }` can be returned as it is.
 */
export type EmbedToken =
  | string
  | {
      readonly token: string;
      readonly expiresAt?: number | Date | string;
      readonly tenantId?: string;
    };

/** Called whenever a fresh token is needed; typically a POST to the host's own backend. */
export type FetchToken = () => Promise<EmbedToken>;

/** A usable token: its value, when it stops working (ms since epoch) and whose data it reads. */
export interface ActiveToken {
  /** The bearer token sent to the API. */
  readonly token: string;
  /** When it stops working, ms since epoch. */
  readonly expiresAt: number;
  /** The tenant whose data it reads: part of every query key. */
  readonly tenant: string;
}

/** Refresh this long before expiry (ms), so a request never leaves with a token about to lapse. */
export const REFRESH_MARGIN_MS = 30_000;

/** Claims of a JWT payload, or `undefined` when `token` is not a JWT. Never verifies: the server does. */
export function readJwtClaims(token: string): Record<string, unknown> | undefined {
  const payload = token.split('.')[1];
  if (token.split('.').length !== 3 || payload === undefined) return undefined;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const json = decodeURIComponent(
      Array.from(atob(base64), (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join(''),
    );
    const claims: unknown = JSON.parse(json);
    return typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Validates what `fetchToken` returned; expiry and tenant default to the JWT's `exp` and `sub`. */
export function activeToken(embed: EmbedToken): ActiveToken {
  const token = typeof embed === 'string' ? embed : embed?.token;
  if (typeof token !== 'string' || token === '') {
    throw new NrrError(
      'TOKEN',
      'fetchToken resolved without a token: expected a JWT string or { token, expiresAt, tenantId }.',
    );
  }
  const claims = readJwtClaims(token);
  const given = typeof embed === 'string' ? undefined : embed.expiresAt;
  const expiresAt =
    given instanceof Date
      ? given.getTime()
      : typeof given === 'string'
        ? Date.parse(given)
        : (given ?? (typeof claims?.exp === 'number' ? claims.exp * 1000 : Number.NaN));
  if (!Number.isFinite(expiresAt)) {
    throw new NrrError(
      'TOKEN',
      `fetchToken resolved a token without a usable expiry (got ${JSON.stringify(given ?? claims?.exp ?? null)}): return { token, expiresAt } or a JWT with exp.`,
    );
  }
  const tenant = (typeof embed === 'string' ? undefined : embed.tenantId) ?? claims?.sub;
  if (typeof tenant !== 'string' || tenant === '') {
    throw new NrrError(
      'TOKEN',
      'The embed token names no tenant: return { token, expiresAt, tenantId } or a JWT whose sub is the tenant.',
    );
  }
  return { token, expiresAt, tenant };
}

/**
 * Holds the current embed token. `current()` returns it while it has more than
 * {@link REFRESH_MARGIN_MS} left, otherwise fetches a new one; concurrent callers share one fetch.
 * `invalidate(token)` drops a token the server refused, once: a second caller holding the same
 * refused token gets the refreshed one rather than starting another fetch.
 */
export class TokenManager {
  readonly #fetchToken: FetchToken;
  readonly #now: () => number;
  #active: ActiveToken | undefined;
  #pending: Promise<ActiveToken> | undefined;
  readonly #listeners = new Set<(token: ActiveToken) => void>();

  constructor(fetchToken: FetchToken, now: () => number = Date.now) {
    this.#fetchToken = fetchToken;
    this.#now = now;
  }

  /** The last token obtained, fresh or not; `undefined` before the first fetch. */
  get active(): ActiveToken | undefined {
    return this.#active;
  }

  /** A token valid for at least the refresh margin. Rejects with `NrrError('TOKEN')` when fetching fails. */
  current(): Promise<ActiveToken> {
    const active = this.#active;
    if (active && active.expiresAt - REFRESH_MARGIN_MS > this.#now()) return Promise.resolve(active);
    return this.#refresh();
  }

  /** Forgets `token` (refused by the server) unless it has already been replaced. */
  invalidate(token: string): void {
    if (this.#active?.token === token) this.#active = undefined;
  }

  /** Calls `listener` with every newly fetched token; returns the unsubscribe function. */
  subscribe(listener: (token: ActiveToken) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #refresh(): Promise<ActiveToken> {
    this.#pending ??= this.#fetchToken()
      .then(activeToken, (cause: unknown) => {
        throw cause instanceof NrrError
          ? cause
          : new NrrError('TOKEN', `fetchToken failed: ${String(cause)}`, { cause });
      })
      .then((token) => {
        this.#active = token;
        for (const listener of this.#listeners) listener(token);
        return token;
      })
      .finally(() => {
        this.#pending = undefined;
      });
    return this.#pending;
  }
}
