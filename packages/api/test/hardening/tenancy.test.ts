/**
 * Hardening, tenancy and auth: every query and mutation × every kind of credential, asserting who
 * sees what; row-level security checked by running SQL as the application role `nrr_app` with
 * another tenant's id; keys stored only as hashes; rate limits per key.
 *
 * Two tenants with disjoint customer ids: acme (a1 US, a2 FR, a3 US) and globex (g1, g2).
 */
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signEmbedToken, tokenKey } from '../../src/auth/embed-tokens.ts';
import { createApiKey, revokeApiKey } from '../../src/auth/keys.ts';
import { resultRows } from '../../src/db/tenant-scope.ts';
import { type Api, createApi } from '../../src/yoga.ts';
import { ACME_SPANS, GLOBEX_SPANS, storeTestSpans } from '../fixtures.ts';
import {
  DATABASE_KINDS,
  graphql,
  openTestDatabase,
  TEST_TOKEN_SECRET,
  type TestDatabase,
  tenantWithKey,
  testApi,
} from '../harness.ts';
import { CaseCounter, expectCleanAnswer, tenantState } from './support.ts';

const WINDOW = 'from: "2024-02-01", to: "2024-04-01"';
const REPORT = 'startingMrr { amount } endingMrr { amount } churn { amount } customers { starting }';

/** An operation and who may call it; `answers` is the error code an authorised caller gets (none: data). */
interface Operation {
  readonly name: string;
  /** Any credential (`read`), a secret key (`secret`), or a read_write key (`write`). */
  readonly needs: 'read' | 'secret' | 'write';
  readonly document: string;
  readonly answers?: string;
}

const OPERATIONS: Operation[] = [
  { name: 'viewer', needs: 'read', document: '{ viewer { kind tenant { id } } }' },
  { name: 'retention', needs: 'read', document: `{ retention(input: { ${WINDOW} }) { ${REPORT} } }` },
  {
    name: 'retentionSeries',
    needs: 'read',
    document: `{ retentionSeries(input: { ${WINDOW} }) { from ${REPORT} } }`,
  },
  {
    name: 'breakdown',
    needs: 'read',
    document: `{ breakdown(input: { ${WINDOW}, by: "country" }) { value report { ${REPORT} } } }`,
  },
  {
    name: 'cohorts',
    needs: 'read',
    document: '{ cohorts(input: { from: "2024-01-01", to: "2024-04-01" }) { rows { cohort } } }',
  },
  {
    name: 'movements',
    needs: 'read',
    document: `{ movements(input: { from: "2024-01-01", to: "2024-04-01" }) { edges { node { customerId type } } } }`,
  },
  {
    name: 'customers',
    needs: 'read',
    document: '{ customers(first: 500) { edges { node { id } } totalCount } }',
  },
  { name: 'customer a1', needs: 'read', document: '{ customer(id: "a1") { id mrr { amount } } }' },
  { name: 'customer a2', needs: 'read', document: '{ customer(id: "a2") { id mrr { amount } } }' },
  { name: 'customer g1', needs: 'read', document: '{ customer(id: "g1") { id mrr { amount } } }' },
  { name: 'segments', needs: 'read', document: '{ segments(dimension: "country") }' },
  { name: 'segmentDimensions', needs: 'read', document: '{ segmentDimensions }' },
  { name: 'benchmarks', needs: 'read', document: '{ benchmarks { key } }' },
  {
    name: 'benchmarkComparison',
    needs: 'read',
    document: `{ benchmarkComparison(input: { ${WINDOW}, benchmark: "smb-saas" }) { position } }`,
  },
  { name: 'imports', needs: 'secret', document: '{ imports { id status } }' },
  {
    name: 'createEmbedToken',
    needs: 'secret',
    document: 'mutation { createEmbedToken(input: { ttlSeconds: 60 }) { tenantId } }',
  },
  {
    name: 'importData',
    needs: 'write',
    // A batch with a bad row: authorised callers get BAD_USER_INPUT, and nothing is stored.
    document:
      'mutation { importData(input: { format: PERIODS, text: "subscription_id,customer_id,start_date,end_date,monthly_amount\\nz1,z1,2023-02-30,,1" }) { status } }',
    answers: 'BAD_USER_INPUT',
  },
  { name: 'webhookEndpoints', needs: 'write', document: '{ webhookEndpoints { id url } }' },
  {
    name: 'createWebhookEndpoint',
    needs: 'write',
    // A loopback URL, refused by the default address policy: nothing is stored.
    document: 'mutation { createWebhookEndpoint(url: "http://127.0.0.1:9/") { secret } }',
    answers: 'BAD_USER_INPUT',
  },
  {
    name: 'deleteWebhookEndpoint',
    needs: 'write',
    document: 'mutation { deleteWebhookEndpoint(id: "we_0000000000000000") }',
    answers: 'NOT_FOUND',
  },
  {
    name: 'webhookDeliveries',
    needs: 'write',
    document: '{ webhookDeliveries(endpointId: "we_0000000000000000") { edges { cursor } } }',
    answers: 'NOT_FOUND',
  },
  {
    name: 'redeliverWebhook',
    needs: 'write',
    document: 'mutation { redeliverWebhook(messageId: "mov_0") }',
    answers: 'NOT_FOUND',
  },
];

