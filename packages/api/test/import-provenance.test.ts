/**
 * Issue 17: API callers never see where on the operator's machine an import came from, nor who ran
 * it there: a CLI import records only its file's base name and `cli`, and `imports` shows just that
 * (also for records written before, which held the path and `cli:<user>`).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.ts';
import { openDatabase } from '../src/db/connect.ts';
import { imports } from '../src/db/schema.ts';
import { withTenant } from '../src/db/tenant-scope.ts';
import {
  DATABASE_KINDS,
  graphql,
  openTestDatabase,
  TEST_TOKEN_SECRET,
  type TestDatabase,
  tenantWithKey,
  testApi,
} from './harness.ts';

type Records = { imports: { source: string; actor: string }[] };

describe('nrr import, then the imports query', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nrr-provenance-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const nrr = async (...argv: string[]) => {
    const out: string[] = [];
    const code = await runCli(
      argv,
      (line) => out.push(line),
      (line) => out.push(line),
      {
        NRR_DATA_DIR: join(dir, 'db'),
        NRR_TOKEN_SECRET: TEST_TOKEN_SECRET,
      },
    );
    return { code, out };
  };

  it('records and shows only the base name and the actor cli, never the directory or OS user', async () => {
    const folder = join(dir, 'home', 'operator-private');
    mkdirSync(folder, { recursive: true });
    const file = join(folder, 'billing export.csv');
    writeFileSync(
      file,
      'subscription_id,customer_id,start_date,end_date,monthly_amount\nx1,c1,2024-01-01,2024-03-01,10\n',
    );
    expect((await nrr('import', '--tenant', 'prov', '--format', 'periods', file)).code).toBe(0);
    const secret = (await nrr('keys', 'create', '--tenant', 'prov')).out.at(-1) ?? '';

    const database = await openDatabase({ kind: 'pglite', dataDir: join(dir, 'db') });
    try {
      const { body } = await graphql<Records>(testApi(database), '{ imports { source actor } }', {
        credential: secret,
      });
      expect(body.data?.imports).toEqual([{ source: 'billing export.csv', actor: 'cli' }]);
      const text = JSON.stringify(body);
      expect(text).not.toContain('operator-private');
      expect(text).not.toContain(`cli:${userInfo().username}`);
      // Nor are they stored (a database dump or backup would carry them): the command line is the actor.
      const [stored] = await withTenant(database.db, 'prov', (tx) => tx.select().from(imports));
      expect(stored?.actor).toBe('cli');
      expect(stored?.source).toBe('billing export.csv');
    } finally {
      await database.close();
    }

    const listed = await nrr('imports', 'list', '--tenant', 'prov');
    expect(listed.code).toBe(0);
    expect(listed.out).toHaveLength(1);
    expect(listed.out[0]).toMatch(/^imp_\S+\tSUCCEEDED\t\S+\tperiods\t1 read\t1 stored\t0 errors\tcli\t/);
    expect(listed.out[0]?.endsWith('\tbilling export.csv')).toBe(true);
    expect(listed.out[0]).not.toContain('operator-private');
  });
});

describe.each(DATABASE_KINDS)('import records written before issue 17, on %s', (kind) => {
  let test: TestDatabase;
  let secret: string;
  beforeAll(async () => {
    test = await openTestDatabase(kind);
    secret = await tenantWithKey(test.database, 'legacy');
    const record = (importId: string, source: string, actor: string, at: string) => ({
      tenantId: 'legacy',
      importId,
      format: 'periods',
      source,
      actor,
      status: 'SUCCEEDED',
      startedAt: new Date(at),
      finishedAt: new Date(at),
      rowsRead: 1,
      rowsStored: 1,
      rowsUnchanged: 0,
      customersAffected: 1,
      errorCount: 0,
    });
    await withTenant(test.database.db, 'legacy', (tx) =>
      tx
        .insert(imports)
        .values([
          record('imp_1', '/home/alice/exports/q1.csv', 'cli:alice', '2024-01-01T00:00:00Z'),
          record('imp_2', 'C:\\Users\\bob\\Desktop\\q2.csv', 'cli:bob', '2024-01-02T00:00:00Z'),
          record('imp_3', 'graphql', 'key:key_0123', '2024-01-03T00:00:00Z'),
        ]),
    );
  });
  afterAll(() => test.dispose());

  it('show API callers neither the directory nor the OS user', async () => {
    const { body } = await graphql<Records>(testApi(test.database), '{ imports { source actor } }', {
      credential: secret,
    });
    expect(body.data?.imports).toEqual([
      { source: 'graphql', actor: 'key:key_0123' },
      { source: 'q2.csv', actor: 'cli' },
      { source: 'q1.csv', actor: 'cli' },
    ]);
    expect(JSON.stringify(body)).not.toMatch(/alice|bob|home|Users/);
  });
});
