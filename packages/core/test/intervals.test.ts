import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatMoneyUnits, monthlyAmount, parseBillingInterval, parseMoney } from '../src/index.ts';

const killBillTable = resolve(
  import.meta.dirname,
  '../../../../shared/datasets/killbill-normalisation/mrr_normalisation.csv',
);

describe('monthlyAmount', () => {
  it.each([
    ['2000', 'year', 1, 1, '166.6667'],
    ['90', 'quarter', 1, 1, '30'],
    ['600', 'half_year', 1, 1, '100'],
    ['2400', 'year', 2, 1, '100'],
    ['10', 'week', 1, 1, '43.4813'],
    ['1', 'day', 1, 1, '30.4369'],
    ['25', 'month', 1, 3, '75'],
    ['25', 'month', 1, 0, '0'],
  ] as const)('%s per %s × %d, quantity %d → %s', (price, interval, count, quantity, expected) => {
    expect(formatMoneyUnits(monthlyAmount(parseMoney(price) ?? Number.NaN, interval, count, quantity))).toBe(
      expected,
    );
  });

  it('rejects a zero interval count', () => {
    expect(() => monthlyAmount(100, 'month', 0)).toThrow(/interval count/);
  });
});

describe('parseBillingInterval', () => {
  it('knows no interval named like an Object.prototype member', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      expect(parseBillingInterval(name)).toBeUndefined();
    }
    expect(parseBillingInterval(' Half Year ')).toBe('half_year');
  });
});

describe("Kill Bill's normalisation table", () => {
  const rows = readFileSync(killBillTable, 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((line) => line.split(','));

  it('has all 63 rows', () => {
    expect(rows).toHaveLength(63);
  });

  it.each(rows)('%s %s → %s', (period, price, expected) => {
    const interval = parseBillingInterval(period ?? '');
    const units = parseMoney(price ?? '') ?? Number.NaN;
    const mrr = interval === null ? 0 : monthlyAmount(units, interval ?? 'month');
    expect(interval).not.toBeUndefined();
    expect(mrr).toBe(parseMoney(expected ?? ''));
  });
});
