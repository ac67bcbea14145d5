/**
 * Display formatting shared by the widgets and the API's text outputs, built on
 * `Intl.NumberFormat` so any locale and any ISO 4217 currency work. Money is formatted from exact
 * decimal strings (never through a binary float); ratios are the engine's plain numbers
 * (1.05 = 105%). Rounding is half away from zero (`Intl`'s default `halfExpand`), as the semantics
 * require (§1: rounding happens only when formatting).
 */
import { formatMoneyUnits, type MoneyUnits } from './money.ts';

/**
 * When to show a sign: `Intl.NumberFormat`'s `signDisplay`. `negative` (the default for money and
 * percentages) shows a minus only on values that are still negative after rounding, so −0.001
 * never prints as `-$0.00`; `exceptZero` shows `+` on positive values too.
 */
export type SignDisplay = 'auto' | 'always' | 'exceptZero' | 'negative' | 'never';

/** Locale used when none is given: fixed rather than the runtime's, so output is reproducible. */
export const DEFAULT_LOCALE = 'en-US';

/** What a missing ratio prints as unless the caller provides a placeholder: an em dash. */
export const MISSING_VALUE = '\u2014';

/** Options of {@link formatMoney}. */
export interface FormatMoneyOptions {
  /** BCP 47 locale tag; default {@link DEFAULT_LOCALE}. An invalid tag throws a `RangeError`. */
  readonly locale?: string;
  /** Short compact notation (`$1.2M`, `1,2 Mio. €`); default false. */
  readonly compact?: boolean;
  /** Default `negative`. */
  readonly signDisplay?: SignDisplay;
  /**
   * Most fraction digits shown (0–20). Default: the currency's own (USD 2, JPY 0, BHD 3); in
   * compact notation, `Intl`'s compact rounding (two significant digits below 100 of a unit).
   */
  readonly maximumFractionDigits?: number;
}

/** Options of {@link formatPercent}. */
export interface FormatPercentOptions {
  /** BCP 47 locale tag; default {@link DEFAULT_LOCALE}. */
  readonly locale?: string;
  /** Fraction digits of the percentage, always shown (`105.0%`); default 1. */
  readonly fractionDigits?: number;
  /** Default `negative`. */
  readonly signDisplay?: SignDisplay;
  /** Printed for `null` or a non-finite ratio; default {@link MISSING_VALUE} (an em dash). */
  readonly placeholder?: string;
}

/** Options of {@link formatPercentagePoints}. */
export interface FormatPointsOptions {
  /** BCP 47 locale tag; default {@link DEFAULT_LOCALE}. */
  readonly locale?: string;
  /** Fraction digits, always shown; default 1. */
  readonly fractionDigits?: number;
  /** Default `exceptZero` (`+5.0 pts`, `-2.5 pts`, `0.0 pts`). */
  readonly signDisplay?: SignDisplay;
  /** Unit label after a no-break space; default `pts` (a German card might pass `Pp.`). */
  readonly label?: string;
  /** Printed for `null` or a non-finite value; default {@link MISSING_VALUE}. */
  readonly placeholder?: string;
}

/** Options of {@link formatRatio}. */
export interface FormatRatioOptions {
  /** BCP 47 locale tag; default {@link DEFAULT_LOCALE}. */
  readonly locale?: string;
  /** Fraction digits, always shown; default 1. */
  readonly fractionDigits?: number;
  /** Printed for `null` or a non-finite ratio; default {@link MISSING_VALUE}. */
  readonly placeholder?: string;
}

// Creating an Intl.NumberFormat costs tens of microseconds; a dashboard formats thousands of cells.
const MAX_CACHED_FORMATTERS = 500;
const formatters = new Map<string, Intl.NumberFormat>();

