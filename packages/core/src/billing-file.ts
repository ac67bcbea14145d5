/**
 * A whole billing file, whatever its format: the rules every import of a file follows before its
 * rows are stored. Text that storage cannot hold (NUL) is refused, an events file is sniffed as
 * NDJSON or one JSON document, and row errors are counted while the valid rows stream on, so the
 * caller (the API's `runImport`) only stores what comes out, or records the `ImportError` thrown.
 * It sits above `import/` (parsing) and `normalize/` (rows to spans), which it composes.
 */
import { ImportError, rowError, wellFormed } from './errors.ts';
import type { CsvDelimiter, LineChunks, LineSource } from './import/csv.ts';
import type { DecimalSeparator } from './import/csv-values.ts';
import type { SubscriptionEvent } from './import/event-types.ts';
import { importSubscriptionEvents, importSubscriptionEventsJson } from './import/events.ts';
import { type InvoiceLineMapping, importInvoiceLines } from './import/invoice-lines.ts';
import type { SubscriptionPeriodMapping } from './import/period-row.ts';
import { periodRowToSpan, streamSubscriptionPeriodBatches } from './import/periods.ts';
import { type ImportResult, streamValidRows } from './import/result.ts';
import { invoiceLinesToSpans } from './normalize/invoice-lines.ts';
import type { MrrSpan } from './spans.ts';

/** The formats of a billing file. */
export type ImportFormat = 'periods' | 'invoice-lines' | 'events';

/** Every {@link ImportFormat}, for argument checks. */
export const IMPORT_FORMATS: readonly ImportFormat[] = ['periods', 'invoice-lines', 'events'];

/** How a CSV billing file is read (periods and invoice lines). */
export interface CsvFileOptions {
  /** Currency of amounts that carry none. */
  readonly defaultCurrency: string;
  /** The delimiter; default sniffed from the header (see `CsvOptions.delimiter`). */
  readonly delimiter?: CsvDelimiter;
  /** How amounts are written; default strict (see {@link DecimalSeparator}). */
  readonly decimal?: DecimalSeparator;
}

/** A CSV billing file to read into spans. */
export type CsvFile =
  | ({ readonly format: 'periods'; readonly mapping?: SubscriptionPeriodMapping } & CsvFileOptions)
  | ({ readonly format: 'invoice-lines'; readonly mapping: InvoiceLineMapping } & CsvFileOptions);

/** Spans yielded at a time by {@link spanBatchesOfFile} while a periods file streams. */
const SPANS_PER_BATCH = 1000;

/**
 * The spans of a periods or invoice-lines file, in batches. Periods stream row by row (constant
 * memory beyond the importer's own bookkeeping), in batches of about 1,000 spans; invoice lines are
 * normalised together (lines of one service period may be anywhere in the file), in one batch.
 * After the first invalid row nothing more is yielded; reading goes on only to count and report
 * the errors, and ends by throwing `ImportError` (its first `MAX_REPORTED_ERRORS` errors and the
 * count of all). `onRowsRead` hears the number of records read once the file is valid, before the
 * last batch. The source is refused at its first NUL ({@link withoutNul}).
 */
export async function* spanBatchesOfFile(
  source: LineSource | LineChunks,
  file: CsvFile,
  onRowsRead: (count: number) => void,
): AsyncGenerator<MrrSpan[]> {
  const checked = withoutNul(source, file.format);
  const csv = {
    defaultCurrency: file.defaultCurrency,
    ...(file.delimiter === undefined ? {} : { delimiter: file.delimiter }),
    ...(file.decimal === undefined ? {} : { decimal: file.decimal }),
  };
  switch (file.format) {
    case 'periods': {
      const options = { ...csv, ...(file.mapping === undefined ? {} : { mapping: file.mapping }) };
      yield* streamValidRows(
        streamSubscriptionPeriodBatches(checked, options),
        periodRowToSpan,
        SPANS_PER_BATCH,
        onRowsRead,
      );
      return;
    }
    case 'invoice-lines': {
      const result = await importInvoiceLines(lineByLine(checked), file.mapping, csv);
      onRowsRead(result.rowsRead);
      yield invoiceLinesToSpans(result.rows).spans;
      return;
    }
    default:
      return file satisfies never;
  }
}

