import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Instant, MrrSpan } from '../../src/index.ts';

/** A file of the shared real datasets (never copied into the repository). */
export function dataset(path: string): string {
  return resolve(import.meta.dirname, '../../../..', '../shared/datasets', path);
}

/** The lines of a file as node's readline yields them: a real stream, no terminators. */
export function readLines(path: string): AsyncIterable<string> {
  return createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
}

/** Yields the given lines asynchronously. */
export async function* asyncLines(lines: readonly string[]): AsyncGenerator<string> {
  for (const line of lines) yield line;
}

/** Serialises a table as CSV, quoting where needed and elsewhere as `quote` says. */
export function toCsv(
  table: readonly (readonly string[])[],
  style: { crlf: boolean; bom: boolean; trailing: boolean; quote: readonly boolean[] },
  delimiter = ',',
  /** Quote every field holding any of the delimiters the reader sniffs (`,`, `;`, tab), not only `delimiter`. */
  quoteDelimiters = false,
): string {
  const special = quoteDelimiters
    ? /[",;\t\n]/
    : new RegExp(`["\n${delimiter === '\t' ? '\\t' : delimiter}]`);
  const eol = style.crlf ? '\r\n' : '\n';
  let k = 0;
  const lines = table.map((record) =>
    record
      .map((field) => {
        const mustQuote = special.test(field) || (record.length === 1 && field === '');
        const quote = mustQuote || (style.quote[k++ % style.quote.length] ?? false);
        return quote ? `"${field.replaceAll('"', '""').replaceAll('\n', eol)}"` : field;
      })
      .join(delimiter),
  );
  return (style.bom ? '\uFEFF' : '') + lines.join(eol) + (style.trailing ? eol : '');
}

/** Sum of the MRR of the spans active at an instant (start ≤ t < end), in units. */
export function mrrAt(spans: readonly MrrSpan[], at: Instant): number {
  let total = 0;
  for (const span of spans) {
    if (span.start <= at && (span.end === null || at < span.end)) total += span.mrr;
  }
  return total;
}

/** Midnight UTC of an ISO date. */
export function day(iso: string): Instant {
  const instant = Date.parse(`${iso}T00:00:00Z`);
  if (Number.isNaN(instant)) throw new Error(`bad test date ${iso}`);
  return instant;
}
