/**
 * Field readers for the subscription-event importer. Each reader either returns the value it
 * read or throws a {@link RowRejection} holding the {@link RowError} that names the line, the
 * field path (`items.data[0].price.unit_amount`), the value and what was expected. The record
 * parser catches the rejection and turns it into a `ParsedRow`; nothing escapes the module.
 */
import { type Instant, parseInstant } from '../dates.ts';
import { type RowError, type RowErrorCode, rowError } from '../errors.ts';
import { divideRounded, type MoneyUnits, parseMoney } from '../money.ts';
import { CURRENCY_CODE } from '../spans.ts';
import { setAttribute } from './fields.ts';

/** A parsed JSON object. */
export type JsonObject = Readonly<Record<string, unknown>>;

/** Thrown by the readers; carries the row's first error. */
export class RowRejection extends Error {
  constructor(readonly error: RowError) {
    super(error.message);
    this.name = 'RowRejection';
  }
}

/** Longest id accepted (event, customer, subscription, price ids). */
export const MAX_ID_LENGTH = 255;

/** Latest Unix second accepted: 9999-12-31T23:59:59Z. Millisecond timestamps are larger and rejected. */
const MAX_UNIX_SECONDS = 253_402_300_799;

/** Text shown as the offending value: strings as they are, anything else as JSON, absent as "". */
export function shownValue(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? String(value);
}

/** Rejects the row with an error built from its parts. */
export function reject(
  code: RowErrorCode,
  line: number,
  field: string,
  value: unknown,
  expected: string,
): never {
  throw new RowRejection(rowError(code, line, field, shownValue(value), expected));
}

/** Whether a value is a plain JSON object (not an array, not null). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether a field is absent: missing, `null` or an empty string. */
export function isAbsent(value: unknown): value is undefined | null | '' {
  return value === undefined || value === null || value === '';
}

/** Reads a required id: a non-empty string (or an integer, taken as its decimal text) of at most 255 characters. */
export function readId(value: unknown, field: string, line: number): string {
  if (isAbsent(value)) reject('MISSING_VALUE', line, field, value, 'a non-empty id');
  const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  if (typeof text !== 'string' || text.trim() === '') {
    reject('MISSING_VALUE', line, field, value, 'a non-empty id (a string)');
  }
  const id = text.trim();
  if (id.length > MAX_ID_LENGTH) {
    reject('VALUE_TOO_LONG', line, field, value, `an id of at most ${MAX_ID_LENGTH} characters`);
  }
  return id;
}

/**
 * Reads an instant: an ISO 8601 date or date-time string (no offset means UTC), or an integer
 * number of Unix seconds as Stripe writes them. Millisecond timestamps are rejected, not guessed.
 */
export function readInstant(value: unknown, field: string, line: number): Instant {
  const expected = 'an ISO 8601 date-time such as 2024-03-01T00:00:00Z, or Unix seconds such as 1709251200';
  if (isAbsent(value)) reject('MISSING_VALUE', line, field, value, expected);
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && value >= 0 && value <= MAX_UNIX_SECONDS) return value * 1000;
    reject('INVALID_DATE', line, field, value, expected);
  }
  const instant = typeof value === 'string' ? parseInstant(value) : undefined;
  if (instant === undefined) reject('INVALID_DATE', line, field, value, expected);
  return instant;
}

/** Reads an optional instant: absent → `undefined`. */
export function readOptionalInstant(value: unknown, field: string, line: number): Instant | undefined {
  return isAbsent(value) ? undefined : readInstant(value, field, line);
}

/** Reads an ISO 4217 code in any case (Stripe writes `usd`) and returns it upper case. */
export function readCurrency(value: unknown, field: string, line: number): string {
  const expected = 'an ISO 4217 currency code such as USD';
  if (isAbsent(value)) reject('MISSING_VALUE', line, field, value, expected);
  const code = typeof value === 'string' ? value.trim().toUpperCase() : '';
  if (!CURRENCY_CODE.test(code)) reject('INVALID_CURRENCY', line, field, value, expected);
  return code;
}

/**
 * Reads a non-negative decimal in major currency units ("19.99" or 19.99) into exact units.
 * Numbers are read through their shortest decimal text, so 19.99 is exactly 19.99.
 */
export function readMajorAmount(value: unknown, field: string, line: number): MoneyUnits {
  const expected = 'a non-negative decimal amount in major currency units such as 19.99';
  if (isAbsent(value)) reject('MISSING_VALUE', line, field, value, expected);
  const units = decimalUnits(value);
  if (units === undefined) reject('INVALID_AMOUNT', line, field, value, expected);
  if (units < 0) reject('INVALID_AMOUNT', line, field, value, expected);
  return units;
}

/**
 * Reads a non-negative amount in the currency's minor units as Stripe writes them (an integer, or
 * for `unit_amount_decimal` a decimal string of minor units with up to 12 decimals) and converts
 * it to units with the currency's exponent: USD 2000 → 20.00, JPY 2000 → 2000, KWD 2000 → 2.000.
 */
