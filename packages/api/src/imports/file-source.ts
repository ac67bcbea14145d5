/** Reads a file as a stream of lines, so an import never holds the whole file in memory. */
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { createInterface } from 'node:readline';

/** The lines of a UTF-8 file, without line ends. Throws if the file cannot be read. */
export async function fileLines(path: string): Promise<AsyncIterable<string>> {
  await access(path);
  return createInterface({
    input: createReadStream(path, { encoding: 'utf8' }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
}
