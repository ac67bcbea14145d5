import { QueryClient } from '@tanstack/react-query';
import { render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { BenchmarkComparison, createNrrClient, NrrProvider } from '../src/index.ts';
import { fakeNetwork } from './fake-network.ts';

const NOW = Date.UTC(2025, 0, 15);

function renderWithNetwork(ui: React.ReactNode) {
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

describe('<BenchmarkComparison> data mode', () => {
  it('lists the ranges matching the filter, then compares the window with each', async () => {
    const network = renderWithNetwork(<BenchmarkComparison filter="SaaS" period="last-12-months" />);
    const card = screen.getByRole('region', { name: 'NRR benchmarks' });
    await waitFor(() => expect(card.dataset.state).toBe('ready'));
    expect(
      within(card)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual([
      'Within Mid-market SaaS (90.0%–110.0%)',
      '15.0\u00a0pts below Enterprise SaaS (120.0%–135.0%)',
      '15.0\u00a0pts below Infrastructure / dev tools (120.0% and above)',
      'Within B2B SaaS overall (100.0% and above, good)',
    ]);
    expect(network.seen[0]).toMatchObject({ operation: 'NrrBenchmarks', variables: { segment: 'SaaS' } });
    const compared = network.seen.filter((r) => r.operation === 'NrrBenchmarkComparison');
    expect(compared.map((r) => (r.variables.input as { benchmark: string }).benchmark)).toEqual([
      'mid-market-saas',
      'enterprise-saas',
      'infrastructure-dev-tools',
      'b2b-saas',
    ]);
    for (const request of compared) {
      expect(request.variables.input).toMatchObject({ from: '2024-01-01', to: '2025-01-01', metric: 'NRR' });
    }
  });

  it('compares only the given keys, in order, without listing, and shows a failing key as an error', async () => {
    const network = renderWithNetwork(
      <BenchmarkComparison benchmarks={['enterprise-saas', 'no-such-range']} />,
    );
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('No benchmark no-such-range');
    expect(network.seen.map((r) => r.operation)).toEqual([
      'NrrBenchmarkComparison',
      'NrrBenchmarkComparison',
    ]);
  });
});
