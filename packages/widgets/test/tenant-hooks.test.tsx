/**
 * The hooks for the tenant's directory and breakdowns against the real API (dbt MRR playbook on
 * PGlite, started by test/api-server.global.ts, over HTTP with an embed token). Expected values are
 * read off the playbook's CSV (55 customers, no attribute columns, amounts below 1,000 a month).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { QueryClient } from '@tanstack/react-query';
import { renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, inject, it } from 'vitest';
import {
  createNrrClient,
  type EmbedToken,
  NrrProvider,
  useBreakdown,
  useCustomer,
  useCustomers,
  useRetention,
  useSegmentDimensions,
  useSegments,
  useViewer,
} from '../src/index.ts';

const { url: ORIGIN, secret } = inject('nrrApi');
const YEAR_2019 = { from: '2019-01-01', to: '2020-01-01' };
const CSV = readFileSync(
  resolve(import.meta.dirname, '../../../../shared/datasets/dbt-mrr-playbook/subscription_periods.csv'),
  'utf8',
);
const CUSTOMER_IDS = [
  ...new Set(
    CSV.trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(',')[1]),
  ),
].sort();

async function mintEmbedToken(): Promise<EmbedToken> {
  const response = await fetch(`${ORIGIN}/v1/embed-tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ttlSeconds: 600 }),
  });
  return (await response.json()) as EmbedToken;
}

/** Renders `hook` inside a provider whose client counts the GraphQL requests it sends. */
function renderConnected<T>(hook: () => T) {
  const operations: string[] = [];
  const client = createNrrClient({
    endpoint: `${ORIGIN}/graphql`,
    fetchToken: mintEmbedToken,
    fetch: (input, init) => {
      const body = JSON.parse(String(init?.body)) as { query: string };
      operations.push(/^query (\w+)/.exec(body.query)?.[1] ?? '?');
      return fetch(input, init);
    },
  });
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const wrapper = ({ children }: { children: ReactNode }) => (
    <NrrProvider client={client} queryClient={queryClient}>
      {children}
    </NrrProvider>
  );
  return { ...renderHook(hook, { wrapper }), operations };
}

async function settled<T extends { isSuccess: boolean; error: unknown }>(current: () => T): Promise<T> {
  await waitFor(
    () => {
      expect(current().error).toBeNull();
      expect(current().isSuccess).toBe(true);
    },
    { timeout: 15_000 },
  );
  return current();
}

describe('directory and breakdown hooks against the real API', () => {
  it('useViewer: an embed token of tenant dbt, reporting in USD, read-only', async () => {
    const { result } = renderConnected(() => useViewer());
    const { data } = await settled(() => result.current);
    expect(data).toMatchObject({
      kind: 'EMBED_TOKEN',
      canWrite: false,
      tenant: { id: 'dbt', reportingCurrency: 'USD', currencies: ['USD'] },
    });
    expect(data?.tenant.dataVersion).toBeGreaterThan(0);
  });

  it('useSegmentDimensions and useSegments: no attributes in the playbook, the three size bands', async () => {
    const { result } = renderConnected(() => ({
      dimensions: useSegmentDimensions(),
      bands: useSegments('size_band'),
    }));
    expect((await settled(() => result.current.dimensions)).data).toEqual(['size_band']);
    expect((await settled(() => result.current.bands)).data).toEqual(['SMB', 'MID_MARKET', 'ENTERPRISE']);
  });

  it('useCustomers pages through all 55 customers by cursor, ordered by id', async () => {
    const { result, rerender } = renderConnected((after: string | null = null) =>
      useCustomers({ first: 30, after }),
    );
    const first = (await settled(() => result.current)).data;
    expect(first?.totalCount).toBe(CUSTOMER_IDS.length);
    expect(first?.edges).toHaveLength(30);
    expect(first?.pageInfo.hasNextPage).toBe(true);
    rerender(first?.pageInfo.endCursor ?? null);
    await waitFor(() => expect(result.current.data?.edges).toHaveLength(CUSTOMER_IDS.length - 30), {
      timeout: 15_000,
    });
    expect(result.current.data?.pageInfo.hasNextPage).toBe(false);
    const ids = [...(first?.edges ?? []), ...(result.current.data?.edges ?? [])].map((edge) => edge.node.id);
    expect(ids).toEqual([...CUSTOMER_IDS].sort());
  });

  it('useCustomer: customer 1’s ledger and MRR, as the CSV has it', async () => {
    const { result } = renderConnected(() => ({
      known: useCustomer({ id: '1', at: '2019-07-01' }),
      unknown: useCustomer({ id: 'nobody' }),
    }));
    const customer = (await settled(() => result.current.known)).data;
    expect(customer?.mrr).toEqual({ amount: '75', currency: 'USD' });
    expect(customer?.ledger.map((entry) => [entry.type, entry.at.slice(0, 10), entry.amount.amount])).toEqual(
      [
        ['NEW', '2018-11-01', '50'],
        ['CHURN', '2019-02-01', '50'],
        ['REACTIVATION', '2019-04-01', '50'],
        ['EXPANSION', '2019-06-01', '25'],
        ['CHURN', '2019-08-01', '75'],
      ],
    );
    expect((await settled(() => result.current.unknown)).data).toBeNull();
  });

  it('useCustomer({ definitions }): under a 30-day reactivation window, customer 1’s return after 59 days is new business', async () => {
    const { result, operations } = renderConnected(() => ({
      tenant: useCustomer({ id: '1' }),
      short: useCustomer({ id: '1', definitions: { reactivationWindowDays: 30 } }),
    }));
    const types = async (pick: () => ReturnType<typeof useCustomer>) =>
      (await settled(pick)).data?.ledger.map((entry) => `${entry.type} ${entry.at.slice(0, 10)}`);
    expect(await types(() => result.current.tenant)).toContain('REACTIVATION 2019-04-01');
    expect(await types(() => result.current.short)).toEqual([
      'NEW 2018-11-01',
      'CHURN 2019-02-01',
      'NEW 2019-04-01',
      'EXPANSION 2019-06-01',
      'CHURN 2019-08-01',
    ]);
    // Two keys, two requests: the override never answers from the tenant's cache entry.
    expect(operations.filter((name) => name === 'NrrCustomer')).toHaveLength(2);
  });

  it('useBreakdown: one request, rows largest first, whose bridges sum to the window’s retention', async () => {
    const { result, operations } = renderConnected(() => ({
      rows: useBreakdown({ period: YEAR_2019, by: 'size_band' }),
      total: useRetention({ period: YEAR_2019 }),
    }));
    const rows = (await settled(() => result.current.rows)).data ?? [];
    const total = (await settled(() => result.current.total)).data;
    expect(operations.filter((name) => name === 'NrrBreakdown')).toHaveLength(1);
    // Every playbook customer pays under 1,000 a month: SMB carries the whole window, the other
    // bands are empty rows (ties by name).
    expect(rows.map((row) => [row.value, row.valueCount])).toEqual([
      ['SMB', 1],
      ['ENTERPRISE', 1],
      ['MID_MARKET', 1],
    ]);
    expect(rows[0]?.report.startingMrr).toEqual(total?.startingMrr);
    expect(rows[0]?.report.endingMrr).toEqual(total?.endingMrr);
    expect(rows[0]?.report.nrr).toBe(total?.nrr);
    for (const empty of rows.slice(1)) {
      expect([empty.report.startingMrr.amount, empty.report.endingMrr.amount, empty.report.nrr]).toEqual([
        '0',
        '0',
        null,
      ]);
    }
  });
});
