/**
 * Reading typed values out of CSV records, shared by the CSV importers: header matching
 * (case-insensitive, trimmed), and per-field parsing that rejects a row with a {@link RowError}
 * naming the line, the column as written in the file, the value and what was expected.
 */
import type { Instant } from '../dates.ts';
import { type RowError, type RowErrorCode, rowError } from '../errors.ts';
import type { MoneyUnits } from '../money.ts';
import { CURRENCY_CODE } from '../spans.ts';
import type { CsvRecord } from './csv.ts';
import {
  type DecimalSeparator,
  EXPECTED_AMOUNT,
  expectedAmount,
  parseAmount,
  parseDate,
} from './csv-values.ts';

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
 * importer documents them), or `undefined` when none is missing. `hint`, when given, is added to
 * the expected text (the delimiter the header was read with, when it has another one too).
 */
export function missingColumnsError(
  header: CsvRecord,
  columns: HeaderColumns,
  required: readonly string[],
  hint = '',
): RowError | undefined {
  const missing = required.filter((name) => !columns.has(columnKey(name)));
  if (missing.length === 0) return undefined;
  return rowError(
    'MISSING_COLUMN',
    header.line,
    missing.join(', '),
    header.fields.join(','),
    `a header with the columns ${required.join(', ')} (missing: ${missing.join(', ')})${hint}`,
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
  amount: EXPECTED_AMOUNT,
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

  /** `decimal`: how amounts are written (default: strict, a decimal point and no grouping). */
  constructor(private readonly decimal?: DecimalSeparator) {}

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
    const units = parseAmount(value, this.decimal);
    if (units === undefined) {
      this.reject('INVALID_AMOUNT', column, value, expectedAmount(value, this.decimal));
    }
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

/** Sets an attribute; a key `__proto__` becomes an ordinary own property instead of changing the prototype. */
export function setAttribute(attributes: Record<string, string>, key: string, value: string): void {
  if (key === '__proto__') {
    Object.defineProperty(attributes, key, { value, enumerable: true, writable: true, configurable: true });
  } else attributes[key] = value;
}

/** The default currency of an import, checked: a three-letter ISO 4217 code (upper-cased). */
export function checkedCurrency(code: string | undefined, fallback = 'USD'): string {
  const currency = (code ?? fallback).trim().toUpperCase();
  if (!CURRENCY_CODE.test(currency)) {
    throw new RangeError(`defaultCurrency must be a three-letter ISO 4217 code, got ${JSON.stringify(code)}`);
  }
  return currency;
}
