import { render, screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import {
  BenchmarkComparison,
  CohortHeatmap,
  DefinitionsDisclosure,
  type DefinitionsResult,
  GrrCard,
  MovementsTable,
  MrrBridge,
  NrrCard,
  NrrSettings,
  RetentionTrend,
} from '../src/index.ts';
import { benchmarks, cohorts, defaultDefinitions, movements, report, trend } from './fixtures.ts';

/**
 * ChartMogul's preset with a 90-day reactivation window, Paris time and size bands of 2,500 and
 * 25,000 over it: what the API returns for such settings (`customizedOptions` in option order).
 */
const chartmogulCustomized: DefinitionsResult = {
  ...defaultDefinitions,
  preset: 'CHARTMOGUL',
  unpaid: 'KEEP',
  reactivationWindowDays: 90,
  sizeBandMidMarket: '2500',
  sizeBandEnterprise: '25000.5',
  timeZone: 'Europe/Paris',
  customizedOptions: ['reactivationWindowDays', 'sizeBandMidMarket', 'sizeBandEnterprise', 'timeZone'],
};

/** The panel's opening sentence and its term/value lines, as text. */
function panelText(disclosure: HTMLElement) {
  const panel = disclosure.querySelector('.nrr-definitions-panel') as HTMLElement;
  return {
    sentence: panel.querySelector('p')?.textContent,
    lines: Array.from(panel.querySelectorAll('dl > div'), (line) => [
      line.querySelector('dt')?.textContent,
      line.querySelector('dd')?.textContent,
    ]),
    customized: Array.from(panel.querySelectorAll('[data-customized] dt'), (term) => term.textContent),
  };
}

const toggle = () => screen.getByRole('button', { name: 'How this is calculated' });

describe('<DefinitionsDisclosure>', () => {
  it('reads the default definitions in plain words, once opened', async () => {
    render(<DefinitionsDisclosure definitions={defaultDefinitions} currency="USD" />);
    await userEvent.setup().click(toggle());
    const text = panelText(toggle().parentElement as HTMLElement);
    expect(text.sentence).toBe('Default definitions.');
    expect(text.lines).toEqual([
      ['Grain', 'Per customer: ending one of several subscriptions is contraction'],
      ['Churn date', 'When the paid service ends'],
      ['Reactivation window', 'Any gap: a returning customer is a reactivation'],
      ['Coalescing window', '60 minutes: changes this close are one movement'],
      ['Discounts', 'Every recurring discount reduces MRR'],
      ['Past-due subscriptions', 'Keep their MRR'],
      ['Unpaid subscriptions', 'Churn'],
      ['Paused subscriptions', 'Keep their MRR'],
      ['Size bands', 'SMB below $1,000, mid-market from $1,000, enterprise from $10,000 MRR a month'],
      ['Time zone', 'UTC'],
    ]);
    expect(text.customized).toEqual([]);
  });

  it('names the preset and what was customized, in the locale and the card’s currency', async () => {
    render(
      <NrrSettings locale="de-DE">
        <DefinitionsDisclosure definitions={chartmogulCustomized} currency="EUR" />
      </NrrSettings>,
    );
    await userEvent.setup().click(toggle());
    const text = panelText(toggle().parentElement as HTMLElement);
    expect(text.sentence).toBe(
      'ChartMogul-style definitions, customized: reactivation window, size bands, and time zone.',
    );
    expect(text.lines).toContainEqual(['Reactivation window', '90 days: a later return is new business']);
    expect(text.lines).toContainEqual(['Unpaid subscriptions', 'Count as past due']);
    expect(text.lines).toContainEqual(['Time zone', 'Europe/Paris']);
    expect(text.lines).toContainEqual([
      'Size bands',
      'SMB below 2.500\u00a0€, mid-market from 2.500\u00a0€, enterprise from 25.000,50\u00a0€ MRR a month',
    ]);
    expect(text.customized).toEqual(['Reactivation window', 'Size bands', 'Time zone']);
  });

  it('says every other value: subscription grain, cancellation dating, policies that churn', async () => {
    const other: DefinitionsResult = {
      ...defaultDefinitions,
      grain: 'SUBSCRIPTION',
      churnDate: 'CANCELLATION',
      coalesceWindowMinutes: 0,
      discounts: 'ONLY_FOREVER',
      pastDueChurnDays: 1,
      pause: 'CHURN',
      customizedOptions: [
        'grain',
        'churnDate',
        'coalesceWindowMinutes',
        'discounts',
        'pastDueChurnDays',
        'pause',
      ],
    };
    render(<DefinitionsDisclosure definitions={other} defaultOpen />);
    const text = panelText(toggle().parentElement as HTMLElement);
    expect(text.sentence).toBe(
      'Default definitions, customized: grain, churn date, coalescing window, discounts, past-due subscriptions, and paused subscriptions.',
    );
    expect(text.lines.slice(0, 8)).toEqual([
      ['Grain', 'Per subscription'],
      ['Churn date', 'When the customer asks to cancel'],
      ['Reactivation window', 'Any gap: a returning customer is a reactivation'],
      ['Coalescing window', 'None'],
      ['Discounts', 'Only discounts with no end reduce MRR'],
      ['Past-due subscriptions', 'Churn after 1 day'],
      ['Unpaid subscriptions', 'Churn'],
      ['Paused subscriptions', 'Churn'],
    ]);
    // No currency: the bands are bare numbers.
    expect(text.lines.at(-2)).toEqual([
      'Size bands',
      'SMB below 1,000, mid-market from 1,000, enterprise from 10,000 MRR a month',
    ]);
  });

  it('names a preset used as it is with nothing customized (ProfitWell: paused is MRR 0)', () => {
    const profitwell: DefinitionsResult = { ...defaultDefinitions, preset: 'PROFITWELL', pause: 'ZERO' };
    render(<DefinitionsDisclosure definitions={profitwell} defaultOpen />);
    const text = panelText(toggle().parentElement as HTMLElement);
    expect(text.sentence).toBe('ProfitWell-style definitions.');
    expect(text.lines).toContainEqual(['Paused subscriptions', 'MRR 0, not churned']);
    expect(toggle().getAttribute('aria-expanded')).toBe('true');
  });

  it('is closed by default, opens and closes from the keyboard (Enter, Space), aria-expanded says so', async () => {
    const user = userEvent.setup();
    render(<DefinitionsDisclosure definitions={defaultDefinitions} currency="USD" />);
    const button = toggle();
    const root = button.parentElement as HTMLElement;
    const panel = document.getElementById(button.getAttribute('aria-controls') ?? '') as HTMLElement;
    expect(panel.className).toBe('nrr-definitions-panel');
    expect(button.getAttribute('aria-expanded')).toBe('false');
    expect(root.dataset.state).toBe('closed');
    expect(panel.hidden).toBe(true);
    // Hidden from everyone, screen readers included (roles skip hidden elements).
    expect(screen.queryAllByRole('definition')).toEqual([]);

    await user.tab();
    expect(document.activeElement).toBe(button);
    await user.keyboard('{Enter}');
    expect(button.getAttribute('aria-expanded')).toBe('true');
    expect(root.dataset.state).toBe('open');
    expect(panel.hidden).toBe(false);
    expect(screen.getAllByRole('definition')[1]?.textContent).toBe('When the paid service ends');

    await user.keyboard(' ');
    expect(button.getAttribute('aria-expanded')).toBe('false');
    expect(root.dataset.state).toBe('closed');
    expect(panel.hidden).toBe(true);
    await user.keyboard(' ');
    expect(button.getAttribute('aria-expanded')).toBe('true');
  });

  it('forwards its ref and spreads other props on its root', () => {
    let root: HTMLDivElement | null = null;
    render(
      <DefinitionsDisclosure
        ref={(element) => {
          root = element;
        }}
        definitions={defaultDefinitions}
        className="host-note"
        data-testid="note"
      />,
    );
    expect(root).toBe(screen.getByTestId('note'));
    expect(screen.getByTestId('note').className).toBe('nrr-definitions host-note');
  });
});

const figure = { current: report({ definitions: chartmogulCustomized }) };
const withDefinitions = report({ definitions: chartmogulCustomized });

const cards: Record<string, (showDefinitions?: boolean) => ReactNode> = {
  'Net revenue retention': (show) => <NrrCard data={figure} {...flag(show)} />,
  'Gross revenue retention': (show) => <GrrCard data={figure} {...flag(show)} />,
  'MRR bridge': (show) => <MrrBridge data={withDefinitions} {...flag(show)} />,
  'Retention trend': (show) => (
    <RetentionTrend
      data={trend.map((point) => ({ ...point, definitions: chartmogulCustomized }))}
      {...flag(show)}
    />
  ),
  'Cohort retention': (show) => (
    <CohortHeatmap data={{ ...cohorts, definitions: chartmogulCustomized }} {...flag(show)} />
  ),
  'NRR benchmarks': (show) => (
    <BenchmarkComparison
      data={benchmarks.map((row) => ({
        ...row,
        report: { currency: 'USD', definitions: chartmogulCustomized },
      }))}
      {...flag(show)}
    />
  ),
  'Customer movements': (show) => (
    <MovementsTable data={movements(3)} dataDefinitions={chartmogulCustomized} {...flag(show)} />
  ),
};

function flag(show: boolean | undefined) {
  return show === undefined ? {} : { showDefinitions: show };
}

describe.each(Object.keys(cards))('%s', (name) => {
  it('ends with "How this is calculated", closed, naming the figures’ preset once opened', async () => {
    render(cards[name]?.());
    const card = screen.getByRole('region', { name });
    const button = within(card).getByRole('button', { name: 'How this is calculated' });
    expect(button.getAttribute('aria-expanded')).toBe('false');
    expect(card.lastElementChild?.contains(button)).toBe(true);
    await userEvent.setup().click(button);
    expect(within(card).getByText(/^ChartMogul-style definitions, customized:/)).toBeTruthy();
  });

  it('leaves it out with showDefinitions={false}', () => {
    render(cards[name]?.(false));
    const card = screen.getByRole('region', { name });
    expect(card.querySelector('.nrr-definitions')).toBeNull();
  });
});
