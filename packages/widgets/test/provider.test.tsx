import { QueryClient } from '@tanstack/react-query';
import { render, renderHook, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import {
  createNrrClient,
  GrrCard,
  MrrBridge,
  NrrCard,
  NrrError,
  NrrProvider,
  REFRESH_MARGIN_MS,
  RetentionDocument,
  useRetention,
} from '../src/index.ts';
import { fakeNetwork, jwt } from './fake-network.ts';

const JAN_15_2025 = Date.UTC(2025, 0, 15, 12);

function setup(options: { ttlMs?: number; tenant?: string | (() => string) } = {}) {
  let now = JAN_15_2025;
  const network = fakeNetwork({ clock: () => now, ...options });
  const client = createNrrClient({
    endpoint: 'https://nrr.test/graphql',
    fetchToken: network.fetchToken,
    fetch: network.fetch,
    now: () => now,
  });
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const wrapper = ({ children }: { children?: ReactNode }) => (
    <NrrProvider client={client} queryClient={queryClient} now={() => now}>
      {children}
    </NrrProvider>
  );
  return { network, client, queryClient, wrapper, advance: (ms: number) => (now += ms) };
}

describe('hooks and data-mode cards outside <NrrProvider>', () => {
  it('throw an error that says to wrap the tree in <NrrProvider>', () => {
    const quiet = console.error;
    console.error = () => {};
    try {
      expect(() => renderHook(() => useRetention())).toThrow(/wrap the tree in <NrrProvider>/);
      expect(() => render(<NrrCard />)).toThrow(/wrap the tree in <NrrProvider>/);
    } finally {
      console.error = quiet;
    }
  });
});

describe('<NrrProvider> data mode', () => {
  it('loads the card: a status while loading, then the figure, for the resolved preset window', async () => {
    const { network, wrapper } = setup();
    render(<NrrCard period="last-12-months" />, { wrapper });
    expect(screen.getByRole('status').textContent).toBe('Loading net revenue retention…');
    const card = screen.getByRole('region', { name: 'Net revenue retention' });
    expect(card.querySelector('.nrr-subtitle')?.textContent).toBe('Jan 2024 – Dec 2024'); // known before the data
    await waitFor(() => expect(card.querySelector('.nrr-figure')?.textContent).toBe('105.0%'));
    const inputs = network.seen.map((r) => `${r.operation} ${JSON.stringify(r.variables.input)}`).sort();
    expect(inputs).toEqual([
      'NrrBenchmarkComparison {"benchmark":"b2b-saas","from":"2024-01-01","to":"2025-01-01","metric":"NRR"}',
      'NrrRetention {"from":"2023-01-01","to":"2024-01-01"}',
      'NrrRetention {"from":"2024-01-01","to":"2025-01-01"}',
      'NrrRetentionSeries {"from":"2024-01-01","to":"2025-01-01","granularity":"MONTH","method":"TRAILING_12M"}',
    ]);
    expect(new Set(network.seen.map((r) => r.token))).toEqual(new Set([network.issued[0]]));
  });

  it('asks the benchmark comparison in the card’s currency, the same question as its retention', async () => {
    const network = fakeNetwork({ clock: () => JAN_15_2025 });
    const client = createNrrClient({
      endpoint: 'https://nrr.test/graphql',
      fetchToken: network.fetchToken,
      fetch: network.fetch,
      now: () => JAN_15_2025,
    });
    render(
      <NrrProvider client={client} queryClient={new QueryClient()} now={() => JAN_15_2025} currency="EUR">
        <NrrCard period="last-12-months" />
      </NrrProvider>,
    );
    await waitFor(() => expect(network.seen.map((r) => r.operation)).toContain('NrrBenchmarkComparison'));
    const input = (operation: string, from: string) =>
      network.seen
        .map((r) => ({ operation: r.operation, input: r.variables.input as Record<string, unknown> }))
        .find((r) => r.operation === operation && r.input.from === from)?.input ?? {};
    const { benchmark, metric, ...question } = input('NrrBenchmarkComparison', '2024-01-01');
    expect([benchmark, metric]).toEqual(['b2b-saas', 'NRR']);
    // The server memoises both under one key (window, segment, method, currency): one computation.
    expect(question).toEqual({ from: '2024-01-01', to: '2025-01-01', currency: 'EUR' });
    expect(input('NrrRetention', '2024-01-01')).toEqual(question);
  });

  it('puts the tenant from the token in every query key, and NRR and GRR cards share their queries', async () => {
    const { network, wrapper, queryClient } = setup({ tenant: 'tenant-42' });
    render(
      <>
        <NrrCard period="last-quarter" />
        <GrrCard period="last-quarter" />
      </>,
      { wrapper },
    );
    const grr = screen.getByRole('region', { name: 'Gross revenue retention' });
    await waitFor(() => expect(grr.querySelector('.nrr-figure')?.textContent).toBe('93.0%'));
    expect(network.seen).toHaveLength(4);
    const queries = queryClient.getQueryCache().getAll();
    const fetched = queries.filter((query) => query.state.dataUpdatedAt > 0);
    expect(fetched).toHaveLength(4);
    for (const query of fetched) expect(query.queryKey.slice(0, 2)).toEqual(['nrr', 'tenant-42']);
    // Before the first token named the tenant, the same queries existed disabled and never ran.
    for (const query of queries.filter((q) => q.queryKey[1] !== 'tenant-42')) {
      expect(query.queryKey[1]).toBeNull();
      expect(query.state.fetchStatus).toBe('idle');
      expect(query.state.dataUpdatedAt).toBe(0);
    }
  });

  it('refreshes the token before it expires, without refetching loaded queries', async () => {
    const { network, wrapper, advance } = setup({ ttlMs: 60_000 });
    render(<NrrCard period="last-month" />, { wrapper });
    await waitFor(() => expect(document.querySelector('.nrr-figure')?.textContent).toBe('105.0%'));
    const before = network.seen.length;
    expect(network.issued).toHaveLength(1);

    advance(60_000 - REFRESH_MARGIN_MS + 1); // inside the refresh margin, not yet expired
    render(<MrrBridge period="last-quarter" />, { wrapper });
    await waitFor(() =>
      expect(screen.getByRole('region', { name: 'MRR bridge' }).dataset.state).toBe('ready'),
    );
    expect(network.issued).toHaveLength(2);
    const after = network.seen.slice(before);
    expect(after.map((r) => r.operation)).toEqual(['NrrRetention']);
    expect(after[0]?.token).toBe(network.issued[1]);
  });

  it('on UNAUTHENTICATED fetches one new token and retries only the refused requests', async () => {
    const { network, wrapper } = setup();
    render(<NrrCard period="last-12-months" />, { wrapper });
    await waitFor(() => expect(document.querySelector('.nrr-figure')).not.toBeNull());
    await waitFor(() => expect(network.seen).toHaveLength(4));
    const first = network.issued[0] ?? '';
    network.refuse.add(first); // e.g. the key was rotated server-side
    const before = network.seen.length;

    render(<MrrBridge period="last-quarter" />, { wrapper });
    render(<MrrBridge period="last-month" />, { wrapper });
    await waitFor(() =>
      expect(screen.getAllByRole('region', { name: 'MRR bridge' }).map((card) => card.dataset.state)).toEqual(
        ['ready', 'ready'],
      ),
    );
    expect(network.issued).toHaveLength(2); // two refused requests, one refresh
    const after = network.seen.slice(before);
    expect(after.map((r) => (r.token === first ? 'old' : 'new'))).toEqual(['old', 'old', 'new', 'new']);
  });

  it('gives up after one retry when the fresh token is refused too, and shows the error', async () => {
    const { network, wrapper } = setup();
    network.answer(() => ({
      status: 401,
      body: { errors: [{ message: 'Unknown tenant', extensions: { code: 'UNAUTHENTICATED' } }] },
    }));
    render(<MrrBridge period="last-month" />, { wrapper });
    const alert = await screen.findByRole('alert');
    // One plain sentence for the viewer; the code and message for developers under "Details".
    expect(within(alert).getByText(/^MRR bridge could not be loaded\./).textContent).toBe(
      'MRR bridge could not be loaded. Your access to these figures could not be confirmed.',
    );
    expect(alert.querySelector('details code')?.textContent).toBe('UNAUTHENTICATED: Unknown tenant');
    expect(network.seen).toHaveLength(2);
  });

  it('never caches one tenant’s figures under another’s key when a refreshed token names a new tenant', async () => {
    let tenant = 'acme';
    const { wrapper, queryClient, advance, network } = setup({ ttlMs: 60_000, tenant: () => tenant });
    render(<MrrBridge period="last-month" />, { wrapper });
    await waitFor(() =>
      expect(screen.getByRole('region', { name: 'MRR bridge' }).dataset.state).toBe('ready'),
    );

    tenant = 'globex'; // e.g. the user switched organisation in the host app
    advance(60_000);
    render(<MrrBridge period="last-quarter" />, { wrapper });
    await waitFor(() =>
      expect(
        queryClient
          .getQueryCache()
          .findAll({ queryKey: ['nrr', 'globex'] })
          .map((q) => q.state.status),
      ).toEqual(['success', 'success']),
    );
    expect(network.issued).toHaveLength(2);
    for (const query of queryClient.getQueryCache().getAll()) {
      const data = query.state.data as { currency?: string } | undefined;
      if (data) expect(data.currency).toBe(query.queryKey[1]);
    }
  });

  it('reads expiry and tenant from { token, expiresAt, tenantId } as well as from JWT claims', async () => {
    let now = JAN_15_2025;
    let calls = 0;
    const network = fakeNetwork({ clock: () => now });
    const client = createNrrClient({
      endpoint: 'https://nrr.test/graphql',
      fetch: network.fetch,
      now: () => now,
      fetchToken: async () => ({
        token: `opaque-${++calls}`,
        expiresAt: new Date(now + 120_000),
        tenantId: 'beta',
      }),
    });
    await client.request(RetentionDocument, { input: { from: '2024-01-01', to: '2024-02-01' } });
    expect(client.tokens.active).toEqual({
      token: 'opaque-1',
      expiresAt: JAN_15_2025 + 120_000,
      tenant: 'beta',
    });
    now += 120_000 - REFRESH_MARGIN_MS - 1;
    await client.request(RetentionDocument, { input: { from: '2024-01-01', to: '2024-02-01' } });
    expect(calls).toBe(1);
    now += 2;
    await client.request(RetentionDocument, { input: { from: '2024-01-01', to: '2024-02-01' } });
    expect(calls).toBe(2);
    expect(network.seen.map((r) => r.token)).toEqual(['opaque-1', 'opaque-1', 'opaque-2']);
  });

  it('refuses tokens without expiry or tenant, with a TOKEN error that says what to return', async () => {
    const noExp = createNrrClient({ endpoint: 'x', fetchToken: async () => jwt({ sub: 'a' }) });
    await expect(noExp.tokens.current()).rejects.toMatchObject({
      code: 'TOKEN',
      message: expect.stringMatching(/expiresAt/),
    });
    const noTenant = createNrrClient({ endpoint: 'x', fetchToken: async () => jwt({ exp: 2e9 }) });
    await expect(noTenant.tokens.current()).rejects.toMatchObject({
      code: 'TOKEN',
      message: expect.stringMatching(/tenant/),
    });
  });
});

describe('data-mode states', () => {
  it('shows the API error with its code to renderError, and "Try again" refetches', async () => {
    const user = userEvent.setup();
    const { network, wrapper } = setup();
    let fail = true;
    network.answer((request) =>
      fail && request.operation === 'NrrRetention'
        ? {
            body: {
              errors: [{ message: 'Segment "plan" is not allowed', extensions: { code: 'FORBIDDEN' } }],
            },
          }
        : undefined,
    );
    const seenErrors: unknown[] = [];
    render(
      <>
        <MrrBridge period="last-month" />
        <MrrBridge
          period="last-quarter"
          title="Custom"
          renderError={(error) => {
            seenErrors.push(error);
            return <p>Custom error</p>;
          }}
        />
      </>,
      { wrapper },
    );
    const alert = await screen.findByRole('alert');
    expect(alert.querySelector('p')?.textContent).toBe(
      'MRR bridge could not be loaded. This page is not allowed to show these figures.',
    );
    expect(within(alert).getByRole('button', { name: 'Try again' })).toBeTruthy();
    expect(within(alert).getByText('Details').tagName).toBe('SUMMARY');
    expect(alert.querySelector('details code')?.textContent).toBe('FORBIDDEN: Segment "plan" is not allowed');
    expect(alert.closest('section')?.dataset.errorCode).toBe('FORBIDDEN');
    await screen.findByText('Custom error');
    expect(seenErrors.at(-1)).toBeInstanceOf(NrrError);
    expect((seenErrors.at(-1) as NrrError).code).toBe('FORBIDDEN');

    fail = false;
    await user.click(within(alert).getByRole('button', { name: 'Try again' }));
    const card = screen.getAllByRole('region', { name: 'MRR bridge' })[0];
    await waitFor(() => expect(card?.dataset.state).toBe('ready'));
  });

  it('uses the loading override while the first token and data are on their way', () => {
    const { wrapper } = setup();
    render(<NrrCard renderLoading={() => <p>Fetching…</p>} />, { wrapper });
    expect(screen.getByText('Fetching…')).toBeTruthy();
    expect(screen.getByRole('region', { name: 'Net revenue retention' }).getAttribute('aria-busy')).toBe(
      'true',
    );
  });

  it('reports a failing fetchToken on the card and retries it', async () => {
    const user = userEvent.setup();
    const network = fakeNetwork({ clock: () => JAN_15_2025 });
    let attempts = 0;
    const fetchToken = async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('session expired');
      return network.fetchToken();
    };
    const client = createNrrClient({
      endpoint: 'x',
      fetchToken,
      fetch: network.fetch,
      now: () => JAN_15_2025,
    });
    render(
      <NrrProvider client={client} queryClient={new QueryClient()} now={() => JAN_15_2025}>
        <MrrBridge />
      </NrrProvider>,
    );
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('fetchToken failed: Error: session expired');
    await user.click(within(alert).getByRole('button', { name: 'Try again' }));
    await waitFor(() =>
      expect(screen.getByRole('region', { name: 'MRR bridge' }).dataset.state).toBe('ready'),
    );
    expect(attempts).toBe(2);
  });
});

