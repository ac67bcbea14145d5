import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatMoney,
  formatPercent,
  formatPercentagePoints,
  formatRatio,
  MISSING_VALUE,
  parseMoney,
} from '../src/index.ts';

// The exact characters Node's ICU emits, spelled out so a test never hides them.
const NBSP = '\u00a0';
const NNBSP = '\u202f';

describe('formatMoney', () => {
  it.each([
    ['166.6667', 'USD', 'en-US', '$166.67'],
    ['1234567.005', 'USD', 'en-US', '$1,234,567.01'],
    ['-1234.5', 'USD', 'en-US', '-$1,234.50'],
    ['0', 'USD', 'en-US', '$0.00'],
    ['1234567.895', 'EUR', 'de-DE', `1.234.567,90${NBSP}€`],
    ['-1234.5', 'EUR', 'de-DE', `-1.234,50${NBSP}€`],
    ['1234567.895', 'EUR', 'fr-FR', `1${NNBSP}234${NNBSP}567,90${NBSP}€`],
    ['-1234.5', 'EUR', 'fr-FR', `-1${NNBSP}234,50${NBSP}€`],
    ['1234567.5', 'JPY', 'ja-JP', '￥1,234,568'],
    ['1234567.4', 'JPY', 'en-US', '¥1,234,567'],
    ['12.3456', 'BHD', 'en-US', `BHD${NBSP}12.346`],
    ['.5', 'USD', 'en-US', '$0.50'],
    ['+12', 'USD', 'en-US', '$12.00'],
  ])('%s %s in %s → %s', (amount, currency, locale, expected) => {
    expect(formatMoney(amount, currency, { locale })).toBe(expected);
  });

  it('formats engine units exactly: 1/10,000 of a currency unit', () => {
    expect(formatMoney(1_666_667, 'USD')).toBe('$166.67');
    expect(formatMoney(-50_000, 'USD')).toBe('-$5.00');
    expect(formatMoney(12_345_678_900, 'EUR', { locale: 'de-DE' })).toBe(`1.234.567,89${NBSP}€`);
  });

  it('rounds half away from zero on the exact decimal, not on a float', () => {
    // As binary floats, 1.005 and 2.675 sit just below the half and would round down.
    expect(formatMoney('1.005', 'USD')).toBe('$1.01');
    expect(formatMoney('2.675', 'USD')).toBe('$2.68');
    expect(formatMoney('-2.675', 'USD')).toBe('-$2.68');
    expect(formatMoney(10_050, 'USD')).toBe('$1.01');
    // Beyond a double's 15–17 significant digits.
    expect(formatMoney('12345678901234567.89', 'USD')).toBe('$12,345,678,901,234,567.89');
  });

  it('never prints a negative zero by default', () => {
    expect(formatMoney('-0.001', 'USD')).toBe('$0.00');
    expect(formatMoney(-1, 'USD')).toBe('$0.00');
    expect(formatMoney('-0.001', 'USD', { signDisplay: 'auto' })).toBe('-$0.00');
  });

  it('honours signDisplay and maximumFractionDigits', () => {
    expect(formatMoney('1234.5', 'USD', { signDisplay: 'exceptZero' })).toBe('+$1,234.50');
    expect(formatMoney('0', 'USD', { signDisplay: 'exceptZero' })).toBe('$0.00');
    expect(formatMoney('-1234.5', 'USD', { signDisplay: 'never' })).toBe('$1,234.50');
    expect(formatMoney('1234.5', 'USD', { maximumFractionDigits: 0 })).toBe('$1,235');
    expect(formatMoney('166.6667', 'USD', { maximumFractionDigits: 4 })).toBe('$166.6667');
  });

  it.each([
    ['1234567', 'USD', 'en-US', '$1.2M'],
    ['12345678', 'USD', 'en-US', '$12M'],
    ['999', 'USD', 'en-US', '$999'],
    ['1500', 'USD', 'en-US', '$1.5K'],
    ['-1234567', 'USD', 'en-US', '-$1.2M'],
    ['1234567', 'EUR', 'de-DE', `1,2${NBSP}Mio.${NBSP}€`],
    ['1234567', 'EUR', 'fr-FR', `1,2${NBSP}M${NBSP}€`],
    ['12345678', 'JPY', 'ja-JP', '￥1235万'],
  ])('compact %s %s in %s → %s', (amount, currency, locale, expected) => {
    expect(formatMoney(amount, currency, { locale, compact: true })).toBe(expected);
  });

  it('agrees with the engine on every representable amount (law)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e15, max: 1e15 }), (units) => {
        const viaUnits = formatMoney(units, 'USD', { maximumFractionDigits: 4 });
        const text = viaUnits.replace(/[$,]/g, '');
        expect(parseMoney(text)).toBe(units === 0 ? 0 : units);
      }),
    );
  });

  it.each([
    ['abc', /decimal string/],
    ['1e3', /decimal string/],
    ['1,000', /decimal string/],
    ['', /decimal string/],
  ])('rejects the amount %j', (amount, message) => {
    expect(() => formatMoney(amount, 'USD')).toThrow(message);
  });

  it('rejects non-integer units, bad digits and bad currencies', () => {
    expect(() => formatMoney(1.5, 'USD')).toThrow(/safe integer/);
    expect(() => formatMoney('1', 'USD', { maximumFractionDigits: 21 })).toThrow(/0 to 20/);
    expect(() => formatMoney('1', 'US')).toThrow(RangeError);
  });
});

