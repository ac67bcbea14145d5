/**
 * The cards against the real API: graphql-yoga over PGlite with the dbt MRR playbook imported,
 * started by test/api-server.global.ts and reached over HTTP with the real `fetch`. No mocks.
 */
import { QueryClient } from '@tanstack/react-query';
import { render, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import type { ReactNode } from 'react';
import { describe, expect, inject, it } from 'vitest';
import {
  BenchmarkComparison,
  CohortHeatmap,
  createNrrClient,
  type DefinitionsInput,
  type EmbedToken,
  MovementsTable,
  MrrBridge,
  NrrCard,
  NrrProvider,
  REFRESH_MARGIN_MS,
} from '../src/index.ts';
import { formatPercent } from '../src/internal/formatters.ts';

const { url: ORIGIN, secret, demoSecret, settingsSecret } = inject('nrrApi');
const YEAR_2019 = { from: '2019-01-01', to: '2020-01-01' };

/**
 * What a host backend does: mint an embed token with its secret key (default: tenant `dbt`'s),
 * optionally fixing definitions for every query of the token.
 */
async function mintEmbedToken(key = secret, definitions?: DefinitionsInput): Promise<EmbedToken> {
  const response = await fetch(`${ORIGIN}/v1/embed-tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ttlSeconds: 600, ...(definitions ? { definitions } : {}) }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as EmbedToken;
}

/** The API's own figures for the same input (optionally under other definitions), asked with the secret key. */
async function apiRetention(
  range: { from: string; to: string },
  definitions?: DefinitionsInput,
): Promise<{ nrr: number | null; codes: string[] }> {
  const response = await fetch(`${ORIGIN}/graphql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      query: `query ($input: RetentionInput!) { retention(input: $input) { nrr warnings { code } } }`,
      variables: { input: { ...range, ...(definitions ? { definitions } : {}) } },
    }),
  });
  const body = (await response.json()) as {
    data: { retention: { nrr: number | null; warnings: { code: string }[] } };
  };
  return { nrr: body.data.retention.nrr, codes: body.data.retention.warnings.map((w) => w.code) };
}

function renderConnected(
  ui: ReactNode,
  options: { fetchToken?: () => Promise<EmbedToken>; now?: () => number } = {},
) {
  let mints = 0;
  const client = createNrrClient({
    endpoint: `${ORIGIN}/graphql`,
    fetchToken: () => {
      mints += 1;
      return (options.fetchToken ?? mintEmbedToken)();
    },
    ...(options.now ? { now: options.now } : {}),
  });
  const view = render(
    <NrrProvider
      client={client}
      queryClient={new QueryClient({ defaultOptions: { queries: { retry: false } } })}
    >
      {ui}
    </NrrProvider>,
  );
  return { ...view, client, mints: () => mints };
}