/**
 * The events of an events file: NDJSON, or one JSON document (an array, or a Stripe list with
 * `data`) when the source is text that is one. All or nothing: throws `ImportError` on invalid
 * events. The source is refused at its first NUL ({@link withoutNul}).
 */
export async function importEventsFile(
  source: LineSource | LineChunks,
  options: { readonly defaultCurrency: string },
): Promise<ImportResult<SubscriptionEvent>> {
  const checked = withoutNul(source, 'events');
  return typeof checked === 'string' && isJsonDocument(checked)
    ? importSubscriptionEventsJson(checked, options)
    : await importSubscriptionEvents(lineByLine(checked), options);
}

/**
 * The source, refused at its first NUL character (U+0000): Postgres text and jsonb cannot hold
 * one, so an id or attribute carrying it would otherwise fail in storage. Throws `ImportError`
 * (`INVALID_CSV`, or `INVALID_JSON` for events) naming the line; a text source is checked at once,
 * lines as they are read. A lone surrogate (half of a UTF-16 pair, alone: a GraphQL text may carry
 * one as a `\ud83d` escape; a file read as UTF-8 cannot) becomes U+FFFD, as text columns would
 * store it anyway and as row errors show it; jsonb (attributes, recorded errors) refuses it.
 */
export function withoutNul(source: LineSource | LineChunks, format: ImportFormat): LineSource | LineChunks {
  const refuse = (line: number, text: string) =>
    new ImportError(
      [
        rowError(
          format === 'events' ? 'INVALID_JSON' : 'INVALID_CSV',
          line,
          '(line)',
          text.replaceAll('\u0000', '\\u0000'),
          'text without NUL characters (U+0000)',
        ),
      ],
      1,
      line,
    );
  if (typeof source === 'string') {
    const at = source.indexOf('\u0000');
    if (at < 0) return wellFormed(source);
    const start = source.lastIndexOf('\n', at) + 1;
    const end = source.indexOf('\n', at);
    const line = source.slice(0, at).split('\n').length;
    throw refuse(line, source.slice(start, end < 0 ? undefined : end));
  }
  return (async function* () {
    let line = 0;
    for await (const item of source as AsyncIterable<string | readonly string[]>) {
      if (typeof item === 'string') {
        line += 1;
        if (item.includes('\u0000')) throw refuse(line, item);
        yield wellFormed(item);
        continue;
      }
      let chunk = item;
      for (const [index, text] of item.entries()) {
        line += 1;
        if (text.includes('\u0000')) throw refuse(line, text);
        const formed = wellFormed(text);
        if (formed !== text) {
          if (chunk === item) chunk = [...item];
          (chunk as string[])[index] = formed;
        }
      }
      yield chunk;
    }
  })() as AsyncIterable<string> | LineChunks;
}

/** The source as text or single lines, for the readers that take no chunks. */
function lineByLine(source: LineSource | LineChunks): LineSource {
  if (typeof source === 'string' || Symbol.iterator in source) return source;
  return (async function* () {
    for await (const item of source as AsyncIterable<string | readonly string[]>) {
      if (typeof item === 'string') yield item;
      else yield* item;
    }
  })();
}

/**
 * Whether events text is one JSON document (an array, or a Stripe list object with `data`)
 * rather than NDJSON (one event object per line, possibly a single line).
 */
export function isJsonDocument(text: string): boolean {
  const start = text.trimStart();
  if (start.startsWith('[')) return true;
  if (!start.startsWith('{')) return false;
  try {
    const parsed: unknown = JSON.parse(start);
    return (
      typeof parsed === 'object' && parsed !== null && Array.isArray((parsed as { data?: unknown }).data)
    );
  } catch {
    return false;
  }
}
