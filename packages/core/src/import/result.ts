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
   * `true`: keep the valid rows and return the errors beside them.
   */
  readonly skipInvalidRows?: boolean;
}

/** What a collecting import returns. */
export interface ImportResult<T> {
  /** The valid rows, in source order. */
  readonly rows: T[];
  /** The first {@link MAX_REPORTED_ERRORS} errors, in source order; empty unless `skipInvalidRows` was set. */
  readonly errors: RowError[];
  /** Every error found, including those not kept in `errors`. */
  readonly errorCount: number;
  /**
   * Records read after the header, valid or not. A file-level problem (missing columns, a malformed
   * header, an unterminated quote that swallows the rest of the file) counts as one record.
   */
  readonly rowsRead: number;
}

/**
 * Drains a stream of parsed rows. Without `skipInvalidRows`, the first invalid row stops rows from
 * being kept (memory stays flat on a bad file), reading continues only to count and report errors,
 * and the function throws {@link ImportError} with the first {@link MAX_REPORTED_ERRORS} errors.
 * With `skipInvalidRows`, it returns the valid rows and the errors.
 */
export async function collectRows<T>(
  rows: AsyncIterable<ParsedRow<T>>,
  options: ImportOptions = {},
): Promise<ImportResult<T>> {
  const kept: T[] = [];
  const errors: RowError[] = [];
  let errorCount = 0;
  let rowsRead = 0;
  for await (const parsed of rows) {
    rowsRead += 1;
    if (parsed.ok) {
      if (errorCount === 0 || options.skipInvalidRows) kept.push(parsed.row);
      continue;
    }
    errorCount += 1;
    if (errors.length < MAX_REPORTED_ERRORS) errors.push(parsed.error);
    if (!options.skipInvalidRows) kept.length = 0;
  }
  if (errorCount > 0 && !options.skipInvalidRows) throw new ImportError(errors, errorCount, rowsRead);
  return { rows: kept, errors, errorCount, rowsRead };
}
