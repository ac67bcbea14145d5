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
  const periods = new SubscriptionPeriodIndex();
  const reader = new RowReader();
  const shared = new SharedValues();
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
    reader.load(record.row.line, record.row.fields);
    try {
      const row = shared.share(readPeriod(reader, columns, defaultCurrency));
      checkOverlap(reader, columns, row, periods);
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

/**
 * Shares the values rows repeat: a customer's rows usually come together and carry the same ids,
 * currency and attributes, and a file has few distinct currencies and attribute values. Shared
 * strings and attribute objects (rows are read-only) keep a large import's rows much smaller.
 */
class SharedValues {
  private previous: SubscriptionPeriodRow | undefined;
  private readonly values = new Map<string, string>();

  share(row: SubscriptionPeriodRow): SubscriptionPeriodRow {
    const previous = this.previous;
    const shared: SubscriptionPeriodRow = {
      line: row.line,
      subscriptionId:
        previous && row.subscriptionId === previous.subscriptionId
          ? previous.subscriptionId
          : row.subscriptionId,
      customerId: previous && row.customerId === previous.customerId ? previous.customerId : row.customerId,
      start: row.start,
      end: row.end,
      monthlyAmount: row.monthlyAmount,
      currency: this.value(row.currency),
      attributes:
        previous && sameAttributes(row.attributes, previous.attributes)
          ? previous.attributes
          : this.attributes(row.attributes),
    };
    this.previous = shared;
    return shared;
  }

  /** One string per distinct value, for the first 10,000 distinct values (then copies). */
  private value(text: string): string {
    const known = this.values.get(text);
    if (known !== undefined) return known;
    if (this.values.size < 10_000) this.values.set(text, text);
    return text;
  }

  private attributes(attributes: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
    for (const key of Object.keys(attributes)) {
      const value = this.value(attributes[key] as string);
      if (key === '__proto__') {
        Object.defineProperty(attributes, key, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } else (attributes as Record<string, string>)[key] = value;
    }
    return attributes;
  }
}

function sameAttributes(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  let count = 0;
  for (const key in a) {
    if (a[key] !== b[key]) return false;
    count++;
  }
  for (const _ in b) count--;
  return count === 0;
}

function checkOverlap(
  reader: RowReader,
  columns: PeriodColumns,
  row: SubscriptionPeriodRow,
  periods: SubscriptionPeriodIndex,
): void {
  const clash = periods.addUnlessOverlapping(row.subscriptionId, row.start, row.end, row.line);
  if (clash !== undefined) {
    reader.reject(
      'DUPLICATE_ID',
      columns.subscriptionId,
      row.subscriptionId,
      `a subscription_id whose periods do not overlap; line ${clash.line} already covers ` +
        `${formatInstant(clash.start)} to ${clash.end === null ? 'no end' : formatInstant(clash.end)}`,
    );
  }
}

/**
 * The periods read so far per subscription, to find overlaps. Held in typed arrays with a chain
 * per subscription, so a million rows cost one map entry each and little garbage.
 */
class SubscriptionPeriodIndex {
  private readonly latest = new Map<string, number>();
  private starts = new Float64Array(1024);
  private ends = new Float64Array(1024);
  private lines = new Float64Array(1024);
  private previous = new Int32Array(1024);
  private size = 0;
  /**
   * The subscription of the last row and its latest period, kept out of the map until another
   * subscription comes: consecutive rows of one subscription cost no map lookup.
   */
  private currentId: string | undefined;
  private currentLatest = -1;

  /** Adds the period unless it overlaps one already added for the subscription, which it returns. */
  addUnlessOverlapping(
    subscriptionId: string,
    start: Instant,
    end: Instant | null,
    line: number,
  ): { start: Instant; end: Instant | null; line: number } | undefined {
    const until = end ?? Number.POSITIVE_INFINITY;
    if (subscriptionId !== this.currentId) {
      if (this.currentId !== undefined) this.latest.set(this.currentId, this.currentLatest);
      this.currentId = subscriptionId;
      this.currentLatest = this.latest.get(subscriptionId) ?? -1;
    }
    const latest = this.currentLatest;
    for (let i = latest; i >= 0; i = this.previous[i] as number) {
      const otherStart = this.starts[i] as number;
      const otherEnd = this.ends[i] as number;
      if (otherStart < until && start < otherEnd) {
        return {
          start: otherStart,
          end: otherEnd === Number.POSITIVE_INFINITY ? null : otherEnd,
          line: this.lines[i] as number,
        };
      }
    }
    if (this.size === this.starts.length) this.grow();
    const index = this.size++;
    this.starts[index] = start;
    this.ends[index] = until;
    this.lines[index] = line;
    this.previous[index] = latest;
    this.currentLatest = index;
    return undefined;
  }

  private grow(): void {
    const capacity = this.starts.length * 2;
    const grown = <T extends Float64Array | Int32Array>(array: T, make: (n: number) => T): T => {
      const next = make(capacity);
      next.set(array);
      return next;
    };
    this.starts = grown(this.starts, (n) => new Float64Array(n));
    this.ends = grown(this.ends, (n) => new Float64Array(n));
    this.lines = grown(this.lines, (n) => new Float64Array(n));
    this.previous = grown(this.previous, (n) => new Int32Array(n));
  }
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
    // Two literal shapes (no spread): spans stay small, uniform objects the engine reads fast.
    let hasAttributes = false;
    for (const _ in row.attributes) {
      hasAttributes = true;
      break;
    }
    spans.push(
      hasAttributes
        ? {
            customerId: row.customerId,
            subscriptionId: row.subscriptionId,
            start: row.start,
            end: row.end,
            mrr: row.monthlyAmount,
            currency: row.currency,
            attributes: row.attributes,
          }
        : {
            customerId: row.customerId,
            subscriptionId: row.subscriptionId,
            start: row.start,
            end: row.end,
            mrr: row.monthlyAmount,
            currency: row.currency,
          },
    );
  }
  return spans;
}
