/**
 * A streaming RFC 4180 CSV reader. It reads physical lines one at a time, so a file streamed
 * line by line (node's `readline`) is parsed in constant memory: only the record being read is
 * held, and no field may grow past {@link MAX_CSV_FIELD_LENGTH}.
 */
import { type RowError, rowError } from '../errors.ts';
import { type LineChunks, type LineSource, lineChunks, linesOf } from './line-chunks.ts';
import type { ParsedRow } from './result.ts';

export type { LineChunks, LineSource } from './line-chunks.ts';
export { LINES_PER_CHUNK } from './line-chunks.ts';

/** One CSV record: its fields, unquoted, and the 1-based physical line it starts on. */
export interface CsvRecord {
  /** 1-based physical line where the record starts (the header is normally line 1). */
  readonly line: number;
  /** Field values with quotes removed and `""` turned into `"`; never trimmed. */
  readonly fields: readonly string[];
}

/** What separates the fields of a record. */
export type CsvDelimiter = ',' | ';' | '\t';

/** Every {@link CsvDelimiter}. */
export const CSV_DELIMITERS: readonly CsvDelimiter[] = [',', ';', '\t'];

/** Options of {@link readCsv} and {@link parseCsv}. */
export interface CsvOptions {
  /** Longest field accepted, in UTF-16 code units; default {@link MAX_CSV_FIELD_LENGTH} (1 MB). */
  readonly maxFieldLength?: number;
  /**
   * The delimiter. Default: sniffed from the header's first line: a comma when it has a comma
   * outside quotes (or no delimiter at all), else the more frequent of `;` and tab, so a file
   * exported with semicolons or tabs is not read as one column.
   */
  readonly delimiter?: CsvDelimiter;
}

/** A delimiter as a word, for messages. */
export function delimiterName(delimiter: string): string {
  return delimiter === ','
    ? 'comma'
    : delimiter === ';'
      ? 'semicolon'
      : delimiter === '\t'
        ? 'tab'
        : delimiter;
}

/** A delimiter as an option's value is written (`','`, `';'`, `tab`). */
function delimiterShown(delimiter: string): string {
  return delimiter === '\t' ? 'tab' : `'${delimiter}'`;
}

/** Default longest field: 1,048,576 characters. A longer field is a `VALUE_TOO_LONG` error. */
export const MAX_CSV_FIELD_LENGTH = 1_048_576;

const QUOTE = 34;
const CARRIAGE_RETURN = 13;
const BYTE_ORDER_MARK = 0xfeff;

/**
 * Reads CSV records from a text or a stream of lines. The first record yielded is the header;
 * every later record must have as many fields as the header. Rules:
 *
 * - a UTF-8 byte order mark at the start is dropped; CRLF and LF line ends are both accepted;
 * - blank lines outside quoted fields are skipped wherever they are (they carry no data), so a
 *   one-column file cannot hold an empty value on a line of its own;
 * - fields are separated by the delimiter (`options.delimiter`, else sniffed from the header's
 *   first line: see {@link CsvOptions.delimiter});
 * - a field is quoted when it starts with `"`; inside it `""` is a quote and delimiters and line
 *   breaks are data; fields are not trimmed;
 * - errors are yielded in place of the record (code `INVALID_CSV`, or `VALUE_TOO_LONG` for a
 *   field longer than `maxFieldLength`), and reading resumes at the next record: a quote inside an
 *   unquoted field, anything but a comma or the line end after a closing quote, a field count that
 *   differs from the header's, and a quote left open at the end of the input (which swallows the
 *   rest of the file, so it is one error). A malformed header is yielded as an error and ends the
 *   reading, since nothing after it can be checked.
 *
 * An empty input yields nothing.
 */
export async function* readCsv(
  source: LineSource,
  options: CsvOptions = {},
): AsyncGenerator<ParsedRow<CsvRecord>, void, undefined> {
  yield* readRecords(
    new CsvParser(options.maxFieldLength ?? MAX_CSV_FIELD_LENGTH, options.delimiter),
    source,
  );
}

/**
 * {@link readCsv} through a given parser, for a reader that asks the parser about the file
 * afterwards (its delimiter, {@link CsvParser.delimiterHint}).
 */
export async function* readRecords(
  parser: CsvParser,
  source: LineSource,
): AsyncGenerator<ParsedRow<CsvRecord>, void, undefined> {
  if (typeof source === 'string' || Symbol.iterator in source) {
    for (const line of typeof source === 'string' ? linesOf(source) : source) {
      const parsed = parser.pushLine(line);
      if (parsed) yield parsed;
      if (parser.stopped) return;
    }
  } else {
    for await (const line of source) {
      const parsed = parser.pushLine(line);
      if (parsed) yield parsed;
      if (parser.stopped) return;
    }
  }
  const last = parser.end();
  if (last) yield last;
}

