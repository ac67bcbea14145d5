/**
 * Temporary stand-in for `formatPercent` / `formatMoney` from `@nrr/core` (packages/core/src/format.ts,
 * being added on another branch). Same signatures; switch the imports in `./formatters.ts` to
 * `@nrr/core` and delete this file once core exports them.
 */

/** Options of {@link formatPercent}. */
export interface FormatPercentOptions {
  /** BCP 47 locale, e.g. `en-US` (default) or `de-DE`. */
  readonly locale?: string;
  /** Digits after the decimal separator; default 1 (`1.05` → `105.0%`). */
  readonly fractionDigits?: number;
}

/**
 * A ratio as a percentage in the locale's style: `1.05` → `105.0%` (en-US), `105,0 %` (de-DE).
 * `null` (an empty cohort) and non-finite values → `—`.
 */
export function formatPercent(ratio: number | null, options: FormatPercentOptions = {}): string {
  if (ratio === null || !Number.isFinite(ratio)) return '—';
  const digits = options.fractionDigits ?? 1;
  return new Intl.NumberFormat(options.locale ?? 'en-US', {
    style: 'percent',
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(ratio);
}

/** Options of {@link formatMoney}. */
export interface FormatMoneyOptions {
  /** BCP 47 locale; default `en-US`. */
  readonly locale?: string;
  /** Short form (`$1.2M`); default false (`$1,234,567.89`). */
  readonly compact?: boolean;
}

/**
 * An amount in its own currency. `amount` is a decimal string (exact, as the API returns it) or a
 * number in currency units. Full form uses the currency's minor digits; compact uses at most
 * one fraction digit (`1234567` USD → `$1.2M` en-US).
 */
export function formatMoney(
  amount: string | number,
  currency: string,
  options: FormatMoneyOptions = {},
): string {
  const format = new Intl.NumberFormat(options.locale ?? 'en-US', {
    style: 'currency',
    currency,
    ...(options.compact ? { notation: 'compact', minimumFractionDigits: 0, maximumFractionDigits: 1 } : {}),
  });
  // Intl formats decimal strings exactly (ES2023); the cast only bridges older lib typings.
  return format.format(amount as number);
}
