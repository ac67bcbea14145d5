/**
 * The one date parser and the one amount parser of the CSV importers (subscription periods and
 * invoice lines), read from a stretch `[from, to)` of a text so that a plain record's fields are
 * parsed in place, without a string per field. The events importer reads JSON values instead
 * (`event-fields.ts`: ISO strings or Unix seconds, major or minor units).
 */
import { type Instant, MS_PER_DAY, parseInstant } from '../dates.ts';
import { MONEY_SCALE, type MoneyUnits, parseMoney } from '../money.ts';

/**
 * How amounts are written. `undefined` (the default, strict): a plain decimal with a point,
 * `1234.50`, no thousands separators. `'.'`: a decimal point, commas between groups of three
 * digits allowed (`1,234.50`). `','`: a decimal comma, points, spaces or no-break spaces between
 * groups of three allowed (`1.234,50`, `1 234,50`, `49,99`).
 */
export type DecimalSeparator = '.' | ',';

const DIGIT_0 = 48;
const HYPHEN = 45;
const DOT = 46;
const COMMA = 44;
const MINUS = 45;
const UNITS_PER_DIGIT = [0, 1000, 100, 10, 1] as const;

/** The number written by `length` ASCII digits at `start`, or -1 if any is not a digit. */
export function digitsAt(text: string, start: number, length: number): number {
  let value = 0;
  for (let i = start; i < start + length; i++) {
    const digit = text.charCodeAt(i) - DIGIT_0;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** Days in a month (1–12) of the proleptic Gregorian calendar. */
export function monthLength(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Days from 1970-01-01 to a date of the proleptic Gregorian calendar (H. Hinnant's
 * `days_from_civil`): `Date.UTC(year, month - 1, day) / 86,400,000` for years 1000 to 9999,
 * without the call.
 */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/**
 * The instant written in `text` from `from` to `to` (already trimmed), or NaN unless it is a
 * real date or date-time: {@link parseInstant}'s results, with a fast path for plain ISO dates
 * (`2024-03-01`, the common case in billing exports) that reads them in place.
 */
export function dateIn(text: string, from: number, to: number): Instant {
  if (to - from === 10 && text.charCodeAt(from + 4) === HYPHEN && text.charCodeAt(from + 7) === HYPHEN) {
    const year = digitsAt(text, from, 4);
    const month = digitsAt(text, from + 5, 2);
    const day = digitsAt(text, from + 8, 2);
    if (year >= 1000 && month >= 0 && day >= 0) {
      if (month < 1 || month > 12 || day < 1 || day > monthLength(year, month)) return Number.NaN;
      return daysFromCivil(year, month, day) * MS_PER_DAY;
    }
  }
  return parseInstant(from === 0 && to === text.length ? text : text.slice(from, to)) ?? Number.NaN;
}

/** {@link dateIn} of a whole (trimmed) value: the instant, or `undefined`. */
export function parseDate(text: string): Instant | undefined {
  const instant = dateIn(text, 0, text.length);
  return Number.isNaN(instant) ? undefined : instant;
}

/**
 * The amount written in `text` from `from` to `to` (already trimmed), in units, or `undefined`
 * unless it is a decimal as `decimal` says amounts are written (see {@link DecimalSeparator}).
 * A fast path reads amounts of at most 11 integer digits and 4 decimals in place (exact in
 * floating point); anything else goes through {@link parseMoney}, with the same results.
 */
export function amountIn(
  text: string,
  from: number,
  to: number,
  decimal: DecimalSeparator | undefined,
): MoneyUnits | undefined {
  const negative = text.charCodeAt(from) === MINUS;
  const wholeFrom = negative ? from + 1 : from;
  const wholeTo = digitsEnd(text, wholeFrom, to);
  const wholeDigits = wholeTo - wholeFrom;
  if (wholeDigits >= 1 && wholeDigits <= 11) {
    let units = -1;
    const whole = digitsAt(text, wholeFrom, wholeDigits);
    if (wholeTo === to) units = whole * MONEY_SCALE;
    else if (text.charCodeAt(wholeTo) === (decimal === ',' ? COMMA : DOT)) {
      const fractionTo = digitsEnd(text, wholeTo + 1, to);
      const fractionDigits = fractionTo - (wholeTo + 1);
      if (fractionTo === to && fractionDigits >= 1 && fractionDigits <= 4) {
        const fraction = digitsAt(text, wholeTo + 1, fractionDigits);
        units = whole * MONEY_SCALE + fraction * (UNITS_PER_DIGIT[fractionDigits] as number);
      }
    }
    if (units >= 0) return negative && units !== 0 ? -units : units;
  }
  const value = from === 0 && to === text.length ? text : text.slice(from, to);
  if (decimal === undefined) return parseMoney(value);
  const plain = plainDecimal(value, decimal);
  return plain === undefined ? undefined : parseMoney(plain);
}

/** {@link amountIn} of a whole (trimmed) value. */
export function parseAmount(text: string, decimal?: DecimalSeparator): MoneyUnits | undefined {
  return amountIn(text, 0, text.length, decimal);
}

/** The end of the run of ASCII digits that starts at `from` (at most `to`). */
function digitsEnd(text: string, from: number, to: number): number {
  let i = from;
  while (i < to) {
    const digit = text.charCodeAt(i) - DIGIT_0;
    if (digit < 0 || digit > 9) break;
    i++;
  }
  return i;
}

const GROUPED_POINT = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$/;
const GROUPED_COMMA = /^[+-]?\d{1,3}(?:[. \u00a0\u202f]\d{3})+(?:,\d*)?$/;

/**
 * A value written with `decimal` as the decimal separator, as {@link parseMoney} reads decimals
 * (a point, no grouping), or `undefined` when it cannot be one (a point that groups no thousands
 * under a decimal comma). What is left for parseMoney to refuse (a stray comma) is left in.
 */
function plainDecimal(value: string, decimal: DecimalSeparator): string | undefined {
  if (decimal === '.') return GROUPED_POINT.test(value) ? value.replaceAll(',', '') : value;
  const ungrouped = GROUPED_COMMA.test(value) ? value.replace(/[. \u00a0\u202f]/g, '') : value;
  return ungrouped.includes('.') ? undefined : ungrouped.replace(',', '.');
}

/** Text that looks like an amount with grouping or a decimal comma: digits, points, commas, spaces. */
const SEPARATED_NUMBER = /^[+-]?\d[\d., \u00a0\u202f]*$/;

/**
 * What an amount column expects, for a row error: {@link EXPECTED_AMOUNT} in the strict default,
 * with a hint naming the decimal option when the value looks like `1,234.50` or `1.234,50`.
 */
export function expectedAmount(value: string, decimal: DecimalSeparator | undefined): string {
  if (decimal === ',') {
    return 'a decimal number with a decimal comma, such as 49,99 or 1.234,50 (no currency symbols or exponents)';
  }
  if (decimal === '.') {
    return 'a decimal number with a decimal point, such as 49.99 or 1,234.50 (no currency symbols or exponents)';
  }
  if (SEPARATED_NUMBER.test(value) && (value.includes(',') || /\..*\./.test(value))) {
    return `${EXPECTED_AMOUNT}; for amounts written like 1,234.50 or 1.234,50, name the decimal separator (decimal option; nrr import --decimal . or --decimal ,)`;
  }
  return EXPECTED_AMOUNT;
}

/** What an amount column expects in the strict default. */
export const EXPECTED_AMOUNT =
  'a decimal number such as 49.99 (no currency symbols, thousands separators or exponents)';