describe('formatPercent', () => {
  it.each([
    [1.05, 'en-US', '105.0%'],
    [1.05, 'de-DE', `105,0${NBSP}%`],
    [1.05, 'fr-FR', `105,0${NBSP}%`],
    [1.05, 'ja-JP', '105.0%'],
    [0.1235, 'en-US', '12.4%'],
    [0.8765, 'de-DE', `87,7${NBSP}%`],
    [-0.052, 'en-US', '-5.2%'],
    [-0.052, 'fr-FR', `-5,2${NBSP}%`],
    [0, 'en-US', '0.0%'],
    [12.5, 'en-US', '1,250.0%'],
  ])('%d in %s → %s', (ratio, locale, expected) => {
    expect(formatPercent(ratio, { locale })).toBe(expected);
  });

  it('prints a missing ratio as an em dash or the caller’s placeholder', () => {
    expect(formatPercent(null)).toBe('—');
    expect(MISSING_VALUE).toBe('\u2014');
    expect(formatPercent(null, { placeholder: 'n/a' })).toBe('n/a');
    expect(formatPercent(Number.NaN)).toBe('—');
    expect(formatPercent(Number.POSITIVE_INFINITY)).toBe('—');
  });

  it('takes fraction digits and a sign policy', () => {
    expect(formatPercent(1.05, { fractionDigits: 0 })).toBe('105%');
    expect(formatPercent(0.98765, { fractionDigits: 2 })).toBe('98.77%');
    expect(formatPercent(0.05, { signDisplay: 'exceptZero' })).toBe('+5.0%');
    // A rounded −0.0% loses its sign by default.
    expect(formatPercent(-0.00045)).toBe('0.0%');
    expect(() => formatPercent(1, { fractionDigits: -1 })).toThrow(/0 to 20/);
  });
});

describe('formatPercentagePoints', () => {
  it.each([
    [5, 'en-US', `+5.0${NBSP}pts`],
    [-2.25, 'en-US', `-2.3${NBSP}pts`],
    [0, 'en-US', `0.0${NBSP}pts`],
    [-0.04, 'en-US', `0.0${NBSP}pts`],
    [5, 'de-DE', `+5,0${NBSP}pts`],
    [1234.5, 'fr-FR', `+1${NNBSP}234,5${NBSP}pts`],
  ])('%d in %s → %s', (points, locale, expected) => {
    expect(formatPercentagePoints(points, { locale })).toBe(expected);
  });

  it('takes a label, digits, sign policy and placeholder', () => {
    expect(formatPercentagePoints(5, { locale: 'de-DE', label: 'Pp.' })).toBe(`+5,0${NBSP}Pp.`);
    expect(formatPercentagePoints(5, { fractionDigits: 0, signDisplay: 'auto' })).toBe(`5${NBSP}pts`);
    expect(formatPercentagePoints(null)).toBe('—');
    expect(formatPercentagePoints(null, { placeholder: '' })).toBe('');
  });
});

describe('formatRatio', () => {
  it.each([
    [4, 'en-US', '4.0×'],
    [0.25, 'en-US', '0.3×'],
    [1.04, 'de-DE', '1,0×'],
    [2.35, 'fr-FR', '2,4×'],
    [1234.5, 'en-US', '1,234.5×'],
  ])('%d in %s → %s', (ratio, locale, expected) => {
    expect(formatRatio(ratio, { locale })).toBe(expected);
  });

  it('prints a missing quick ratio as the placeholder', () => {
    expect(formatRatio(null)).toBe('—');
    expect(formatRatio(null, { placeholder: '∞' })).toBe('∞');
    expect(formatRatio(3, { fractionDigits: 2 })).toBe('3.00×');
  });
});