describe('cards against the real API (dbt playbook on PGlite, over HTTP)', () => {
  it('<NrrCard> shows the NRR the API computes for the same window, after a loading state', async () => {
    const api = await apiRetention(YEAR_2019);
    const expected = api.nrr ?? Number.NaN;
    expect(expected).toBeGreaterThan(0);
    renderConnected(<NrrCard period={YEAR_2019} />);
    const card = screen.getByRole('region', { name: 'Net revenue retention' });
    expect(within(card).getByRole('status').textContent).toBe('Loading net revenue retention…');
    await waitFor(() => expect(card.dataset.state).toBe('ready'), { timeout: 10_000 });
    expect(card.querySelector('.nrr-figure')?.textContent).toBe(formatPercent(expected));
    // The sparkline's last trailing-12-month point is the same year, so the same figure.
    await waitFor(() => expect(within(card).queryByRole('img')).not.toBeNull());
    const points = within(within(card).getByRole('table')).getAllByRole('row');
    expect(points.at(-1)?.textContent).toBe(`Jan 2019 – Dec 2019${formatPercent(expected)}`);
    // The API's warnings appear, one per code.
    const warnings = Array.from(card.querySelectorAll('.nrr-warnings li'), (item) =>
      item.getAttribute('data-code'),
    );
    expect(warnings).toEqual(api.codes);
    // 2018 starts with no paying customers in the playbook (NRR null): no change is claimed.
    expect((await apiRetention({ from: '2018-01-01', to: '2019-01-01' })).nrr).toBeNull();
    expect(card.querySelector('.nrr-change')).toBeNull();
  });

  it('<NrrCard definitions> beside the default card shows the API’s figure under them, and its disclosure names them', async () => {
    // No preset alone moves the playbook's figures (its periods carry no pauses, discounts or
    // past-due spells, where the vendors differ); counting subscriptions instead of customers does.
    const asked: DefinitionsInput = { preset: 'CHARTMOGUL', grain: 'SUBSCRIPTION' };
    const ours = (await apiRetention(YEAR_2019)).nrr;
    const theirs = (await apiRetention(YEAR_2019, asked)).nrr;
    expect([formatPercent(ours ?? Number.NaN), formatPercent(theirs ?? Number.NaN)]).toEqual([
      '70.1%',
      '41.0%',
    ]);
    renderConnected(
      <>
        <NrrCard period={YEAR_2019} title="Our NRR" />
        <NrrCard period={YEAR_2019} title="ChartMogul-style NRR, per subscription" definitions={asked} />
      </>,
    );
    const user = userEvent.setup();
    for (const [name, figure, sentence] of [
      ['Our NRR', '70.1%', 'Default definitions.'],
      ['ChartMogul-style NRR, per subscription', '41.0%', 'ChartMogul-style definitions, customized: grain.'],
    ] as const) {
      const card = screen.getByRole('region', { name });
      await waitFor(() => expect(card.dataset.state).toBe('ready'), { timeout: 10_000 });
      expect(card.querySelector('.nrr-figure')?.textContent, name).toBe(figure);
      const button = within(card).getByRole('button', { name: 'How this is calculated' });
      await user.click(button);
      const panel = document.getElementById(button.getAttribute('aria-controls') ?? '') as HTMLElement;
      expect(panel.querySelector('p')?.textContent, name).toBe(sentence);
    }
  });

  it('an embed token with fixed definitions refuses a card asking others: the card says so plainly', async () => {
    renderConnected(
      <>
        <NrrCard period={YEAR_2019} title="Fixed" />
        <NrrCard period={YEAR_2019} title="Asking" definitions={{ grain: 'SUBSCRIPTION' }} />
      </>,
      { fetchToken: () => mintEmbedToken(secret, { grain: 'CUSTOMER' }) },
    );
    const fixed = screen.getByRole('region', { name: 'Fixed' });
    await waitFor(() => expect(fixed.dataset.state).toBe('ready'), { timeout: 10_000 });
    expect(fixed.querySelector('.nrr-figure')?.textContent).toBe('70.1%');
    const asking = screen.getByRole('region', { name: 'Asking' });
    await waitFor(() => expect(asking.dataset.state).toBe('error'), { timeout: 10_000 });
    // In words for the reader; the API's reason, naming the option and its fixed value, under Details.
    expect(within(asking).getByRole('alert').textContent).toContain(
      'Asking could not be loaded. This page is not allowed to show these figures.',
    );
    expect(asking.querySelector('details')?.textContent).toContain(
      'FORBIDDEN: definitions: grain: "SUBSCRIPTION" is not allowed; grain is fixed at "CUSTOMER" for this caller',
    );
  });

  it('<MrrBridge> lists the API’s bridge for the window', async () => {
    renderConnected(<MrrBridge period={YEAR_2019} />);
    const card = screen.getByRole('region', { name: 'MRR bridge' });
    await waitFor(() => expect(card.dataset.state).toBe('ready'), { timeout: 10_000 });
    const rows = within(within(card).getByRole('table'))
      .getAllByRole('row')
      .map((row) => row.textContent);
    expect(rows[0]).toBe('MovementAmount');
    expect(rows).toHaveLength(8);
    expect(rows[1]).toMatch(/^Starting MRR\$[\d,]+\.\d\d$/);
  });

  it('refreshes the embed token before it expires, and the API accepts the new one', async () => {
    let now = Date.now();
    const { client, mints } = renderConnected(<NrrCard period={YEAR_2019} />, { now: () => now });
    await waitFor(
      () => expect(screen.getByRole('region', { name: 'Net revenue retention' }).dataset.state).toBe('ready'),
      {
        timeout: 10_000,
      },
    );
    const first = client.tokens.active?.token;
    expect(client.tokens.active?.tenant).toBe('dbt');
    now = (client.tokens.active?.expiresAt ?? 0) - REFRESH_MARGIN_MS + 1;
    render(
      <NrrProvider client={client} queryClient={new QueryClient()}>
        <MrrBridge period={{ from: '2018-06-01', to: '2019-06-01' }} />
      </NrrProvider>,
    );
    await waitFor(
      () => expect(screen.getByRole('region', { name: 'MRR bridge' }).dataset.state).toBe('ready'),
      {
        timeout: 10_000,
      },
    );
    expect(mints()).toBe(2);
    expect(client.tokens.active?.token).not.toBe(first);
  });

  it('shows the API’s refusal of a forged token as the card’s error, after one refresh', async () => {
    const forged = async (): Promise<EmbedToken> => {
      const real = (await mintEmbedToken()) as { token: string; expiresAt: string; tenantId: string };
      return { ...real, token: `${real.token.slice(0, -4)}AAAA` };
    };
    const { mints } = renderConnected(<NrrCard period={YEAR_2019} />, { fetchToken: forged });
    const alert = await screen.findByRole('alert', {}, { timeout: 10_000 });
    expect(alert.textContent).toContain('embed token');
    expect(mints()).toBe(2); // the first refusal triggers exactly one refresh
  });

  it('<NrrCard> with a mistyped segment value is empty and shows the API’s warning naming the close match', async () => {
    const segment = { attributes: [{ name: 'plan', values: ['growth'] }] };
    renderConnected(<NrrCard period={{ from: '2023-03-01', to: '2023-06-01' }} segment={segment} />, {
      fetchToken: () => mintEmbedToken(demoSecret),
    });
    const card = screen.getByRole('region', { name: 'Net revenue retention' });
    // Nobody is in the segment, so the card is empty, and says why under the empty message.
    await waitFor(() => expect(card.dataset.state).toBe('empty'), { timeout: 10_000 });
    expect(card.querySelector('.nrr-placeholder')?.textContent).toBe(
      'No paying customers at the start of this period, so there is no retention to report.',
    );
    const warnings = within(card).getByRole('list', { name: 'Caveats' });
    expect(
      within(warnings)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual([
      '⚠ No customer has plan "growth", so that value selects nobody; did you mean "Growth"? Values match exactly, case included.',
    ]);
  });

  it('shows a tenant’s own settings under "How this is calculated" on the report, cohort, movement and benchmark cards', async () => {
    // The finance team picks ChartMogul's preset and changes three things over it, with the API's
    // own mutation (a read_write secret key), as the admin panel's backend would.
    const changed = await fetch(`${ORIGIN}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${settingsSecret}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `mutation { updateTenantSettings(input: { preset: CHARTMOGUL, reactivationWindowDays: 90, timeZone: "Europe/Paris", sizeBandMidMarket: "2500" }) { settings { preset customizedOptions } } }`,
      }),
    });
    const { data } = (await changed.json()) as {
      data: { updateTenantSettings: { settings: { preset: string; customizedOptions: string[] } } };
    };
    expect(data.updateTenantSettings.settings).toEqual({
      preset: 'CHARTMOGUL',
      customizedOptions: ['reactivationWindowDays', 'sizeBandMidMarket', 'timeZone'],
    });

    renderConnected(
      <>
        <NrrCard period={YEAR_2019} />
        <CohortHeatmap period={YEAR_2019} />
        <MovementsTable period={YEAR_2019} />
        <BenchmarkComparison period={YEAR_2019} benchmarks={['b2b-saas']} />
      </>,
      { fetchToken: () => mintEmbedToken(settingsSecret) },
    );
    const user = userEvent.setup();
    for (const name of [
      'Net revenue retention',
      'Cohort retention',
      'Customer movements',
      'NRR benchmarks',
    ]) {
      const card = screen.getByRole('region', { name });
      await waitFor(() => expect(card.dataset.state).toBe('ready'), { timeout: 10_000 });
      const button = within(card).getByRole('button', { name: 'How this is calculated' });
      expect(button.getAttribute('aria-expanded')).toBe('false');
      await user.click(button);
      const panel = document.getElementById(button.getAttribute('aria-controls') ?? '') as HTMLElement;
      expect(panel.querySelector('p')?.textContent, name).toBe(
        'ChartMogul-style definitions, customized: reactivation window, size bands, and time zone.',
      );
      const lines = Array.from(panel.querySelectorAll('dl > div'), (line) => line.textContent);
      expect(lines, name).toContain('Reactivation window90 days: a later return is new business');
      expect(lines, name).toContain('Unpaid subscriptionsCount as past due'); // ChartMogul's own value
      expect(lines, name).toContain(
        'Size bandsSMB below $2,500, mid-market from $2,500, enterprise from $10,000 MRR a month',
      );
      expect(lines, name).toContain('Time zoneEurope/Paris');
    }
  });
});
