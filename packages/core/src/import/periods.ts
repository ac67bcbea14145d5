/**
 * Subscription-periods CSV, the shape of the dbt MRR playbook's seed: one row per stretch of time
 * during which a subscription is billed a constant monthly amount. Rows map to MRR spans directly.
 */
import type { Instant } from '../dates.ts';
import type { MoneyUnits } from '../money.ts';
import type { MrrSpan } from '../spans.ts';
import { type CsvOptions, type LineSource, readCsv } from './csv.ts';
import {
  type Column,
  checkedCurrency,
  emptyFileError,
  formatInstant,
  missingColumnsError,
  Rejection,
  RowReader,
  readHeader,
} from './fields.ts';
import { collectRows, type ImportOptions, type ImportResult, type ParsedRow } from './result.ts';

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

/** Options of the subscription-periods importer. */
export interface SubscriptionPeriodOptions extends ImportOptions, CsvOptions {
  /** Currency of rows with no `currency` column or an empty value; default `'USD'`. */
  readonly defaultCurrency?: string;
}

/** Required columns, in the order the playbook's seed has them. */
export const SUBSCRIPTION_PERIOD_COLUMNS = [
  'subscription_id',
  'customer_id',
  'start_date',
  'end_date',
  'monthly_amount',
] as const;

const KNOWN_COLUMNS = new Set<string>([...SUBSCRIPTION_PERIOD_COLUMNS, 'currency']);

interface PeriodColumns {
  readonly subscriptionId: Column;
  readonly customerId: Column;
  readonly start: Column;
  readonly end: Column;
  readonly monthlyAmount: Column;
  readonly currency: Column | undefined;
  readonly attributes: readonly Column[];
}

/**
 * Streams the rows of a subscription-periods CSV: `subscription_id, customer_id, start_date,
 * end_date, monthly_amount` (header names matched case-insensitively, trimmed), optional
 * `currency`, and any further columns as customer attributes.
 *
 * - `end_date` is exclusive; empty means still active. It must be after `start_date`.
 * - `monthly_amount` is a non-negative decimal; zero is allowed (free plans).
 * - A subscription may appear on several rows (consecutive periods, e.g. price changes), but its
 *   periods must not overlap: an overlapping row, including a repeated `(subscription_id,
 *   start_date)`, is a `DUPLICATE_ID` error. (The playbook's seed never repeats an id.)
 *
 * Yields one result per record after the header, each the row or its first error. A header that
 * lacks required columns yields one `MISSING_COLUMN` error at line 1 and nothing else; a truly
 * empty input does the same. Remembers each subscription's periods to detect overlaps, so memory
 * grows with the number of valid rows.
 */
export async function* streamSubscriptionPeriods(
  source: LineSource,
  options: SubscriptionPeriodOptions = {},
): AsyncGenerator<ParsedRow<SubscriptionPeriodRow>, void, undefined> {
  const defaultCurrency = checkedCurrency(options.defaultCurrency);
  let columns: PeriodColumns | undefined;
  const periodsBySubscription = new Map<string, { start: Instant; end: Instant | null; line: number }[]>();
  let recordsRead = 0;
  for await (const record of readCsv(source, options)) {
    recordsRead += 1;
    if (!record.ok) {
      yield record;
      continue;
    }
    if (columns === undefined) {
      const header = readHeader(record.row);
      if ('code' in header) {
        yield { ok: false, error: header };
        return;
      }
      const missing = missingColumnsError(record.row, header, SUBSCRIPTION_PERIOD_COLUMNS);
      if (missing) {
        yield { ok: false, error: missing };
        return;
      }
      const column = (name: string) => header.get(name) as Column;
      columns = {
        subscriptionId: column('subscription_id'),
        customerId: column('customer_id'),
        start: column('start_date'),
        end: column('end_date'),
        monthlyAmount: column('monthly_amount'),
        currency: header.get('currency'),
        attributes: [...header.entries()]
          .filter(([key]) => !KNOWN_COLUMNS.has(key))
          .map(([, attribute]) => attribute)
          .sort((a, b) => a.index - b.index),
      };
      continue;
    }
    const reader = new RowReader(record.row.line, record.row.fields);
    try {
      const row = readPeriod(reader, columns, defaultCurrency);
      checkOverlap(reader, columns, row, periodsBySubscription);
      yield { ok: true, row };
    } catch (error) {
      if (!(error instanceof Rejection)) throw error;
      yield { ok: false, error: error.error };
    }
  }
  if (recordsRead === 0) yield { ok: false, error: emptyFileError(SUBSCRIPTION_PERIOD_COLUMNS) };
}

function readPeriod(
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
  const attributes: [string, string][] = [];
  for (const column of columns.attributes) {
    const value = reader.text(column);
    if (value) attributes.push([column.label, value]);
  }
  return {
    line: reader.line,
    subscriptionId,
    customerId,
    start,
    end,
    monthlyAmount,
    currency,
    attributes: Object.fromEntries(attributes),
  };
}

function checkOverlap(
  reader: RowReader,
  columns: PeriodColumns,
  row: SubscriptionPeriodRow,
  periodsBySubscription: Map<string, { start: Instant; end: Instant | null; line: number }[]>,
): void {
  const periods = periodsBySubscription.get(row.subscriptionId);
  const period = { start: row.start, end: row.end, line: row.line };
  if (periods === undefined) {
    periodsBySubscription.set(row.subscriptionId, [period]);
    return;
  }
  const rowEnd = row.end ?? Number.POSITIVE_INFINITY;
  const clash = periods.find(
    (other) => other.start < rowEnd && row.start < (other.end ?? Number.POSITIVE_INFINITY),
  );
  if (clash) {
    reader.reject(
      'DUPLICATE_ID',
      columns.subscriptionId,
      row.subscriptionId,
      `a subscription_id whose periods do not overlap; line ${clash.line} already covers ` +
        `${formatInstant(clash.start)} to ${clash.end === null ? 'no end' : formatInstant(clash.end)}`,
    );
  }
  periods.push(period);
}

/**
 * Reads a whole subscription-periods CSV (see {@link streamSubscriptionPeriods} for the format).
 * Any invalid row makes it throw `ImportError` with nothing imported, unless
 * `options.skipInvalidRows` is set, in which case it returns the valid rows beside the errors.
 */
export function importSubscriptionPeriods(
  source: LineSource,
  options: SubscriptionPeriodOptions = {},
): Promise<ImportResult<SubscriptionPeriodRow>> {
  return collectRows(streamSubscriptionPeriods(source, options), options);
}

/**
 * One span per row: `[start, end)` at the row's monthly amount. Zero-amount rows become spans
 * with MRR 0 (free plans are not MRR, but their attributes still describe the customer).
 * Attributes are attached only when the row has some.
 */
export function periodRowsToSpans(rows: Iterable<SubscriptionPeriodRow>): MrrSpan[] {
  const spans: MrrSpan[] = [];
  for (const row of rows) {
    const span: MrrSpan = {
      customerId: row.customerId,
      subscriptionId: row.subscriptionId,
      start: row.start,
      end: row.end,
      mrr: row.monthlyAmount,
      currency: row.currency,
    };
    spans.push(Object.keys(row.attributes).length > 0 ? { ...span, attributes: row.attributes } : span);
  }
  return spans;
}
