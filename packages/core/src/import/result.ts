/**
 * What every importer shares: the streamed result of one record, the options, and the
 * all-or-nothing collection of a stream into rows (or an `ImportError`).
 */
import { ImportError, MAX_REPORTED_ERRORS, type RowError } from '../errors.ts';

/**
 * One record of an import: the parsed row, or the first error found in it. Streaming importers
 * yield these so the caller decides what to do with bad rows (stop, skip, collect).
 */
export type ParsedRow<T> =
  | { readonly ok: true; readonly row: T }
  | { readonly ok: false; readonly error: RowError };

/** Options every importer understands. */
export interface ImportOptions {
  /**
   * Default `false`: any invalid row makes the import throw {@link ImportError} and return nothing.
   * `true`: keep the valid rows and return every error beside them.
   */
  readonly skipInvalidRows?: boolean;
  /**
   * ISO 4217 currency of records that do not name one. Each importer states its default (the CSV
   * importers use `'USD'`; the events importer has none and rejects such events).
   */
  readonly defaultCurrency?: string;
}

/** What a collecting import returns (with `skipInvalidRows`, or when every row is valid). */
export interface ImportResult<T> {
  /** The valid rows, in source order. */
  readonly rows: T[];
  /** Every error, in source order; `rows.length + errors.length === rowsRead`. */
  readonly errors: RowError[];
  /**
   * Records read (after the header, for CSV; blank lines excluded), valid or not. A file-level
   * problem (missing columns, a malformed header, an unterminated quote that swallows the rest of
   * the file) counts as one record.
   */
  readonly rowsRead: number;
}

/**
 * Drains a stream of parsed rows. Without `skipInvalidRows`, the first invalid row stops rows from
 * being kept (memory stays flat on a bad file), reading continues only to count and report errors,
 * and the function throws {@link ImportError} with the first {@link MAX_REPORTED_ERRORS} errors and
 * the count of all. With `skipInvalidRows`, it returns the valid rows and every error.
 */
export async function collectRows<T>(
  rows: AsyncIterable<ParsedRow<T>>,
  options: ImportOptions = {},
): Promise<ImportResult<T>> {
  const collector = new RowCollector<T>(options.skipInvalidRows ?? false);
  for await (const parsed of rows) collector.add(parsed);
  return collector.finish();
}

/** {@link collectRows} for a stream of arrays of parsed rows (a chunked importer's); same rules. */
export async function collectRowBatches<T>(
  batches: AsyncIterable<readonly ParsedRow<T>[]>,
  options: ImportOptions = {},
): Promise<ImportResult<T>> {
  const collector = new RowCollector<T>(options.skipInvalidRows ?? false);
  for await (const batch of batches) {
    for (const parsed of batch) collector.add(parsed);
  }
  return collector.finish();
}

/** {@link collectRows} for a synchronous iterable (an already parsed JSON document, say); same rules. */
export function collectRowsSync<T>(
  rows: Iterable<ParsedRow<T>>,
  options: ImportOptions = {},
): ImportResult<T> {
  const collector = new RowCollector<T>(options.skipInvalidRows ?? false);
  for (const parsed of rows) collector.add(parsed);
  return collector.finish();
}

/**
 * The valid rows of a stream of batches of parsed rows, each mapped, yielded in arrays of about
 * `size` (a batch is yielded once it holds `size` or more; the last, possibly empty, at the end).
 * After the first error no row is kept or yielded; reading goes on only to count the errors, and
 * the stream ends by throwing {@link ImportError} with the first {@link MAX_REPORTED_ERRORS} errors,
 * the count of all and the records read. When every row was valid, `onRowsRead` hears the count of
 * records read before the last array is yielded. Memory stays flat: rows are not collected.
 */
export async function* streamValidRows<T, U>(
  batches: AsyncIterable<readonly ParsedRow<T>[]>,
  map: (row: T) => U,
  size: number,
  onRowsRead: (count: number) => void,
): AsyncGenerator<U[], void, undefined> {
  const errors: RowError[] = [];
  let errorCount = 0;
  let rowsRead = 0;
  let batch: U[] = [];
  for await (const results of batches) {
    rowsRead += results.length;
    for (const parsed of results) {
      if (!parsed.ok) {
        errorCount += 1;
        if (errors.length < MAX_REPORTED_ERRORS) errors.push(parsed.error);
        continue;
      }
      if (errorCount === 0) batch.push(map(parsed.row));
    }
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (errorCount > 0) throw new ImportError(errors, errorCount, rowsRead);
  onRowsRead(rowsRead);
  yield batch;
}

class RowCollector<T> {
  private readonly rows: T[] = [];
  private readonly errors: RowError[] = [];
  private errorCount = 0;
  private rowsRead = 0;

  constructor(private readonly skipInvalidRows: boolean) {}

  add(parsed: ParsedRow<T>): void {
    this.rowsRead += 1;
    if (parsed.ok) {
      if (this.errorCount === 0 || this.skipInvalidRows) this.rows.push(parsed.row);
      return;
    }
    this.errorCount += 1;
    // Nothing will be returned once a row is invalid, unless skipping: drop what was kept.
    if (!this.skipInvalidRows) this.rows.length = 0;
    if (this.skipInvalidRows || this.errors.length < MAX_REPORTED_ERRORS) this.errors.push(parsed.error);
  }

  finish(): ImportResult<T> {
    if (this.errorCount > 0 && !this.skipInvalidRows) {
      throw new ImportError(this.errors, this.errorCount, this.rowsRead);
    }
    return { rows: this.rows, errors: this.errors, rowsRead: this.rowsRead };
  }
}
