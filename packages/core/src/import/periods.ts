/**
 * Subscription-periods CSV, the shape of the dbt MRR playbook's seed: one row per stretch of time
 * during which a subscription is billed a constant monthly amount. Rows map to MRR spans directly.
 */
import type { Instant } from '../dates.ts';
import { type RowError, rowError } from '../errors.ts';
import type { MoneyUnits } from '../money.ts';
import { MONEY_SCALE } from '../money.ts';
import type { MrrSpan } from '../spans.ts';
import { CURRENCY_CODE } from '../spans.ts';
import {
  type CsvOptions,
  CsvParser,
  type CsvRecord,
  type CsvSink,
  type LineChunks,
  type LineSource,
  lineChunks,
  MAX_CSV_FIELD_LENGTH,
} from './csv.ts';
import {
  type Column,
  checkedCurrency,
  digitsAt,
  emptyFileError,
  formatInstant,
  missingColumnsError,
  monthLength,
  parseAmount,
  parseDate,
  Rejection,
  RowReader,
  readHeader,
  setAttribute,
} from './fields.ts';
import { collectRowBatches, type ImportOptions, type ImportResult, type ParsedRow } from './result.ts';

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
 * grows with the number of valid rows. Reads its source ahead by up to
 * `LINES_PER_CHUNK` (1,024) lines (it is {@link streamSubscriptionPeriodBatches}, row by row).
 */
export async function* streamSubscriptionPeriods(
  source: LineSource,
  options: SubscriptionPeriodOptions = {},
): AsyncGenerator<ParsedRow<SubscriptionPeriodRow>, void, undefined> {
  for await (const batch of streamSubscriptionPeriodBatches(source, options)) {
    for (const parsed of batch) yield parsed;
  }
}

/**
 * {@link streamSubscriptionPeriods} by the chunk: the same results in the same order, as one array
 * per chunk of input (a chunk that gives no result, such as the header alone, yields nothing).
 *
 * The source is a {@link LineSource} (a text or a sync iterable is read `LINES_PER_CHUNK` (1,024)
 * lines at a time, an async iterable of lines in chunks of up to that many) or {@link LineChunks}:
 * an async iterable whose items are arrays of physical lines without terminators, read one array
 * at a time (items are told apart by `Array.isArray`). A chunk may end anywhere, even inside a
 * quoted field. Each chunk is read synchronously, so a large file pays for `await` once per chunk
 * rather than once per row. If the source throws, the results of the lines it delivered are
 * yielded first, then its error is rethrown.
 */
export async function* streamSubscriptionPeriodBatches(
  source: LineSource | LineChunks,
  options: SubscriptionPeriodOptions = {},
): AsyncGenerator<readonly ParsedRow<SubscriptionPeriodRow>[], void, undefined> {
  const reader = new PeriodReader(options);
  for await (const chunk of lineChunks(source)) {
    reader.pushLines(chunk);
    if (reader.results.length > 0) yield reader.take();
    if (reader.stopped) return;
  }
  reader.end();
  if (reader.results.length > 0) yield reader.take();
}

/** The row of a record through the general path (throws {@link Rejection}). */
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
 * Internal (not exported by the package): every result of the lines, read with the plain-record
 * path turned off, so each record goes through {@link RowReader} as before that path existed.
 * Tests compare it with {@link streamSubscriptionPeriodBatches}.
 */
export function readSubscriptionPeriodsGeneral(
  lines: readonly string[],
  options: SubscriptionPeriodOptions = {},
): ParsedRow<SubscriptionPeriodRow>[] {
  const reader = new PeriodReader({ ...options, generalOnly: true });
  reader.pushLines(lines);
  if (!reader.stopped) reader.end();
  return reader.take();
}

/**
 * Whether `value` occurs in `text` at `from`: `text.startsWith(value, from)` without the call into
 * the built-in (which, for the short ids and codes of a row, cost more than the comparison).
 */
