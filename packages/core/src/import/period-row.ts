/**
 * One row of a subscription-periods CSV: its shape, the file's columns (found by their names, or
 * by the names a column mapping gives them), and the general path that reads a record's fields
 * into a row through {@link RowReader}, naming the line, column and what was expected.
 */
import { formatInstant, type Instant } from '../dates.ts';
import { type RowError, rowError } from '../errors.ts';
import type { MoneyUnits } from '../money.ts';
import type { CsvOptions, CsvRecord } from './csv.ts';
import type { DecimalSeparator } from './csv-values.ts';
import {
  type Column,
  columnKey,
  type HeaderColumns,
  missingColumnsError,
  type RowReader,
  readHeader,
} from './fields.ts';
import type { ImportOptions } from './result.ts';

/** One valid row of a subscription-periods file. */
export interface SubscriptionPeriodRow {
  /** 1-based line of the file where the row starts (the header is line 1). */
  readonly line: number;
  readonly subscriptionId: string;
  readonly customerId: string;
  /** First instant of the period (inclusive). */
  readonly start: Instant;
  /** First instant after the period (exclusive); `null` while the subscription is still active. */
  readonly end: Instant | null;
  /** Monthly amount in units (1/10,000 of the currency), zero or more; already monthly. */
  readonly monthlyAmount: MoneyUnits;
  /** ISO 4217 code, upper case. */
  readonly currency: string;
  /** Every column beyond the known ones, by its header name as written (trimmed); empty values left out. */
  readonly attributes: Readonly<Record<string, string>>;
}

/** Required columns, in the order the playbook's seed has them. */
export const SUBSCRIPTION_PERIOD_COLUMNS = [
  'subscription_id',
  'customer_id',
  'start_date',
  'end_date',
  'monthly_amount',
] as const;

/** The columns a periods file has, by their names in the playbook's seed: the required ones and `currency`. */
export type SubscriptionPeriodField = (typeof SUBSCRIPTION_PERIOD_COLUMNS)[number] | 'currency';

/** Every {@link SubscriptionPeriodField}, in the seed's order. */
export const SUBSCRIPTION_PERIOD_FIELDS: readonly SubscriptionPeriodField[] = [
  ...SUBSCRIPTION_PERIOD_COLUMNS,
  'currency',
];

/**
 * A periods file's own column names: field → the column that holds it (matched case-insensitively
 * and trimmed, as every header name is). A field left out is found by its own name, as without a
 * mapping.
 */
export type SubscriptionPeriodMapping = Readonly<Partial<Record<SubscriptionPeriodField, string>>>;

/** Options of the subscription-periods importer. */
export interface SubscriptionPeriodOptions extends ImportOptions, CsvOptions {
  /** Currency of rows with no `currency` column or an empty value; default `'USD'`. */
  readonly defaultCurrency?: string;
  /** The file's own names for the known columns; default none (the seed's names). */
  readonly mapping?: SubscriptionPeriodMapping;
  /** How `monthly_amount` is written; default strict (`1234.50`; see {@link DecimalSeparator}). */
  readonly decimal?: DecimalSeparator;
}

/** The columns of a periods file, found in its header. */
export interface PeriodColumns {
  readonly subscriptionId: Column;
  readonly customerId: Column;
  readonly start: Column;
  readonly end: Column;
  readonly monthlyAmount: Column;
  readonly currency: Column | undefined;
  /** Every other named column, in the file's order. */
  readonly attributes: readonly Column[];
}

/**
 * The columns of a header read through a mapping, or the file-level error (`INVALID_CSV` for a
 * malformed header, `MISSING_COLUMN` naming every required column missing, by the name it was
 * looked for under). `hint` is added to a `MISSING_COLUMN` error's expected text.
 */
export function periodColumns(
  header: CsvRecord,
  mapping: SubscriptionPeriodMapping = {},
  hint = '',
): PeriodColumns | RowError {
  const columns = readHeader(header);
  if ('code' in columns) return columns;
  const name = (field: SubscriptionPeriodField) => (mapping[field] ?? field).trim();
  const missing = missingColumnsError(header, columns, SUBSCRIPTION_PERIOD_COLUMNS.map(name), hint);
  if (missing) return missing;
  const column = (field: SubscriptionPeriodField) => columns.get(columnKey(name(field))) as Column;
  const known = new Set(SUBSCRIPTION_PERIOD_FIELDS.map((field) => columnKey(name(field))));
  return {
    subscriptionId: column('subscription_id'),
    customerId: column('customer_id'),
    start: column('start_date'),
    end: column('end_date'),
    monthlyAmount: column('monthly_amount'),
    currency: columns.get(columnKey(name('currency'))),
    attributes: attributeColumns(columns, known),
  };
}

function attributeColumns(columns: HeaderColumns, known: ReadonlySet<string>): Column[] {
  return [...columns.entries()]
    .filter(([key]) => !known.has(key))
    .map(([, attribute]) => attribute)
    .sort((a, b) => a.index - b.index);
}

/** The row of a record through the general path (throws a `Rejection`). */
export function readPeriod(
  reader: RowReader,
  columns: PeriodColumns,
  defaultCurrency: string,
): SubscriptionPeriodRow {
  const subscriptionId = reader.required(columns.subscriptionId);
  const customerId = reader.required(columns.customerId);
  const start = reader.instant(columns.start);
  const end = reader.optionalInstant(columns.end);
  const monthlyAmount = reader.amount(columns.monthlyAmount, { nonNegative: true });
  const currency = reader.currency(columns.currency, defaultCurrency);
  if (end !== null && end <= start) {
    reader.reject(
      'END_BEFORE_START',
      columns.end,
      reader.text(columns.end),
      `an end after ${columns.start.label} (${reader.text(columns.start)}); the end is exclusive, leave it empty while active`,
    );
  }
  return {
    line: reader.line,
    subscriptionId,
    customerId,
    start,
    end,
    monthlyAmount,
    currency,
    attributes: reader.attributes(
      columns.attributes,
      (column) => column,
      (column) => column.label,
    ),
  };
}

/** The `DUPLICATE_ID` error of a period that overlaps an earlier one of its subscription. */
export function overlapError(
  line: number,
  columns: PeriodColumns,
  subscriptionId: string,
  clash: { start: Instant; end: Instant | null; line: number },
): RowError {
  return rowError(
    'DUPLICATE_ID',
    line,
    columns.subscriptionId.label,
    subscriptionId,
    `a subscription_id whose periods do not overlap; line ${clash.line} already covers ` +
      `${formatInstant(clash.start)} to ${clash.end === null ? 'no end' : formatInstant(clash.end)}`,
  );
}
