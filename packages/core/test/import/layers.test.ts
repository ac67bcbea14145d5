import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '../../src');

/** The modules a folder of src imports, as `file → specifier`. */
function importsOf(folder: string): string[] {
  const found: string[] = [];
  for (const file of readdirSync(join(SRC, folder))) {
    const text = readFileSync(join(SRC, folder, file), 'utf8');
    for (const match of text.matchAll(/from '([^']+)'/g)) found.push(`${folder}/${file} → ${match[1]}`);
  }
  return found;
}

describe('importers parse, normalisers turn rows into spans: the layers point one way', () => {
  it('no importer imports a normaliser', () => {
    const upward = importsOf('import').filter((entry) => entry.includes('../normalize/'));
    expect(upward).toEqual([]);
  });

  it('normalisers use the importers only for their row types and constants', () => {
    const fromImport = importsOf('normalize').filter((entry) => entry.includes('../import/'));
    expect(fromImport.map((entry) => entry.split(' → ')[1]).sort()).toEqual([
      '../import/billing-interval.ts',
      '../import/event-types.ts',
      '../import/invoice-lines.ts',
    ]);
  });
});
