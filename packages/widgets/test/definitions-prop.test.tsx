import { QueryClient } from '@tanstack/react-query';
import { render, screen, waitFor } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import {
  BenchmarkComparison,
  CohortHeatmap,
  createNrrClient,
  type DefinitionsInput,
  GrrCard,
  MovementsTable,
  MrrBridge,
  NrrCard,
  NrrProvider,
  RetentionTrend,
  retentionQueryOptions,
} from '../src/index.ts';
import { fakeNetwork } from './fake-network.ts';
import { defaultDefinitions, movements } from './fixtures.ts';

const NOW = Date.UTC(2025, 0, 15);
const CHARTMOGUL: DefinitionsInput = { preset: 'CHARTMOGUL' };

function withNetwork(ui: ReactNode) {
  const network = fakeNetwork({ clock: () => NOW });
  const client = createNrrClient({
    endpoint: 'x',
    fetchToken: network.fetchToken,
    fetch: network.fetch,
    now: () => NOW,
  });
  render(
    <NrrProvider client={client} queryClient={new QueryClient()} now={() => NOW}>
      {ui}
    </NrrProvider>,
  );
  return network;
}

async function settled() {
  await waitFor(() =>
    expect(
      Array.from(
        document.querySelectorAll<HTMLElement>('section.nrr-card[data-state]'),
        (c) => c.dataset.state,
      ),
    ).not.toContain('loading'),
  );
}

/** Each request's operation with the definitions its input carried (`-` for none). */
function asked(network: ReturnType<typeof fakeNetwork>): string[] {
  return network.seen
    .map((r) => {
      const definitions = (r.variables.input as { definitions?: unknown } | undefined)?.definitions;
      return `${r.operation}:${definitions === undefined ? '-' : JSON.stringify(definitions)}`;
    })
    .sort();
}

describe('the definitions prop', () => {
  it('is sent in the input of every query of every figure card', async () => {
    const network = withNetwork(
      <>
        <NrrCard period="last-quarter" definitions={CHARTMOGUL} />
        <MrrBridge period="last-quarter" definitions={CHARTMOGUL} />
        <RetentionTrend period="last-quarter" definitions={CHARTMOGUL} />
        <CohortHeatmap period="last-quarter" definitions={CHARTMOGUL} />
        <MovementsTable period="last-quarter" definitions={CHARTMOGUL} />
        <BenchmarkComparison period="last-quarter" benchmarks={['b2b-saas']} definitions={CHARTMOGUL} />
      </>,
    );
    await settled();
    const chartmogul = '{"preset":"CHARTMOGUL"}';
    // MrrBridge shares NrrCard's current-period report (same key, one request), and
    // BenchmarkComparison NrrCard's comparison with b2b-saas.
    expect(asked(network)).toEqual(
      [
        'NrrBenchmarkComparison',
        'NrrCohorts',
        'NrrMovements',
        'NrrRetention',
        'NrrRetention',
        'NrrRetentionSeries',
        'NrrRetentionSeries',
      ].map((operation) => `${operation}:${chartmogul}`),
    );
  });

  it('keeps cards with different definitions apart: "ChartMogul-style NRR" beside "our NRR" ask twice', async () => {
    const network = withNetwork(
      <>
        <NrrCard period="last-quarter" />
        <NrrCard period="last-quarter" definitions={CHARTMOGUL} />
        <GrrCard period="last-quarter" definitions={{ preset: 'CHARTMOGUL' }} />
      </>,
    );
    await settled();
    // GrrCard under the same definitions (an equal object, not the same one) shares NrrCard's queries.
    const chartmogul = '{"preset":"CHARTMOGUL"}';
    expect(asked(network)).toEqual([
      'NrrBenchmarkComparison:-',
      `NrrBenchmarkComparison:${chartmogul}`,
      'NrrRetention:-',
      'NrrRetention:-',
      `NrrRetention:${chartmogul}`,
      `NrrRetention:${chartmogul}`,
      'NrrRetentionSeries:-',
      `NrrRetentionSeries:${chartmogul}`,
    ]);
    expect(screen.getAllByRole('region', { name: 'Net revenue retention' })).toHaveLength(2);
  });

  it('is part of the query key, and left out of it (and of the input) when absent', () => {
    const context = {
      client: createNrrClient({ endpoint: 'x', fetchToken: async () => 'x' }),
      tenant: 'acme',
      currency: undefined,
      now: () => NOW,
    };
    const period = { from: '2024-01-01', to: '2025-01-01' };
    const plain = retentionQueryOptions(context, { period });
    const chartmogul = retentionQueryOptions(context, { period, definitions: CHARTMOGUL });
    expect(plain.queryKey).toEqual(['nrr', 'acme', 'retention', period]);
    expect(chartmogul.queryKey).toEqual(['nrr', 'acme', 'retention', { ...period, definitions: CHARTMOGUL }]);
  });
});

describe('<MovementsTable definitions>', () => {
  it('starts again from the first page when its definitions change (a cursor belongs to its set)', async () => {
    const rows = movements(12);
    const network = fakeNetwork({ clock: () => NOW });
    network.answer((request) => {
      if (request.operation !== 'NrrMovements') return undefined;
      const first = request.variables.first as number;
      const start = request.variables.after === null ? 0 : Number(request.variables.after);
      const edges = rows
        .slice(start, start + first)
        .map((node, i) => ({ cursor: String(start + i + 1), node }));
      const pageInfo = { hasNextPage: start + first < rows.length, endCursor: edges.at(-1)?.cursor ?? null };
      return {
        body: {
          data: { movements: { totalCount: rows.length, pageInfo, edges, definitions: defaultDefinitions } },
        },
      };
    });
    const client = createNrrClient({
      endpoint: 'x',
      fetchToken: network.fetchToken,
      fetch: network.fetch,
      now: () => NOW,
    });
    const table = (definitions?: DefinitionsInput) => (
      <NrrProvider client={client} queryClient={new QueryClient()} now={() => NOW}>
        <MovementsTable period="last-month" pageSize={5} {...(definitions ? { definitions } : {})} />
      </NrrProvider>
    );
    const view = render(table());
    await screen.findByText('Page 1 of 3, 12 movements');
    await userEvent.setup().click(screen.getByRole('button', { name: 'Next page' }));
    await screen.findByText('Page 2 of 3, 12 movements');
    expect(network.seen.at(-1)?.variables.after).toBe('5');

    view.rerender(table(CHARTMOGUL));
    await screen.findByText('Page 1 of 3, 12 movements');
    const last = network.seen.at(-1);
    expect(last?.variables.after).toBeNull();
    expect((last?.variables.input as { definitions?: unknown } | undefined)?.definitions).toEqual(CHARTMOGUL);
  });
});
