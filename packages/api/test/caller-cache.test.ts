/**
 * The API remembers verified keys and tenant rows for `cacheTtlMs` (./src/auth/caller-cache.ts).
 * What users rely on: a key revoked in this process stops working at the next request; a key
 * revoked elsewhere (another instance, SQL) stops working within `cacheTtlMs`; new data (imports,
 * rates) is served from the next request when written in this process and within `cacheTtlMs`
 * otherwise; origins likewise; tenancy is unchanged.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signEmbedToken, tokenKey } from '../src/auth/embed-tokens.ts';
import { listApiKeys, revokeApiKey } from '../src/auth/keys.ts';
import { apiTuning, configFromEnv } from '../src/config.ts';
import { apiKeys, tenants } from '../src/db/schema.ts';
import { setFxRate } from '../src/fx-rates.ts';
import { runImport } from '../src/imports/run-import.ts';
import { setAllowedOrigins } from '../src/tenants.ts';
import { createApi } from '../src/yoga.ts';
import { storeTestSpans } from './fixtures.ts';
import {
  DATABASE_KINDS,
  graphql,
  openTestDatabase,
  TEST_TOKEN_SECRET,
  type TestDatabase,
  tenantWithKey,
} from './harness.ts';

const VIEWER = '{ viewer { kind tenant { id dataVersion } } }';
const RETENTION =
  '{ retention(input: { from: "2024-01-01", to: "2024-04-01" }) { startingMrr { amount } endingMrr { amount } } viewer { tenant { dataVersion } } }';
const PERIODS = (mrr: number) =>
  `subscription_id,customer_id,start_date,end_date,monthly_amount,currency\ns1,c1,2023-12-01,,${mrr},USD\n`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(DATABASE_KINDS)('caller cache on %s', (kind) => {
  let test: TestDatabase;
  const api = (cacheTtlMs?: number) =>
    createApi({
      db: test.database.db,
      tokenSecret: TEST_TOKEN_SECRET,
      rateLimit: false,
      ...(cacheTtlMs === undefined ? {} : { cacheTtlMs }),
    });
  /** Newest key of a tenant. */
  const newestKeyId = async (tenantId: string) =>
    (await listApiKeys(test.database.db, tenantId))[0]?.keyId ?? '';
  /** Revokes a key behind this process's back, as another instance or `nrr keys revoke` would. */
  const revokeElsewhere = (keyId: string) =>
    test.database.db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.keyId, keyId));

  beforeAll(async () => {
    test = await openTestDatabase(kind);
  });
  afterAll(() => test.dispose());

  it('refuses a key revoked in this process from the next request, although it was cached', async () => {
    const served = api(60_000);
    const secret = await tenantWithKey(test.database, 'acme');
    expect((await graphql(served, VIEWER, { credential: secret })).status).toBe(200);
    await revokeApiKey(test.database.db, 'acme', await newestKeyId('acme'));
    const { status, body } = await graphql(served, VIEWER, { credential: secret });
    expect(status).toBe(401);
    expect(body.errors?.[0]?.message).toBe('the secret key is unknown or has been revoked');
  });

  it('refuses a key revoked by another process once cacheTtlMs has passed', async () => {
    const served = api(200);
    const secret = await tenantWithKey(test.database, 'acme');
    expect((await graphql(served, VIEWER, { credential: secret })).status).toBe(200);
    await revokeElsewhere(await newestKeyId('acme'));
    await sleep(250);
    expect((await graphql(served, VIEWER, { credential: secret })).status).toBe(401);
  });

  it('trusts a cached key for at most cacheTtlMs: a key revoked elsewhere still works inside that time', async () => {
    const served = api(60_000);
    const secret = await tenantWithKey(test.database, 'acme');
    expect((await graphql(served, VIEWER, { credential: secret })).status).toBe(200);
    await revokeElsewhere(await newestKeyId('acme'));
    expect((await graphql(served, VIEWER, { credential: secret })).status).toBe(200);
    // Another API (a fresh instance) reads the database and refuses it.
    expect((await graphql(api(60_000), VIEWER, { credential: secret })).status).toBe(401);
  });

  it('with cacheTtlMs 0 reads the database on every request', async () => {
    const served = api(0);
    const secret = await tenantWithKey(test.database, 'acme');
    expect((await graphql(served, VIEWER, { credential: secret })).status).toBe(200);
    await revokeElsewhere(await newestKeyId('acme'));
    expect((await graphql(served, VIEWER, { credential: secret })).status).toBe(401);
  });

  it('does not keep a key whose lookup was in flight when it was revoked', async () => {
    const served = api(60_000);
    const secret = await tenantWithKey(test.database, 'acme');
    const inFlight = served.callers.key(secret);
    await revokeApiKey(test.database.db, 'acme', await newestKeyId('acme'));
    await inFlight;
    expect(await served.callers.key(secret)).toBeUndefined();
    expect((await graphql(served, VIEWER, { credential: secret })).status).toBe(401);
  });

  it('never lends one tenant’s cached row to another tenant’s key', async () => {
    const served = api(60_000);
    const acme = await tenantWithKey(test.database, 'acme');
    const globex = await tenantWithKey(test.database, 'globex');
    for (let i = 0; i < 3; i++) {
      const a = await graphql<{ viewer: { tenant: { id: string } } }>(served, VIEWER, { credential: acme });
      const g = await graphql<{ viewer: { tenant: { id: string } } }>(served, VIEWER, { credential: globex });
      expect(a.body.data?.viewer.tenant.id).toBe('acme');
      expect(g.body.data?.viewer.tenant.id).toBe('globex');
    }
  });

  it('serves an import through the API (and runImport in this process) from the next request', async () => {
    const served = api(60_000);
    const secret = await tenantWithKey(test.database, 'imports-here', { scope: 'read_write' });
    const importData = (text: string) =>
      graphql(
        served,
        'mutation ($text: String!) { importData(input: { format: PERIODS, text: $text }) { status } }',
        { credential: secret, variables: { text } },
      );
    expect((await importData(PERIODS(100))).body.errors).toBeUndefined();
    const first = await graphql(served, RETENTION, { credential: secret });
    expect(first.body.data).toEqual({
      retention: { startingMrr: { amount: '100' }, endingMrr: { amount: '100' } },
      viewer: { tenant: { dataVersion: 1 } },
    });
    expect((await importData(PERIODS(120))).body.errors).toBeUndefined();
    const second = await graphql(served, RETENTION, { credential: secret });
    expect(second.body.data).toEqual({
      retention: { startingMrr: { amount: '120' }, endingMrr: { amount: '120' } },
      viewer: { tenant: { dataVersion: 2 } },
    });
    await runImport(test.database.db, {
      tenantId: 'imports-here',
      format: 'periods',
      source: PERIODS(130),
      sourceName: 'test',
      actor: 'test',
    });
    const third = await graphql(served, RETENTION, { credential: secret });
    expect(third.body.data).toEqual({
      retention: { startingMrr: { amount: '130' }, endingMrr: { amount: '130' } },
      viewer: { tenant: { dataVersion: 3 } },
    });
  });

  it('serves exchange rates set in this process from the next request', async () => {
    const served = api(60_000);
    const secret = await tenantWithKey(test.database, 'rates-here');
    const version = async () =>
      (await graphql<{ viewer: { tenant: { dataVersion: number } } }>(served, VIEWER, { credential: secret }))
        .body.data?.viewer.tenant.dataVersion;
    const before = await version();
    await setFxRate(test.database.db, {
      tenantId: 'rates-here',
      currency: 'EUR',
      rate: 1.1,
      from: '2024-01-01',
    });
    expect(await version()).toBe((before ?? 0) + 1);
  });

  it('serves data imported by another process once cacheTtlMs has passed', async () => {
    const served = api(200);
    const secret = await tenantWithKey(test.database, 'imports-elsewhere');
    await storeTestSpans(test.database, 'imports-elsewhere', []);
    const version = async () =>
      (await graphql<{ viewer: { tenant: { dataVersion: number } } }>(served, VIEWER, { credential: secret }))
        .body.data?.viewer.tenant.dataVersion;
    const before = await version();
    // As another process's import would: bump the version without telling this process.
    await test.database.db
      .update(tenants)
      .set({ dataVersion: sql`${tenants.dataVersion} + 1` })
      .where(eq(tenants.tenantId, 'imports-elsewhere'));
    await sleep(250);
    expect(await version()).toBe((before ?? 0) + 1);
  });

  it('refuses an embed token once it has expired, although it was verified before', async () => {
    const served = api(60_000);
    await tenantWithKey(test.database, 'acme');
    // Issued 1.5 s ago for 3 s: it expires 0.5–1.5 s from now.
    const { token, expiresAt } = await signEmbedToken(
      tokenKey(TEST_TOKEN_SECRET),
      { tenantId: 'acme', ttlSeconds: 3 },
      new Date(Date.now() - 1500),
    );
    for (let i = 0; i < 2; i++) {
      const { status, body } = await graphql(served, VIEWER, { credential: token });
      expect(status).toBe(200);
      expect(body.data).toEqual({ viewer: { kind: 'EMBED_TOKEN', tenant: { id: 'acme', dataVersion: 0 } } });
    }
    await sleep(expiresAt.getTime() - Date.now() + 20);
    const { status, body } = await graphql(served, VIEWER, { credential: token });
    expect(status).toBe(401);
    expect(body.errors?.[0]?.message).toBe('the embed token has expired');
  });

  it('refuses a token signed with another secret, also after a valid one was remembered', async () => {
    const served = api(60_000);
    await tenantWithKey(test.database, 'acme');
    const valid = await signEmbedToken(tokenKey(TEST_TOKEN_SECRET), { tenantId: 'acme' });
    const forged = await signEmbedToken(tokenKey('another-secret-that-is-at-least-32-bytes'), {
      tenantId: 'acme',
    });
    expect((await graphql(served, VIEWER, { credential: valid.token })).status).toBe(200);
    const { status, body } = await graphql(served, VIEWER, { credential: forged.token });
    expect(status).toBe(401);
    expect(body.errors?.[0]?.message).toBe('the embed token signature is not valid');
  });

  it('applies allowed origins set in this process from the next request', async () => {
    const served = api(60_000);
    const secret = await tenantWithKey(test.database, 'origins', { allowedOrigins: ['https://a.example'] });
    const from = (origin: string) =>
      graphql(served, VIEWER, { credential: secret, headers: { origin } }).then((r) => r.status);
    expect(await from('https://a.example')).toBe(200);
    expect(await from('https://b.example')).toBe(403);
    await setAllowedOrigins(test.database.db, 'origins', ['https://b.example']);
    expect(await from('https://a.example')).toBe(403);
    expect(await from('https://b.example')).toBe(200);
  });
});

