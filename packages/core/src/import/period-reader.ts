/**
 * The subscription-periods importer's state across chunks of lines: a {@link CsvSink} that turns
 * the records of a periods file into rows or row errors.
 */
import type { Instant } from '../dates.ts';
import type { RowError } from '../errors.ts';
import { CURRENCY_CODE } from '../spans.ts';
import { CsvParser, type CsvRecord, type CsvSink, MAX_CSV_FIELD_LENGTH } from './csv.ts';
import type { DecimalSeparator } from './csv-values.ts';
import { checkedCurrency, emptyFileError, Rejection, RowReader } from './fields.ts';
import { PlainAttributes, SharedValues } from './period-attributes.ts';
import { SubscriptionPeriodIndex } from './period-index.ts';
import {
  overlapError,
  type PeriodColumns,
  periodColumns,
  readPeriod,
  SUBSCRIPTION_PERIOD_COLUMNS,
  type SubscriptionPeriodField,
  type SubscriptionPeriodMapping,
  type SubscriptionPeriodOptions,
  type SubscriptionPeriodRow,
} from './period-row.ts';
import { PlainRecord } from './plain-record.ts';
import type { ParsedRow } from './result.ts';

/**
 * Reads the records of a periods file into {@link results}.
 *
 * A plain record (no quotes) is read straight from its line, field by field, without splitting it
 * or building a field array: values are compared in place with the previous row's, so a repeated
 * id, currency or attribute set costs no new string or object, and plain dates and amounts are
 * parsed from the line. Any value that is not plain, or not valid, sends the whole record to the
 * general path ({@link RowReader} over its fields), which gives the same row, or its error.
 */
export class PeriodReader implements CsvSink {
  results: ParsedRow<SubscriptionPeriodRow>[] = [];
  /** The header was bad: nothing more is read. */
  done = false;
  private readonly defaultCurrency: string;
  private readonly mapping: SubscriptionPeriodMapping;
  private readonly decimal: DecimalSeparator | undefined;
  private readonly parser: CsvParser;
  private columns: PeriodColumns | undefined;
  private readonly periods = new SubscriptionPeriodIndex();
  private readonly reader: RowReader;
  private readonly shared = new SharedValues();
  private readonly record = new PlainRecord();
  private attributes: PlainAttributes | undefined;
  private recordsRead = 0;
  /** Send every record to the general path (tests compare both paths). */
  private readonly generalOnly: boolean;

  constructor(options: SubscriptionPeriodOptions & { readonly generalOnly?: boolean }) {
    this.defaultCurrency = checkedCurrency(options.defaultCurrency);
    this.mapping = options.mapping ?? {};
    this.decimal = options.decimal;
    this.reader = new RowReader(options.decimal);
    this.parser = new CsvParser(options.maxFieldLength ?? MAX_CSV_FIELD_LENGTH, options.delimiter);
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
      const mapping = this.mapping;
      const required = SUBSCRIPTION_PERIOD_COLUMNS.map((field: SubscriptionPeriodField) =>
        (mapping[field] ?? field).trim(),
      );
      this.results.push({ ok: false, error: emptyFileError(required) });
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
    const row = this.generalOnly ? undefined : this.plainRow(line, this.record.load(text, ends), columns);
    if (row === undefined) {
      this.general(line, text.split(this.parser.delimiter));
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
    const columns = periodColumns(header, this.mapping, this.parser.delimiterHint());
    if ('code' in columns) {
      this.results.push({ ok: false, error: columns as RowError });
      this.done = true;
      return;
    }
    this.columns = columns;
    this.attributes = new PlainAttributes(columns.attributes, this.shared);
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

  /**
   * The row of a plain record when every value is plain and valid, else `undefined` (the general
   * path then reads the record, and finds the same row or the error).
   */
  private plainRow(
    line: number,
    record: PlainRecord,
    columns: PeriodColumns,
  ): SubscriptionPeriodRow | undefined {
    const shared = this.shared;
    record.field(columns.subscriptionId.index);
    if (record.empty) return undefined;
    const subscriptionId = record.repeated(shared.subscriptionId);
    record.field(columns.customerId.index);
    if (record.empty) return undefined;
    const customerId = record.repeated(shared.customerId);
    record.field(columns.start.index);
    if (record.empty) return undefined;
    const start = record.date();
    if (Number.isNaN(start)) return undefined;
    record.field(columns.end.index);
    let end: Instant | null = null;
    if (!record.empty) {
      end = record.date();
      if (Number.isNaN(end) || end <= start) return undefined;
    }
    record.field(columns.monthlyAmount.index);
    const monthlyAmount = record.amount(this.decimal);
    if (monthlyAmount === undefined || monthlyAmount < 0) return undefined;
    let currency = this.defaultCurrency;
    if (columns.currency !== undefined) {
      record.field(columns.currency.index);
      if (!record.empty) {
        const previous = shared.currency;
        if (previous !== undefined && record.is(previous)) {
          currency = previous;
        } else {
          const code = record.slice().toUpperCase();
          if (!CURRENCY_CODE.test(code)) return undefined;
          currency = shared.value(code);
        }
      }
    }
    const attributes = (this.attributes as PlainAttributes).read(record);
    shared.subscriptionId = subscriptionId;
    shared.customerId = customerId;
    shared.currency = currency;
    return { line, subscriptionId, customerId, start, end, monthlyAmount, currency, attributes };
  }
}
