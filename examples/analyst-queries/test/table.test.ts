import { describe, expect, it } from 'vitest';
import { renderTable } from '../src/table.ts';

describe('renderTable', () => {
  it('pads text left and numbers (and their headers) right, under a rule as wide as each column', () => {
    const table = renderTable(
      [{ header: 'Plan' }, { header: 'NRR', numeric: true }],
      [
        ['Enterprise', '113.5%'],
        ['Pro', '94.0%'],
      ],
    );
    expect(table).toBe(
      ['Plan           NRR', '──────────  ──────', 'Enterprise  113.5%', 'Pro          94.0%'].join('\n'),
    );
  });

  it('prints a missing cell as empty', () => {
    expect(renderTable([{ header: 'A' }, { header: 'B', numeric: true }], [['x']])).toBe('A  B\n─  ─\nx');
  });
});
