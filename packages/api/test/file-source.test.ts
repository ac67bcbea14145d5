import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileLineChunks, fileLines, splitLineChunks, splitLines } from '../src/imports/file-source.ts';

describe('fileLines', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nrr-lines-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loses no line when the consumer starts late (an import awaiting the database)', async () => {
    const file = join(dir, 'many.csv');
    const expected = Array.from({ length: 50_000 }, (_, i) => `row ${i},${'x'.repeat(i % 50)}`);
    writeFileSync(file, `${expected.join('\r\n')}\r\n`);
    const lines = await fileLines(file);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const seen: string[] = [];
    for await (const line of lines) seen.push(line);
    expect(seen).toEqual(expected);
  });

  it('splits across chunk boundaries and keeps a last line without a line end', async () => {
    async function* chunks() {
      yield 'a,b\nc';
      yield ',d\r';
      yield '\ne,f';
    }
    const seen: string[] = [];
    for await (const line of splitLines(chunks())) seen.push(line);
    expect(seen).toEqual(['a,b', 'c,d', 'e,f']);
  });

  it('reads the same lines in chunks, one array per block read', async () => {
    const file = join(dir, 'chunked.csv');
    const expected = Array.from({ length: 30_000 }, (_, i) => `row ${i},${'é'.repeat(i % 40)}`);
    writeFileSync(file, `${expected.join('\r\n')}\r\n`);
    const chunks: (readonly string[])[] = [];
    for await (const chunk of await fileLineChunks(file)) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(4); // about 1.9 MB in blocks of 256 KiB
    expect(chunks.flat()).toEqual(expected);
    const lines: string[] = [];
    for await (const line of await fileLines(file)) lines.push(line);
    expect(lines).toEqual(expected);
  });

  it('splits chunks of lines across block boundaries, CR before LF in another block included', async () => {
    async function* chunks() {
      yield 'a,b\nc';
      yield ',d\r';
      yield '\ne,f';
    }
    const seen: string[][] = [];
    for await (const chunk of splitLineChunks(chunks())) seen.push(chunk);
    expect(seen).toEqual([['a,b'], ['c,d'], ['e,f']]);
  });

  it('reads characters, line ends and lines that straddle the blocks it reads', async () => {
    const block = 1 << 18; // the block fileLineChunks reads
    const cases: Record<string, string> = {
      // A 4-byte character whose bytes span two blocks.
      emoji: `${'a'.repeat(block - 2)}😀,x\nnext,line\n`,
      // CR the last byte of a block, its LF the first of the next.
      crlf: `${'b'.repeat(block - 1)}\r\nc,d\r\ne,f`,
      // A line two and a half blocks long, between short ones, no line end at the end.
      long: `short\n${'é'.repeat(block + 7)}\nlast`,
      empty: '',
      blankLines: '\n\na\n\n',
    };
    for (const [name, text] of Object.entries(cases)) {
      const file = join(dir, `${name}.csv`);
      writeFileSync(file, text);
      const expected = text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
      if (expected.at(-1) === '') expected.pop();
      const chunks: (readonly string[])[] = [];
      for await (const chunk of await fileLineChunks(file)) chunks.push(chunk);
      expect(chunks.flat(), name).toEqual(expected);
      for (const chunk of chunks) expect(chunk.length, name).toBeGreaterThan(0);
    }
  });

  it('refuses a file that does not exist', async () => {
    await expect(fileLines(join(dir, 'missing.csv'))).rejects.toThrow(/ENOENT/);
    await expect(fileLineChunks(join(dir, 'missing.csv'))).rejects.toThrow(/ENOENT/);
  });
});
