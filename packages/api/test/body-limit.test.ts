/**
 * The request body limit (./src/internal/body-limit.ts): bodies over `maxRequestBodyBytes` are
 * refused with 413 whether their length is announced (Content-Length) or not (chunked), and a
 * malformed Content-Length with 400; bodies within the limit are answered as before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type RunningServer } from '../src/server.ts';
import { type Api, createApi } from '../src/yoga.ts';
import { openTestDatabase, TEST_TOKEN_SECRET, type TestDatabase, tenantWithKey } from './harness.ts';

const LIMIT = 2_000;

describe('request body limit', () => {
  let test: TestDatabase;
  let api: Api;
  let server: RunningServer;
  let key: string;

  beforeAll(async () => {
    test = await openTestDatabase('pglite');
    api = createApi({
      db: test.database.db,
      tokenSecret: TEST_TOKEN_SECRET,
      rateLimit: false,
      maxRequestBodyBytes: LIMIT,
    });
    server = await listen(api, 0);
    key = await tenantWithKey(test.database, 'acme');
  });
  afterAll(async () => {
    await server.close();
    await test.dispose();
  });

  /** A query padded with a comment to `bytes` bytes of JSON body. */
  const body = (bytes: number) => {
    const base = JSON.stringify({ query: '{ viewer { kind } }#' });
    return JSON.stringify({ query: `{ viewer { kind } }#${'x'.repeat(bytes - base.length)}` });
  };
  const headers = () => ({ 'content-type': 'application/json', authorization: `Bearer ${key}` });
  /** The same body as a stream: sent chunked, with no Content-Length. */
  const chunked = (text: string) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        const bytes = new TextEncoder().encode(text);
        for (let at = 0; at < bytes.length; at += 500) controller.enqueue(bytes.slice(at, at + 500));
        controller.close();
      },
    });
  const post = (init: RequestInit & { duplex?: 'half' }) =>
    fetch(`${server.url}/graphql`, { method: 'POST', headers: headers(), ...init });

  it('answers bodies within the limit, announced or chunked', async () => {
    expect(body(LIMIT)).toHaveLength(LIMIT);
    const announced = await post({ body: body(LIMIT) });
    expect(announced.status).toBe(200);
    expect(await announced.json()).toEqual({ data: { viewer: { kind: 'SECRET_KEY' } } });
    const streamed = await post({ body: chunked(body(LIMIT)), duplex: 'half' });
    expect(streamed.status).toBe(200);
    expect(await streamed.json()).toEqual({ data: { viewer: { kind: 'SECRET_KEY' } } });
  });

  it('refuses a body over the limit with 413 when its Content-Length announces it', async () => {
    const response = await post({ body: body(LIMIT + 1) });
    expect(response.status).toBe(413);
    const json = (await response.json()) as { errors: { message: string }[] };
    expect(json.errors[0]?.message).toBe(`the request body is larger than ${LIMIT} bytes`);
  });

  it('refuses a chunked body with 413 once it passes the limit', async () => {
    const response = await post({ body: chunked(body(LIMIT + 1)), duplex: 'half' });
    expect(response.status).toBe(413);
  });

  it('refuses a malformed Content-Length with 400', async () => {
    const response = await api.fetch(
      new Request('http://nrr.test/graphql', {
        method: 'POST',
        headers: { ...headers(), 'content-length': '12, 12' },
        body: body(100),
      }),
    );
    expect(response.status).toBe(400);
  });

  it('refuses an embed-token request body over 16 KB with 413, announced or chunked', async () => {
    const mint = (init: RequestInit & { duplex?: 'half' }) =>
      fetch(`${server.url}/v1/embed-tokens`, { method: 'POST', headers: headers(), ...init });
    // The token endpoint has its own, smaller limit than GraphQL's (here 2,000 bytes).
    const small = await mint({ body: JSON.stringify({ ttlSeconds: 60, padding: 'x'.repeat(10_000) }) });
    expect(small.status).toBe(201);
    const big = JSON.stringify({ ttlSeconds: 60, padding: 'x'.repeat(100_000) });
    const tooLarge = {
      error: { code: 'REQUEST_ENTITY_TOO_LARGE', message: 'the request body is larger than 16384 bytes' },
    };
    const announced = await mint({ body: big });
    expect(announced.status).toBe(413);
    expect(await announced.json()).toEqual(tooLarge);
    const streamed = await mint({ body: chunked(big), duplex: 'half' });
    expect(streamed.status).toBe(413);
    expect(await streamed.json()).toEqual(tooLarge);
    // Refused before authentication when announced: no credential needed to be told.
    const anonymous = await fetch(`${server.url}/v1/embed-tokens`, { method: 'POST', body: big });
    expect(anonymous.status).toBe(413);
  });
});
