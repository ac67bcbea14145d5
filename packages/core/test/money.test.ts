import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { convertUnits, divideRounded, formatMoneyUnits, parseMoney } from '../src/index.ts';

describe('parseMoney', () => {
  it.each([
    ['166.6667', 1_666_667],
    ['2000', 20_000_000],
    ['-5', -50_000],
    ['+0.5', 5_000],
    ['.25', 2_500],
    ['3747.5', 37_475_000],
    ['0.00005', 1],
    ['0.00004', 0],
    ['-0.00005', -1],
    [' 12 ', 120_000],
  ])('%s → %d units', (text, units) => {
    expect(parseMoney(text)).toBe(units);
  });

  it.each(['', 'abc', '1e3', '1,000', '$5', '1.2.3', '--1', '99999999999999999999'])('rejects %j', (text) => {
    expect(parseMoney(text)).toBeUndefined();
  });
});

describe('formatMoneyUnits', () => {
  it.each([
    [1_666_667, '166.6667'],
    [550_000, '55'],
    [-50_000, '-5'],
    [121_419_000, '12141.9'],
    [0, '0'],
    [1, '0.0001'],
  ])('%d → %s', (units, text) => {
    expect(formatMoneyUnits(units)).toBe(text);
  });
});

describe('divideRounded', () => {
  it('rounds half away from zero', () => {
    expect(divideRounded(20_000_000n, 12n)).toBe(1_666_667);
    expect(divideRounded(5n, 2n)).toBe(3);
    expect(divideRounded(-5n, 2n)).toBe(-3);
    expect(divideRounded(4n, 3n)).toBe(1);
  });
});

describe('convertUnits', () => {
  it('rounds exact halves of the decimal rate half away from zero, where a float product misrounds', () => {
    // 50 units × 1.15 = 57.5 exactly, but 57.49999999999999 in floating point.
    expect(50 * 1.15).toBeLessThan(57.5);
    expect(convertUnits(50, 1.15)).toBe(58);
    expect(convertUnits(-50, 1.15)).toBe(-58);
    expect(convertUnits(90, 1.15)).toBe(104);
    expect(convertUnits(1_000_000, 1.08)).toBe(1_080_000);
    expect(convertUnits(123, 1)).toBe(123);
    // A large product's float error (~0.002 here) exceeds a fixed tolerance around the half.
    expect(convertUnits(1_369_630_395, 9960.3)).toBe(13_641_929_623_319);
    expect(convertUnits(-923_684_976_791, 65.945603)).toBe(-60_912_962_776_523);
  });

  it('agrees with exact decimal arithmetic on generated amounts and rates', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1_000_000_000_000, max: 1_000_000_000_000 }),
        fc.integer({ min: 1, max: 99_999_999 }),
        (units, rateMillionths) => {
          const rate = rateMillionths / 1_000_000;
          expect(convertUnits(units, rate)).toBe(
            divideRounded(BigInt(units) * BigInt(rateMillionths), 1_000_000n),
          );
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('agrees with exact decimal arithmetic on exact ties, small and beyond 2^53 in the product', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -2_000_000_000, max: 2_000_000_000 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 99_999 }),
        fc.constantFrom(1, 1_000, 10_000_000),
        (base, decimals, digits, scale) => {
          // Amounts of many halves and rates of few decimals: products land on .5 often.
          const units = base * 5 * scale;
          const denominator = 10 ** decimals;
          const rate = digits / denominator;
          expect(convertUnits(units, rate)).toBe(
            divideRounded(BigInt(units) * BigInt(digits), BigInt(denominator)),
          );
        },
      ),
      { numRuns: 3000 },
    );
  });
});
