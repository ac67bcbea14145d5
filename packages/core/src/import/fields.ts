/**
 * Reading typed values out of CSV records, shared by the CSV importers: header matching
 * (case-insensitive, trimmed), and per-field parsing that rejects a row with a {@link RowError}
 * naming the line, the column as written in the file, the value and what was expected.
 */
import { type Instant, parseInstant, toIsoDate } from '../dates.ts';
import { type RowError, type RowErrorCode, rowError } from '../errors.ts';
import { MONEY_SCALE, type MoneyUnits, parseMoney } from '../money.ts';
import { CURRENCY_CODE } from '../spans.ts';
import type { CsvRecord } from './csv.ts';

/** A column of the header: its position and its name as written (trimmed). */
export interface Column {
  readonly index: number;
  readonly label: string;
}

/** Header columns by normalised name (trimmed, lower case); unnamed columns are left out. */
export type HeaderColumns = ReadonlyMap<string, Column>;

/** The key a column name is matched by: trimmed and lower-cased. */
export function columnKey(name: string): string {
  return name.trim().toLowerCase();
}

/**
 * Indexes a header record. Two columns whose names match case-insensitively are an
 * `INVALID_CSV` error (a value could not be attributed to one of them); columns with an empty
 * name are ignored (they cannot be referred to).
 */
export function readHeader(header: CsvRecord): HeaderColumns | RowError {
  const columns = new Map<string, Column>();
  for (const [index, raw] of header.fields.entries()) {
    const label = raw.trim();
    if (!label) continue;
    const key = columnKey(label);
    const earlier = columns.get(key);
    if (earlier) {
      return rowError(
        'INVALID_CSV',
        header.line,
        label,
        label,
        `column names that differ other than in case and spaces (column ${earlier.index + 1} is "${earlier.label}")`,
      );
    }
    columns.set(key, { index, label });
  }
  return columns;
}

/** The `MISSING_COLUMN` error of an input with no header at all (line 1). */
export function emptyFileError(required: readonly string[]): RowError {
  return rowError(
    'MISSING_COLUMN',
    1,
    required.join(', '),
    '',
    `a header with the columns ${required.join(', ')} (the file is empty)`,
  );
}

/**
 * One `MISSING_COLUMN` error for all the required columns the header lacks (names as the
 * importer documents them), or `undefined` when none is missing.
 */
export function missingColumnsError(
  header: CsvRecord,
  columns: HeaderColumns,
  required: readonly string[],
): RowError | undefined {
  const missing = required.filter((name) => !columns.has(columnKey(name)));
  if (missing.length === 0) return undefined;
  return rowError(
    'MISSING_COLUMN',
    header.line,
    missing.join(', '),
    header.fields.join(','),
    `a header with the columns ${required.join(', ')} (missing: ${missing.join(', ')})`,
  );
}

/** Thrown inside a row reader to reject the row; caught by the importer's row loop. */
export class Rejection {
  constructor(readonly error: RowError) {}
}

/** Expected-value phrases shared by the importers, so the same mistake reads the same everywhere. */
export const EXPECTED = {
  value: 'a non-empty value',
  date: 'a real calendar date in ISO 8601 form, such as 2024-01-31 or 2024-01-31T12:00:00Z',
  amount: 'a decimal number such as 49.99 (no currency symbols, thousands separators or exponents)',
  nonNegativeAmount: 'a decimal number of zero or more, such as 49.99',
  currency: 'a three-letter ISO 4217 currency code such as USD',
} as const;

/**
 * Typed access to the fields of one record. Every getter trims the value; a getter that cannot
 * accept it throws a {@link Rejection}. One reader is reused for every record of a file
 * ({@link RowReader.load}) to spare the garbage collector on large files.
 */
export class RowReader {
  /** 1-based line of the record being read. */
  line = 0;
  private fields: readonly string[] = [];

  /** Points the reader at a record. */
  load(line: number, fields: readonly string[]): this {
    this.line = line;
    this.fields = fields;
    return this;
  }

  /** The trimmed value, or `''` when the column is absent. */
  text(column: Column | undefined): string {
    return column === undefined ? '' : (this.fields[column.index] ?? '').trim();
  }

  /** A value that must not be empty (`MISSING_VALUE`). */
  required(column: Column): string {
    const value = this.text(column);
    if (!value) this.reject('MISSING_VALUE', column, value, EXPECTED.value);
    return value;
  }

  /** A required date or date-time (`MISSING_VALUE`, `INVALID_DATE`). */
  instant(column: Column): Instant {
    const value = this.required(column);
    const instant = parseDate(value);
    if (instant === undefined) this.reject('INVALID_DATE', column, value, EXPECTED.date);
    return instant as Instant;
  }

