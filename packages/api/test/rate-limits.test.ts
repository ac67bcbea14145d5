/**
 * Rate limits beyond the per-credential bucket (issue 17): failed authentications per client
 * address (with a bad key looked up once per cache TTL), and a tenant-wide bucket that minting
 * new embed tokens does not escape. Each test builds its own API with small limits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signEmbedToken, tokenKey } from '../src/auth/embed-tokens.ts';
import type { Db } from '../src/db/connect.ts';
import { RateLimiter } from '../src/internal/rate-limit.ts';
import { listen } from '../src/server.ts';
import { type ApiOptions, clientBucket, createApi, type ServerContext } from '../src/yoga.ts';
import { openTestDatabase, TEST_TOKEN_SECRET, type TestDatabase, tenantWithKey } from './harness.ts';

/** `db` with a count of the queries it was asked to build (`select`). */
function countingDb(db: Db): { db: Db; selects: () => number } {
  let selects = 0;
  const proxy = new Proxy(db, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property === 'select' && typeof value === 'function') {
        return (...args: unknown[]) => {
          selects += 1;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { db: proxy, selects: () => selects };
}

const VIEWER = '{ viewer { kind } }';

describe('rate limits per client address and per tenant', () => {
  let test: TestDatabase;
  let secret: string;

  beforeAll(async () => {
    test = await openTestDatabase('pglite');
    secret = await tenantWithKey(test.database, 'acme');
  });
  afterAll(() => test.dispose());

  /** An API over a counting `db` with the given limits; `post` sends from a client address. */
  function limitedApi(rateLimit: NonNullable<ApiOptions['rateLimit']>, cacheTtlMs = 60_000) {
    const counting = countingDb(test.database.db);
    const api = createApi({ db: counting.db, tokenSecret: TEST_TOKEN_SECRET, rateLimit, cacheTtlMs });
    const post = (credential: string, remoteAddress?: string) => {
      const context: ServerContext = remoteAddress ? { req: { socket: { remoteAddress } } } : {};
      return api.fetch(
        new Request('http://nrr.test/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${credential}` },
          body: JSON.stringify({ query: VIEWER }),
        }),
        context,
      );
    };
    return { api, post, selects: counting.selects };
  }

  it('refuses an address with 429 and Retry-After after too many failed authentications, before any lookup', async () => {
    const { post, selects } = limitedApi({
      capacity: 100,
      perSecond: 100,
      failedAuth: { capacity: 3, perSecond: 0.01 },
    });
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      statuses.push((await post(`nrr_sk_guess${attempt}`, '203.0.113.7')).status);
    }
    expect(statuses).toEqual([401, 401, 401]);
    const readsBefore = selects();
    const limited = await post('nrr_sk_guess3', '203.0.113.7');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(
      ((await limited.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code,
    ).toBe('RATE_LIMITED');
    // Refused before the credential was looked up, valid or not.
    expect((await post(secret, '203.0.113.7')).status).toBe(429);
    expect(selects()).toBe(readsBefore);
    // Another address is not affected; IPv4-mapped IPv6 is the same address.
    expect((await post(secret, '198.51.100.2')).status).toBe(200);
    expect((await post(secret, '::ffff:203.0.113.7')).status).toBe(429);
  });

  it('counts failed authentications by the socket address when served over HTTP', async () => {
    const { api } = limitedApi({
      capacity: 100,
      perSecond: 100,
      failedAuth: { capacity: 1, perSecond: 0.01 },
    });
    const server = await listen(api, 0);
    try {
      const send = () =>
        fetch(`${server.url}/v1/embed-tokens`, {
          method: 'POST',
          headers: { authorization: 'Bearer nrr_sk_nope' },
        });
      expect((await send()).status).toBe(401);
      const limited = await send();
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(await limited.json()).toEqual({
        error: { code: 'RATE_LIMITED', message: 'too many failed authentications from this address' },
      });
    } finally {
      await server.close();
    }
  });

  it('looks an unknown secret up once per cache TTL, however often it is sent', async () => {
    const { post, selects } = limitedApi(false);
    const before = selects();
    for (let attempt = 0; attempt < 5; attempt++) expect((await post('nrr_sk_unknown')).status).toBe(401);
    expect(selects() - before).toBe(1);
  });

  it('groups IPv6 clients by their /64', () => {
    expect(clientBucket('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(clientBucket('2001:0db8:0001:0002:ffff:0:0:9')).toBe('2001:db8:1:2::/64');
    expect(clientBucket('::1')).toBe('0:0:0:0::/64');
    expect(clientBucket('192.0.2.1')).toBe('192.0.2.1');
    expect(clientBucket(undefined)).toBe('unknown');
  });

  it('limits a tenant as a whole: fresh embed tokens do not get fresh capacity', async () => {
    const { post } = limitedApi({ capacity: 2, perSecond: 0.01, tenant: { capacity: 5, perSecond: 0.01 } });
    const key = tokenKey(TEST_TOKEN_SECRET);
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let minted = 0; minted < 6; minted++) {
      const { token } = await signEmbedToken(key, { tenantId: 'acme', ttlSeconds: 600 });
      last = await post(token);
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    if (!last) throw new Error('no request was sent');
    expect(last.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await last.json()) as { errors: { message: string }[] }).errors[0]?.message).toBe(
      'too many requests for tenant acme',
    );
  });

  it('keeps at most maxKeys buckets, however many clients fail at once', () => {
    const limiter = new RateLimiter(1, 0.001, () => 0, 100);
    for (let client = 0; client < 1_000; client++) {
      limiter.take(`client:${client}`);
      limiter.take(`client:${client}`);
    }
    expect(limiter.size).toBeLessThanOrEqual(100);
    // The most recent stay limited.
    expect(limiter.exhausted('client:999')).toBe(true);
  });
});