/** The synchronous form of {@link readCsv} for a text or a sync iterable of lines; same rules. */
export function* parseCsv(
  source: string | Iterable<string>,
  options: CsvOptions = {},
): Generator<ParsedRow<CsvRecord>, void, undefined> {
  const parser = new CsvParser(options.maxFieldLength ?? MAX_CSV_FIELD_LENGTH, options.delimiter);
  for (const line of typeof source === 'string' ? linesOf(source) : source) {
    const parsed = parser.pushLine(line);
    if (parsed) yield parsed;
    if (parser.stopped) return;
  }
  const last = parser.end();
  if (last) yield last;
}

/**
 * Reads CSV records chunk by chunk: the same records and errors as {@link readCsv}, in the same
 * order, as one array per chunk of input (chunks that give nothing are left out). A text or a line
 * iterable is read {@link LINES_PER_CHUNK} lines at a time; {@link LineChunks} chunk by chunk.
 * Every chunk is parsed synchronously, so the cost of `await` is paid per chunk, not per record.
 */
export async function* readCsvChunks(
  source: LineSource | LineChunks,
  options: CsvOptions = {},
): AsyncGenerator<ParsedRow<CsvRecord>[], void, undefined> {
  const parser = new CsvParser(options.maxFieldLength ?? MAX_CSV_FIELD_LENGTH, options.delimiter);
  const sink = new RecordSink();
  for await (const chunk of lineChunks(source)) {
    parser.pushLines(chunk, sink);
    if (sink.results.length > 0) yield sink.take();
    if (parser.stopped) return;
  }
  const last = parser.end();
  if (last) yield [last];
}

/** A {@link CsvSink} that keeps every result as a {@link CsvRecord} or an error. */
class RecordSink implements CsvSink {
  readonly done = false;
  results: ParsedRow<CsvRecord>[] = [];

  plain(line: number, text: string, ends: Int32Array): void {
    const fields: string[] = new Array(ends.length);
    let start = 0;
    for (let k = 0; k < ends.length; k++) {
      const end = ends[k] as number;
      fields[k] = text.slice(start, end);
      start = end + 1;
    }
    this.results.push({ ok: true, row: { line, fields } });
  }

  parsed(result: ParsedRow<CsvRecord>): void {
    this.results.push(result);
  }

  take(): ParsedRow<CsvRecord>[] {
    const results = this.results;
    this.results = [];
    return results;
  }
}

/**
 * Receives what {@link CsvParser.pushLines} reads, without a result object per plain record.
 */
export interface CsvSink {
  /** Once true, the parser reads no more lines (the consumer has stopped). */
  readonly done: boolean;
  /**
   * A record on one line without any quote, with as many fields as the header and none longer than
   * the longest allowed: field `k` is `text.slice(k === 0 ? 0 : ends[k - 1] + 1, ends[k])`, untrimmed.
   * `ends` is reused for the next record.
   */
  plain(line: number, text: string, ends: Int32Array): void;
  /** Every other result, in order: the header, a record with quotes, or an error. */
  parsed(result: ParsedRow<CsvRecord>): void;
}

/**
 * The state machine behind the reader. Each physical line ends at most one record, so
 * {@link pushLine} returns at most one result.
 */
export class CsvParser {
  /** Physical lines seen so far. */
  private lineNumber = 0;
  /** The header's fields once read; column count of every later record. */
  private header: readonly string[] | undefined;
  /** Set when the header is malformed: nothing more is read. */
  stopped = false;
  /** The delimiter: given, or sniffed from the header's first line. */
  delimiter: CsvDelimiter;
  private delimiterCode: number;
  /** The delimiter is still to be sniffed. */
  private sniffing: boolean;
  /** Delimiters other than {@link delimiter} that the header's first line has (outside quotes). */
  private otherDelimiters: CsvDelimiter[] = [];

  // The record being read.
  private fields: string[] = [];
  private recordLine = 0;
  private recordText = '';
  /** Inside a quoted field that continues on the next line. */
  private open = false;
  /** Content of the quoted field being read. */
  private quoted = '';
  /** An error was already reported for this record: read to its end, keep nothing. */
  private discarding = false;

  /** Field ends of a plain record, one per header column (see {@link CsvSink.plain}). */
  private ends = new Int32Array(0);

  constructor(
    private readonly maxFieldLength: number,
    delimiter?: CsvDelimiter,
  ) {
    this.delimiter = delimiter ?? ',';
    this.delimiterCode = this.delimiter.charCodeAt(0);
    this.sniffing = true;
    this.given = delimiter !== undefined;
  }

