import { render, screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { MovementsTable } from '../src/index.ts';
import { movements } from './fixtures.ts';

function customers(): (string | null)[] {
  const table = screen.getByRole('table');
  return within(table)
    .getAllByRole('rowheader')
    .map((cell) => cell.textContent);
}

describe('<MovementsTable> in static mode', () => {
  it('shows a page of movements with the kind in words and the change signed', () => {
    render(<MovementsTable data={movements(25)} />);
    const card = screen.getByRole('region', { name: 'Customer movements' });
    const rows = within(within(card).getByRole('table')).getAllByRole('row');
    expect(rows).toHaveLength(11);
    expect(rows[0]?.textContent).toBe('CustomerMovementChangeStarting MRREnding MRRDate');
    expect(rows[1]?.textContent).toBe('cus_001New business+$10.50$0.00$10.50Mar 1, 2024');
    expect(rows[4]?.textContent).toBe('cus_004Churn−$40.50$40.50$0.00Mar 4, 2024');
    expect(rows[4]?.querySelector('[data-tone]')?.getAttribute('data-tone')).toBe('negative');
    expect(within(card).getByText('Page 1 of 3, 25 movements').getAttribute('aria-live')).toBe('polite');
    expect(within(card).getByRole('navigation', { name: 'Customer movements pages' })).toBeTruthy();
  });

  it('pages with the keyboard alone: Tab to the pager, Enter and Space turn pages, ends are announced', async () => {
    const user = userEvent.setup();
    render(<MovementsTable data={movements(25)} />);
    const previous = screen.getByRole('button', { name: 'Previous page' });
    const next = screen.getByRole('button', { name: 'Next page' });
    expect(previous.getAttribute('aria-disabled')).toBe('true');

    await user.tab(); // the scrollable table region
    expect(document.activeElement?.getAttribute('aria-label')).toBe('Customer movements (scrollable)');
    await user.tab();
    expect(document.activeElement).toBe(previous);
    await user.keyboard('{Enter}'); // at the first page: nothing happens
    expect(customers()[0]).toBe('cus_001');
    await user.tab();
    expect(document.activeElement).toBe(next);

    await user.keyboard('{Enter}');
    expect(customers()).toEqual(
      Array.from({ length: 10 }, (_, i) => `cus_${String(i + 11).padStart(3, '0')}`),
    );
    expect(screen.getByText('Page 2 of 3, 25 movements')).toBeTruthy();
    await user.keyboard(' ');
    expect(customers()).toEqual(['cus_021', 'cus_022', 'cus_023', 'cus_024', 'cus_025']);
    expect(next.getAttribute('aria-disabled')).toBe('true');
    expect(document.activeElement).toBe(next); // focus is not lost at the last page
    await user.keyboard('{Enter}');
    expect(screen.getByText('Page 3 of 3, 25 movements')).toBeTruthy();

    await user.tab({ shift: true });
    expect(document.activeElement).toBe(previous);
    await user.keyboard('{Enter}');
    expect(customers()[0]).toBe('cus_011');
  });

  it('honours pageSize and shows the empty state for no movements', () => {
    const { unmount } = render(<MovementsTable data={movements(7)} pageSize={5} />);
    expect(customers()).toHaveLength(5);
    expect(screen.getByText('Page 1 of 2, 7 movements')).toBeTruthy();
    unmount();
    render(<MovementsTable data={[]} renderEmpty={() => <p>Quiet month</p>} />);
    expect(screen.getByRole('region', { name: 'Customer movements' }).dataset.state).toBe('empty');
    expect(screen.getByText('Quiet month')).toBeTruthy();
  });
});