function formatter(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}\u0000${JSON.stringify(options)}`;
  let cached = formatters.get(key);
  if (!cached) {
    cached = new Intl.NumberFormat(locale, options);
    // A bounded cache: unbounded locale × option combinations must not leak memory.
    if (formatters.size >= MAX_CACHED_FORMATTERS) formatters.clear();
    formatters.set(key, cached);
  }
  return cached;
}

const DECIMAL = /^([+-])?(?:(\d+)(?:\.(\d*))?|\.(\d+))$/;

/** Normalises an API decimal string ("166.6667", "-.5", "+12") to the form `Intl` reads exactly. */
function exactDecimal(amount: MoneyUnits | string): Intl.StringNumericLiteral {
  if (typeof amount === 'number') {
    if (!Number.isSafeInteger(amount)) {
      throw new RangeError(`money units must be a safe integer, got ${amount}`);
    }
    return formatMoneyUnits(amount) as Intl.StringNumericLiteral;
  }
  const match = DECIMAL.exec(amount.trim());
  if (!match) {
    throw new RangeError(`amount must be a decimal string such as "166.6667", got ${JSON.stringify(amount)}`);
  }
  const whole = match[2] ?? '0';
  const fraction = match[3] ?? match[4] ?? '';
  return `${match[1] === '-' ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}` as Intl.StringNumericLiteral;
}

function checkDigits(name: string, digits: number): number {
  if (!Number.isInteger(digits) || digits < 0 || digits > 20) {
    throw new RangeError(`${name} must be an integer from 0 to 20, got ${digits}`);
  }
  return digits;
}

/**
 * Formats money in a currency: `formatMoney("166.6667", "USD")` → `$166.67`,
 * `formatMoney(12_345_678_900, "EUR", { locale: "de-DE" })` → `1.234.567,89 €`,
 * `formatMoney("1234567", "USD", { compact: true })` → `$1.2M`.
 *
 * `amount` is either engine units (an integer, 1/10,000 of the currency) or the API's decimal
 * string; both are formatted exactly, whatever their size, and rounded half away from zero to the
 * currency's fraction digits. Throws a `RangeError` for a string that is not a plain decimal, a
 * non-integer units value, or a `currency` that is not a well-formed ISO 4217 code.
 */
export function formatMoney(
  amount: MoneyUnits | string,
  currency: string,
  options: FormatMoneyOptions = {},
): string {
  const intlOptions: Intl.NumberFormatOptions = {
    style: 'currency',
    currency,
    signDisplay: options.signDisplay ?? 'negative',
  };
  if (options.compact) intlOptions.notation = 'compact';
  if (options.maximumFractionDigits !== undefined) {
    intlOptions.maximumFractionDigits = checkDigits('maximumFractionDigits', options.maximumFractionDigits);
  }
  return formatter(options.locale ?? DEFAULT_LOCALE, intlOptions).format(exactDecimal(amount));
}

function fixedDigits(digits: number | undefined): Intl.NumberFormatOptions {
  const fraction = checkDigits('fractionDigits', digits ?? 1);
  return { minimumFractionDigits: fraction, maximumFractionDigits: fraction };
}

/**
 * Formats a ratio as a percentage: 1.05 → `105.0%` (en-US), `105,0 %` (de-DE, with a no-break
 * space). `null`, `NaN` and infinities print as the placeholder (an em dash by default), since
 * the engine returns `null` for an empty cohort.
 */
export function formatPercent(ratio: number | null, options: FormatPercentOptions = {}): string {
  if (ratio === null || !Number.isFinite(ratio)) return options.placeholder ?? MISSING_VALUE;
  return formatter(options.locale ?? DEFAULT_LOCALE, {
    style: 'percent',
    signDisplay: options.signDisplay ?? 'negative',
    ...fixedDigits(options.fractionDigits),
  }).format(ratio);
}

/**
 * Formats a difference in percentage points, signed by default: 5 → `+5.0 pts`, −2.25 →
 * `-2.3 pts`, 0 → `0.0 pts`; de-DE `+5,0 pts`. The value is in points (5 = five percentage
 * points, as in a benchmark comparison's `pointsFromRange`); for two ratios pass
 * `(b - a) * 100`. The number is localised, the label is not (see `label`).
 */
export function formatPercentagePoints(points: number | null, options: FormatPointsOptions = {}): string {
  if (points === null || !Number.isFinite(points)) return options.placeholder ?? MISSING_VALUE;
  const number = formatter(options.locale ?? DEFAULT_LOCALE, {
    signDisplay: options.signDisplay ?? 'exceptZero',
    ...fixedDigits(options.fractionDigits),
  }).format(points);
  return `${number}\u00a0${options.label ?? 'pts'}`;
}

/**
 * Formats a multiple such as the quick ratio: 4 → `4.0×`, 0.25 → `0.3×` (half away from zero);
 * de-DE `4,0×`. `null` (nothing was lost, or an empty period) prints as the placeholder.
 */
export function formatRatio(ratio: number | null, options: FormatRatioOptions = {}): string {
  if (ratio === null || !Number.isFinite(ratio)) return options.placeholder ?? MISSING_VALUE;
  const number = formatter(options.locale ?? DEFAULT_LOCALE, {
    signDisplay: 'negative',
    ...fixedDigits(options.fractionDigits),
  }).format(ratio);
  return `${number}\u00d7`;
}
