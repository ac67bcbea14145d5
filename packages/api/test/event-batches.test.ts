/**
 * Events arrive in batches (the webhook pattern): each import stores its events and recomputes the
 * spans of the subscriptions it touches from all their stored events, so a batch holding only a
 * cancellation closes the span an earlier batch opened, and the order of batches does not matter.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mrrSpans, subscriptionEvents } from '../src/db/schema.ts';
import type { Api } from '../src/yoga.ts';
import {
  DATABASE_KINDS,
  graphql,
  openTestDatabase,
  type TestDatabase,
  tenantWithKey,
  testApi,
} from './harness.ts';

const event = (fields: Record<string, unknown>) =>
  JSON.stringify({ status: 'active', currency: 'USD', interval: 'month', ...fields });

/** c1 (s1) pays 100 from January and upgrades to 150 in March; c2 (s2) pays 50 from January. */
const BATCH_1 = [
  event({ id: 'evt_1', customer: 'c1', subscription: 's1', unit_amount: '100', effective_at: '2024-01-01' }),
  event({ id: 'evt_2', customer: 'c1', subscription: 's1', unit_amount: '150', effective_at: '2024-03-01' }),
  event({ id: 'evt_3', customer: 'c2', subscription: 's2', unit_amount: '50', effective_at: '2024-01-01' }),
].join('\n');
/** Only the cancellation of s1, effective April 15. */
const BATCH_2 = event({
  id: 'evt_4',
  customer: 'c1',
  subscription: 's1',
  unit_amount: '150',
  status: 'canceled',
  effective_at: '2024-04-15',
});

const IMPORT = `mutation ($text: String!) {
  importData(input: { format: EVENTS, text: $text }) { status rowsRead rowsStored customersAffected }
}`;
const FIGURES = `{
  retention(input: { from: "2024-02-01", to: "2024-06-01" }) {
    startingMrr { amount } expansion { amount } contraction { amount } churn { amount } endingMrr { amount } nrr }
  c1: customer(id: "c1") { history { at mrr { amount } } }
  c2: customer(id: "c2") { history { at mrr { amount } } }
}`;

/** A Stripe `customer.subscription.*` event of c3's s3 as Clover (2025-09-30) sends it: USD 20.00 a month. */
const stripeEvent = (id: string, created: string, type: string, subscription: Record<string, unknown>) =>
  JSON.stringify({
    id,
    object: 'event',
    api_version: '2025-09-30.clover',
    created: Date.parse(created) / 1000,
    pending_webhooks: 1,
    type,
    data: {
      object: {
        id: 's3',
        object: 'subscription',
        customer: 'c3',
        status: 'active',
        currency: 'usd',
        automatic_tax: { enabled: false, liability: null },
        items: {
          object: 'list',
          data: [
            {
              id: 'si_1',
              object: 'subscription_item',
              current_period_start: Date.parse('2024-01-01T00:00:00Z') / 1000,
              current_period_end: Date.parse('2024-02-01T00:00:00Z') / 1000,
              discounts: [],
              quantity: 1,
              price: {
                id: 'price_1',
                object: 'price',
                currency: 'usd',
                unit_amount: 2000,
                type: 'recurring',
                recurring: { interval: 'month', interval_count: 1, usage_type: 'licensed' },
                tax_behavior: 'exclusive',
              },
            },
          ],
        },
        discounts: [],
        canceled_at: null,
        ended_at: null,
        pause_collection: null,
        metadata: {},
        ...subscription,
      },
    },
  });
