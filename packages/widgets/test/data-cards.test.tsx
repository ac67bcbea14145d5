import { QueryClient } from '@tanstack/react-query';
import { render, screen, waitFor, within } from '@testing-library/react';
import axe from 'axe-core';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import {
  CohortHeatmap,
  createNrrClient,
  MovementsTable,
  NrrCard,
  NrrProvider,
  RetentionTrend,
} from '../src/index.ts';
import { fakeNetwork } from './fake-network.ts';

const NOW = Date.UTC(2025, 0, 15);

function withNetwork(ui: ReactNode, fetchToken?: () => Promise<string>, currency?: string) {
  const network = fakeNetwork({ clock: () => NOW });
  const client = createNrrClient({
    endpoint: 'x',
    fetchToken: fetchToken ?? network.fetchToken,
    fetch: network.fetch,
    now: () => NOW,
  });
  const view = render(
    <NrrProvider
      client={client}
      queryClient={new QueryClient()}
      now={() => NOW}
      {...(currency ? { currency } : {})}
    >
      {ui}
    </NrrProvider>,
  );
  return { network, ...view };
}

describe('data-mode trend and cohorts', () => {
  it('<RetentionTrend> asks for the series it draws', async () => {
    const { network } = withNetwork(
      <RetentionTrend period="last-quarter" granularity="MONTH" method="CHAINED" />,
    );
    const card = screen.getByRole('region', { name: 'Retention trend' });
    expect(within(card).getByRole('status').textContent).toBe('Loading the retention trend…');
    await waitFor(() => expect(card.dataset.state).toBe('ready'));
    expect(network.seen.map((r) => r.variables.input)).toEqual([
      { from: '2024-10-01', to: '2025-01-01', granularity: 'MONTH', method: 'CHAINED' },
    ]);
    expect(within(card).getByRole('table').textContent).toContain('Oct 2024 – Dec 2024105.0%93.0%');
  });

  it('<CohortHeatmap> asks for the table it shows', async () => {
    const { network } = withNetwork(
      <CohortHeatmap period="last-quarter" measure="LOGOS" view="PERCENT_OF_PREVIOUS" />,
    );
    const card = screen.getByRole('region', { name: 'Cohort retention' });
    await waitFor(() => expect(card.dataset.state).toBe('ready'));
    expect(network.seen[0]?.variables.input).toEqual({
      from: '2024-10-01',
      to: '2025-01-01',
      granularity: 'MONTH',
      measure: 'LOGOS',
      view: 'PERCENT_OF_PREVIOUS',
    });
  });
});

async function violations(container: HTMLElement) {
  const result = await axe.run(container, {
    runOnly: {
      type: 'tag',
      values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'],
    },
    rules: {
      region: { enabled: false },
      'page-has-heading-one': { enabled: false },
      'landmark-one-main': { enabled: false },
    },
  });
  return result.violations.map((v) => v.id);
}

describe('the provider currency', () => {
  it('is sent with every query that returns money, and with the benchmark comparison (the card’s own retention question)', async () => {
    const { network } = withNetwork(
      <>
        <CohortHeatmap view="ABSOLUTE" />
        <MovementsTable />
        <NrrCard />
      </>,
      undefined,
      'EUR',
    );
    await waitFor(() =>
      expect(
        Array.from(
          document.querySelectorAll<HTMLElement>('section.nrr-card[data-state]'),
          (c) => c.dataset.state,
        ),
      ).toEqual(['ready', 'empty', 'ready']),
    );
    const currencies = network.seen.map(
      (r) => `${r.operation}:${(r.variables.input as { currency?: string }).currency}`,
    );
    expect(currencies.sort()).toEqual([
      'NrrBenchmarkComparison:EUR',
      'NrrCohorts:EUR',
      'NrrMovements:EUR',
      'NrrRetention:EUR',
      'NrrRetention:EUR',
      'NrrRetentionSeries:EUR',
    ]);
  });
});

describe('axe-core on loading and error states', () => {
  it('the loading state has no violations', async () => {
    const { container } = withNetwork(<CohortHeatmap />, () => new Promise<string>(() => {}));
    expect(screen.getByRole('status')).toBeTruthy();
    expect(await violations(container)).toEqual([]);
  });

  it('the error state has no violations', async () => {
    const { container } = withNetwork(<RetentionTrend />, () => Promise.reject(new Error('offline')));
    await screen.findByRole('alert');
    expect(await violations(container)).toEqual([]);
  });
});
