import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { BenchmarkComparison, CohortHeatmap, MrrBridge, NrrSettings, RetentionTrend } from '../src/index.ts';
import { benchmarks, cohortRow, cohorts, report, trend, usd } from './fixtures.ts';

function rowsOf(table: HTMLElement): (string | null)[] {
  return within(table)
    .getAllByRole('row')
    .map((row) => row.textContent);
}

describe('<MrrBridge> in static mode', () => {
  it('draws the waterfall with signed labels and lists every step with its full amount', () => {
    render(<MrrBridge data={report()} />);
    const card = screen.getByRole('region', { name: 'MRR bridge' });
    const name = 'MRR bridge: $100K at the start to $114K at the end';
    expect(within(card).getByRole('img', { name })).toBeTruthy();
    const labels = Array.from(card.querySelectorAll('[role="img"] .nrr-value'), (node) => node.textContent);
    expect(labels).toEqual(['$100K', '+$8K', '+$1K', '+$12K', '−$3K', '−$4K', '$114K']);
    expect(rowsOf(within(card).getByRole('table', { name }))).toEqual([
      'MovementAmount',
      'Starting MRR$100,000.00',
      'New business+$8,000.00',
      'Reactivation+$1,000.00',
      'Expansion+$12,000.00',
      'Contraction−$3,000.00',
      'Churn−$4,000.00',
      'Ending MRR$114,000.00',
    ]);
    const kinds = Array.from(card.querySelectorAll('[role="img"] [data-kind]'), (g) =>
      g.getAttribute('data-kind'),
    );
    expect(kinds).toEqual(['total', 'gain', 'gain', 'gain', 'loss', 'loss', 'total']);
  });

  it('keeps its data table in a visually hidden box, so that a wide table cannot widen the host page', () => {
    render(<MrrBridge data={report()} />);
    const table = screen.getByRole('table');
    expect(table.parentElement?.classList.contains('nrr-sr-only')).toBe(true);
    expect(table.classList.contains('nrr-sr-only')).toBe(false);
  });

  it('floats each movement from the running total: the last bar ends where the end total stands', () => {
    render(<MrrBridge data={report()} />);
    // Each step carries its bar's bottom and top as shares of the tallest point (121,000).
    const bars = Array.from(document.querySelectorAll<HTMLElement>('.nrr-step'), (step) => ({
      low: Number(step.style.getPropertyValue('--nrr-low')),
      high: Number(step.style.getPropertyValue('--nrr-high')),
    }));
    const [start, , , expansion, contraction, churn, end] = bars;
    // Expansion ends at 121,000 (the running peak); churn's bottom is the ending total of 114,000.
    expect(expansion?.high).toBe(1);
    expect(start?.high).toBeCloseTo(100 / 121, 5);
    expect(contraction?.high).toBeCloseTo(expansion?.high ?? Number.NaN, 5);
    expect(churn?.low).toBeCloseTo(end?.high ?? Number.NaN, 5);
    expect(end?.low).toBe(0);
  });

  it('formats in the money’s own currency and the locale (de-DE, EUR)', () => {
    const eur = (amount: string) => ({ amount, currency: 'EUR' });
    const data = report({
      startingMrr: eur('1234.5'),
      newBusiness: eur('0'),
      reactivation: eur('0'),
      expansion: eur('0'),
      contraction: eur('0'),
      churn: eur('234.5'),
      endingMrr: eur('1000'),
    });
    render(
      <NrrSettings locale="de-DE">
        <MrrBridge data={data} />
      </NrrSettings>,
    );
    const table = screen.getByRole('table');
    expect(rowsOf(table)[1]).toBe('Starting MRR1.234,50\u00a0€');
    expect(rowsOf(table)[6]).toBe('Churn−234,50\u00a0€');
  });

  it('is empty when there is no MRR at all', () => {
    const zero = usd('0');
    render(
      <MrrBridge
        data={report({
          startingMrr: zero,
          newBusiness: zero,
          reactivation: zero,
          expansion: zero,
          contraction: zero,
          churn: zero,
          endingMrr: zero,
        })}
      />,
    );
    expect(screen.getByRole('region', { name: 'MRR bridge' }).dataset.state).toBe('empty');
    expect(screen.getByText('No recurring revenue in this period.')).toBeTruthy();
  });
});

describe('<RetentionTrend> in static mode', () => {
  it('names both lines by pattern as well as colour and lists every point', () => {
    render(<RetentionTrend data={trend} />);
    const card = screen.getByRole('region', { name: 'Retention trend' });
    expect(within(card).getByText('NRR (solid line)')).toBeTruthy();
    expect(within(card).getByText('GRR (dashed line)')).toBeTruthy();
    const name =
      'NRR and GRR from Nov 2023 – Oct 2024 to Jan 2024 – Dec 2024: NRR 98.0% to 105.0%, GRR 91.0% to 93.0%';
    expect(within(card).getByRole('img', { name })).toBeTruthy();
    expect(rowsOf(within(card).getByRole('table', { name }))).toEqual([
      'PeriodNRRGRR',
      'Nov 2023 – Oct 202498.0%91.0%',
      'Dec 2023 – Nov 2024101.0%92.0%',
      'Jan 2024 – Dec 2024105.0%93.0%',
    ]);
    const ticks = Array.from(card.querySelectorAll('[role="img"] .nrr-tick'), (t) => t.textContent);
    expect(ticks).toEqual(['90%', '95%', '100%', '105%', 'Nov 2023 – Oct 2024', 'Jan 2024 – Dec 2024']);
    const dashed = card.querySelector('[role="img"] path.nrr-line-secondary');
    expect(dashed?.getAttribute('stroke-dasharray')).toBe('6 4');
  });

  it('breaks the line at a period with an empty cohort instead of drawing 0%', () => {
    render(
      <RetentionTrend
        data={[trend[0], report({ nrr: null, grr: null }), trend[2]].filter((p) => p !== undefined)}
      />,
    );
    const path = document.querySelector('[role="img"] path.nrr-line-primary')?.getAttribute('d') ?? '';
    expect(path.match(/M/g)?.length).toBe(2);
    expect(path).not.toContain('L');
    expect(rowsOf(screen.getByRole('table'))[2]).toBe('Jan 2024 – Dec 2024——');
  });
});

