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

/**
 * One rejected value: where it is, what it was and what was expected instead. Its texts are well
 * formed Unicode: a lone surrogate from the input is shown as U+FFFD, so they can be stored as JSON
 * (Postgres jsonb refuses lone surrogates) and sent as UTF-8.
 */
export interface RowError {
  readonly code: RowErrorCode;
  /** 1-based line of the source file (the header is line 1 in a CSV). */
  readonly line: number;
  /** Column or JSON field name as written in the source. */
  readonly field: string;
  /** The offending value, shortened to {@link MAX_SHOWN_VALUE} code points (never within a character's surrogate pair). */
  readonly value: string;
  /** What would have been accepted, in words ("an ISO date such as 2024-01-31"). */
  readonly expected: string;
  /** One sentence combining all of the above. */
  readonly message: string;
}

/** Code points of a value a {@link RowError} shows; a longer one ends in `...` at this length. */
export const MAX_SHOWN_VALUE = 200;

/** Builds a {@link RowError} with its message; `value` is shortened and every text made well formed. */
export function rowError(
  code: RowErrorCode,
  line: number,
  field: string,
  value: string,
  expected: string,
): RowError {
  const shown = wellFormed(shorten(value, MAX_SHOWN_VALUE));
  const name = wellFormed(field);
  const wanted = wellFormed(expected);
  return {
    code,
    line,
    field: name,
    value: shown,
    expected: wanted,
    message: `line ${line}, field "${name}": got ${JSON.stringify(shown)}, expected ${wanted}`,
  };
}

/**
 * `text` if it has at most `max` code points, else its first `max - 3` code points and `...`.
 * Counting code points rather than UTF-16 units never cuts an emoji (a surrogate pair) in two.
 */
export function shorten(text: string, max: number): string {
  // Fewer units than `max` are fewer code points too: the common case reads nothing.
  if (text.length <= max) return text;
  let points = 0;
  let cut = 0;
  for (let index = 0; index < text.length; points += 1) {
    if (points === max - 3) cut = index;
    if (points === max) return `${text.slice(0, cut)}...`;
    index += (text.codePointAt(index) as number) > 0xffff ? 2 : 1;
  }
  return text;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** `text` with every lone surrogate (half of a UTF-16 pair, alone) replaced by U+FFFD, as `String.prototype.toWellFormed` does. */
export function wellFormed(text: string): string {
  // Most texts have no surrogate at all: only then look for a lone one.
  if (!/[\uD800-\uDFFF]/.test(text)) return text;
  return text.replace(LONE_SURROGATE, '\uFFFD');
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
