/**
 * Hardening, faults on the embedded database: `nrr import` into a PGlite directory, killed with
 * SIGKILL once it has provably read half of a large file (its descriptor's position in /proc),
 * leaves the tenant exactly as before (PGlite recovers its write-ahead log on the next open), and
 * re-running the same command completes. The Postgres faults are in faults.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/connect.ts';
import { runImport } from '../../src/imports/run-import.ts';
import { exitOf, killImportHalfway, LARGE_ROWS, startCli } from './cli-process.ts';
import { periodLines, periodsText, tenantState } from './support.ts';

describe('an import killed with SIGKILL half-way (PGlite directory)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nrr-kill-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves the tenant exactly as before, and re-running completes', async () => {
    const dataDir = join(dir, 'data');
    const seeding = await openDatabase({ kind: 'pglite', dataDir });
    await seeding.migrate();
    await runImport(seeding.db, {
      tenantId: 'acme',
      format: 'periods',
      source: periodsText(50, 'seed'),
      sourceName: 'seed',
      actor: 'test',
      createTenant: true,
    });
    await seeding.close();

    const stateOf = async () => {
      const database = await openDatabase({ kind: 'pglite', dataDir });
      try {
        return await tenantState(database, 'acme');
      } finally {
        await database.close();
      }
    };
    const before = await stateOf();
    expect(before.spans).toBe(50);

    const file = join(dir, 'large.csv');
    writeFileSync(file, `${[...periodLines(LARGE_ROWS, 'big')].join('\n')}\n`);
    await killImportHalfway(file, { NRR_DATA_DIR: dataDir }, async () => {});
    expect(await stateOf()).toEqual(before);

    const rerun = startCli(['import', '--tenant', 'acme', '--format', 'periods', file], {
      NRR_DATA_DIR: dataDir,
    });
    expect((await exitOf(rerun.child)).code, rerun.output()).toBe(0);
    expect(rerun.output()).toContain(`${LARGE_ROWS} rows read, ${LARGE_ROWS} spans stored`);
    const after = await stateOf();
    expect(after.spans).toBe(50 + LARGE_ROWS);
    expect(after.succeededImports).toBe(before.succeededImports + 1);
  }, 240_000);
});