  /** The delimiter was given, not sniffed. */
  private readonly given: boolean;

  /**
   * Counts the candidate delimiters outside quotes on the header's first line; unless one was
   * given and the line has no comma, takes the more frequent of semicolon and tab.
   */
  private sniff(text: string): void {
    this.sniffing = false;
    const counts = [0, 0, 0];
    let inQuotes = false;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code === QUOTE) inQuotes = !inQuotes;
      else if (!inQuotes) {
        const k = code === 44 ? 0 : code === 59 ? 1 : code === 9 ? 2 : -1;
        if (k >= 0) counts[k] = (counts[k] as number) + 1;
      }
    }
    // A header with a comma is read as it always was; one without takes the more frequent of
    // semicolon and tab (a semicolon on a tie), so that it is not read as one column.
    if (!this.given && counts[0] === 0 && ((counts[1] as number) > 0 || (counts[2] as number) > 0)) {
      this.delimiter = (counts[2] as number) > (counts[1] as number) ? '\t' : ';';
      this.delimiterCode = this.delimiter.charCodeAt(0);
    }
    this.otherDelimiters = CSV_DELIMITERS.filter(
      (delimiter, k) => delimiter !== this.delimiter && (counts[k] as number) > 0,
    );
  }

  /**
   * For an error about the header's columns: `''`, or when the header's first line also has
   * another delimiter, a sentence naming the delimiter it was read with and the others found.
   */
  delimiterHint(): string {
    if (this.otherDelimiters.length === 0) return '';
    const others = this.otherDelimiters.map(delimiterName).join(' and ');
    const options = this.otherDelimiters.map(delimiterShown).join(' or ');
    return `; the header was read with the ${delimiterName(this.delimiter)} as the delimiter but also has a ${others}: if that separates the columns, name it (delimiter option; nrr import --delimiter ${options})`;
  }

  /**
   * Reads a chunk of lines, handing each result to the sink, in order: the same results as
   * {@link pushLine} line by line. After the header, a line with no quote, as many fields as the
   * header and no field too long goes to {@link CsvSink.plain} with no record built for it.
   */
  pushLines(lines: readonly string[], sink: CsvSink): void {
    const count = lines.length;
    for (let k = 0; k < count; k++) {
      if (this.stopped || sink.done) return;
      const raw = lines[k] as string;
      // The header is read, so this is not line 1 (no byte order mark) and the header is known.
      if (this.header !== undefined && !this.open) {
        const length = raw.charCodeAt(raw.length - 1) === CARRIAGE_RETURN ? raw.length - 1 : raw.length;
        if (length > 0 && length <= this.maxFieldLength && this.plainFields(raw, length)) {
          this.lineNumber += 1;
          sink.plain(this.lineNumber, length === raw.length ? raw : raw.slice(0, length), this.ends);
          continue;
        }
      }
      const parsed = this.pushLine(raw);
      if (parsed) sink.parsed(parsed);
    }
  }

  /**
   * Finds the field ends of the first `length` characters of a line into {@link ends}: true when the
   * text has no quote and exactly as many fields as the header.
   */
  private plainFields(text: string, length: number): boolean {
    if (text.indexOf('"') !== -1) return false;
    const ends = this.ends;
    const last = ends.length - 1;
    const delimiter = this.delimiter;
    let from = 0;
    for (let field = 0; field < last; field++) {
      const comma = text.indexOf(delimiter, from);
      if (comma === -1 || comma >= length) return false;
      ends[field] = comma;
      from = comma + 1;
    }
    const comma = text.indexOf(delimiter, from);
    if (comma !== -1 && comma < length) return false;
    ends[last] = length;
    return true;
  }

  pushLine(raw: string): ParsedRow<CsvRecord> | undefined {
    this.lineNumber += 1;
    if (this.stopped) return undefined;
    let text = raw;
    if (this.lineNumber === 1 && text.charCodeAt(0) === BYTE_ORDER_MARK) text = text.slice(1);
    if (text.charCodeAt(text.length - 1) === CARRIAGE_RETURN) text = text.slice(0, -1);
    if (this.open) {
      if (!this.discarding) this.quoted += '\n';
      return this.scan(text, 0, true);
    }
    if (text.length === 0) return undefined;
    if (this.sniffing) this.sniff(text);
    this.recordLine = this.lineNumber;
    this.recordText = text;
    if (text.indexOf('"') === -1) {
      // Fast path: no quotes, so no field can hold a delimiter or a line break.
      const fields = text.split(this.delimiter);
      if (text.length > this.maxFieldLength) {
        const index = fields.findIndex((field) => field.length > this.maxFieldLength);
        if (index >= 0) return this.tooLong(index, fields[index] ?? '');
      }
      this.fields = fields;
      return this.complete();
    }
    this.fields = [];
    return this.scan(text, 0, false);
  }

  /** Ends the input: a quoted field still open is an error. */
  end(): ParsedRow<CsvRecord> | undefined {
    if (!this.open || this.stopped) return undefined;
    this.open = false;
    if (this.discarding) return this.reset(undefined);
    return this.fail(
      rowError(
        'INVALID_CSV',
        this.recordLine,
        this.columnName(this.fields.length),
        this.recordText,
        'a closing quote (") before the end of the file',
      ),
    );
  }

  private scan(text: string, start: number, startInQuotes: boolean): ParsedRow<CsvRecord> | undefined {
    const length = text.length;
    let i = start;
    let inQuotes = startInQuotes;
    for (;;) {
      if (inQuotes) {
        const quote = text.indexOf('"', i);
        if (quote === -1) {
          this.open = true;
          if (this.discarding) return undefined;
          this.quoted += i === 0 ? text : text.slice(i);
          if (this.quoted.length > this.maxFieldLength) {
            const error = this.tooLong(this.fields.length, this.quoted);
            // Keep reading to the end of the quoted field, without keeping it, then resume.
            this.open = true;
            this.discarding = true;
            return error;
          }
          return undefined;
        }
        if (!this.discarding) this.quoted += text.slice(i, quote);
        if (text.charCodeAt(quote + 1) === QUOTE) {
          if (!this.discarding) this.quoted += '"';
          i = quote + 2;
          continue;
        }
        this.open = false;
        inQuotes = false;
        i = quote + 1;
        if (!this.discarding) {
          if (this.quoted.length > this.maxFieldLength) return this.tooLong(this.fields.length, this.quoted);
          this.fields.push(this.quoted);
        }
        this.quoted = '';
        if (i === length) return this.complete();
        if (text.charCodeAt(i) !== this.delimiterCode) {
          return this.malformed(
            this.fields.length - 1,
            text,
            `a ${delimiterName(this.delimiter)} or the end of the line after a closing quote (")`,
          );
        }
        i += 1;
        continue;
      }
      if (text.charCodeAt(i) === QUOTE) {
        inQuotes = true;
        this.quoted = '';
        i += 1;
        continue;
      }
      const comma = text.indexOf(this.delimiter, i);
      const end = comma === -1 ? length : comma;
      const field = text.slice(i, end);
      if (field.indexOf('"') !== -1) {
        return this.malformed(
          this.fields.length,
          text,
          'a field that contains a quote (") to be enclosed in quotes, with the quote doubled ("")',
        );
      }
      if (field.length > this.maxFieldLength) return this.tooLong(this.fields.length, field);
      this.fields.push(field);
      if (comma === -1) return this.complete();
      i = comma + 1;
    }
  }

  private complete(): ParsedRow<CsvRecord> | undefined {
    const fields = this.fields;
    if (this.discarding) return this.reset(undefined);
    if (this.header === undefined) {
      this.header = fields;
      this.ends = new Int32Array(fields.length);
      return this.reset({ ok: true, row: { line: this.recordLine, fields } });
    }
    if (fields.length !== this.header.length) {
      const column = Math.min(fields.length, this.header.length);
      return this.fail(
        rowError(
          'INVALID_CSV',
          this.recordLine,
          this.columnName(column),
          this.recordText,
          `${this.header.length} fields as in the header, got ${fields.length}`,
        ),
      );
    }
    return this.reset({ ok: true, row: { line: this.recordLine, fields } });
  }

  private malformed(column: number, text: string, expected: string): ParsedRow<CsvRecord> | undefined {
    if (this.discarding) return this.reset(undefined);
    // Reported on the physical line where the quote is, which may follow the record's first line.
    return this.fail(rowError('INVALID_CSV', this.lineNumber, this.columnName(column), text, expected));
  }

  private tooLong(column: number, value: string): ParsedRow<CsvRecord> {
    return this.fail(
      rowError(
        'VALUE_TOO_LONG',
        this.recordLine,
        this.columnName(column),
        value,
        `a field of at most ${this.maxFieldLength.toLocaleString('en-US')} characters (got ${value.length.toLocaleString('en-US')})`,
      ),
    );
  }

  private fail(error: RowError): ParsedRow<CsvRecord> {
    if (this.header === undefined) this.stopped = true;
    return this.reset({ ok: false, error });
  }

  private reset<R>(result: R): R {
    this.fields = [];
    this.quoted = '';
    this.open = false;
    this.discarding = false;
    return result;
  }

  private columnName(index: number): string {
    const name = this.header?.[index]?.trim();
    return name ? name : `column ${index + 1}`;
  }
}
