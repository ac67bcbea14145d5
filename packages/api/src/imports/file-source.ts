/** Reads a file as a stream of lines, so an import never holds the whole file in memory. */
import { constants } from 'node:fs';
import { access, open } from 'node:fs/promises';

/**
 * The lines of a UTF-8 file, without line ends (LF or CRLF). Reading starts when iteration does
 * and follows the consumer (stream backpressure), so nothing is buffered or lost while an import
 * waits on the database. Throws if the file cannot be read.
 */
export async function fileLines(path: string): Promise<AsyncIterable<string>> {
  return flattenChunks(await fileLineChunks(path));
}

/**
 * The lines of a UTF-8 file as {@link fileLines} reads them, in chunks: one array of lines per
 * block read (256 KiB, or more for a longer line), so that a consumer handles a block's lines
 * without a turn of the event loop per line. Throws if the file cannot be read.
 */
export async function fileLineChunks(path: string): Promise<AsyncIterable<readonly string[]>> {
  await access(path, constants.R_OK);
  return readLineChunks(path);
}

/** Bytes read at a time by {@link fileLineChunks}. */
const READ_BYTES = 1 << 18;

/**
 * Reads blocks into one reused buffer and decodes each up to its last line feed, carrying the rest
 * (never part of a line feed: UTF-8 continuation bytes are not 0x0A) to the next block. No buffer
 * per block, and no string joined across blocks: a large import's reading costs no garbage beyond
 * its lines. The file is opened when iteration starts and closed when it ends.
 */
async function* readLineChunks(path: string): AsyncGenerator<string[]> {
  const handle = await open(path, 'r');
  try {
    let buffer = Buffer.allocUnsafe(READ_BYTES);
    let filled = 0;
    for (;;) {
      if (filled === buffer.length) {
        // A line longer than the buffer: a larger one.
        const larger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(larger, 0, 0, filled);
        buffer = larger;
      }
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, null);
      if (bytesRead === 0) break;
      filled += bytesRead;
      const end = buffer.lastIndexOf(LINE_FEED, filled - 1);
      if (end === -1) continue;
      const lines = buffer.toString('utf8', 0, end).split('\n');
      buffer.copy(buffer, 0, end + 1, filled);
      filled -= end + 1;
      yield withoutCarriageReturns(lines);
    }
    if (filled > 0) yield withoutCarriageReturns([buffer.toString('utf8', 0, filled)]);
  } finally {
    await handle.close();
  }
}

const LINE_FEED = 10;

/** The lines, each without a carriage return at its end (CRLF files). */
function withoutCarriageReturns(lines: string[]): string[] {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.charCodeAt(line.length - 1) === 13) lines[i] = line.slice(0, -1);
  }
  return lines;
}

/** Splits text chunks into lines (LF or CRLF), keeping a last line without a line end. */
export async function* splitLines(chunks: AsyncIterable<string | Buffer>): AsyncGenerator<string> {
  yield* flattenChunks(splitLineChunks(chunks));
}

/** Splits text chunks into arrays of lines (LF or CRLF), keeping a last line without a line end. */
export async function* splitLineChunks(chunks: AsyncIterable<string | Buffer>): AsyncGenerator<string[]> {
  let rest = '';
  for await (const chunk of chunks) {
    const parts = (rest + String(chunk)).split('\n');
    rest = parts.pop() ?? '';
    if (parts.length === 0) continue;
    yield withoutCarriageReturns(parts);
  }
  if (rest !== '') yield [rest.endsWith('\r') ? rest.slice(0, -1) : rest];
}

/** The lines of chunks of lines, one at a time. */
export async function* flattenChunks(chunks: AsyncIterable<readonly string[]>): AsyncGenerator<string> {
  for await (const chunk of chunks) yield* chunk;
}
