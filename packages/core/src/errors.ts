/**
 * Errors at the import boundary are values with codes: each names the line, the field, the value
 * found and what was expected, so a person can fix the file without reading code.
 */

/** Why a row was rejected. */
export type RowErrorCode =
  | 'MISSING_COLUMN'
  | 'MISSING_VALUE'
  | 'INVALID_DATE'
  | 'INVALID_AMOUNT'
  | 'INVALID_CURRENCY'
  | 'INVALID_INTERVAL'
  | 'INVALID_KIND'
  | 'INVALID_NUMBER'
  | 'INVALID_STATUS'
  | 'INVALID_JSON'
  | 'INVALID_CSV'
  | 'END_BEFORE_START'
  | 'DUPLICATE_ID'
  | 'VALUE_TOO_LONG'
  | 'OUT_OF_RANGE';

/** One rejected value: where it is, what it was and what was expected instead. */
export interface RowError {
  readonly code: RowErrorCode;
  /** 1-based line of the source file (the header is line 1 in a CSV). */
  readonly line: number;
  /** Column or JSON field name as written in the source. */
  readonly field: string;
  /** The offending value, shortened to 200 characters. */
  readonly value: string;
  /** What would have been accepted, in words ("an ISO date such as 2024-01-31"). */
  readonly expected: string;
  /** One sentence combining all of the above. */
  readonly message: string;
}

/** Builds a {@link RowError} with its message. */
export function rowError(
  code: RowErrorCode,
  line: number,
  field: string,
  value: string,
  expected: string,
): RowError {
  const shown = value.length > 200 ? `${value.slice(0, 197)}...` : value;
  return {
    code,
    line,
    field,
    value: shown,
    expected,
    message: `line ${line}, field "${field}": got ${JSON.stringify(shown)}, expected ${expected}`,
  };
}

/**
 * Thrown when input has errors and the caller did not ask to skip bad rows: nothing from the
 * input is returned. `errors` holds the first {@link MAX_REPORTED_ERRORS} errors;
 * `errorCount` counts them all.
 */
export class ImportError extends Error {
  readonly code = 'INVALID_INPUT' as const;
  constructor(
    readonly errors: readonly RowError[],
    readonly errorCount: number,
    readonly rowsRead: number,
  ) {
    const first = errors[0];
    super(
      `${errorCount} invalid ${errorCount === 1 ? 'row' : 'rows'} in ${rowsRead} read; nothing was imported` +
        (first ? `. First: ${first.message}` : ''),
    );
    this.name = 'ImportError';
  }
}

/** How many row errors an import keeps in detail; the rest are only counted. */
export const MAX_REPORTED_ERRORS = 100;
