/**
 * Subscription-event importers: JSON (an array of events, or a Stripe list `{ data: [...] }`) and
 * NDJSON (one event per line), streamed or collected. The record shapes accepted are described in
 * `event-record.ts`; every rejection is a `RowError` naming the line (NDJSON line, or array index
 * + 1 for JSON), the field path, the value and what was expected. Imports are all-or-nothing
 * unless `skipInvalidRows` is set.
 */
import { ImportError, rowError } from '../errors.ts';
import { parseSubscriptionEvent } from './event-record.ts';
import type { ImportOptions, ImportResult, ParsedRow, SubscriptionEvent } from './event-types.ts';
import { collectRows, collectRowsSync } from './result.ts';

/**
 * NDJSON input: the whole text, or its lines from an iterable or async iterable (such as
 * `readline.createInterface({ input: fs.createReadStream(path) })`). An element holding several
 * lines is split at its line breaks, so whole-text chunks work too, but an element must not end
 * in the middle of a line.
 */
export type NdjsonSource = string | Iterable<string> | AsyncIterable<string>;

/**
 * Reads NDJSON subscription events one line at a time, yielding each record's parsed event or
 * its error as soon as the line arrives. Blank lines are skipped but counted, so line numbers are
 * those of the file; a byte-order mark on the first line is ignored. Stripe delivers events at
 * least once, so an event repeated with its id and the same content (every field the importer
 * reads equal) is read once: the repeat yields nothing and is not counted
 * in `rowsRead`. An event id seen earlier with other content is a `DUPLICATE_ID` error on the later
 * line naming the earlier one.
 */
export async function* streamSubscriptionEvents(
  source: NdjsonSource,
  options: Pick<ImportOptions, 'defaultCurrency'> = {},
): AsyncGenerator<ParsedRow<SubscriptionEvent>, void, undefined> {
  const seen = new Map<string, SeenEvent>();
  for await (const { text, line } of numberedLines(source)) {
    if (text.trim() === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch {
      yield { ok: false, error: rowError('INVALID_JSON', line, '(line)', text, 'one JSON object per line') };
      continue;
    }
    const parsed = checkUnique(parseSubscriptionEvent(record, line, options), line, seen);
    if (parsed !== undefined) yield parsed;
  }
}

/**
 * Imports NDJSON subscription events. All-or-nothing: if any line is invalid, throws
 * `ImportError` (the first `MAX_REPORTED_ERRORS` errors, all counted) unless
 * `options.skipInvalidRows`, in which case the valid events are returned with every error.
 */
export async function importSubscriptionEvents(
  source: NdjsonSource,
  options: ImportOptions = {},
): Promise<ImportResult<SubscriptionEvent>> {
  return collectRows(streamSubscriptionEvents(source, options), options);
}

/**
 * Imports subscription events from a JSON text: an array of events, or an object whose `data`
 * is that array (a Stripe list). Line numbers in errors are array index + 1. Text that is not
 * JSON, or JSON of another shape, throws `ImportError` whatever the options, since no event can
 * be read from it. Otherwise all-or-nothing as {@link importSubscriptionEvents}.
 */
export function importSubscriptionEventsJson(
  text: string,
  options: ImportOptions = {},
): ImportResult<SubscriptionEvent> {
  const expected = 'a JSON array of events, or an object with the array in "data"';
  let document: unknown;
  try {
    document = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    // The parser's own message shows where it stopped; the line is known when the engine reports it.
    const message = error instanceof Error ? error.message : String(error);
    const line = syntaxErrorLine(text, message);
    throw new ImportError([rowError('INVALID_JSON', line, '(document)', message, expected)], 1, 0);
  }
  const records = Array.isArray(document)
    ? document
    : typeof document === 'object' && document !== null && 'data' in document && Array.isArray(document.data)
      ? (document.data as unknown[])
      : undefined;
  if (records === undefined) {
    throw new ImportError([rowError('INVALID_JSON', 1, '(document)', text, expected)], 1, 0);
  }
  const seen = new Map<string, SeenEvent>();
  function* parsed(): Generator<ParsedRow<SubscriptionEvent>> {
    for (const [index, record] of (records as unknown[]).entries()) {
      const row = checkUnique(parseSubscriptionEvent(record, index + 1, options), index + 1, seen);
      if (row !== undefined) yield row;
    }
  }
  return collectRowsSync(parsed(), options);
}

/** The first event read with an id, and its line. */
interface SeenEvent {
  readonly line: number;
  readonly event: SubscriptionEvent;
}

/**
 * Remembers new ids; returns `undefined` for a repeat of an event already read (same id, same
 * content: an at-least-once redelivery) and a `DUPLICATE_ID` error for an id read before with
 * other content.
 */
function checkUnique(
  parsed: ParsedRow<SubscriptionEvent>,
  line: number,
  seen: Map<string, SeenEvent>,
): ParsedRow<SubscriptionEvent> | undefined {
  if (!parsed.ok) return parsed;
  const { id } = parsed.row;
  const first = seen.get(id);
  if (first === undefined) {
    seen.set(id, { line, event: parsed.row });
    return parsed;
  }
  if (sameEvent(first.event, parsed.row)) return undefined;
  return {
    ok: false,
    error: rowError(
      'DUPLICATE_ID',
      line,
      'id',
      id,
      `an event id not used before, or a repeat of the same event (line ${first.line} has this id with other content)`,
    ),
  };
}

/**
 * Whether two parsed events are equal in every field (objects compared key by key in any order,
 * arrays in order). Parsed events are compared rather than the raw records so that a redelivery
 * differing only in what the importer does not read (Stripe's `pending_webhooks`, say) or in
 * spelling (`"100"` and `100`, keys in another order) is the same event, as it is for the API's
 * store.
 */
function sameEvent(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((entry, index) => sameEvent(entry, b[index]))
    );
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  return (
    keys.length === Object.keys(right).length &&
    keys.every((key) => Object.hasOwn(right, key) && sameEvent(left[key], right[key]))
  );
}

async function* numberedLines(source: NdjsonSource): AsyncGenerator<{ text: string; line: number }> {
  let line = 0;
  for await (const chunk of typeof source === 'string' ? [source] : source) {
    // A trailing line break ends the element's last line; it does not start another one.
    for (const text of chunk.replace(/\r?\n$/, '').split(/\r?\n/)) {
      line += 1;
      yield { text: line === 1 ? text.replace(/^\uFEFF/, '') : text, line };
    }
  }
}

function syntaxErrorLine(text: string, message: string): number {
  const explicit = /line (\d+) column/.exec(message);
  if (explicit) return Number(explicit[1]);
  const position = /position (\d+)/.exec(message);
  if (!position) return 1;
  return text.slice(0, Number(position[1])).split('\n').length;
}
