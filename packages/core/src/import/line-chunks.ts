/**
 * Where CSV text comes from, and how it is cut into lines and chunks of lines for the readers.
 */

/**
 * Where CSV text comes from: the whole text, or an iterable (sync or async) of physical lines
 * WITHOUT their terminators, as node's `readline` yields them. A quoted field that spans lines is
 * rejoined with `"\n"` (so a quoted CRLF comes back as `"\n"`, whichever source is used).
 */
export type LineSource = string | Iterable<string> | AsyncIterable<string>;

/**
 * Lines delivered in chunks: each item is an array of consecutive physical lines, each WITHOUT its
 * terminator (as {@link LineSource}'s lines). A chunk may end anywhere, even inside a quoted field
 * that spans lines. Readers that accept chunks tell them from single lines by `Array.isArray`, so
 * one async iterable may even mix both.
 */
export type LineChunks = AsyncIterable<readonly string[]>;

/** Lines per chunk when a reader groups the lines of a text or of a line iterable itself. */
export const LINES_PER_CHUNK = 1024;

/**
 * The lines of a source as chunks: a text or a sync iterable in chunks of {@link LINES_PER_CHUNK}
 * lines; an async iterable chunk by chunk for its array items and in chunks of up to
 * {@link LINES_PER_CHUNK} for its single lines. If the source throws, the lines already received are
 * yielded first, then the error is rethrown, as a line-by-line reader would have read them first.
 */
export async function* lineChunks(
  source: LineSource | LineChunks,
): AsyncGenerator<readonly string[], void, undefined> {
  if (typeof source === 'string') {
    yield* textChunks(source);
    return;
  }
  let pending: string[] = [];
  try {
    // A sync iterable of lines too: `for await` reads it the same way.
    for await (const item of source as AsyncIterable<string | readonly string[]> | Iterable<string>) {
      if (Array.isArray(item)) {
        if (pending.length > 0) {
          const chunk = pending;
          pending = [];
          yield chunk;
        }
        yield item as readonly string[];
        continue;
      }
      pending.push(item as string);
      if (pending.length >= LINES_PER_CHUNK) {
        const chunk = pending;
        pending = [];
        yield chunk;
      }
    }
  } catch (error) {
    if (pending.length > 0) yield pending;
    throw error;
  }
  if (pending.length > 0) yield pending;
}

/** The physical lines of a text (split at `\n`) in chunks of {@link LINES_PER_CHUNK}. */
function* textChunks(text: string): Generator<string[], void, undefined> {
  let start = 0;
  let chunk: string[] = [];
  for (;;) {
    const end = text.indexOf('\n', start);
    if (end === -1) {
      chunk.push(text.slice(start));
      yield chunk;
      return;
    }
    chunk.push(text.slice(start, end));
    start = end + 1;
    if (chunk.length === LINES_PER_CHUNK) {
      yield chunk;
      chunk = [];
    }
  }
}

/** Splits a text into physical lines at `\n` (a `\r` before it is dropped by the parser). */
export function* linesOf(text: string): Generator<string, void, undefined> {
  let start = 0;
  for (;;) {
    const end = text.indexOf('\n', start);
    if (end === -1) {
      yield text.slice(start);
      return;
    }
    yield text.slice(start, end);
    start = end + 1;
  }
}
