import { isControlCharacter } from '@nrr/core';
import { describe, expect, it } from 'vitest';
import { formatChurned } from '../src/report.ts';
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

/** Control characters left raw in printed text, other than the newlines between lines. */
function rawControls(text: string): string[] {
  return [...text].filter((char) => char !== '\n' && isControlCharacter(char.codePointAt(0) as number));
}

describe('imported values with control characters', () => {
  const hostile = [
    ['\u001b]0;pwned\u0007acme', '\u001b[2J'],
    ['bidi\u202Etxt.exe', 'C1\u009b31m'],
  ];

  it('prints them escaped, never raw, and keeps the columns aligned', () => {
    const table = renderTable([{ header: 'Customer' }, { header: 'Plan', numeric: true }], hostile);
    expect(table).toBe(
      [
        'Customer                   Plan',
        '────────────────────  ─────────',
        '\\x1b]0;pwned\\x07acme    \\x1b[2J',
        'bidi\\u202etxt.exe     C1\\x9b31m',
      ].join('\n'),
    );
    expect(rawControls(table)).toEqual([]);
  });

  it('in the report: churned customers’ ids and attributes, and titles', () => {
    const printed = formatChurned(
      [
        {
          customerId: '\u001b[31mevil',
          at: '2026-08-15T00:00:00.000Z',
          amount: { amount: '100', currency: 'USD' },
          attributes: [
            { name: 'plan', value: 'Pro\u009b2J' },
            { name: 'country', value: '\u202eSU' },
          ],
        },
      ],
      { from: '2026-07-01', to: '2026-10-01\u001b[8m' },
    );
    expect(printed).toContain('\\x1b[31mevil');
    expect(printed).toContain('Pro\\x9b2J');
    expect(printed).toContain('\\u202eSU');
    expect(printed).toContain('2026-10-01\\x1b[8m');
    expect(rawControls(printed)).toEqual([]);
  });
});