type Credential =
  | 'own key'
  | 'own read key'
  | 'other tenant key'
  | 'embed token'
  | 'segment-locked token'
  | 'expired token'
  | 'revoked key'
  | 'forged token'
  | 'alg none token'
  | 'no token';
const REFUSED: ReadonlySet<Credential> = new Set([
  'expired token',
  'revoked key',
  'forged token',
  'alg none token',
  'no token',
]);

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe.each(DATABASE_KINDS)('tenancy and auth matrix on %s', (kind) => {
  const counter = new CaseCounter(`api tenancy (${kind})`);
  let test: TestDatabase;
  let api: Api;
  const credentials = new Map<Credential, string | undefined>();
  const secrets: string[] = [];

  beforeAll(async () => {
    test = await openTestDatabase(kind);
    api = testApi(test.database);
    const { db } = test.database;
    const own = await tenantWithKey(test.database, 'acme', { scope: 'read_write' });
    const ownRead = await tenantWithKey(test.database, 'acme', { scope: 'read' });
    const other = await tenantWithKey(test.database, 'globex', { scope: 'read_write' });
    const revoked = await createApiKey(db, { tenantId: 'acme', scope: 'read_write' });
    await revokeApiKey(db, 'acme', revoked.key.keyId);
    secrets.push(own, ownRead, other, revoked.secret);
    await storeTestSpans(test.database, 'acme', ACME_SPANS);
    await storeTestSpans(test.database, 'globex', GLOBEX_SPANS);
    const key = tokenKey(TEST_TOKEN_SECRET);
    const now = new Date();
    const embed = await signEmbedToken(key, { tenantId: 'acme' });
    const locked = await signEmbedToken(key, {
      tenantId: 'acme',
      segment: { attributes: [{ name: 'country', values: ['US'] }] },
    });
    const expired = await signEmbedToken(
      key,
      { tenantId: 'acme', ttlSeconds: 60 },
      new Date(now.getTime() - 3_600_000),
    );
    const forged = await signEmbedToken(tokenKey('another-secret-that-is-at-least-32-bytes!!'), {
      tenantId: 'acme',
    });
    const [, payload] = embed.token.split('.');
    const algNone = `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`;
    credentials.set('own key', own);
    credentials.set('own read key', ownRead);
    credentials.set('other tenant key', other);
    credentials.set('embed token', embed.token);
    credentials.set('segment-locked token', locked.token);
    credentials.set('expired token', expired.token);
    credentials.set('revoked key', revoked.secret);
    credentials.set('forged token', forged.token);
    credentials.set('alg none token', algNone);
    credentials.set('no token', undefined);
  });
  afterAll(async () => {
    counter.print();
    await test.dispose();
  });

  it('answers every operation × credential as its rights say, and only with its own tenant', async () => {
    const acmeBefore = await tenantState(test.database, 'acme');
    const globexBefore = await tenantState(test.database, 'globex');
    const table: string[] = [];
    for (const operation of OPERATIONS) {
      for (const [credentialName, credential] of credentials) {
        counter.add(`${operation.name} × ${credentialName}`);
        const { status, body } = await graphql(api, operation.document, credential ? { credential } : {});
        expectCleanAnswer(status, body);
        const text = JSON.stringify(body.data ?? null);
        const code = body.errors?.[0]?.extensions?.code;
        const label = `${operation.name} × ${credentialName}`;
        table.push(`${label}: ${status} ${code ?? 'ok'}`);
        if (REFUSED.has(credentialName)) {
          expect(status, label).toBe(401);
          expect(code, label).toBe('UNAUTHENTICATED');
          expect(body.data ?? null, label).toBeNull();
          continue;
        }
        const isToken = credentialName.endsWith('token');
        const mayCall =
          operation.needs === 'read' ||
          (operation.needs === 'secret' && !isToken) ||
          (operation.needs === 'write' &&
            (credentialName === 'own key' || credentialName === 'other tenant key'));
        if (!mayCall) {
          expect(code, label).toBe('FORBIDDEN');
          continue;
        }
        if (operation.answers) expect(code, label).toBe(operation.answers);
        else expect(body.errors, label).toBeUndefined();
        // Who sees what: globex's key never sees an acme id, acme's credentials never a globex id,
        // and the US-locked token never sees the French customer a2.
        if (credentialName === 'other tenant key') expect(text, label).not.toMatch(/"a[123]"|"acme"/);
        else expect(text, label).not.toMatch(/"g[12]"|"globex"/);
        if (credentialName === 'segment-locked token') expect(text, label).not.toMatch(/"a2"|"FR"/);
      }
    }
    // The failed importData attempts stored nothing anywhere.
    expect({ ...(await tenantState(test.database, 'acme')) }).toEqual(acmeBefore);
    expect({ ...(await tenantState(test.database, 'globex')) }).toEqual(globexBefore);
    expect(table.length).toBe(OPERATIONS.length * credentials.size);
  });

  it('each credential reads exactly its own figures', async () => {
    const figures = async (credential: string | undefined, segment = '') =>
      (
        await graphql<{ retention: unknown }>(
          api,
          `{ retention(input: { ${WINDOW} ${segment} }) { ${REPORT} } }`,
          {
            ...(credential ? { credential } : {}),
          },
        )
      ).body.data?.retention;
    const acme = await figures(credentials.get('own key'));
    expect(acme).toEqual({
      startingMrr: { amount: '150' },
      endingMrr: { amount: '180' },
      churn: { amount: '50' },
      customers: { starting: 2 },
    });
    expect(await figures(credentials.get('embed token'))).toEqual(acme);
    expect(await figures(credentials.get('own read key'))).toEqual(acme);
    const globex = await figures(credentials.get('other tenant key'));
    expect(globex).toEqual({
      startingMrr: { amount: '10019' },
      endingMrr: { amount: '9999' },
      churn: { amount: '20' },
      customers: { starting: 2 },
    });
    const usOnly = await figures(
      credentials.get('own key'),
      ', segment: { attributes: [{ name: "country", values: ["US"] }] }',
    );
    expect(await figures(credentials.get('segment-locked token'))).toEqual(usOnly);
    counter.add('figures per credential', 5);
  });

  it('a segment-locked token cannot widen its segment', async () => {
    for (const segment of [
      '{ attributes: [{ name: "country", values: ["FR"] }] }',
      '{ attributes: [{ name: "country", values: ["US", "FR"] }] }',
    ]) {
      counter.add('locked token widening');
      const { status, body } = await graphql(
        api,
        `{ retention(input: { ${WINDOW}, segment: ${segment} }) { ${REPORT} } }`,
        {
          credential: credentials.get('segment-locked token') as string,
        },
      );
      expectCleanAnswer(status, body);
      expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    counter.add('locked token widening');
    const minted = await graphql(api, 'mutation { createEmbedToken { token } }', {
      credential: credentials.get('segment-locked token') as string,
    });
    expect(minted.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('a successful import through a key lands in that key’s tenant only', async () => {
    counter.add('import lands in own tenant', 2);
    const text = 'subscription_id,customer_id,start_date,end_date,monthly_amount\\nzz1,zz1,2024-01-01,,7';
    const document = `mutation { importData(input: { format: PERIODS, text: "${text}" }) { status rowsStored } }`;
    const acmeBefore = await tenantState(test.database, 'acme');
    const result = await graphql(api, document, {
      credential: credentials.get('other tenant key') as string,
    });
    expect(result.body.data).toEqual({ importData: { status: 'SUCCEEDED', rowsStored: 1 } });
    expect(await tenantState(test.database, 'acme')).toEqual(acmeBefore);
    const seen = await graphql(api, '{ customer(id: "zz1") { id } }', {
      credential: credentials.get('own key') as string,
    });
    expect(seen.body.data).toEqual({ customer: null });
  });

  it('row-level security: as nrr_app with one tenant set, another tenant’s rows are invisible and unwritable', async () => {
    const { db } = test.database;
    const tables = [
      'tenants',
      'api_keys',
      'imports',
      'mrr_spans',
      'span_attribute_sets',
      'subscription_events',
      'fx_rates',
      'webhook_endpoints',
      'webhook_messages',
      'webhook_deliveries',
      'webhook_attempts',
      'webhook_movement_ledgers',
      'webhook_ledger_baselines',
      'data_changes',
    ];
    for (const setting of ["set local app.tenant_id = 'acme'", null]) {
      await db
        .transaction(async (tx) => {
          await tx.execute(sql.raw('set local role nrr_app'));
          if (setting) await tx.execute(sql.raw(setting));
          for (const table of tables) {
            counter.add('rls: read other tenant');
            const rows = resultRows<{ n: number }>(
              await tx.execute(sql.raw(`select count(*)::int as n from ${table} where tenant_id = 'globex'`)),
            );
            expect(rows[0]?.n, `${table} as nrr_app (${setting ?? 'no tenant set'})`).toBe(0);
            const all = resultRows<{ n: number }>(
              await tx.execute(sql.raw(`select count(*)::int as n from ${table} where tenant_id <> 'acme'`)),
            );
            expect(all[0]?.n, table).toBe(0);
          }
          throw new Error('rollback');
        })
        .catch((error: unknown) => {
          if (!(error instanceof Error && error.message === 'rollback')) throw error;
        });
    }
    const attempts = [
      "insert into mrr_spans (tenant_id, customer_id, subscription_id, start_at, mrr, currency, import_id) values ('globex', 'x', 'x', now(), 1, 'USD', 'i')",
      "insert into subscription_events (tenant_id, event_id, customer_id, subscription_id, effective_at, event, import_id) values ('globex', 'e', 'x', 'x', now(), '{}', 'i')",
      "update mrr_spans set mrr = 0 where tenant_id = 'globex'",
      "delete from mrr_spans where tenant_id = 'globex'",
      "insert into span_attribute_sets (tenant_id, set_id, attributes) values ('globex', 999, '{}')",
      "update tenants set data_version = 99 where tenant_id = 'globex'",
      "insert into api_keys (tenant_id, key_id, name, scope, secret_hash) values ('acme', 'k', 'k', 'read', 'h')",
      "insert into webhook_endpoints (tenant_id, endpoint_id, url, event_types, secret) values ('globex', 'we_x', 'https://example.com/', '{mrr.movement}', 'whsec_eA==')",
      "insert into webhook_messages (tenant_id, message_id, event_type, payload) values ('globex', 'mov_x', 'mrr.movement', '{}')",
      "insert into data_changes (tenant_id, data_version, customer_ids) values ('globex', 99, '{g1}')",
      "update webhook_deliveries set status = 'pending' where tenant_id = 'globex'",
    ];
    const globexBefore = await tenantState(test.database, 'globex');
    for (const statement of attempts) {
      counter.add('rls: write other tenant');
      const outcome = await db
        .transaction(async (tx) => {
          await tx.execute(sql.raw('set local role nrr_app'));
          await tx.execute(sql.raw("set local app.tenant_id = 'acme'"));
          const result = await tx.execute(sql.raw(`${statement} returning 1 as touched`));
          return resultRows(result).length;
        })
        .then(
          (touched) => `touched ${touched}`,
          () => 'refused',
        );
      expect(['touched 0', 'refused'], statement).toContain(outcome);
    }
    expect(await tenantState(test.database, 'globex')).toEqual(globexBefore);
  });

  it('stores API keys only as SHA-256 hashes', async () => {
    const rows = resultRows<Record<string, unknown>>(
      await test.database.db.execute(sql`select * from api_keys`),
    );
    expect(rows.length).toBe(secrets.length);
    const dump = JSON.stringify(rows);
    for (const secret of secrets) {
      counter.add('keys: hash only');
      // Not the secret, nor any 12-character piece of its random part.
      const random = secret.slice('nrr_sk_'.length);
      for (let i = 0; i + 12 <= random.length; i += 6) expect(dump).not.toContain(random.slice(i, i + 12));
      expect(rows.map((row) => row.secret_hash)).toContain(createHash('sha256').update(secret).digest('hex'));
    }
  });

  it('rate-limits per key with 429 RATE_LIMITED, leaving other keys and tokens their own budget', async () => {
    const limited = createApi({
      db: test.database.db,
      tokenSecret: TEST_TOKEN_SECRET,
      rateLimit: { capacity: 3, perSecond: 0.001 },
    });
    const call = (credential: string) => graphql(limited, '{ viewer { kind } }', { credential });
    const own = credentials.get('own key') as string;
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await call(own)).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const refused = await call(own);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expectCleanAnswer(refused.status, refused.body);
    expect((await call(credentials.get('own read key') as string)).status).toBe(200);
    expect((await call(credentials.get('embed token') as string)).status).toBe(200);
    expect((await call(credentials.get('other tenant key') as string)).status).toBe(200);
    counter.add('rate limit', 9);
  });
});