describe('NRR_CACHE_TTL_MS', () => {
  const env = (value?: string) => ({
    NRR_DATA_DIR: '/tmp/nrr-config-test-unused',
    NRR_TOKEN_SECRET: TEST_TOKEN_SECRET,
    ...(value === undefined ? {} : { NRR_CACHE_TTL_MS: value }),
  });

  it('is read as milliseconds, unset meaning the API default', () => {
    expect(configFromEnv(env('250')).cacheTtlMs).toBe(250);
    expect(configFromEnv(env('0')).cacheTtlMs).toBe(0);
    expect(configFromEnv(env()).cacheTtlMs).toBeUndefined();
  });

  it('refuses anything but a whole number ≥ 0, naming the variable', () => {
    for (const bad of ['-1', '1.5', 'soon']) {
      expect(() => configFromEnv(env(bad))).toThrow(
        `NRR_CACHE_TTL_MS: got "${bad}", expected a whole number of milliseconds ≥ 0`,
      );
    }
  });
});

describe('NRR_ENGINE_WORKERS and NRR_WORK_BUDGET', () => {
  const env = (extra: Record<string, string>) => ({
    NRR_DATA_DIR: '/tmp/nrr-config-test-unused',
    NRR_TOKEN_SECRET: TEST_TOKEN_SECRET,
    ...extra,
  });

  it('reach createApi as engineWorkers and workBudget, unset meaning the API defaults', () => {
    const config = configFromEnv(env({ NRR_ENGINE_WORKERS: '0', NRR_WORK_BUDGET: '1000000' }));
    expect(apiTuning(config)).toMatchObject({ engineWorkers: 0, workBudget: 1_000_000 });
    const defaults = apiTuning(configFromEnv(env({})));
    expect(defaults.engineWorkers).toBeUndefined();
    expect(defaults.workBudget).toBeUndefined();
    expect(defaults.cacheTtlMs).toBeUndefined();
    expect(() => configFromEnv(env({ NRR_ENGINE_WORKERS: 'two' }))).toThrow(
      'NRR_ENGINE_WORKERS: got "two", expected a whole number of worker threads ≥ 0',
    );
  });
});