  /** An optional date or date-time: `null` when empty (`INVALID_DATE`). */
  optionalInstant(column: Column | undefined): Instant | null {
    const value = this.text(column);
    if (!value) return null;
    const instant = parseDate(value);
    if (instant === undefined) this.reject('INVALID_DATE', column as Column, value, EXPECTED.date);
    return instant as Instant;
  }

  /**
   * A decimal amount in units (`MISSING_VALUE`, `INVALID_AMOUNT`); an absent column or empty value
   * gives `fallback` when one is passed.
   */
  amount(column: Column | undefined, options: { nonNegative: boolean; fallback?: MoneyUnits }): MoneyUnits {
    const value = this.text(column);
    if (!value && options.fallback !== undefined) return options.fallback;
    if (column === undefined) throw new Error('amount column is required when no fallback is given');
    if (!value) this.reject('MISSING_VALUE', column, value, EXPECTED.amount);
    const units = parseAmount(value);
    if (units === undefined) this.reject('INVALID_AMOUNT', column, value, EXPECTED.amount);
    if (options.nonNegative && (units as MoneyUnits) < 0) {
      this.reject('INVALID_AMOUNT', column, value, EXPECTED.nonNegativeAmount);
    }
    return units as MoneyUnits;
  }

  /** An ISO 4217 code, case-insensitive, returned upper case; empty or absent gives `fallback`. */
  currency(column: Column | undefined, fallback: string): string {
    const value = this.text(column);
    if (!value) return fallback;
    const code = value.toUpperCase();
    if (!CURRENCY_CODE.test(code))
      this.reject('INVALID_CURRENCY', column as Column, value, EXPECTED.currency);
    return code;
  }

  /**
   * The non-empty values of attribute columns, keyed by `name(column)`, as a plain object (a
   * column called `__proto__` becomes an ordinary property).
   */
  attributes<C>(
    columns: readonly C[],
    column: (entry: C) => Column,
    name: (entry: C) => string,
  ): Record<string, string> {
    const attributes: Record<string, string> = {};
    for (const entry of columns) {
      const value = this.text(column(entry));
      if (!value) continue;
      setAttribute(attributes, name(entry), value);
    }
    return attributes;
  }

  /** Rejects the row. */
  reject(code: RowErrorCode, column: Column, value: string, expected: string): never {
    throw new Rejection(rowError(code, this.line, column.label, value, expected));
  }
}

const DIGIT_0 = 48;

/** Sets an attribute; a key `__proto__` becomes an ordinary own property instead of changing the prototype. */
export function setAttribute(attributes: Record<string, string>, key: string, value: string): void {
  if (key === '__proto__') {
    Object.defineProperty(attributes, key, { value, enumerable: true, writable: true, configurable: true });
  } else attributes[key] = value;
}

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
 * {@link parseInstant} with a fast path for plain ISO dates (`2024-03-01`), the common case in
 * billing exports; same results.
 */
export function parseDate(text: string): Instant | undefined {
  if (text.length === 10 && text.charCodeAt(4) === 45 && text.charCodeAt(7) === 45) {
    const year = digitsAt(text, 0, 4);
    const month = digitsAt(text, 5, 2);
    const dayOfMonth = digitsAt(text, 8, 2);
    if (year >= 1000 && month >= 0 && dayOfMonth >= 0) {
      if (month < 1 || month > 12 || dayOfMonth < 1 || dayOfMonth > monthLength(year, month))
        return undefined;
      return Date.UTC(year, month - 1, dayOfMonth);
    }
  }
  return parseInstant(text);
}

const PLAIN_AMOUNT = /^(-?)(\d{1,11})(?:\.(\d{1,4}))?$/;

/**
 * {@link parseMoney} with a fast path for amounts of at most 11 integer digits and 4 decimals,
 * which are exact in floating point; same results.
 */
export function parseAmount(text: string): MoneyUnits | undefined {
  const match = PLAIN_AMOUNT.exec(text);
  if (match === null) return parseMoney(text);
  const fraction = match[3];
  const units = Number(match[2]) * MONEY_SCALE + (fraction ? Number(fraction.padEnd(4, '0')) : 0);
  return match[1] && units !== 0 ? -units : units;
}

/** The default currency of an import, checked: a three-letter ISO 4217 code (upper-cased). */
export function checkedCurrency(code: string | undefined, fallback = 'USD'): string {
  const currency = (code ?? fallback).trim().toUpperCase();
  if (!CURRENCY_CODE.test(currency)) {
    throw new RangeError(`defaultCurrency must be a three-letter ISO 4217 code, got ${JSON.stringify(code)}`);
  }
  return currency;
}

/** An instant as an ISO date when it is midnight UTC, else as a full ISO date-time. */
export function formatInstant(instant: Instant): string {
  return instant % 86_400_000 === 0 ? toIsoDate(instant) : new Date(instant).toISOString();
}
