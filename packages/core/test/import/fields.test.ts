import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAmount, parseDate } from '../../src/import/csv-values.ts';
import { parseInstant, parseMoney } from '../../src/index.ts';

describe('fast paths of the field readers', () => {
  it('parseAmount agrees with parseMoney on any decimal-like text', () => {
    const text = fc.string({
      unit: fc.constantFrom('0', '1', '5', '9', '-', '+', '.', ' ', 'e'),
      maxLength: 20,
    });
    fc.assert(
      fc.property(text, (value) => {
        expect(parseAmount(value)).toBe(parseMoney(value));
      }),
      { numRuns: 3000 },
    );
    for (const value of [
      '-0',
      '-0.0000',
      '00012.5',
      '99999999999.9999',
      '123456789012',
      '1.23456',
      '-.5',
      '5.',
    ]) {
      expect([value, parseAmount(value)]).toEqual([value, parseMoney(value)]);
    }
  });

  it('parseDate agrees with parseInstant on any date-like text', () => {
    const twoDigits = fc.integer({ min: 0, max: 99 }).map((n) => String(n).padStart(2, '0'));
    const date = fc
      .tuple(fc.integer({ min: 0, max: 9999 }), twoDigits, twoDigits, fc.constantFrom('-', '/', 'x'))
      .map(
        ([year, month, dayOfMonth, sep]) => `${String(year).padStart(4, '0')}${sep}${month}-${dayOfMonth}`,
      );
    fc.assert(
      fc.property(date, (value) => {
        expect(parseDate(value)).toBe(parseInstant(value));
      }),
      { numRuns: 3000 },
    );
    for (const value of [
      '2024-02-29',
      '2023-02-29',
      '1900-02-29',
      '2000-02-29',
      '2024-04-31',
      '2024-12-31',
    ]) {
      expect([value, parseDate(value)]).toEqual([value, parseInstant(value)]);
    }
  });
});
