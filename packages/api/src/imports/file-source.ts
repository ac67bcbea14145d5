/** Reads a file as a stream of lines, so an import never holds the whole file in memory. */
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';

/**
 * The lines of a UTF-8 file, without line ends (LF or CRLF). Reading starts when iteration does
 * and follows the consumer (stream backpressure), so nothing is buffered or lost while an import
 * waits on the database. Throws if the file cannot be read.
 */
export async function fileLines(path: string): Promise<AsyncIterable<string>> {
  await access(path);
  return splitLines(createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 16 }));
}

/** Splits text chunks into lines (LF or CRLF), keeping a last line without a line end. */
export async function* splitLines(chunks: AsyncIterable<string | Buffer>): AsyncGenerator<string> {
  let rest = '';
  for await (const chunk of chunks) {
    const parts = (rest + String(chunk)).split('\n');
    rest = parts.pop() ?? '';
    for (const part of parts) yield part.endsWith('\r') ? part.slice(0, -1) : part;
  }
  if (rest !== '') yield rest.endsWith('\r') ? rest.slice(0, -1) : rest;
}
