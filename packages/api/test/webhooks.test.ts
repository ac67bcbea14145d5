/**
 * Outbound webhooks (issue 15), through GraphQL over HTTP and a loopback receiver: endpoints are
 * read_write-key only and confined to their tenant; URLs are refused by the address policy; each
 * MRR movement an import makes is delivered as a Standard Webhooks message that the official
 * `standardwebhooks` package verifies, exactly once per id even when the receiver fails the first
 * deliveries; re-imports enqueue nothing; corrections supersede or retract what was announced.
 */
import { sql } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultRows, withTenant } from '../src/db/tenant-scope.ts';
import { setFxRate } from '../src/fx-rates.ts';
import { runImport } from '../src/imports/run-import.ts';
import { updateTenantSettings } from '../src/settings.ts';
import { WebhookDispatcher } from '../src/webhooks/dispatcher.ts';
import { blockedAddressReason } from '../src/webhooks/url-policy.ts';
import { createApi } from '../src/yoga.ts';
import {
  DATABASE_KINDS,
  graphql,
  openTestDatabase,
  TEST_TOKEN_SECRET,
  type TestDatabase,
  tenantWithKey,
} from './harness.ts';
import { eventually, startReceiver, type WebhookReceiver } from './webhook-receiver.ts';

const HEADER = 'subscription_id,customer_id,start_date,end_date,monthly_amount,currency\n';
const HISTORY = `${HEADER}s0,c0,2023-06-01,,50,USD\n`;
const SALES = `${HEADER}s1,c1,2024-01-01,2024-03-01,100,USD\ns1,c1,2024-03-01,,150,USD\ns2,c2,2024-01-01,2024-02-01,80,USD\n`;