/** Paid from January at 25% off (an expanded Clover discount), then canceled. */
const STRIPE_ACTIVE = stripeEvent('evt_s1', '2024-01-01T00:00:00Z', 'customer.subscription.created', {
  discounts: [
    {
      id: 'di_1',
      object: 'discount',
      source: {
        type: 'coupon',
        coupon: { id: 'Q25', object: 'coupon', percent_off: 25, duration: 'forever' },
      },
      start: Date.parse('2024-01-01T00:00:00Z') / 1000,
      end: null,
    },
  ],
});
/** The deleted webhook: its discounts are ids, as webhooks send them; created a few seconds after it ended. */
const STRIPE_DELETED = stripeEvent('evt_s2', '2024-04-01T00:00:05Z', 'customer.subscription.deleted', {
  status: 'canceled',
  canceled_at: Date.parse('2024-03-10T00:00:00Z') / 1000,
  ended_at: Date.parse('2024-04-01T00:00:00Z') / 1000,
  discounts: ['di_1'],
});

describe.each(DATABASE_KINDS)('event batches on %s', (kind) => {
  let test: TestDatabase;
  let api: Api;
  const keys: Record<string, string> = {};
  const importText = async (tenant: string, text: string) =>
    (
      await graphql<{ importData: Record<string, unknown> }>(api, IMPORT, {
        credential: keys[tenant] as string,
        variables: { text },
      })
    ).body;
  const version = async (tenant: string) =>
    (
      await graphql<{ viewer: { tenant: { dataVersion: number } } }>(
        api,
        '{ viewer { tenant { dataVersion } } }',
        {
          credential: keys[tenant] as string,
        },
      )
    ).body.data?.viewer.tenant.dataVersion;
  const figures = async (tenant: string) =>
    (await graphql(api, FIGURES, { credential: keys[tenant] as string })).body.data;

  beforeAll(async () => {
    test = await openTestDatabase(kind);
    api = testApi(test.database);
    for (const tenant of ['batched', 'reversed', 'whole', 'stripe'])
      keys[tenant] = await tenantWithKey(test.database, tenant);
  });
  afterAll(() => test.dispose());

  it('a batch holding only a cancellation churns the subscription at its date, as one import of all events would', async () => {
    expect((await importText('batched', BATCH_1)).data?.importData).toEqual({
      status: 'SUCCEEDED',
      rowsRead: 3,
      rowsStored: 3,
      customersAffected: 2,
    });
    expect(await version('batched')).toBe(1);
    expect((await importText('batched', BATCH_2)).data?.importData).toEqual({
      status: 'SUCCEEDED',
      rowsRead: 1,
      rowsStored: 1,
      customersAffected: 1,
    });
    expect(await version('batched')).toBe(2);
    await importText('whole', `${BATCH_1}\n${BATCH_2}`);
    const batched = await figures('batched');
    expect(batched).toEqual({
      retention: {
        startingMrr: { amount: '150' },
        // c1 expanded and then churned within the window: churn is its starting MRR (semantics §4).
        expansion: { amount: '0' },
        contraction: { amount: '0' },
        churn: { amount: '100' },
        endingMrr: { amount: '50' },
        nrr: 1 / 3,
      },
      c1: {
        history: [
          { at: '2024-01-01T00:00:00.000Z', mrr: { amount: '100' } },
          { at: '2024-03-01T00:00:00.000Z', mrr: { amount: '150' } },
          { at: '2024-04-15T00:00:00.000Z', mrr: { amount: '0' } },
        ],
      },
      c2: { history: [{ at: '2024-01-01T00:00:00.000Z', mrr: { amount: '50' } }] },
    });
    expect(await figures('whole')).toEqual(batched);
  });

  it('reads Stripe webhooks as delivered: a redelivery counts once, a deleted webhook with id-only discounts churns', async () => {
    // The first event delivered twice (at least once delivery), then the cancellation.
    const file = [STRIPE_ACTIVE, STRIPE_ACTIVE, STRIPE_DELETED].join('\n');
    expect((await importText('stripe', file)).data?.importData).toEqual({
      status: 'SUCCEEDED',
      rowsRead: 2,
      rowsStored: 1,
      customersAffected: 1,
    });
    const body = await graphql(
      api,
      `{
        retention(input: { from: "2024-02-01", to: "2024-06-01" }) {
          startingMrr { amount } churn { amount } endingMrr { amount } nrr }
        customer(id: "c3") { history { at mrr { amount } } }
      }`,
      { credential: keys.stripe as string },
    );
    expect(body.body.data).toEqual({
      retention: {
        startingMrr: { amount: '15' },
        churn: { amount: '15' },
        endingMrr: { amount: '0' },
        nrr: 0,
      },
      customer: {
        history: [
          { at: '2024-01-01T00:00:00.000Z', mrr: { amount: '15' } },
          { at: '2024-04-01T00:00:00.000Z', mrr: { amount: '0' } },
        ],
      },
    });
  });

  it('gives the same figures when the batches arrive in reverse order', async () => {
    expect((await importText('reversed', BATCH_2)).data?.importData).toMatchObject({
      status: 'SUCCEEDED',
      rowsStored: 0,
    });
    await importText('reversed', BATCH_1);
    expect(await figures('reversed')).toEqual(await figures('whole'));
  });

  it('changes nothing when a batch comes again', async () => {
    for (const batch of [BATCH_1, BATCH_2]) {
      expect((await importText('batched', batch)).data?.importData).toMatchObject({
        status: 'SUCCEEDED',
        rowsStored: 0,
        customersAffected: 0,
      });
    }
    expect(await version('batched')).toBe(2);
    expect(await figures('batched')).toEqual(await figures('whole'));
  });

  it('replaces a corrected event and drops the spans it no longer implies', async () => {
    // evt_2 corrected: the upgrade was to 100, i.e. no change; s1's March span merges into January's.
    const corrected = event({
      id: 'evt_2',
      customer: 'c1',
      subscription: 's1',
      unit_amount: '100',
      effective_at: '2024-03-01',
    });
    const body = await importText('batched', corrected);
    expect(body.data?.importData).toMatchObject({ status: 'SUCCEEDED', rowsStored: 2, customersAffected: 1 });
    const spans = await test.database.db
      .select({
        subscription: mrrSpans.subscriptionId,
        start: mrrSpans.startAt,
        end: mrrSpans.endAt,
        mrr: mrrSpans.mrr,
      })
      .from(mrrSpans)
      .where(eqTenant('batched'))
      .orderBy(mrrSpans.subscriptionId, mrrSpans.startAt);
    expect(spans).toEqual([
      { subscription: 's1', start: new Date('2024-01-01Z'), end: new Date('2024-04-15Z'), mrr: '100.0000' },
      { subscription: 's2', start: new Date('2024-01-01Z'), end: null, mrr: '50.0000' },
    ]);
  });

  it('stores neither events nor spans from an invalid batch', async () => {
    const before = {
      events: await test.database.db.select().from(subscriptionEvents).where(eqEventsTenant('batched')),
      spans: await test.database.db.select().from(mrrSpans).where(eqTenant('batched')),
    };
    const invalid = [
      event({
        id: 'evt_5',
        customer: 'c2',
        subscription: 's2',
        status: 'canceled',
        unit_amount: '50',
        effective_at: '2024-05-01',
      }),
      event({
        id: 'evt_6',
        customer: 'c3',
        subscription: 's3',
        unit_amount: 'ten',
        effective_at: '2024-05-01',
      }),
    ].join('\n');
    const body = await importText('batched', invalid);
    expect(body.data ?? null).toBeNull();
    expect(body.errors?.[0]?.extensions?.rowErrors).toEqual([expect.objectContaining({ line: 2 })]);
    expect(await test.database.db.select().from(subscriptionEvents).where(eqEventsTenant('batched'))).toEqual(
      before.events,
    );
    expect(await test.database.db.select().from(mrrSpans).where(eqTenant('batched'))).toEqual(before.spans);
  });
});

function eqTenant(tenantId: string) {
  return eq(mrrSpans.tenantId, tenantId);
}

function eqEventsTenant(tenantId: string) {
  return eq(subscriptionEvents.tenantId, tenantId);
}
