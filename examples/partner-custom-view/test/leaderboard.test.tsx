import { formatPercent } from '@nrr/core';
import { cleanup, render, screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { barPercent, PartnerView, rankRows } from '../src/index.ts';
import { type SpawnedApi, spawnLiveApi } from './spawn-api.ts';

const PERIOD = { from: '2025-01-01', to: '2026-01-01' };
let live: SpawnedApi;
beforeAll(async () => {
  live = await spawnLiveApi();
});
afterAll(() => live?.stop());
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/** The GraphQL operations the view sends (name and `input.by`), seen at the global `fetch` it uses. */
function recordOperations() {
  const seen: { operation: string; by: unknown }[] = [];
  const realFetch = globalThis.fetch;
  vi.stubGlobal('fetch', (input: RequestInfo | URL, init?: RequestInit) => {
    if (String(input).endsWith('/graphql') && typeof init?.body === 'string') {
      const body = JSON.parse(init.body) as { query: string; variables?: { input?: { by?: unknown } } };
      const operation = /^query (\w+)/.exec(body.query)?.[1];
      if (operation) seen.push({ operation, by: body.variables?.input?.by });
    }
    return realFetch(input, init);
  });
  return seen;
}

/** What a partner's backend does: mint an embed token with its secret key. */
async function fetchToken() {
  const response = await fetch(`${live.url}/v1/embed-tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${live.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ttlSeconds: 600 }),
  });
  if (response.status !== 201) throw new Error(`token refused: ${response.status} ${await response.text()}`);
  return (await response.json()) as { token: string; expiresAt: string; tenantId: string };
}

/** The API's own NRR and GRR for one plan, asked directly with the secret key. */
async function planFigures(plan: string): Promise<{ nrr: number | null; grr: number | null }> {
  const response = await fetch(`${live.url}/graphql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${live.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      query: 'query ($input: RetentionInput!) { retention(input: $input) { nrr grr } }',
      variables: { input: { ...PERIOD, segment: { attributes: [{ name: 'plan', values: [plan] }] } } },
    }),
  });
  const body = (await response.json()) as { data: { retention: { nrr: number | null; grr: number | null } } };
  return body.data.retention;
}

function bodyRows(table: HTMLElement) {
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map((row) => {
      const cells = within(row).getAllByRole('cell');
      return {
        plan: within(row).getByRole('rowheader').textContent ?? '',
        nrr: cells[1]?.textContent ?? '',
        grr: cells[2]?.textContent ?? '',
        bars: [...row.querySelectorAll<HTMLElement>('.leaderboard-bar > span')].map((bar) =>
          Number.parseFloat(bar.style.inlineSize),
        ),
      };
    });
}

describe('the partner’s segment leaderboard against a live API', () => {
  it('ranks every plan by NRR with the API’s figures, then by GRR on request', async () => {
    const sent = recordOperations();
    render(<PartnerView endpoint={`${live.url}/graphql`} fetchToken={fetchToken} period={PERIOD} />);
    const board = await screen.findByRole('region', { name: 'Retention by plan' }, { timeout: 30_000 });
    expect(within(board).getByText('Jan 2025 – Dec 2025')).toBeTruthy();
    const table = await within(board).findByRole(
      'table',
      { name: 'Net and gross revenue retention by plan, Jan 2025 – Dec 2025, ordered by NRR' },
      { timeout: 30_000 },
    );
    const rows = bodyRows(table);
    expect(rows.map((row) => row.plan).sort()).toEqual(['Enterprise', 'Growth', 'Pro', 'Starter']);

    const figures = new Map(
      await Promise.all(rows.map(async (row) => [row.plan, await planFigures(row.plan)] as const)),
    );
    for (const row of rows) {
      const api = figures.get(row.plan);
      expect([row.nrr, row.grr], row.plan).toEqual([
        formatPercent(api?.nrr ?? null),
        formatPercent(api?.grr ?? null),
      ]);
    }
    const byNrr = [...figures.entries()]
      .sort((a, b) => (b[1].nrr ?? 0) - (a[1].nrr ?? 0))
      .map(([plan]) => plan);
    expect(rows.map((row) => row.plan)).toEqual(byNrr);
    // Bars share one scale: the largest figure on the board, at least 100%.
    const scale = Math.max(1, ...[...figures.values()].flatMap((f) => [f.nrr ?? 0, f.grr ?? 0]));
    for (const row of rows) {
      const api = figures.get(row.plan);
      const [nrrBar, grrBar] = row.bars;
      expect(nrrBar).toBeCloseTo(barPercent(api?.nrr ?? null, scale), 1);
      expect(grrBar).toBeCloseTo(barPercent(api?.grr ?? null, scale), 1);
    }

    const grrButton = within(board).getByRole('button', { name: 'GRR' });
    await userEvent.click(grrButton);
    expect(grrButton.getAttribute('aria-pressed')).toBe('true');
    const reordered = within(board).getByRole('table', { name: /ordered by GRR$/ });
    expect(within(reordered).getByRole('columnheader', { name: 'GRR' }).getAttribute('aria-sort')).toBe(
      'descending',
    );
    const byGrr = [...figures.entries()]
      .sort((a, b) => (b[1].grr ?? 0) - (a[1].grr ?? 0))
      .map(([plan]) => plan);
    expect(bodyRows(reordered).map((row) => row.plan)).toEqual(byGrr);

    const countries = await screen.findByRole('region', { name: 'Retention by country' });
    const countryTable = await within(countries).findByRole('table', {}, { timeout: 30_000 });
    expect(within(countryTable).getAllByRole('row').length).toBeGreaterThan(2);
    // One request per board, reordering included: a breakdown by plan and one by country.
    expect(sent).toEqual(
      expect.arrayContaining([
        { operation: 'NrrBreakdown', by: 'plan' },
        { operation: 'NrrBreakdown', by: 'country' },
      ]),
    );
    expect(sent).toHaveLength(2);
  });

  it('says why when the token cannot be had', async () => {
    const refuse = async () => {
      throw new Error('the partner backend is down');
    };
    render(<PartnerView endpoint={`${live.url}/graphql`} fetchToken={refuse} period={PERIOD} />);
    const alerts = await screen.findAllByRole('alert', {}, { timeout: 10_000 });
    expect(alerts[0]?.textContent).toMatch(
      /^Could not load retention by plan: .*the partner backend is down/,
    );
  });
});

describe('rankRows', () => {
  const report = (nrr: number | null, grr: number | null, startingMrr: string) =>
    ({ nrr, grr, startingMrr: { amount: startingMrr, currency: 'USD' } }) as never;

  it('orders largest first, rows without a figure last, ties by name', () => {
    const rows = [
      { segment: 'b', report: report(1.1, 0.9, '10') },
      { segment: 'a', report: report(1.1, 0.8, '30') },
      { segment: 'c', report: report(null, null, '0') },
      { segment: 'd', report: report(1.3, 0.7, '20') },
    ];
    expect(rankRows(rows, 'nrr').map((row) => row.segment)).toEqual(['d', 'a', 'b', 'c']);
    expect(rankRows(rows, 'grr').map((row) => row.segment)).toEqual(['b', 'a', 'd', 'c']);
    expect(rankRows(rows, 'startingMrr').map((row) => row.segment)).toEqual(['a', 'd', 'b', 'c']);
  });

  it('clamps bars to the track and draws nothing for a missing figure', () => {
    expect(barPercent(1.5, 1.2)).toBe(100);
    expect(barPercent(0.6, 1.2)).toBe(50);
    expect(barPercent(null, 1.2)).toBe(0);
    expect(barPercent(-0.1, 1)).toBe(0);
  });
});
