import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listApiKeys, revokeApiKey } from '../src/auth/keys.ts';
import { apiKeys } from '../src/db/schema.ts';
import type { Api } from '../src/yoga.ts';
import {
  DATABASE_KINDS,
  graphql,
  openTestDatabase,
  TEST_TOKEN_SECRET,
  type TestDatabase,
  tenantWithKey,
  testApi,
} from './harness.ts';

const VIEWER = '{ viewer { kind canWrite tenant { id reportingCurrency } } }';
const key = new TextEncoder().encode(TEST_TOKEN_SECRET);

describe.each(DATABASE_KINDS)('authentication on %s', (kind) => {
  let test: TestDatabase;
  let api: Api;
  let acmeKey: string;

  beforeAll(async () => {
    test = await openTestDatabase(kind);
    api = testApi(test.database);
    acmeKey = await tenantWithKey(test.database, 'acme', { reportingCurrency: 'EUR' });
  });
  afterAll(() => test.dispose());

  it('answers a secret key with its tenant', async () => {
    const { status, body } = await graphql(api, VIEWER, { credential: acmeKey });
    expect(status).toBe(200);
    expect(body).toEqual({
      data: {
        viewer: { kind: 'SECRET_KEY', canWrite: true, tenant: { id: 'acme', reportingCurrency: 'EUR' } },
      },
    });
  });

  it('stores only a hash of the secret', async () => {
    const rows = await test.database.db.select().from(apiKeys);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(JSON.stringify(row)).not.toContain(acmeKey);
      expect(row.secretHash).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it.each([
    ['no header', undefined],
    ['an unknown key', 'nrr_sk_notarealkeynotarealkeynotareal'],
    ['garbage', 'not-a-token'],
  ])('refuses %s with 401 UNAUTHENTICATED', async (_label, credential) => {
    const { status, body } = await graphql(api, VIEWER, credential ? { credential } : {});
    expect(status).toBe(401);
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(body.data ?? null).toBeNull();
  });

  it('refuses a revoked key', async () => {
    const secret = await tenantWithKey(test.database, 'acme');
    expect((await graphql(api, VIEWER, { credential: secret })).status).toBe(200);
    const [newest] = await listApiKeys(test.database.db, 'acme');
    await revokeApiKey(test.database.db, 'acme', newest?.keyId ?? '');
    const { status, body } = await graphql(api, VIEWER, { credential: secret });
    expect(status).toBe(401);
    expect(body.errors?.[0]?.message).toBe('the secret key is unknown or has been revoked');
  });

  it('mints a read-only embed token that reads its tenant and cannot import or mint', async () => {
    const minted = await graphql<{
      createEmbedToken: { token: string; expiresAt: string; tenantId: string };
    }>(api, 'mutation { createEmbedToken(input: { ttlSeconds: 600 }) { token expiresAt tenantId } }', {
      credential: acmeKey,
    });
    const token = minted.body.data?.createEmbedToken.token ?? '';
    const expiresIn = Date.parse(minted.body.data?.createEmbedToken.expiresAt ?? '') - Date.now();
    expect(expiresIn).toBeGreaterThan(590_000);
    expect(expiresIn).toBeLessThanOrEqual(600_000);
    const viewer = await graphql(api, VIEWER, { credential: token });
    expect(viewer.body.data).toEqual({
      viewer: { kind: 'EMBED_TOKEN', canWrite: false, tenant: { id: 'acme', reportingCurrency: 'EUR' } },
    });
    const again = await graphql(api, 'mutation { createEmbedToken { token } }', { credential: token });
    expect(again.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses token lifetimes over one hour', async () => {
    const { body } = await graphql(
      api,
      'mutation { createEmbedToken(input: { ttlSeconds: 3601 }) { token } }',
      {
        credential: acmeKey,
      },
    );
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0]?.message).toContain('from 1 to 3600');
  });

  it('refuses an expired token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ scope: 'read' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('nrr')
      .setAudience('nrr-embed')
      .setSubject('acme')
      .setIssuedAt(now - 1000)
      .setExpirationTime(now - 100)
      .setJti('expired')
      .sign(key);
    const { status, body } = await graphql(api, VIEWER, { credential: token });
    expect(status).toBe(401);
    expect(body.errors?.[0]?.message).toBe('the embed token has expired');
  });

  it('refuses a token signed with another secret (forged)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ scope: 'read' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('nrr')
      .setAudience('nrr-embed')
      .setSubject('acme')
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .setJti('forged')
      .sign(new TextEncoder().encode('another-secret-that-is-also-32-bytes-long'));
    const { status, body } = await graphql(api, VIEWER, { credential: token });
    expect(status).toBe(401);
    expect(body.errors?.[0]?.message).toBe('the embed token signature is not valid');
  });

  it('refuses a token whose payload was edited to another tenant', async () => {
    const minted = await graphql<{ createEmbedToken: { token: string } }>(
      api,
      'mutation { createEmbedToken { token } }',
      { credential: acmeKey },
    );
    const [header, payload, signature] = (minted.body.data?.createEmbedToken.token ?? '').split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString());
    const edited = Buffer.from(JSON.stringify({ ...claims, sub: 'globex' })).toString('base64url');
    const { status } = await graphql(api, VIEWER, { credential: `${header}.${edited}.${signature}` });
    expect(status).toBe(401);
  });

  it('refuses an unsigned token (alg: none)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const token = `${encode({ alg: 'none', typ: 'JWT' })}.${encode({
      iss: 'nrr',
      aud: 'nrr-embed',
      sub: 'acme',
      iat: now,
      exp: now + 600,
      jti: 'none',
      scope: 'read',
    })}.`;
    const { status, body } = await graphql(api, VIEWER, { credential: token });
    expect(status).toBe(401);
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('mints tokens over REST for host backends', async () => {
    const response = await api.fetch(
      new Request('http://nrr.test/v1/embed-tokens', {
        method: 'POST',
        headers: { authorization: `Bearer ${acmeKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          ttlSeconds: 120,
          segment: { attributes: [{ name: 'country', values: ['US'] }] },
        }),
      }),
    );
    expect(response.status).toBe(201);
    const body = (await response.json()) as { token: string; tenantId: string };
    expect(body.tenantId).toBe('acme');
    const viewer = await graphql(api, VIEWER, { credential: body.token });
    expect(viewer.status).toBe(200);

    const refused = await api.fetch(
      new Request('http://nrr.test/v1/embed-tokens', {
        method: 'POST',
        headers: { authorization: `Bearer ${body.token}` },
      }),
    );
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({
      error: {
        code: 'FORBIDDEN',
        message: 'minting an embed token needs a secret API key; embed tokens are read-only',
      },
    });
    const anonymous = await api.fetch(new Request('http://nrr.test/v1/embed-tokens', { method: 'POST' }));
    expect(anonymous.status).toBe(401);
  });
});
