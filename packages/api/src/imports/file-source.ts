/** Reads a file as a stream of lines, so an import never holds the whole file in memory. */
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';

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
 * block read (64 KiB), so that a consumer handles a block's lines without a turn of the event loop
 * per line. Throws if the file cannot be read.
 */
export async function fileLineChunks(path: string): Promise<AsyncIterable<readonly string[]>> {
  await access(path);
  return splitLineChunks(createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 16 }));
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
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] as string;
      if (part.charCodeAt(part.length - 1) === 13) parts[i] = part.slice(0, -1);
    }
    yield parts;
  }
  if (rest !== '') yield [rest.endsWith('\r') ? rest.slice(0, -1) : rest];
}

/** The lines of chunks of lines, one at a time. */
export async function* flattenChunks(chunks: AsyncIterable<readonly string[]>): AsyncGenerator<string> {
  for await (const chunk of chunks) yield* chunk;
}
