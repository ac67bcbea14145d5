/**
 * The PGlite data directory is its owner's only: PGlite unpacks a new cluster's files with mode
 * 0666 (whatever the umask), so any local user could rewrite the tenants, keys and spans. After
 * an open, an import and a close, nothing under the directory may be group- or world-writable and
 * the directory itself is not readable by others; a directory left so by an earlier version is
 * repaired when it is next opened.
 */
import { lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv } from '../src/config.ts';
import { openDatabase } from '../src/db/connect.ts';
import { runImport } from '../src/imports/run-import.ts';
import { periodsText } from './hardening/support.ts';

/** Every path under `dir` (itself included) whose mode grants `mask`, as `path 0mode`. */
function granting(dir: string, mask: number): string[] {
  const found: string[] = [];
  const visit = (path: string) => {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) return;
    if ((stat.mode & mask) !== 0) found.push(`${path} 0${(stat.mode & 0o777).toString(8)}`);
    if (stat.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  visit(dir);
  return found;
}

describe('PGlite data directory permissions', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'nrr-modes-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('leaves nothing under a new data directory group- or world-writable, and the directory owner-only', async () => {
    const dataDir = join(root, 'new', 'data');
    configFromEnv({ NRR_DATA_DIR: dataDir }); // writes the generated token secret into it
    const database = await openDatabase({ kind: 'pglite', dataDir });
    await database.migrate();
    await runImport(database.db, {
      tenantId: 'acme',
      format: 'periods',
      source: periodsText(40),
      sourceName: 'modes',
      actor: 'test',
      createTenant: true,
    });
    await database.close();
    expect(granting(dataDir, 0o022)).toEqual([]);
    expect(lstatSync(dataDir).mode & 0o077).toBe(0);
  });

  it('repairs a data directory an earlier version left world-writable when it is next opened', async () => {
    const dataDir = join(root, 'old');
    const earlier = new PGlite(dataDir);
    await earlier.waitReady;
    await earlier.close();
    expect(granting(dataDir, 0o002).length).toBeGreaterThan(0); // what PGlite alone leaves
    const database = await openDatabase({ kind: 'pglite', dataDir });
    await database.close();
    expect(granting(dataDir, 0o022)).toEqual([]);
    expect(lstatSync(dataDir).mode & 0o077).toBe(0);
  });
});
