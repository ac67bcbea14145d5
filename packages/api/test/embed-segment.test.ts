import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api } from '../src/yoga.ts';
import { ACME_SPANS, storeTestSpans } from './fixtures.ts';
import {
  DATABASE_KINDS,
  graphql,
  openTestDatabase,
  type TestDatabase,
  tenantWithKey,
  testApi,
} from './harness.ts';

const WINDOW = 'from: "2024-02-01", to: "2024-04-01"';

describe.each(DATABASE_KINDS)('segment-locked embed tokens on %s', (kind) => {
  let test: TestDatabase;
  let api: Api;
  let secret: string;
  let usToken: string;

  beforeAll(async () => {
    test = await openTestDatabase(kind);
    api = testApi(test.database);
    secret = await tenantWithKey(test.database, 'acme');
    await storeTestSpans(test.database, 'acme', ACME_SPANS);
    const minted = await graphql<{ createEmbedToken: { token: string } }>(
      api,
      'mutation { createEmbedToken(input: { segment: { attributes: [{ name: "country", values: ["US"] }] } }) { token } }',
      { credential: secret },
    );
    usToken = minted.body.data?.createEmbedToken.token ?? '';
  });
  afterAll(() => test.dispose());

  const starting = async (credential: string, segment = '') => {
    const { body } = await graphql<{ retention: { startingMrr: { amount: string } } }>(
      api,
      `{ retention(input: { ${WINDOW} ${segment} }) { startingMrr { amount } } }`,
      { credential },
    );
    return body;
  };

  it('confines figures to the locked segment', async () => {
    expect((await starting(secret)).data?.retention.startingMrr.amount).toBe('150');
    expect((await starting(usToken)).data?.retention.startingMrr.amount).toBe('100');
  });

  it('may narrow the segment but not widen or replace it', async () => {
    const narrowed = await starting(
      usToken,
      'segment: { attributes: [{ name: "plan", values: ["Growth"] }] }',
    );
    expect(narrowed.data?.retention.startingMrr.amount).toBe('100');
    const starter = await starting(
      usToken,
      'segment: { attributes: [{ name: "plan", values: ["Starter"] }] }',
    );
    expect(starter.data?.retention.startingMrr.amount).toBe('0');
    for (const values of ['["FR"]', '["US", "FR"]']) {
      const widened = await starting(
        usToken,
        `segment: { attributes: [{ name: "country", values: ${values} }] }`,
      );
      expect(widened.data ?? null).toBeNull();
      expect(widened.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(widened.errors?.[0]?.message).toContain('this token is limited to ["US"]');
    }
  });

  it('hides customers, movements and segment values outside the lock', async () => {
    const { body } = await graphql<{
      customers: { edges: { node: { id: string } }[] };
      hidden: { id: string } | null;
      movements: { edges: { node: { customerId: string } }[] };
      segments: string[];
      breakdown: { value: string }[];
    }>(
      api,
      `{ customers { edges { node { id } } } hidden: customer(id: "a2") { id }
         movements(input: { ${WINDOW} }) { edges { node { customerId } } }
         segments(dimension: "country")
         breakdown(input: { ${WINDOW}, by: "country" }) { value } }`,
      { credential: usToken },
    );
    expect(body.data?.customers.edges.map((e) => e.node.id)).toEqual(['a1', 'a3']);
    expect(body.data?.hidden).toBeNull();
    expect(body.data?.movements.edges.map((e) => e.node.customerId)).toEqual(['a1', 'a3']);
    expect(body.data?.segments).toEqual(['US']);
    expect(body.data?.breakdown.map((s) => s.value)).toEqual(['US']);
  });

  it('cannot mint further tokens', async () => {
    const { body } = await graphql(api, 'mutation { createEmbedToken { token } }', { credential: usToken });
    expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
