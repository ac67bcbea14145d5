import { QueryClient } from '@tanstack/react-query';
import { render, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import {
  CohortHeatmap,
  createNrrClient,
  MovementsTable,
  MrrBridge,
  NrrCard,
  NrrProvider,
  RetentionTrend,
} from '../src/index.ts';
import { fakeNetwork } from './fake-network.ts';

const NOW = Date.UTC(2025, 0, 15, 12);

/** A provider whose network can be cut: while `down`, every request fails like a browser's fetch. */
function setup(renderOutage?: null) {
  const network = fakeNetwork({ clock: () => NOW });
  const state = { down: true };
  const client = createNrrClient({
    endpoint: 'https://nrr.test/graphql',
    fetchToken: network.fetchToken,
    fetch: (input, init) =>
      state.down ? Promise.reject(new TypeError('Failed to fetch')) : network.fetch(input, init),
    now: () => NOW,
  });
  // Transient failures are retried twice (retryTransient); no delay between tries in tests.
  const queryClient = new QueryClient({ defaultOptions: { queries: { retryDelay: 0 } } });
  const wrapper = ({ children }: { children?: ReactNode }) => (
    <NrrProvider
      client={client}
      queryClient={queryClient}
      now={() => NOW}
      {...(renderOutage === null ? { renderOutage } : {})}
    >
      {children}
    </NrrProvider>
  );
  return { network, state, wrapper };
}

const CARDS = (
  <>
    <NrrCard />
    <RetentionTrend />
    <MrrBridge />
    <CohortHeatmap />
    <MovementsTable />
  </>
);

describe('when the API cannot be reached', () => {
  it('says so once, in plain words, with a retry that brings every card back', async () => {
    const user = userEvent.setup();
    const { state, wrapper } = setup();
    render(CARDS, { wrapper });
    const alert = await screen.findByRole('alert', {}, { timeout: 5_000 });
    await waitFor(() =>
      expect(document.querySelectorAll('section.nrr-card[data-state="error"]')).toHaveLength(5),
    );
    expect(screen.getAllByRole('alert')).toEqual([alert]);
    expect(alert.querySelector('p')?.textContent).toBe(
      'The retention figures cannot be shown: the analytics service could not be reached.',
    );
    expect(alert.querySelector('details')?.open).toBe(false);
    // The developer's text is kept, folded away under "Details".
    expect(alert.querySelector('details code')?.textContent).toMatch(
      /^NETWORK: Could not reach https:\/\/nrr\.test\/graphql: TypeError: Failed to fetch$/,
    );
    for (const card of document.querySelectorAll('section.nrr-card')) {
      expect(card.textContent).toContain('Not loaded (see the message above).');
      expect(card.textContent).not.toContain('Failed to fetch');
    }

    state.down = false;
    await user.click(within(alert).getByRole('button', { name: 'Try again' }));
    await waitFor(() =>
      expect(
        Array.from(document.querySelectorAll('section.nrr-card'), (card) => card.getAttribute('data-state')),
      ).toEqual(['ready', 'ready', 'ready', 'ready', 'empty']),
    );
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('lets every card speak for itself when the host turns the banner off (renderOutage={null})', async () => {
    const { wrapper } = setup(null);
    render(<MrrBridge />, { wrapper });
    const alert = await screen.findByRole('alert', {}, { timeout: 5_000 });
    expect(alert.querySelector('p')?.textContent).toBe(
      'MRR bridge could not be loaded. The analytics service could not be reached.',
    );
    expect(within(alert).getByRole('button', { name: 'Try again' })).toBeTruthy();
    expect(alert.closest('section')?.dataset.errorCode).toBe('NETWORK');
  });
});

describe('while loading', () => {
  it('marks the card busy and holds a skeleton laid out like its content', async () => {
    const { state, wrapper } = setup();
    state.down = false;
    render(<MovementsTable pageSize={5} />, { wrapper });
    const card = screen.getByRole('region', { name: 'Customer movements' });
    expect(card.getAttribute('aria-busy')).toBe('true');
    expect(within(card).getByRole('status').textContent).toBe('Loading movements…');
    // Header row and one row per row of the page, and the pager: the loaded card's parts.
    expect(card.querySelectorAll('.nrr-skeleton tr')).toHaveLength(6);
    expect(card.querySelector('.nrr-skeleton .nrr-pager')).not.toBeNull();
    expect(card.querySelector('.nrr-skeleton-shapes')?.getAttribute('aria-hidden')).toBe('true');
    await waitFor(() => expect(card.getAttribute('aria-busy')).toBe('false'));
  });
});