function occursAt(text: string, from: number, value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    if (text.charCodeAt(from + i) !== value.charCodeAt(i)) return false;
  }
  return true;
}

/** Whitespace that `String.prototype.trim` removes, by UTF-16 code unit. */
function isTrimmed(code: number): boolean {
  if (code < 128) return code === 32 || (code >= 9 && code <= 13);
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

const DIGIT_0 = 48;
/** Distinct values per attribute column that a plain record's value is first compared with. */
const KNOWN_VALUES_PER_COLUMN = 16;
/** Most attribute columns whose combinations of known values are numbered exactly: 17^12 < 2^53. */
const MAX_NUMBERED_ATTRIBUTE_COLUMNS = 12;
/** Most attribute objects kept for reuse by their combination of known values. */
const MAX_ATTRIBUTE_COMBINATIONS = 10_000;
const HYPHEN = 45;
const DOT = 46;
const UNITS_PER_DIGIT = [0, 1000, 100, 10, 1] as const;

/**
 * The importer's state across chunks: a {@link CsvSink} that turns records into rows or errors.
 *
 * A plain record (no quotes) is read straight from its line, field by field, without splitting it
 * or building a field array: values are compared in place with the previous row's, so a repeated
 * id, currency or attribute set costs no new string or object, and plain dates and amounts are
 * parsed from the line. Any value that is not plain, or not valid, sends the whole record to the
 * general path ({@link RowReader} over its fields), which gives the same row, or its error.
 */
class PeriodReader implements CsvSink {
  results: ParsedRow<SubscriptionPeriodRow>[] = [];
  /** The header was bad: nothing more is read. */
  done = false;
  private readonly defaultCurrency: string;
  private readonly parser: CsvParser;
  private columns: PeriodColumns | undefined;
  private readonly periods = new SubscriptionPeriodIndex();
  private readonly reader = new RowReader();
  private readonly shared = new SharedValues();
  private recordsRead = 0;
  /** Send every record to the general path (tests compare both paths). */
  private readonly generalOnly: boolean;

  /** Per attribute column, its first distinct values (see {@link knownValue}). */
  private readonly knownValues: string[][] = [];
  /** The value found by {@link knownValue}. */
  private attributeValue = '';
  /** Attribute objects by the number of their combination of known values (see {@link plainAttributes}). */
  private readonly combinations = new Map<number, Readonly<Record<string, string>>>();
  /**
   * Attribute objects, and their values by column, by the text of the attribute columns when
   * those are contiguous; `undefined` when they are not, or once there were too many.
   */
  private attributesByText:
    | Map<string, { attributes: Readonly<Record<string, string>>; values: (string | undefined)[] }>
    | undefined;

  // The trimmed field found by `field`: [from, to) of the line.
  private from = 0;
  private to = 0;

  constructor(options: SubscriptionPeriodOptions & { readonly generalOnly?: boolean }) {
    this.defaultCurrency = checkedCurrency(options.defaultCurrency);
    this.parser = new CsvParser(options.maxFieldLength ?? MAX_CSV_FIELD_LENGTH);
    this.generalOnly = options.generalOnly ?? false;
  }

  get stopped(): boolean {
    return this.done || this.parser.stopped;
  }

  pushLines(lines: readonly string[]): void {
    this.parser.pushLines(lines, this);
  }

  end(): void {
    if (this.done) return;
    const last = this.parser.end();
    if (last) this.parsed(last);
    if (this.recordsRead === 0) {
      this.results.push({ ok: false, error: emptyFileError(SUBSCRIPTION_PERIOD_COLUMNS) });
    }
  }

  take(): ParsedRow<SubscriptionPeriodRow>[] {
    const results = this.results;
    this.results = [];
    return results;
  }

  parsed(record: ParsedRow<CsvRecord>): void {
    this.recordsRead += 1;
    if (!record.ok) {
      this.results.push(record);
      return;
    }
    if (this.columns === undefined) {
      this.readColumns(record.row);
      return;
    }
    this.general(record.row.line, record.row.fields);
  }

  plain(line: number, text: string, ends: Int32Array): void {
    this.recordsRead += 1;
    const columns = this.columns as PeriodColumns;
    const row = this.generalOnly ? undefined : this.plainRow(line, text, ends, columns);
    if (row === undefined) {
      this.general(line, text.split(','));
      return;
    }
    const clash = this.periods.addUnlessOverlapping(row.subscriptionId, row.start, row.end, line);
    this.results.push(
      clash === undefined
        ? { ok: true, row }
        : { ok: false, error: overlapError(line, columns, row.subscriptionId, clash) },
    );
  }

  private readColumns(header: CsvRecord): void {
    const columns = readHeader(header);
    if ('code' in columns) {
      this.results.push({ ok: false, error: columns });
      this.done = true;
      return;
    }
    const missing = missingColumnsError(header, columns, SUBSCRIPTION_PERIOD_COLUMNS);
    if (missing) {
      this.results.push({ ok: false, error: missing });
      this.done = true;
      return;
    }
    const column = (name: string) => columns.get(name) as Column;
    this.columns = {
      subscriptionId: column('subscription_id'),
      customerId: column('customer_id'),
      start: column('start_date'),
      end: column('end_date'),
      monthlyAmount: column('monthly_amount'),
      currency: columns.get('currency'),
      attributes: [...columns.entries()]
        .filter(([key]) => !KNOWN_COLUMNS.has(key))
        .map(([, attribute]) => attribute)
        .sort((a, b) => a.index - b.index),
    };
    this.shared.attributeCount = this.columns.attributes.length;
    const indexes = this.columns.attributes.map((column) => column.index);
    if (indexes.every((index, k) => index === (indexes[0] as number) + k)) this.attributesByText = new Map();
  }

  /** The general path: the record's fields through a {@link RowReader}. */
  private general(line: number, fields: readonly string[]): void {
    const columns = this.columns as PeriodColumns;
    const reader = this.reader.load(line, fields);
    try {
      const row = this.shared.share(readPeriod(reader, columns, this.defaultCurrency), columns);
      const clash = this.periods.addUnlessOverlapping(row.subscriptionId, row.start, row.end, row.line);
      if (clash !== undefined) throw new Rejection(overlapError(line, columns, row.subscriptionId, clash));
      this.results.push({ ok: true, row });
    } catch (error) {
      if (!(error instanceof Rejection)) throw error;
      this.results.push({ ok: false, error: error.error });
    }
  }

  /** Sets {@link from} and {@link to} to field `index` of a plain record, trimmed. */
  private field(text: string, ends: Int32Array, index: number): void {
    let from = index === 0 ? 0 : (ends[index - 1] as number) + 1;
    let to = ends[index] as number;
    while (from < to && isTrimmed(text.charCodeAt(from))) from++;
    while (to > from && isTrimmed(text.charCodeAt(to - 1))) to--;
    this.from = from;
    this.to = to;
  }

  /** The field found by {@link field}, as the previous row's equal string when it is the same. */
  private repeated(text: string, previous: string | undefined): string {
    const from = this.from;
    const length = this.to - from;
    return previous !== undefined && previous.length === length && occursAt(text, from, previous)
      ? previous
      : text.slice(from, this.to);
  }

  /** The date of the field found by {@link field}, or NaN unless it is a valid date. */
  private date(text: string): number {
    const from = this.from;
    if (
      this.to - from === 10 &&
      text.charCodeAt(from + 4) === HYPHEN &&
      text.charCodeAt(from + 7) === HYPHEN
    ) {
      const year = digitsAt(text, from, 4);
      const month = digitsAt(text, from + 5, 2);
      const day = digitsAt(text, from + 8, 2);
      if (year >= 1000 && month >= 1 && month <= 12 && day >= 1 && day <= monthLength(year, month)) {
        return daysFromCivil(year, month, day) * 86_400_000;
      }
    }
    return parseDate(text.slice(from, this.to)) ?? Number.NaN;
  }

  /** The non-negative amount of the field found by {@link field}, or -1 unless it is one. */
  private amount(text: string): number {
    const from = this.from;
    const to = this.to;
    let i = from;
    let whole = 0;
    while (i < to) {
      const digit = text.charCodeAt(i) - DIGIT_0;
      if (digit < 0 || digit > 9) break;
      whole = whole * 10 + digit;
      i++;
    }
    const wholeDigits = i - from;
    if (wholeDigits >= 1 && wholeDigits <= 11) {
      if (i === to) return whole * MONEY_SCALE;
      if (text.charCodeAt(i) === DOT) {
        i++;
        const fractionFrom = i;
        let fraction = 0;
        while (i < to) {
          const digit = text.charCodeAt(i) - DIGIT_0;
          if (digit < 0 || digit > 9) break;
          fraction = fraction * 10 + digit;
          i++;
        }
        const fractionDigits = i - fractionFrom;
        if (i === to && fractionDigits >= 1 && fractionDigits <= 4) {
          return whole * MONEY_SCALE + fraction * (UNITS_PER_DIGIT[fractionDigits] as number);
        }
      }
    }
    const units = parseAmount(text.slice(from, to));
    return units === undefined || units < 0 ? -1 : units;
  }

  /**
   * The row of a plain record when every value is plain and valid, else `undefined` (the general
   * path then reads the record, and finds the same row or the error).
   */
  private plainRow(
    line: number,
    text: string,
    ends: Int32Array,
    columns: PeriodColumns,
  ): SubscriptionPeriodRow | undefined {
    const shared = this.shared;
    this.field(text, ends, columns.subscriptionId.index);
    if (this.from === this.to) return undefined;
    const subscriptionId = this.repeated(text, shared.subscriptionId);
    this.field(text, ends, columns.customerId.index);
    if (this.from === this.to) return undefined;
    const customerId = this.repeated(text, shared.customerId);
    this.field(text, ends, columns.start.index);
    if (this.from === this.to) return undefined;
    const start = this.date(text);
    if (Number.isNaN(start)) return undefined;
    this.field(text, ends, columns.end.index);
    let end: Instant | null = null;
    if (this.from !== this.to) {
      end = this.date(text);
      if (Number.isNaN(end) || end <= start) return undefined;
    }
    this.field(text, ends, columns.monthlyAmount.index);
    const monthlyAmount = this.amount(text);
    if (monthlyAmount < 0) return undefined;
    let currency = this.defaultCurrency;
    if (columns.currency !== undefined) {
      this.field(text, ends, columns.currency.index);
      if (this.from !== this.to) {
        const previous = shared.currency;
        if (previous !== undefined && this.to - this.from === 3 && occursAt(text, this.from, previous)) {
          currency = previous;
        } else {
          const code = text.slice(this.from, this.to).toUpperCase();
          if (!CURRENCY_CODE.test(code)) return undefined;
          currency = shared.value(code);
        }
      }
    }
    const attributes = this.plainAttributes(text, ends, columns.attributes);
    shared.subscriptionId = subscriptionId;
    shared.customerId = customerId;
    shared.currency = currency;
    return { line, subscriptionId, customerId, start, end, monthlyAmount, currency, attributes };
  }

  /**
   * The value of attribute column `k` in the field found by {@link field}, as its position among
   * the column's first {@link KNOWN_VALUES_PER_COLUMN} distinct values (attribute columns usually
   * have few), found in place; -1 when it is not one of them (then {@link attributeValue} holds it,
   * sliced and shared).
   */
  private knownValue(text: string, k: number): number {
    const from = this.from;
    const length = this.to - from;
    let known = this.knownValues[k];
    if (known === undefined) {
      known = [];
      this.knownValues[k] = known;
    }
    const first = text.charCodeAt(from);
    for (let i = 0; i < known.length; i++) {
      const value = known[i] as string;
      if (value.length === length && value.charCodeAt(0) === first && occursAt(text, from, value)) {
        this.attributeValue = value;
        return i;
      }
    }
    const value = this.shared.value(text.slice(from, this.to));
    this.attributeValue = value;
    if (known.length === KNOWN_VALUES_PER_COLUMN) return -1;
    known.push(value);
    return known.length - 1;
  }

  /**
   * The attributes of a plain record. When the attribute columns are contiguous, their text as one
   * (separators included) names the object: the previous row's when the text is the same
   * (compared in place), else that of an earlier row with the same text (the first
   * {@link MAX_ATTRIBUTE_COMBINATIONS} distinct texts are kept; past that, no more lookups by text).
   * Otherwise, or for a new text, {@link attributesOfFields}.
   */
  private plainAttributes(
    text: string,
    ends: Int32Array,
    attributeColumns: readonly Column[],
  ): Readonly<Record<string, string>> {
    const shared = this.shared;
    const previous = shared.attributeValues;
    const count = attributeColumns.length;
    const byText = this.attributesByText;
    let key: string | undefined;
    if (byText !== undefined && count > 0) {
      // Contiguous attribute columns: their text, separators included, names the object.
      const first = (attributeColumns[0] as Column).index;
      const from = first === 0 ? 0 : (ends[first - 1] as number) + 1;
      const to = ends[(attributeColumns[count - 1] as Column).index] as number;
      const last = shared.attributesText;
      if (last !== undefined && last.length === to - from && occursAt(text, from, last)) {
        return shared.attributes as Readonly<Record<string, string>>;
      }
      key = text.slice(from, to);
      const known = byText.get(key);
      if (known !== undefined) {
        for (let k = 0; k < count; k++) previous[k] = known.values[k];
        shared.attributes = known.attributes;
        shared.attributesText = key;
        return known.attributes;
      }
    }
    const attributes = this.attributesOfFields(text, ends, attributeColumns);
    if (key !== undefined && byText !== undefined) {
      if (byText.size < MAX_ATTRIBUTE_COMBINATIONS) {
        // A copy of the key, so that it does not keep the whole chunk of text it was cut from.
        byText.set(key.split('').join(''), { attributes, values: previous.slice(0, count) });
        shared.attributesText = key;
      } else {
        // Too many distinct sets: the lookup rarely pays.
        this.attributesByText = undefined;
        shared.attributesText = undefined;
      }
    }
    return attributes;
  }

  /**
   * {@link plainAttributes} read field by field: the previous row's object when every value is the
   * same, else the object of an earlier row with the same values when each is a known value of its
   * column (see {@link knownValue}; such combinations are numbered in base
   * `KNOWN_VALUES_PER_COLUMN + 1`), else a new object.
   */
  private attributesOfFields(
    text: string,
    ends: Int32Array,
    attributeColumns: readonly Column[],
  ): Readonly<Record<string, string>> {
    const shared = this.shared;
    const previous = shared.attributeValues;
    const count = attributeColumns.length;
    let same = shared.attributes !== undefined;
    for (let k = 0; k < count && same; k++) {
      this.field(text, ends, (attributeColumns[k] as Column).index);
      const value = previous[k];
      const length = this.to - this.from;
      same = value === undefined ? length === 0 : value.length === length && occursAt(text, this.from, value);
    }
    if (same) return shared.attributes as Readonly<Record<string, string>>;
    // The combination's number, or -1 when a value is not known or the number would not be exact.
    let combination = count <= MAX_NUMBERED_ATTRIBUTE_COLUMNS ? 0 : -1;
    let place = 1;
    for (let k = 0; k < count; k++) {
      this.field(text, ends, (attributeColumns[k] as Column).index);
      let digit = KNOWN_VALUES_PER_COLUMN;
      if (this.from === this.to) previous[k] = undefined;
      else {
        digit = this.knownValue(text, k);
        previous[k] = this.attributeValue;
      }
      if (digit < 0) combination = -1;
      else if (combination >= 0) combination += digit * place;
      place *= KNOWN_VALUES_PER_COLUMN + 1;
    }
    if (combination >= 0) {
      const known = this.combinations.get(combination);
      if (known !== undefined) {
        shared.attributes = known;
        return known;
      }
    }
    const attributes: Record<string, string> = {};
    for (let k = 0; k < count; k++) {
      const value = previous[k];
      if (value !== undefined) setAttribute(attributes, (attributeColumns[k] as Column).label, value);
    }
    if (combination >= 0 && this.combinations.size < MAX_ATTRIBUTE_COMBINATIONS) {
      this.combinations.set(combination, attributes);
    }
    shared.attributes = attributes;
    return attributes;
  }
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

function overlapError(
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

/**
 * Shares the values rows repeat: a customer's rows usually come together and carry the same ids,
 * currency and attributes, and a file has few distinct currencies and attribute values. Shared
 * strings and attribute objects (rows are read-only) keep a large import's rows much smaller.
 * Holds the previous row's values, which both paths of {@link PeriodReader} compare with.
 */
class SharedValues {
  subscriptionId: string | undefined;
  customerId: string | undefined;
  currency: string | undefined;
  /** The previous row's attributes, and their values by attribute column (`undefined`: empty). */
  attributes: Readonly<Record<string, string>> | undefined;
  /** The text of the previous row's attribute columns, when the plain path read them as one. */
  attributesText: string | undefined;
  attributeValues: (string | undefined)[] = [];
  attributeCount = 0;
  private readonly values = new Map<string, string>();

  /** The row of the general path, with its values shared. */
  share(row: SubscriptionPeriodRow, columns: PeriodColumns): SubscriptionPeriodRow {
    const subscriptionId =
      row.subscriptionId === this.subscriptionId ? this.subscriptionId : row.subscriptionId;
    const customerId = row.customerId === this.customerId ? this.customerId : row.customerId;
    const currency = this.value(row.currency);
    const attributes =
      this.attributes !== undefined && sameAttributes(row.attributes, this.attributes)
        ? this.attributes
        : this.shareAttributes(row.attributes, columns);
    this.subscriptionId = subscriptionId;
    this.customerId = customerId;
    this.currency = currency;
    this.attributesText = undefined;
    return {
      line: row.line,
      subscriptionId,
      customerId,
      start: row.start,
      end: row.end,
      monthlyAmount: row.monthlyAmount,
      currency,
      attributes,
    };
  }

  /** One string per distinct value, for the first 10,000 distinct values (then copies). */
  value(text: string): string {
    const known = this.values.get(text);
    if (known !== undefined) return known;
    if (this.values.size < 10_000) this.values.set(text, text);
    return text;
  }

  private shareAttributes(
    attributes: Readonly<Record<string, string>>,
    columns: PeriodColumns,
  ): Readonly<Record<string, string>> {
    for (const key of Object.keys(attributes)) {
      setAttribute(attributes as Record<string, string>, key, this.value(attributes[key] as string));
    }
    const values = this.attributeValues;
    for (let k = 0; k < columns.attributes.length; k++) {
      const label = (columns.attributes[k] as Column).label;
      values[k] = Object.hasOwn(attributes, label) ? attributes[label] : undefined;
    }
    this.attributes = attributes;
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

/**
 * The periods read so far per subscription, to find overlaps. Held in typed arrays with a chain
 * per subscription; the ids' characters are copied into a pool (so no id string, nor the line it
 * was read from, is kept alive). While new subscriptions arrive in ascending order of their ids
 * (a file sorted by subscription or by customer and subscription, the usual export), a new id is
 * known to be new by comparing it with the previous new one, at no lookup; the first id out of
 * order builds an open-addressing hash table of the ids (typed arrays too), used from then on.
 */
class SubscriptionPeriodIndex {
  // Periods, by index: [start, end) (end +Infinity when open), line, and the subscription's
  // previous period (-1 for its first).
  private starts = new Float64Array(1024);
  private ends = new Float64Array(1024);
  private lines = new Float64Array(1024);
  private previous = new Int32Array(1024);
  private size = 0;
  // Subscriptions, by ordinal: id (characters [idFrom[o], idFrom[o + 1]) of the pool) and latest
  // period (-1 before the first).
  private count = 0;
  private pool = new Uint16Array(1 << 16);
  private poolSize = 0;
  private idFrom = new Int32Array(1025);
  private latest = new Int32Array(1024);
  /** The greatest id so far while ids ascend; `undefined` once they did not (the table is used). */
  private greatest: string | undefined = '';
  /** The last new subscriptions while ids ascend, and their ordinals. */
  private readonly recentIds: (string | undefined)[] = new Array(RECENT_SUBSCRIPTIONS).fill(undefined);
  private readonly recentOrdinals = new Int32Array(RECENT_SUBSCRIPTIONS);
  private recentAt = 0;
  /** Pairs (hash of the id, ordinal + 1), 0 for an empty slot; at most half full. */
  private table = new Int32Array(0);
  private mask = 0;
  /** The subscription of the last row: consecutive rows of one subscription cost no lookup. */
  private currentId: string | undefined;
  private current = -1;

  /** Adds the period unless it overlaps one already added for the subscription, which it returns. */
  addUnlessOverlapping(
    subscriptionId: string,
    start: Instant,
    end: Instant | null,
    line: number,
  ): { start: Instant; end: Instant | null; line: number } | undefined {
    const until = end ?? Number.POSITIVE_INFINITY;
    if (subscriptionId !== this.currentId) {
      this.currentId = subscriptionId;
      this.current = this.ordinal(subscriptionId);
    }
    const latest = this.latest[this.current] as number;
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
    this.latest[this.current] = index;
    return undefined;
  }

  /** The subscription's ordinal, added (with no period yet) if new. */
  private ordinal(id: string): number {
    const greatest = this.greatest;
    if (greatest !== undefined) {
      if (id > greatest) {
        this.greatest = id;
        return this.remember(id, this.append(id));
      }
      // A subscription seen lately (a customer's subscriptions interleave by date).
      const recentIds = this.recentIds;
      for (let i = 0; i < RECENT_SUBSCRIPTIONS; i++) {
        if (recentIds[i] === id) return this.recentOrdinals[i] as number;
      }
      // Out of order: look ids up from now on.
      this.greatest = undefined;
      this.rehash();
    }
    const hash = hashOf(id);
    const table = this.table;
    const mask = this.mask;
    let slot = hash & mask;
    for (;;) {
      const entry = table[2 * slot + 1] as number;
      if (entry === 0) break;
      if (table[2 * slot] === hash && this.idIs(entry - 1, id)) return entry - 1;
      slot = (slot + 1) & mask;
    }
    const ordinal = this.append(id);
    table[2 * slot] = hash;
    table[2 * slot + 1] = ordinal + 1;
    if (2 * (ordinal + 1) > mask) this.rehash();
    return ordinal;
  }

  /** Notes a new subscription among the recent ones; returns its ordinal. */
  private remember(id: string, ordinal: number): number {
    const at = this.recentAt;
    this.recentIds[at] = id;
    this.recentOrdinals[at] = ordinal;
    this.recentAt = (at + 1) % RECENT_SUBSCRIPTIONS;
    return ordinal;
  }

  /** Whether subscription `ordinal`'s id is `id`. */
  private idIs(ordinal: number, id: string): boolean {
    const from = this.idFrom[ordinal] as number;
    if ((this.idFrom[ordinal + 1] as number) - from !== id.length) return false;
    const pool = this.pool;
    for (let i = 0; i < id.length; i++) if (pool[from + i] !== id.charCodeAt(i)) return false;
    return true;
  }

  /** A new subscription, with no period yet: its ordinal. */
  private append(id: string): number {
    const ordinal = this.count++;
    if (this.count === this.latest.length) {
      const latest = new Int32Array(this.count * 2);
      latest.set(this.latest);
      this.latest = latest;
      const idFrom = new Int32Array(this.count * 2 + 1);
      idFrom.set(this.idFrom);
      this.idFrom = idFrom;
    }
    this.latest[ordinal] = -1;
    let at = this.poolSize;
    if (at + id.length > this.pool.length) {
      const pool = new Uint16Array(Math.max(this.pool.length * 2, at + id.length));
      pool.set(this.pool);
      this.pool = pool;
    }
    const pool = this.pool;
    for (let i = 0; i < id.length; i++) pool[at++] = id.charCodeAt(i);
    this.poolSize = at;
    this.idFrom[ordinal + 1] = at;
    return ordinal;
  }

  /** Builds the hash table of every id, at least twice as large as their count. */
  private rehash(): void {
    let mask = 2047;
    while (mask < 2 * this.count) mask = mask * 2 + 1;
    const table = new Int32Array(2 * (mask + 1));
    const pool = this.pool;
    for (let ordinal = 0; ordinal < this.count; ordinal++) {
      const from = this.idFrom[ordinal] as number;
      const to = this.idFrom[ordinal + 1] as number;
      let fnv = HASH_SEED;
      for (let i = from; i < to; i++) fnv = Math.imul(fnv ^ (pool[i] as number), HASH_PRIME);
      const hash = mixHash(fnv);
      let slot = hash & mask;
      while (table[2 * slot + 1] !== 0) slot = (slot + 1) & mask;
      table[2 * slot] = hash;
      table[2 * slot + 1] = ordinal + 1;
    }
    this.table = table;
    this.mask = mask;
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

/** New subscriptions remembered while ids ascend (see {@link SubscriptionPeriodIndex}). */
const RECENT_SUBSCRIPTIONS = 16;
const HASH_SEED = 0x811c9dc5 | 0;
const HASH_PRIME = 0x01000193;

/** A 32-bit hash of a string (FNV-1a over its UTF-16 code units, then mixed). */
function hashOf(text: string): number {
  let hash = HASH_SEED;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), HASH_PRIME);
  return mixHash(hash);
}

function mixHash(fnv: number): number {
  let hash = fnv ^ (fnv >>> 16);
  hash = Math.imul(hash, 0x45d9f3b);
  return hash ^ (hash >>> 16);
}

/**
 * Reads a whole subscription-periods CSV (see {@link streamSubscriptionPeriods} for the format).
 * Any invalid row makes it throw `ImportError` with nothing imported, unless
 * `options.skipInvalidRows` is set, in which case it returns the valid rows beside the errors.
 */
export function importSubscriptionPeriods(
  source: LineSource | LineChunks,
  options: SubscriptionPeriodOptions = {},
): Promise<ImportResult<SubscriptionPeriodRow>> {
  return collectRowBatches(streamSubscriptionPeriodBatches(source, options), options);
}

/**
 * One span per row: `[start, end)` at the row's monthly amount. Zero-amount rows become spans
 * with MRR 0 (free plans are not MRR, but their attributes still describe the customer).
 * Attributes are attached only when the row has some.
 */
export function periodRowsToSpans(rows: Iterable<SubscriptionPeriodRow>): MrrSpan[] {
  const spans: MrrSpan[] = [];
  for (const row of rows) spans.push(periodRowToSpan(row));
  return spans;
}

/**
 * The span of one row, as {@link periodRowsToSpans} gives it (for a caller that converts rows as
 * they stream, without an array per row).
 */
export function periodRowToSpan(row: SubscriptionPeriodRow): MrrSpan {
  // Two literal shapes (no spread): spans stay small, uniform objects the engine reads fast.
  let hasAttributes = false;
  for (const _ in row.attributes) {
    hasAttributes = true;
    break;
  }
  return hasAttributes
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
      };
}
