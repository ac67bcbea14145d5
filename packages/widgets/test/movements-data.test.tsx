import { QueryClient } from '@tanstack/react-query';
import { render, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createNrrClient, MovementsTable, NrrProvider } from '../src/index.ts';
import { fakeNetwork } from './fake-network.ts';
import { movements } from './fixtures.ts';

const NOW = Date.UTC(2025, 0, 15);
const ALL = movements(12);

function customers(): (string | null)[] {
  return within(screen.getByRole('table'))
    .getAllByRole('rowheader')
    .map((cell) => cell.textContent);
}

describe('<MovementsTable> data mode', () => {
  it('pages through the connection by cursor and goes back without refetching', async () => {
    const user = userEvent.setup();
    const network = fakeNetwork({ clock: () => NOW });
    network.answer((request) => {
      if (request.operation !== 'NrrMovements') return undefined;
      const first = request.variables.first as number;
      const start = request.variables.after === null ? 0 : Number(request.variables.after);
      const page = ALL.slice(start, start + first);
      const edges = page.map((node, i) => ({ cursor: String(start + i + 1), node }));
      return {
        body: {
          data: {
            movements: {
              totalCount: ALL.length,
              pageInfo: { hasNextPage: start + first < ALL.length, endCursor: edges.at(-1)?.cursor ?? null },
              edges,
            },
          },
        },
      };
    });
    const client = createNrrClient({
      endpoint: 'x',
      fetchToken: network.fetchToken,
      fetch: network.fetch,
      now: () => NOW,
    });
    render(
      <NrrProvider client={client} queryClient={new QueryClient()} now={() => NOW}>
        <MovementsTable period="last-month" types={['CHURN', 'CONTRACTION']} pageSize={5} />
      </NrrProvider>,
    );
    await screen.findByText('Page 1 of 3, 12 movements');
    expect(customers()).toEqual(['cus_001', 'cus_002', 'cus_003', 'cus_004', 'cus_005']);
    expect(network.seen[0]?.variables).toEqual({
      input: { from: '2024-12-01', to: '2025-01-01', types: ['CHURN', 'CONTRACTION'] },
      first: 5,
      after: null,
    });

    await user.click(screen.getByRole('button', { name: 'Next page' }));
    await screen.findByText('Page 2 of 3, 12 movements');
    await waitFor(() => expect(customers()[0]).toBe('cus_006'));
    expect(network.seen.at(-1)?.variables.after).toBe('5');

    await user.click(screen.getByRole('button', { name: 'Next page' }));
    await waitFor(() => expect(customers()).toEqual(['cus_011', 'cus_012']));
    expect(screen.getByRole('button', { name: 'Next page' }).getAttribute('aria-disabled')).toBe('true');

    const requests = network.seen.length;
    await user.click(screen.getByRole('button', { name: 'Previous page' }));
    await waitFor(() => expect(customers()[0]).toBe('cus_006'));
    expect(network.seen).toHaveLength(requests);
  });

  it('asks for at most 500 rows, the largest page the API serves', async () => {
    const network = fakeNetwork({ clock: () => NOW });
    const client = createNrrClient({
      endpoint: 'x',
      fetchToken: network.fetchToken,
      fetch: network.fetch,
      now: () => NOW,
    });
    render(
      <NrrProvider client={client} queryClient={new QueryClient()} now={() => NOW}>
        <MovementsTable pageSize={5000} />
      </NrrProvider>,
    );
    await waitFor(() => expect(network.seen).toHaveLength(1));
    expect(network.seen[0]?.variables.first).toBe(500);
  });
});
