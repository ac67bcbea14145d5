/**
 * Temporary stand-in for `formatMoney`, `formatPercent` and `formatPercentagePoints` of `@nrr/core`
 * (packages/core/src/format.ts, on the `corekit` branch, not yet on main). Same names, signatures
 * and output for the options the widgets use. Once core exports them: point `./formatters.ts` at
 * `@nrr/core` and delete this file.
 */
import { formatMoneyUnits, type MoneyUnits } from '@nrr/core';

/** Options of {@link formatPercent}. */
export interface FormatPercentOptions {
  /** BCP 47 locale; default `en-US`. */
  readonly locale?: string;
  /** Fraction digits, always shown; default 1 (`1.05` → `105.0%`). */
  readonly fractionDigits?: number;
  /** Printed for `null` or a non-finite ratio; default an em dash. */
  readonly placeholder?: string;
}

/**
 * A ratio as a percentage: `1.05` → `105.0%` (en-US), `105,0 %` (de-DE, no-break space).
 * `null` (an empty cohort) and non-finite values → the placeholder.
 */
export function formatPercent(ratio: number | null, options: FormatPercentOptions = {}): string {
  if (ratio === null || !Number.isFinite(ratio)) return options.placeholder ?? '\u2014';
  const digits = options.fractionDigits ?? 1;
  return new Intl.NumberFormat(options.locale ?? 'en-US', {
    style: 'percent',
    signDisplay: 'negative',
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(ratio);
}

/** Options of {@link formatPercentagePoints}. */
export interface FormatPointsOptions {
  readonly locale?: string;
  /** Default 1. */
  readonly fractionDigits?: number;
  /** Default `exceptZero` (`+5.0 pts`, `-2.5 pts`, `0.0 pts`). */
  readonly signDisplay?: 'auto' | 'always' | 'exceptZero' | 'negative' | 'never';
  /** Unit after a no-break space; default `pts`. */
  readonly label?: string;
}

/** A difference in percentage points (5 = five points): `+5.0 pts`; `null` → an em dash. */
export function formatPercentagePoints(points: number | null, options: FormatPointsOptions = {}): string {
  if (points === null || !Number.isFinite(points)) return '\u2014';
  const digits = options.fractionDigits ?? 1;
  const number = new Intl.NumberFormat(options.locale ?? 'en-US', {
    signDisplay: options.signDisplay ?? 'exceptZero',
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(points);
  return `${number}\u00a0${options.label ?? 'pts'}`;
}

/** Options of {@link formatMoney}. */
export interface FormatMoneyOptions {
  /** BCP 47 locale; default `en-US`. */
  readonly locale?: string;
  /** Compact notation (`$1.2M`, `1,2 Mio. €`); default false. */
  readonly compact?: boolean;
}

/**
 * An amount in its own currency, exactly: `amount` is the API's decimal string (`"166.6667"`) or
 * engine units (an integer, 1/10,000 of the currency). `("1234567", "USD", { compact })` → `$1.2M`.
 */
export function formatMoney(
  amount: MoneyUnits | string,
  currency: string,
  options: FormatMoneyOptions = {},
): string {
  const decimal = typeof amount === 'number' ? formatMoneyUnits(amount) : amount.trim();
  return new Intl.NumberFormat(options.locale ?? 'en-US', {
    style: 'currency',
    currency,
    signDisplay: 'negative',
    ...(options.compact ? { notation: 'compact' } : {}),
  }).format(decimal as Intl.StringNumericLiteral);
}
