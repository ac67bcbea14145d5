/**
 * Subscription-periods CSV, the shape of the dbt MRR playbook's seed: one row per stretch of time
 * during which a subscription is billed a constant monthly amount. Rows map to MRR spans directly.
 * The parts: `period-row.ts` (the row, the columns, the general path), `period-reader.ts` (the
 * reader over chunks, with its plain path), `period-attributes.ts` (values shared between rows),
 * `period-index.ts` (overlap detection).
 */
import type { MrrSpan } from '../spans.ts';
import { type LineChunks, type LineSource, lineChunks } from './line-chunks.ts';
import { PeriodReader } from './period-reader.ts';
import type { SubscriptionPeriodOptions, SubscriptionPeriodRow } from './period-row.ts';
import { collectRowBatches, type ImportResult, type ParsedRow } from './result.ts';

export type {
  SubscriptionPeriodField,
  SubscriptionPeriodMapping,
  SubscriptionPeriodOptions,
  SubscriptionPeriodRow,
} from './period-row.ts';
export { SUBSCRIPTION_PERIOD_COLUMNS, SUBSCRIPTION_PERIOD_FIELDS } from './period-row.ts';

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