describe('<NrrProvider endpoint fetchToken>', () => {
  it('keeps one client and one token across re-renders with an inline fetchToken, using the latest function', async () => {
    const network = fakeNetwork({ clock: () => Date.now() });
    const original = globalThis.fetch;
    globalThis.fetch = network.fetch; // the provider makes its own client: stand in for the network only
    try {
      const calls: string[] = [];
      const app = (label: string, more?: ReactNode) => (
        <NrrProvider
          endpoint="https://nrr.test/graphql"
          fetchToken={() => {
            calls.push(label);
            return network.fetchToken();
          }}
        >
          <MrrBridge title={label} />
          {more}
        </NrrProvider>
      );
      const { rerender } = render(app('first'));
      await waitFor(() => expect(screen.getByRole('region', { name: 'first' }).dataset.state).toBe('ready'));
      rerender(app('second'));
      rerender(app('third'));
      await waitFor(() => expect(screen.getByRole('region', { name: 'third' }).dataset.state).toBe('ready'));
      expect(calls).toEqual(['first']);
      expect(network.seen).toHaveLength(1);

      // A refused token is replaced through the fetchToken of the latest render.
      network.refuse.add(network.issued[0] ?? '');
      rerender(app('fourth', <MrrBridge title="more" period="last-quarter" />));
      await waitFor(() => expect(screen.getByRole('region', { name: 'more' }).dataset.state).toBe('ready'));
      expect(calls).toEqual(['first', 'fourth']);
      expect(network.seen.map((r) => r.token === network.issued[1])).toEqual([false, false, true]);
    } finally {
      globalThis.fetch = original;
    }
  });
});