const CREATE = `mutation ($url: String!, $types: [String!]) {
  createWebhookEndpoint(url: $url, eventTypes: $types) { secret endpoint { id url eventTypes createdAt disabledAt } }
}`;
const DELIVERIES = `query ($id: ID!, $first: Int, $after: String) {
  webhookDeliveries(endpointId: $id, first: $first, after: $after) {
    edges { node { id endpointId messageId attempt statusCode error outcome nextAttemptAt durationMs } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface Payload {
  type: string;
  timestamp: string;
  data: Record<string, unknown> & {
    id: string;
    customerId: string;
    kind: string;
    at: string;
    supersedes?: string[];
  };
}

describe.each(DATABASE_KINDS)('outbound webhooks (%s)', (kind) => {
  let test: TestDatabase;
  let api: ReturnType<typeof createApi>;
  let strict: ReturnType<typeof createApi>;
  let acme: string;
  let beta: string;
  let receiver: WebhookReceiver;
  let dispatcher: WebhookDispatcher;
  let endpointId = '';
  let secret = '';

  const importPeriods = (tenantId: string, text: string) =>
    runImport(test.database.db, {
      tenantId,
      format: 'periods',
      source: text,
      sourceName: 'test.csv',
      actor: 'test',
    });
  const payloads = () => receiver.received.map((r) => JSON.parse(r.body) as Payload);
  /** Runs the dispatcher until `condition` holds (retries are due after a few ms). */
  const pump = (condition: () => boolean, what: string) =>
    eventually(async () => {
      await dispatcher.runOnce();
      return condition();
    }, what);

  beforeAll(async () => {
    test = await openTestDatabase(kind);
    const db = test.database.db;
    api = createApi({
      db,
      tokenSecret: TEST_TOKEN_SECRET,
      rateLimit: false,
      webhooks: { allowPrivate: true },
    });
    strict = createApi({ db, tokenSecret: TEST_TOKEN_SECRET, rateLimit: false });
    acme = await tenantWithKey(test.database, 'acme');
    beta = await tenantWithKey(test.database, 'beta');
    // The first three deliveries fail with HTTP 500.
    receiver = await startReceiver((index) => (index < 3 ? 500 : 200));
    dispatcher = new WebhookDispatcher(db, { allowPrivate: true, backoffBaseMs: 10, backoffMaxMs: 40 });
  });
  afterAll(async () => {
    await dispatcher.stop();
    await receiver.close();
    await api.close();
    await strict.close();
    await test.dispose();
  });

  it('needs a read_write secret key: a read key and an embed token are FORBIDDEN', async () => {
    const reader = await tenantWithKey(test.database, 'acme', { scope: 'read' });
    const minted = await graphql<{ createEmbedToken: { token: string } }>(
      api,
      'mutation { createEmbedToken { token } }',
      { credential: acme },
    );
    const token = minted.body.data?.createEmbedToken.token ?? '';
    for (const credential of [reader, token]) {
      const created = await graphql(api, CREATE, { credential, variables: { url: receiver.url } });
      expect(created.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const listed = await graphql(api, '{ webhookEndpoints { id } }', { credential });
      expect(listed.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect(
      (await graphql(api, '{ webhookEndpoints { id } }', { credential: reader })).body.errors?.[0]?.message,
    ).toBe('webhookEndpoints needs a key with the read_write scope; this key is read-only');
  });

  it('refuses URLs that are not http(s) or resolve to non-public addresses, unless allowed', async () => {
    const refusals: [string, string][] = [
      ['ftp://example.com/hook', 'url: only http and https URLs are allowed, got ftp:'],
      ['not a url', 'url: "not a url" is not a URL'],
      ['http://user:pw@example.com/', 'url: a webhook URL may not carry a user name or password'],
    ];
    for (const [url, message] of refusals) {
      const refused = await graphql(strict, CREATE, { credential: acme, variables: { url } });
      expect(refused.body.errors?.[0]).toMatchObject({ message, extensions: { code: 'BAD_USER_INPUT' } });
    }
    for (const [url, address] of [
      ['http://127.0.0.1:9/hook', '127.0.0.1'],
      ['http://localhost:9/hook', undefined],
      ['http://10.1.2.3/hook', '10.1.2.3'],
      ['http://192.168.0.10/hook', '192.168.0.10'],
      ['http://169.254.169.254/latest/meta-data', '169.254.169.254'],
      ['http://[::1]/hook', '::1'],
      ['http://[fd00::1]/hook', 'fd00::1'],
      ['http://[fe80::1]/hook', 'fe80::1'],
      ['http://[::ffff:10.0.0.1]/hook', '::ffff:a00:1'],
    ] as const) {
      const refused = await graphql(strict, CREATE, { credential: acme, variables: { url } });
      const message = refused.body.errors?.[0]?.message ?? '';
      expect(refused.body.errors?.[0]?.extensions?.code, url).toBe('BAD_USER_INPUT');
      expect(message, url).toMatch(/non-public address; webhooks go to public addresses only/);
      expect(message, url).toContain('NRR_WEBHOOKS_ALLOW_PRIVATE=1');
      if (address) expect(message, url).toContain(address);
    }
    expect(blockedAddressReason('93.184.216.34')).toBeUndefined();
    expect(blockedAddressReason('2606:2800:220:1:248:1893:25c8:1946')).toBeUndefined();
    expect(blockedAddressReason('100.64.0.1')).toMatch(/non-public/);
    const unknownType = await graphql(api, CREATE, {
      credential: acme,
      variables: { url: receiver.url, types: ['mrr.moved'] },
    });
    expect(unknownType.body.errors?.[0]?.message).toBe(
      'eventTypes: unknown event type "mrr.moved", expected one of mrr.movement, mrr.movement.retracted',
    );
    const listed = await graphql<{ webhookEndpoints: unknown[] }>(api, '{ webhookEndpoints { id } }', {
      credential: acme,
    });
    expect(listed.body.data?.webhookEndpoints).toEqual([]);
  });

  it('creates an endpoint (the secret shown once); movements that existed then are not sent', async () => {
    await importPeriods('acme', HISTORY);
    const created = await graphql<{
      createWebhookEndpoint: { secret: string; endpoint: { id: string; url: string; eventTypes: string[] } };
    }>(api, CREATE, { credential: acme, variables: { url: receiver.url } });
    expect(created.body.errors).toBeUndefined();
    const result = created.body.data?.createWebhookEndpoint;
    secret = result?.secret ?? '';
    endpointId = result?.endpoint.id ?? '';
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(endpointId).toMatch(/^we_[0-9a-f]{16}$/);
    expect(result?.endpoint).toMatchObject({
      url: receiver.url,
      eventTypes: ['mrr.movement', 'mrr.movement.retracted'],
    });
    const listed = await graphql<{ webhookEndpoints: Record<string, unknown>[] }>(
      api,
      '{ webhookEndpoints { id url eventTypes disabledAt } }',
      { credential: acme },
    );
    expect(listed.body.data?.webhookEndpoints).toEqual([
      {
        id: endpointId,
        url: receiver.url,
        eventTypes: ['mrr.movement', 'mrr.movement.retracted'],
        disabledAt: null,
      },
    ]);
    // The schema has no field that returns the secret again.
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    expect(await dispatcher.runOnce()).toBe(0);
  });

  it('delivers every movement of an import exactly once per id, after the receiver failed the first 3', async () => {
    await importPeriods('acme', SALES);
    await pump(() => receiver.delivered().length >= 4, '4 movements delivered');
    expect(receiver.received).toHaveLength(7);
    expect(receiver.received.slice(0, 3).map((r) => r.status)).toEqual([500, 500, 500]);
    const delivered = receiver.delivered();
    expect(new Set(delivered).size).toBe(4);
    const movements = payloads()
      .filter((_, index) => receiver.received[index]?.status === 200)
      .map(({ type, data }) => ({ type, ...data }))
      .sort((a, b) => `${a.customerId}${a.at}`.localeCompare(`${b.customerId}${b.at}`));
    expect(movements.map(({ id: _id, ...rest }) => rest)).toEqual([
      {
        type: 'mrr.movement',
        tenantId: 'acme',
        customerId: 'c1',
        kind: 'NEW',
        at: '2024-01-01T00:00:00.000Z',
        amount: '100',
        mrrBefore: '0',
        mrrAfter: '100',
        currency: 'USD',
        supersedes: [],
      },
      {
        type: 'mrr.movement',
        tenantId: 'acme',
        customerId: 'c1',
        kind: 'EXPANSION',
        at: '2024-03-01T00:00:00.000Z',
        amount: '50',
        mrrBefore: '100',
        mrrAfter: '150',
        currency: 'USD',
        supersedes: [],
      },
      {
        type: 'mrr.movement',
        tenantId: 'acme',
        customerId: 'c2',
        kind: 'NEW',
        at: '2024-01-01T00:00:00.000Z',
        amount: '80',
        mrrBefore: '0',
        mrrAfter: '80',
        currency: 'USD',
        supersedes: [],
      },
      {
        type: 'mrr.movement',
        tenantId: 'acme',
        customerId: 'c2',
        kind: 'CHURN',
        at: '2024-02-01T00:00:00.000Z',
        amount: '80',
        mrrBefore: '80',
        mrrAfter: '0',
        currency: 'USD',
        supersedes: [],
      },
    ]);
    // The webhook-id is the movement's id, the same on every attempt.
    for (const [index, r] of receiver.received.entries()) {
      expect(r.headers['webhook-id']).toBe(payloads()[index]?.data.id);
    }
    const log = await graphql<{
      webhookDeliveries: { edges: { node: Record<string, unknown> }[]; pageInfo: { hasNextPage: boolean } };
    }>(api, DELIVERIES, { credential: acme, variables: { id: endpointId } });
    const attempts = log.body.data?.webhookDeliveries.edges.map((edge) => edge.node) ?? [];
    expect(attempts).toHaveLength(7);
    expect(attempts.filter((a) => a.outcome === 'DELIVERED')).toHaveLength(4);
    const retried = attempts.filter((a) => a.outcome === 'RETRYING');
    expect(retried).toHaveLength(3);
    for (const attempt of retried) {
      expect(attempt).toMatchObject({
        statusCode: 500,
        error: 'answered HTTP 500, expected 2xx',
        attempt: 1,
      });
      expect(typeof attempt.nextAttemptAt).toBe('string');
    }
    // Paging: two at a time, newest first, no attempt twice.
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: Awaited<
        ReturnType<
          typeof graphql<{
            webhookDeliveries: {
              edges: { node: { id: string } }[];
              pageInfo: { hasNextPage: boolean; endCursor: string | null };
            };
          }>
        >
      > = await graphql(api, DELIVERIES, {
        credential: acme,
        variables: { id: endpointId, first: 2, after },
      });
      const connection = page.body.data?.webhookDeliveries;
      seen.push(...(connection?.edges.map((edge) => edge.node.id) ?? []));
      after = connection?.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toEqual(attempts.map((a) => a.id));
  });

  it('signs per Standard Webhooks: the official package verifies every delivery', () => {
    const verifier = new Webhook(secret);
    for (const r of receiver.received) {
      const headers = {
        'webhook-id': String(r.headers['webhook-id']),
        'webhook-timestamp': String(r.headers['webhook-timestamp']),
        'webhook-signature': String(r.headers['webhook-signature']),
      };
      expect(verifier.verify(r.body, headers)).toEqual(JSON.parse(r.body));
      expect(() => verifier.verify(`${r.body} `, headers)).toThrow();
    }
    expect(() =>
      new Webhook(`whsec_${Buffer.from('another secret').toString('base64')}`).verify(
        receiver.received[0]?.body ?? '',
        {
          'webhook-id': String(receiver.received[0]?.headers['webhook-id']),
          'webhook-timestamp': String(receiver.received[0]?.headers['webhook-timestamp']),
          'webhook-signature': String(receiver.received[0]?.headers['webhook-signature']),
        },
      ),
    ).toThrow();
  });

  it('enqueues nothing when the same data is imported again', async () => {
    const messages = async () =>
      resultRows<{ n: number }>(
        await test.database.db.execute(sql`select count(*)::int as n from webhook_messages`),
      )[0]?.n;
    const before = await messages();
    expect(before).toBe(4);
    await importPeriods('acme', SALES);
    expect(await messages()).toBe(4);
    expect(await dispatcher.runOnce()).toBe(0);
  });

  it('a correction supersedes the movements it replaces; a movement that is gone is retracted', async () => {
    const first = payloads().filter((_, i) => receiver.received[i]?.status === 200);
    const idOf = (customer: string, kind: string) =>
      first.find((p) => p.data.customerId === customer && p.data.kind === kind)?.data.id;
    const count = receiver.received.length;
    await importPeriods('acme', `${HEADER}s2,c2,2024-01-01,2024-02-01,90,USD\n`);
    await pump(() => receiver.received.length >= count + 2, 'the corrected movements');
    const corrected = payloads()
      .slice(count)
      .map((p) => p.data)
      .sort((a, b) => a.kind.localeCompare(b.kind));
    expect(corrected.map(({ id: _id, ...rest }) => rest)).toEqual([
      {
        tenantId: 'acme',
        customerId: 'c2',
        kind: 'CHURN',
        at: '2024-02-01T00:00:00.000Z',
        amount: '90',
        mrrBefore: '90',
        mrrAfter: '0',
        currency: 'USD',
        supersedes: [idOf('c2', 'CHURN')],
      },
      {
        tenantId: 'acme',
        customerId: 'c2',
        kind: 'NEW',
        at: '2024-01-01T00:00:00.000Z',
        amount: '90',
        mrrBefore: '0',
        mrrAfter: '90',
        currency: 'USD',
        supersedes: [idOf('c2', 'NEW')],
      },
    ]);

    const expansion = idOf('c1', 'EXPANSION') ?? '';
    await importPeriods('acme', `${HEADER}s1,c1,2024-03-01,,100,USD\n`);
    await pump(() => receiver.received.length >= count + 3, 'the retraction');
    const retraction = payloads()[count + 2];
    expect(retraction?.type).toBe('mrr.movement.retracted');
    expect(receiver.received[count + 2]?.headers['webhook-id']).toBe(`ret_${expansion.slice(4)}`);
    expect(retraction?.data).toMatchObject({
      id: expansion,
      customerId: 'c1',
      kind: 'EXPANSION',
      amount: '50',
    });

    // Back as it was: announced again, under an id of its own (this data version).
    await importPeriods('acme', `${HEADER}s1,c1,2024-03-01,,150,USD\n`);
    await pump(() => receiver.received.length >= count + 4, 'the movement announced again');
    const versions = await graphql<{ viewer: { tenant: { dataVersion: number } } }>(
      api,
      '{ viewer { tenant { dataVersion } } }',
      { credential: acme },
    );
    const version = versions.body.data?.viewer.tenant.dataVersion;
    expect(receiver.received[count + 3]?.headers['webhook-id']).toBe(`${expansion}_v${version}`);
    expect(payloads()[count + 3]?.data).toMatchObject({ id: expansion, kind: 'EXPANSION', supersedes: [] });
  });

  it('redelivers a message by hand, by delivery id or by message id', async () => {
    const log = await graphql<{
      webhookDeliveries: { edges: { node: { id: string; messageId: string; outcome: string } }[] };
    }>(api, DELIVERIES, { credential: acme, variables: { id: endpointId, first: 1 } });
    const latest = log.body.data?.webhookDeliveries.edges[0]?.node;
    expect(latest?.outcome).toBe('DELIVERED');
    const count = receiver.received.length;
    const byDelivery = await graphql<{ redeliverWebhook: number }>(
      api,
      'mutation ($id: ID) { redeliverWebhook(deliveryId: $id) }',
      { credential: acme, variables: { id: latest?.id } },
    );
    expect(byDelivery.body.data?.redeliverWebhook).toBe(1);
    await pump(() => receiver.received.length > count, 'the redelivery');
    expect(receiver.received[count]?.headers['webhook-id']).toBe(latest?.messageId);
    const byMessage = await graphql<{ redeliverWebhook: number }>(
      api,
      'mutation ($id: ID) { redeliverWebhook(messageId: $id) }',
      { credential: acme, variables: { id: latest?.messageId } },
    );
    expect(byMessage.body.data?.redeliverWebhook).toBe(1);
    await pump(() => receiver.received.length > count + 1, 'the second redelivery');
    const again = await graphql<{
      webhookDeliveries: { edges: { node: { attempt: number; messageId: string } }[] };
    }>(api, DELIVERIES, { credential: acme, variables: { id: endpointId, first: 1 } });
    expect(again.body.data?.webhookDeliveries.edges[0]?.node).toMatchObject({
      attempt: 3,
      messageId: latest?.messageId,
      outcome: 'DELIVERED',
      statusCode: 200,
    });
    const missing = await graphql(api, 'mutation { redeliverWebhook(messageId: "mov_nope") }', {
      credential: acme,
    });
    expect(missing.body.errors?.[0]).toMatchObject({
      message: 'tenant acme has no delivery of message "mov_nope"',
      extensions: { code: 'NOT_FOUND' },
    });
  });

  it("keeps tenants apart: another tenant sees none of acme's endpoints, deliveries or messages", async () => {
    const listed = await graphql<{ webhookEndpoints: unknown[] }>(api, '{ webhookEndpoints { id } }', {
      credential: beta,
    });
    expect(listed.body.data?.webhookEndpoints).toEqual([]);
    const log = await graphql(api, DELIVERIES, { credential: beta, variables: { id: endpointId } });
    expect(log.body.errors?.[0]).toMatchObject({
      message: `tenant beta has no webhook endpoint "${endpointId}"`,
      extensions: { code: 'NOT_FOUND' },
    });
    const messageId = receiver.received[0]?.headers['webhook-id'];
    const redeliver = await graphql(api, 'mutation ($id: ID) { redeliverWebhook(messageId: $id) }', {
      credential: beta,
      variables: { id: messageId },
    });
    expect(redeliver.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const deleted = await graphql(api, 'mutation ($id: ID!) { deleteWebhookEndpoint(id: $id) }', {
      credential: beta,
      variables: { id: endpointId },
    });
    expect(deleted.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // Row-level security: beta's role sees no row of acme's in any webhook table.
    const rows = await withTenant(test.database.db, 'beta', async (tx) => {
      const counts: Record<string, unknown> = {};
      for (const table of [
        'webhook_endpoints',
        'webhook_messages',
        'webhook_deliveries',
        'webhook_attempts',
        'webhook_movement_ledgers',
        'webhook_ledger_baselines',
      ]) {
        counts[table] = resultRows<{ n: number }>(
          await tx.execute(sql.raw(`select count(*)::int as n from ${table}`)),
        )[0]?.n;
      }
      return counts;
    });
    expect(rows).toEqual({
      webhook_endpoints: 0,
      webhook_messages: 0,
      webhook_deliveries: 0,
      webhook_attempts: 0,
      webhook_movement_ledgers: 0,
      webhook_ledger_baselines: 0,
    });
    // beta's own imports enqueue nothing for acme's endpoint (beta has none).
    await importPeriods('beta', SALES);
    expect(await dispatcher.runOnce()).toBe(0);
  });

  it('checks the address again at delivery time: a dispatcher that forbids private addresses does not send', async () => {
    const guarded = new WebhookDispatcher(test.database.db, { allowPrivate: false, backoffBaseMs: 10 });
    const count = receiver.received.length;
    const redeliver = await graphql(api, 'mutation ($id: ID) { redeliverWebhook(messageId: $id) }', {
      credential: acme,
      variables: { id: receiver.received[0]?.headers['webhook-id'] },
    });
    expect(redeliver.body.errors).toBeUndefined();
    expect(await guarded.runOnce()).toBe(1);
    expect(receiver.received).toHaveLength(count);
    const log = await graphql<{ webhookDeliveries: { edges: { node: Record<string, unknown> }[] } }>(
      api,
      DELIVERIES,
      { credential: acme, variables: { id: endpointId, first: 1 } },
    );
    expect(log.body.data?.webhookDeliveries.edges[0]?.node).toMatchObject({
      statusCode: null,
      outcome: 'RETRYING',
    });
    expect(String(log.body.data?.webhookDeliveries.edges[0]?.node.error)).toMatch(
      /^url: 127\.0\.0\.1 resolves to 127\.0\.0\.1 is a loopback, private, link-local or otherwise non-public address/,
    );
    await pump(() => receiver.received.length > count, 'the delivery once allowed');
  });

  it('deletes an endpoint with its deliveries; a deleted endpoint gets nothing more', async () => {
    const deleted = await graphql<{ deleteWebhookEndpoint: string }>(
      api,
      'mutation ($id: ID!) { deleteWebhookEndpoint(id: $id) }',
      { credential: acme, variables: { id: endpointId } },
    );
    expect(deleted.body.data?.deleteWebhookEndpoint).toBe(endpointId);
    const count = receiver.received.length;
    await importPeriods('acme', `${HEADER}s3,c3,2024-05-01,,30,USD\n`);
    expect(await dispatcher.runOnce()).toBe(0);
    expect(receiver.received).toHaveLength(count);
    const log = await graphql(api, DELIVERIES, { credential: acme, variables: { id: endpointId } });
    expect(log.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('a customer billed in several currencies moves in the reporting currency; without a rate it keeps what was announced', async () => {
    const gamma = await tenantWithKey(test.database, 'gamma');
    const created = await graphql<{ createWebhookEndpoint: { endpoint: { id: string } } }>(api, CREATE, {
      credential: gamma,
      variables: { url: receiver.url },
    });
    expect(created.body.errors).toBeUndefined();
    const count = receiver.received.length;
    await setFxRate(test.database.db, { tenantId: 'gamma', currency: 'EUR', rate: 1.1, from: '2023-01-01' });
    await importPeriods(
      'gamma',
      `${HEADER}s1,c1,2024-01-01,,100,USD\ns2,c1,2024-02-01,,50,EUR\ns3,c2,2024-01-01,,40,EUR\n`,
    );
    await pump(() => receiver.received.length >= count + 3, "gamma's movements");
    const data = payloads()
      .slice(count)
      .map(({ data: { id: _id, tenantId: _tenant, supersedes: _s, ...rest } }) => rest)
      .sort((a, b) => `${a.customerId}${a.at}`.localeCompare(`${b.customerId}${b.at}`));
    expect(data).toEqual([
      {
        customerId: 'c1',
        kind: 'NEW',
        at: '2024-01-01T00:00:00.000Z',
        amount: '100',
        mrrBefore: '0',
        mrrAfter: '100',
        currency: 'USD',
      },
      {
        customerId: 'c1',
        kind: 'EXPANSION',
        at: '2024-02-01T00:00:00.000Z',
        amount: '55',
        mrrBefore: '100',
        mrrAfter: '155',
        currency: 'USD',
      },
      // Billed in EUR only: in EUR, as billed, whatever the rates.
      {
        customerId: 'c2',
        kind: 'NEW',
        at: '2024-01-01T00:00:00.000Z',
        amount: '40',
        mrrBefore: '0',
        mrrAfter: '40',
        currency: 'EUR',
      },
    ]);
    // A customer that gains a GBP subscription, with no GBP rate: the import succeeds, nothing is
    // enqueued for it, and nothing announced is retracted.
    const summary = await importPeriods('gamma', `${HEADER}s4,c1,2024-03-01,,10,GBP\n`);
    expect(summary.status).toBe('SUCCEEDED');
    expect(await dispatcher.runOnce()).toBe(0);
    expect(receiver.received).toHaveLength(count + 3);
  });

  it("classifies under the tenant's settings; a settings change reclassifies what was announced", async () => {
    const delta = await tenantWithKey(test.database, 'delta');
    await updateTenantSettings(test.database.db, 'delta', { reactivationWindowDays: 30 });
    const created = await graphql<{ createWebhookEndpoint: { endpoint: { id: string } } }>(api, CREATE, {
      credential: delta,
      variables: { url: receiver.url },
    });
    expect(created.body.errors).toBeUndefined();
    const count = receiver.received.length;
    // c1 leaves on February 1 and comes back on June 1, 121 days later.
    await importPeriods('delta', `${HEADER}s1,c1,2024-01-01,2024-02-01,100,USD\ns2,c1,2024-06-01,,100,USD\n`);
    await pump(() => receiver.received.length >= count + 3, "delta's movements");
    const kinds = (from: number) =>
      payloads()
        .slice(from)
        .map(({ type, data }) => `${type} ${data.at.slice(0, 10)} ${data.kind}`)
        .sort();
    // Beyond the 30-day window the return is new business, as the movements query says.
    expect(kinds(count)).toEqual([
      'mrr.movement 2024-01-01 NEW',
      'mrr.movement 2024-02-01 CHURN',
      'mrr.movement 2024-06-01 NEW',
    ]);
    const movements = await graphql<{ movements: { edges: { node: { type: string } }[] } }>(
      api,
      `{ movements(input: { from: "2024-06-01", to: "2024-07-01" }) { edges { node { type } } } }`,
      { credential: delta },
    );
    expect(movements.body.data?.movements.edges.map((edge) => edge.node.type)).toEqual(['NEW']);
    // Any gap reactivates: the June movement is announced again as a reactivation, superseding the new business.
    const after = receiver.received.length;
    await updateTenantSettings(test.database.db, 'delta', { reactivationWindowDays: null });
    await pump(() => receiver.received.length >= after + 1, "delta's reclassified movement");
    expect(kinds(after)).toEqual(['mrr.movement 2024-06-01 REACTIVATION']);
    expect(payloads().at(-1)?.data.supersedes).toHaveLength(1);
  });
});
