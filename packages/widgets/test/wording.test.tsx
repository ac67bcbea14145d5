import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { BenchmarkComparison, CohortHeatmap, MovementsTable, MrrBridge } from '../src/index.ts';
import { benchmarks, cohortRow, cohorts, comparedReport, movements, range, report, usd } from './fixtures.ts';

describe('wording a new user reads', () => {
  it('says a figure shown at a range’s bound is at its bottom (or top), never “0.0 pts below”', () => {
    render(
      <BenchmarkComparison
        data={[
          {
            benchmark: range('fintech', 'Fintech and payments', 1.05, 1.25),
            figure: 1.0497,
            position: 'BELOW',
            pointsFromRange: 0.03,
            tier: null,
            report: comparedReport,
          },
          {
            benchmark: range('smb-saas', 'SMB SaaS', 0.8, 1.0497),
            figure: 1.0497,
            position: 'ABOVE',
            pointsFromRange: 0.04,
            tier: null,
            report: comparedReport,
          },
          { ...benchmarks[1], figure: 1.0497 } as (typeof benchmarks)[number],
        ]}
      />,
    );
    const items = within(screen.getByRole('region', { name: 'NRR benchmarks' }))
      .getAllByRole('listitem')
      .map((item) => item.textContent);
    expect(items).toEqual([
      'At the bottom of Fintech and payments (105.0%–125.0%)',
      'At the top of SMB SaaS (80.0%–105.0%)',
      '15.0\u00a0pts below Enterprise SaaS (120.0%–135.0%)',
    ]);
  });

  it('counts one movement in the singular', () => {
    render(<MovementsTable data={movements(1)} />);
    expect(screen.getByText('Page 1 of 1, 1 movement')).toBeTruthy();
  });

  it('shows a zero amount without a sign, in the bridge and in the movements', () => {
    render(
      <MrrBridge
        data={report({ reactivation: usd('0'), contraction: usd('0'), newBusiness: usd('11000') })}
      />,
    );
    const card = screen.getByRole('region', { name: 'MRR bridge' });
    const table = within(card).getByRole('table');
    const rows = within(table)
      .getAllByRole('row')
      .map((row) => row.textContent);
    expect(rows).toContain('Reactivation$0.00');
    expect(rows).toContain('Contraction$0.00');
    expect(card.textContent).not.toMatch(/[−+]\$0(?![.,\d])|[−+]\$0\.00/);
    const [first] = movements(4).slice(3); // a churn
    if (!first) throw new Error('fixture');
    render(<MovementsTable data={[{ ...first, amount: usd('0') }]} />);
    const movementRow = within(screen.getByRole('region', { name: 'Customer movements' })).getAllByRole(
      'row',
    )[1];
    expect(movementRow?.querySelector('.nrr-number')?.textContent).toBe('$0.00');
  });

  it('shows a month in which no customer started as dashes named for screen readers, not “0 †”', () => {
    const table = {
      ...cohorts,
      rows: [cohortRow('2024-10-01', 42, [1, 1.04, 0.97]), cohortRow('2024-11-01', 0, [null, null, null])],
    };
    render(<CohortHeatmap data={table} />);
    const card = screen.getByRole('region', { name: 'Cohort retention' });
    const empty = within(card).getAllByRole('row')[2];
    expect(empty?.textContent).toBe('2024-11—no new customers—no cohort—no cohort—no cohort');
    expect(empty?.textContent).not.toContain('†');
    expect(empty?.querySelectorAll('.nrr-immature')).toHaveLength(0);
    // No small cohort with customers, so no footnote about small cohorts.
    expect(card.textContent).not.toContain('Small cohort');
  });
});
