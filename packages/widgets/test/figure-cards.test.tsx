import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { GrrCard, NrrCard, NrrSettings, type RetentionWarningResult } from '../src/index.ts';
import { b2bComparison, previousReport, report, trend } from './fixtures.ts';

const figureData = { current: report(), previous: previousReport, trend, benchmark: b2bComparison };

function figureOf(region: HTMLElement): string | null | undefined {
  return region.querySelector('.nrr-figure')?.textContent;
}

describe('<NrrCard> in static mode', () => {
  it('shows the figure, period, change, sparkline and benchmark position as text (en-US)', () => {
    render(<NrrCard data={figureData} />);
    const card = screen.getByRole('region', { name: 'Net revenue retention' });
    expect(within(card).getByRole('heading', { level: 3 }).textContent).toBe('Net revenue retention');
    expect(figureOf(card)).toBe('105.0%');
    expect(card.querySelector('.nrr-subtitle')?.textContent).toBe('Jan 2024 – Dec 2024');

    const change = card.querySelector('.nrr-change') as HTMLElement;
    expect(change.dataset.tone).toBe('positive');
    expect(change.dataset.trend).toBe('up');
    expect(change.textContent).toBe(
      '▲ +2.3\u00a0ptsUp 2.3\u00a0percentage points from 102.7% in the previous period vs Jan 2023 – Dec 2023',
    );
    expect(change.firstElementChild?.textContent).toBe('▲ +2.3\u00a0pts');
    expect(change.firstElementChild?.getAttribute('aria-hidden')).toBe('true');

    const sparkline = within(card).getByRole('img', { name: 'NRR trend, 98.0% to 105.0%' });
    expect(sparkline.tagName.toLowerCase()).toBe('svg');
    const table = within(card).getByRole('table', { name: 'NRR trend, 98.0% to 105.0%' });
    const rows = within(table)
      .getAllByRole('row')
      .map((row) => row.textContent);
    expect(rows).toEqual([
      'PeriodNRR',
      'Nov 2023 – Oct 202498.0%',
      'Dec 2023 – Nov 2024101.0%',
      'Jan 2024 – Dec 2024105.0%',
    ]);
    expect(card.querySelector('.nrr-benchmark')?.textContent).toBe(
      'Within B2B SaaS overall (100.0% and above, good)',
    );
  });

  it('formats for the locale of <NrrSettings> (de-DE)', () => {
    render(
      <NrrSettings locale="de-DE">
        <NrrCard data={figureData} />
      </NrrSettings>,
    );
    const card = screen.getByRole('region', { name: 'Net revenue retention' });
    expect(figureOf(card)).toBe('105,0\u00a0%');
    expect(within(card).getByText('▲ +2,3 pts')).toBeTruthy();
    expect(card.querySelector('.nrr-benchmark')?.textContent).toBe(
      'Within B2B SaaS overall (100,0\u00a0% and above, good)',
    );
  });

  it('shows the empty state, not 0% or NaN, when the starting cohort is empty', () => {
    render(<NrrCard data={{ current: report({ nrr: null, grr: null }) }} />);
    const card = screen.getByRole('region', { name: 'Net revenue retention' });
    expect(card.dataset.state).toBe('empty');
    expect(figureOf(card)).toBeUndefined();
    expect(card.textContent).toContain('No paying customers at the start of this period');
  });

  it('uses the empty override, a custom title and heading level', () => {
    render(
      <NrrCard
        title="NRR, EMEA"
        headingLevel={2}
        data={{ current: report({ nrr: null }) }}
        renderEmpty={() => <em>Nothing yet</em>}
      />,
    );
    const card = screen.getByRole('region', { name: 'NRR, EMEA' });
    expect(within(card).getByRole('heading', { level: 2 }).textContent).toBe('NRR, EMEA');
    expect(within(card).getByText('Nothing yet').tagName).toBe('EM');
  });

  it('says "unchanged" in words and stays neutral when the change rounds to zero', () => {
    render(<NrrCard data={{ current: report(), previous: report({ nrr: 1.0496 }) }} />);
    const change = document.querySelector('.nrr-change') as HTMLElement;
    expect(change.dataset.tone).toBe('neutral');
    expect(change.textContent).toContain('▬ 0.0\u00a0pts');
    expect(change.textContent).toContain('Unchanged, 0.0\u00a0percentage points from 105.0%');
  });
});

describe('<GrrCard> in static mode', () => {
  it('shows GRR, a fall in red with a down arrow and words, and no NRR benchmark', () => {
    render(<GrrCard data={figureData} />);
    const card = screen.getByRole('region', { name: 'Gross revenue retention' });
    expect(figureOf(card)).toBe('93.0%');
    const change = card.querySelector('.nrr-change') as HTMLElement;
    expect(change.dataset.tone).toBe('negative');
    expect(change.dataset.trend).toBe('down');
    expect(within(change).getByText('▼ -2.0 pts')).toBeTruthy();
    expect(change.textContent).toContain('Down 2.0\u00a0percentage points from 95.0% in the previous period');
    expect(within(card).getByRole('img', { name: 'GRR trend, 91.0% to 93.0%' })).toBeTruthy();
    expect(card.querySelector('.nrr-benchmark')).toBeNull();
  });
});

describe('warnings on the figure cards', () => {
  const warnings: RetentionWarningResult[] = [
    {
      code: 'EXPANSION_MASKS_CHURN',
      message: 'NRR is at least 100% while GRR is below 90%: expansion hides churn.',
    },
    { code: 'SMALL_SAMPLE', message: 'Only 7 customers in the starting cohort.' },
  ];

  it('lists the report’s warnings under the figure, in words', () => {
    render(<NrrCard data={{ current: report({ warnings }) }} />);
    const list = screen.getByRole('list', { name: 'Caveats' });
    expect(
      within(list)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual([
      '⚠ NRR is at least 100% while GRR is below 90%: expansion hides churn.',
      '⚠ Only 7 customers in the starting cohort.',
    ]);
  });

  it('hides them with showWarnings={false}', () => {
    render(<GrrCard showWarnings={false} data={{ current: report({ warnings }) }} />);
    expect(screen.queryByRole('list', { name: 'Caveats' })).toBeNull();
  });
});
