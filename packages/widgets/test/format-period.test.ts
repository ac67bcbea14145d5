import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { niceTicks } from '../src/charts/scale.ts';
import { formatPeriod, type PeriodPreset, previousPeriod, resolvePeriod } from '../src/index.ts';
import { describeChange } from '../src/internal/change.ts';
import { formatMoney, formatPercent } from '../src/internal/formatters.ts';

describe('formatting (shared with @nrr/core)', () => {
  it.each([
    [1.05, 'en-US', '105.0%'],
    [1.05, 'de-DE', '105,0\u00a0%'],
    [0.9349, 'en-US', '93.5%'],
    [0.99951, 'fr-FR', '100,0\u00a0%'],
    [null, 'en-US', '—'],
    [Number.NaN, 'en-US', '—'],
  ])('formatPercent(%s, %s) = %s', (ratio, locale, expected) => {
    expect(formatPercent(ratio, { locale })).toBe(expected);
  });

  it.each([
    ['1234567', 'USD', 'en-US', true, '$1.2M'],
    ['166.6667', 'USD', 'en-US', false, '$166.67'],
    ['1234567.891', 'EUR', 'de-DE', false, '1.234.567,89\u00a0€'],
    ['1500', 'JPY', 'ja-JP', false, '￥1,500'],
    ['-0.001', 'USD', 'en-US', false, '$0.00'],
  ])('formatMoney(%s, %s, %s, compact %s) = %s', (amount, currency, locale, compact, expected) => {
    expect(formatMoney(amount, currency, { locale, compact })).toBe(expected);
  });

  it('formats decimal strings exactly, beyond float precision', () => {
    expect(formatMoney('9007199254740993.25', 'USD')).toBe('$9,007,199,254,740,993.25');
  });
});

describe('describeChange', () => {
  it('colours by the metric direction and always carries an arrow, a sign and words', () => {
    expect(describeChange(1.05, 1.027, 'higher-is-better', 'en-US')).toEqual({
      trend: 'up',
      tone: 'positive',
      short: '▲ +2.3\u00a0pts',
      spoken: 'Up 2.3\u00a0percentage points',
    });
    expect(describeChange(0.08, 0.05, 'lower-is-better', 'de-DE')).toMatchObject({
      trend: 'up',
      tone: 'negative',
      short: '▲ +3,0\u00a0pts',
    });
    expect(describeChange(null, 1, 'higher-is-better', 'en-US')).toBeUndefined();
    expect(describeChange(1, undefined, 'higher-is-better', 'en-US')).toBeUndefined();
  });

  it('never lets the arrow disagree with the rounded number (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 3, noNaN: true }),
        fc.double({ min: 0, max: 3, noNaN: true }),
        (a, b) => {
          const change = describeChange(a, b, 'higher-is-better', 'en-US');
          const shown = change?.short ?? '';
          if (change?.trend === 'flat') expect(shown).toBe('▬ 0.0\u00a0pts');
          if (change?.trend === 'up') expect(shown).toMatch(/^▲ \+\d+\.\d\u00a0pts$/);
          if (change?.trend === 'down') expect(shown).toMatch(/^▼ -\d+\.\d\u00a0pts$/);
        },
      ),
    );
  });
});

describe('periods', () => {
  const now = new Date(Date.UTC(2025, 1, 14, 23, 30)); // 14 Feb 2025

  it.each<[PeriodPreset, string, string]>([
    ['last-12-months', '2024-02-01', '2025-02-01'],
    ['last-quarter', '2024-10-01', '2025-01-01'],
    ['last-month', '2025-01-01', '2025-02-01'],
    ['year-to-date', '2025-01-01', '2025-02-15'],
  ])('%s on 14 Feb 2025 is [%s, %s)', (preset, from, to) => {
    expect(resolvePeriod(preset, now)).toEqual({ from, to });
  });

  it('handles year boundaries: last quarter and last month in January', () => {
    const january = new Date(Date.UTC(2025, 0, 3));
    expect(resolvePeriod('last-quarter', january)).toEqual({ from: '2024-10-01', to: '2025-01-01' });
    expect(resolvePeriod('last-month', january)).toEqual({ from: '2024-12-01', to: '2025-01-01' });
  });

  it.each([
    [{ from: '2024-02-30', to: '2024-03-01' }],
    [{ from: '2024-03-01', to: '2024-03-01' }],
    [{ from: '2024-3-1', to: '2024-04-01' }],
  ])('refuses %o, naming the value', (range) => {
    expect(() => resolvePeriod(range)).toThrow(new RegExp(`Invalid period \\{from: "${range.from}"`));
  });

  it('previous period: same months before a month-aligned window, same days otherwise', () => {
    expect(previousPeriod({ from: '2024-01-01', to: '2025-01-01' })).toEqual({
      from: '2023-01-01',
      to: '2024-01-01',
    });
    expect(previousPeriod({ from: '2024-03-01', to: '2024-04-01' })).toEqual({
      from: '2024-02-01',
      to: '2024-03-01',
    });
    expect(previousPeriod({ from: '2025-01-01', to: '2025-02-15' })).toEqual({
      from: '2024-11-17',
      to: '2025-01-01',
    });
  });

  it('previous period ends where the window starts and has its length in months (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2000, max: 2100 }),
        fc.integer({ min: 0, max: 11 }),
        fc.integer({ min: 1, max: 36 }),
        (y, m, months) => {
          const iso = (month: number) => new Date(Date.UTC(y, month, 1)).toISOString().slice(0, 10);
          const previous = previousPeriod({ from: iso(m), to: iso(m + months) });
          expect(previous).toEqual({ from: iso(m - months), to: iso(m) });
        },
      ),
    );
  });

  it('labels windows by their months, the exclusive end shown as the last month', () => {
    expect(formatPeriod({ from: '2024-01-01', to: '2025-01-01' }, 'en-US')).toBe('Jan 2024 – Dec 2024');
    expect(formatPeriod({ from: '2024-03-01', to: '2024-04-01' }, 'de-DE')).toBe('März 2024');
    expect(formatPeriod({ from: '2025-01-01', to: '2025-02-15' }, 'en-US')).toBe(
      'Jan 1, 2025 – Feb 14, 2025',
    );
  });
});

describe('niceTicks', () => {
  it.each([
    [0.91, 1.05, [0.9, 0.95, 1, 1.05]],
    [0.98, 1.01, [0.98, 0.99, 1, 1.01]],
    [1, 1, [1, 1.001]],
    [0.2, 1.4, [0, 0.5, 1, 1.5]],
  ])('covers [%s, %s] with round ticks %o', (min, max, expected) => {
    expect(niceTicks(min, max)).toEqual(expected);
  });

  it('always covers the data with at most five ticks (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 3, noNaN: true }),
        fc.double({ min: 0, max: 3, noNaN: true }),
        (a, b) => {
          const [min, max] = a <= b ? [a, b] : [b, a];
          const ticks = niceTicks(min, max);
          expect(ticks.length).toBeLessThanOrEqual(5);
          expect(ticks[0]).toBeLessThanOrEqual(min + 1e-9);
          expect(ticks.at(-1)).toBeGreaterThanOrEqual(max - 1e-9);
        },
      ),
    );
  });
});