describe('<CohortHeatmap> in static mode', () => {
  it('shows every mature cell as text, immature cells empty, and flags small cohorts', () => {
    render(<CohortHeatmap data={cohorts} />);
    const card = screen.getByRole('region', { name: 'Cohort retention' });
    const table = within(card).getByRole('table', {
      name: 'Revenue retention by cohort, percent of the first period',
    });
    expect(rowsOf(table)).toEqual([
      'CohortCustomersMonth 0Month 1Month 2',
      '2024-1042100%104%97%',
      '2024-117† (small cohort)100%112%not yet measurable',
      '2024-1230100%not yet measurablenot yet measurable',
    ]);
    const immature = card.querySelectorAll('td.nrr-immature');
    expect(immature).toHaveLength(3);
    for (const cell of immature) expect(cell.getAttribute('style')).toBeNull();
    expect(card.querySelector('tr[data-small]')?.querySelector('th')?.textContent).toBe('2024-11');
    expect(within(card).getByText(/Small cohort: fewer customers than the minimum/)).toBeTruthy();
    expect(within(card).getByRole('region', { name: /\(scrollable\)$/ }).tabIndex).toBe(0);
  });

  it('shades by value: 150% and above is full, 0% is none', () => {
    render(<CohortHeatmap data={{ ...cohorts, rows: [cohortRow('2024-01-01', 20, [1.5, 0.75, 0, 2])] }} />);
    const shades = Array.from(document.querySelectorAll<HTMLElement>('td.nrr-heat'), (cell) =>
      cell.style.getPropertyValue('--nrr-heat'),
    );
    expect(shades).toEqual(['1.00', '0.50', '0.00', '1.00']);
  });

  it('shows absolute revenue compactly in the table currency, from the exact amounts', () => {
    const row = { ...cohortRow('2024-01-01', 20, [null, null, null]), amounts: ['125000.5', '98000', null] };
    render(<CohortHeatmap data={{ ...cohorts, view: 'ABSOLUTE', rows: [row] }} />);
    const table = screen.getByRole('table', { name: 'Revenue retention by cohort, MRR in USD' });
    expect(rowsOf(table)[1]).toBe('2024-0120$125K$98Knot yet measurable');
    const shades = Array.from(document.querySelectorAll<HTMLElement>('td.nrr-heat'), (cell) =>
      cell.style.getPropertyValue('--nrr-heat'),
    );
    expect(shades).toEqual(['1.00', '0.78']);
  });

  it('shows absolute customer counts for LOGOS', () => {
    const row = {
      ...cohortRow('2024-01-01', 1200, [1200, 1150, 990]),
      initialMrr: null,
      initialCustomers: 1200,
    };
    render(
      <NrrSettings locale="de-DE">
        <CohortHeatmap data={{ ...cohorts, measure: 'LOGOS', view: 'ABSOLUTE', rows: [row] }} />
      </NrrSettings>,
    );
    expect(
      rowsOf(screen.getByRole('table', { name: 'Customer retention by cohort, paying customers' }))[1],
    ).toBe('2024-011.2001.2001.150990');
  });
});

describe('<BenchmarkComparison> in static mode', () => {
  it('places the figure against each range and says where it falls, by how many points', () => {
    render(<BenchmarkComparison data={benchmarks} />);
    const card = screen.getByRole('region', { name: 'NRR benchmarks' });
    expect(card.querySelector('.nrr-subtitle')?.textContent).toBe('Your NRR: 105.0%');
    const name = 'NRR 105.0% against 3 published benchmark ranges';
    expect(within(card).getByRole('img', { name })).toBeTruthy();
    expect(
      within(card)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual([
      'Within Mid-market SaaS (90.0%–110.0%)',
      '15.0\u00a0pts below Enterprise SaaS (120.0%–135.0%)',
      '15.0\u00a0pts below Infrastructure / dev tools (120.0% and above)',
    ]);
    expect(rowsOf(within(card).getByRole('table', { name }))[1]).toBe(
      'Mid-market SaaS90.0%–110.0%Within Mid-market SaaS (90.0%–110.0%)A Complete Guide to Net Revenue Retention for Business Growth',
    );
    expect(card.querySelector('[role="img"] .nrr-value')?.textContent).toBe('You: 105.0%');
  });

  it('is empty for GRR when only NRR ranges are published', () => {
    render(<BenchmarkComparison metric="GRR" data={benchmarks} />);
    const card = screen.getByRole('region', { name: 'GRR benchmarks' });
    expect(card.dataset.state).toBe('empty');
    expect(card.textContent).toContain('No GRR figure or benchmark to compare for this period.');
  });
});