export function readMinorAmount(
  value: unknown,
  currency: string,
  field: string,
  line: number,
  allowDecimal = false,
): MoneyUnits {
  const expected = allowDecimal
    ? `a non-negative decimal string of ${currency} minor units such as "2000.5"`
    : `a non-negative integer number of ${currency} minor units such as 2000`;
  if (isAbsent(value)) reject('MISSING_VALUE', line, field, value, expected);
  if (!allowDecimal && !(typeof value === 'number' && Number.isSafeInteger(value))) {
    reject('INVALID_AMOUNT', line, field, value, expected);
  }
  const minorUnits = decimalUnits(value);
  if (minorUnits === undefined || minorUnits < 0) reject('INVALID_AMOUNT', line, field, value, expected);
  return divideRounded(BigInt(minorUnits), 10n ** BigInt(currencyExponent(currency)));
}

/** Removes an inclusive tax rate (1/10,000 %) from an amount: 120 at 20% → 100. */
export function stripTax(amount: MoneyUnits, rate: number | undefined): MoneyUnits {
  if (rate === undefined || rate === 0) return amount;
  return divideRounded(BigInt(amount) * 1_000_000n, 1_000_000n + BigInt(rate));
}

/** Reads a percentage between 0 and 100 inclusive into 1/10,000 of a percent (20 → 200,000). */
export function readPercent(value: unknown, field: string, line: number): number {
  const expected = 'a percentage between 0 and 100 such as 20 or 12.5';
  if (isAbsent(value)) reject('MISSING_VALUE', line, field, value, expected);
  const scaled = decimalUnits(value);
  if (scaled === undefined) reject('INVALID_NUMBER', line, field, value, expected);
  if (scaled < 0 || scaled > 100 * 10_000) reject('OUT_OF_RANGE', line, field, value, expected);
  return scaled;
}

/** Reads a positive integer (a number or a string of digits), e.g. an interval count. */
export function readPositiveInteger(value: unknown, field: string, line: number): number {
  const expected = 'a positive whole number such as 1 or 3';
  const number = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number)) {
    reject('INVALID_NUMBER', line, field, value, expected);
  }
  if (number < 1) reject('OUT_OF_RANGE', line, field, value, expected);
  return number;
}

/** Reads a non-negative finite quantity (a number or a decimal string); fractional quantities are allowed. */
export function readQuantity(value: unknown, field: string, line: number): number {
  const expected = 'a non-negative quantity such as 1 or 3';
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number)) {
    reject('INVALID_NUMBER', line, field, value, expected);
  }
  if (number < 0) reject('OUT_OF_RANGE', line, field, value, expected);
  return number;
}

/** Reads one of a fixed set of lower-case words, case-insensitively; `undefined` when absent. */
export function readChoice<T extends string>(
  value: unknown,
  choices: readonly T[],
  field: string,
  line: number,
  code: RowErrorCode = 'OUT_OF_RANGE',
): T | undefined {
  if (isAbsent(value)) return undefined;
  const word = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
  const choice = choices.find((candidate) => candidate === word);
  if (choice === undefined) reject(code, line, field, value, `one of ${choices.join(', ')}`);
  return choice;
}

/** Reads an optional JSON array; absent → empty. */
export function readArray(value: unknown, field: string, line: number): readonly unknown[] {
  if (isAbsent(value)) return [];
  if (!Array.isArray(value)) reject('INVALID_JSON', line, field, value, 'a JSON array');
  return value;
}

/**
 * Reads a flat map of attributes (Stripe `metadata`): string values are kept, numbers and
 * booleans become their text, `null` and empty strings are dropped (Stripe unsets metadata with "").
 */
export function readAttributes(value: unknown, field: string, line: number): Record<string, string> {
  const attributes: Record<string, string> = {};
  if (isAbsent(value)) return attributes;
  if (!isObject(value)) reject('INVALID_JSON', line, field, value, 'a JSON object of text values');
  for (const [key, entry] of Object.entries(value)) {
    if (isAbsent(entry)) continue;
    if (typeof entry === 'string') setAttribute(attributes, key, entry);
    else if (typeof entry === 'boolean' || (typeof entry === 'number' && Number.isFinite(entry))) {
      setAttribute(attributes, key, String(entry));
    } else reject('INVALID_JSON', line, `${field}.${key}`, entry, 'a text value (attributes are flat)');
  }
  return attributes;
}

/** Parses a decimal given as a string or a finite number into 1/10,000 units; `undefined` if not a decimal. */
function decimalUnits(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? parseMoney(String(value)) : undefined;
  return typeof value === 'string' ? parseMoney(value) : undefined;
}

/**
 * Decimal places of a currency's minor unit in Stripe's API (docs.stripe.com/currencies):
 * zero-decimal currencies count whole units, three-decimal ones thousandths, all others cents.
 * ISK, HUF and TWD are two-decimal in Stripe's API although ISO 4217 gives them fewer.
 */
export function currencyExponent(currency: string): number {
  if (ZERO_DECIMAL.has(currency)) return 0;
  if (THREE_DECIMAL.has(currency)) return 3;
  return 2;
}

const ZERO_DECIMAL = new Set([
  'BIF',
  'CLP',
  'DJF',
  'GNF',
  'JPY',
  'KMF',
  'KRW',
  'MGA',
  'PYG',
  'RWF',
  'UGX',
  'VND',
  'VUV',
  'XAF',
  'XOF',
  'XPF',
]);

const THREE_DECIMAL = new Set(['BHD', 'JOD', 'KWD', 'OMR', 'TND']);
