import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isControlCharacter } from '@nrr/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/connect.ts';
import { mrrSpans } from '../src/db/schema.ts';
import { DBT_PERIODS, DISPLAYR_INVOICE_LINES } from './datasets.ts';
import { graphql, runNrr, testApi } from './harness.ts';

const nrr = (dir: string, ...argv: string[]) => runNrr(dir, argv);

describe('nrr command line (embedded PGlite in a directory)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nrr-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('imports a file, creating the tenant, and says what it stored', async () => {
    const first = await nrr(
      dir,
      'import',
      '--tenant',
      'dbt',
      '--format',
      'periods',
      '--currency',
      'USD',
      DBT_PERIODS,
    );
    expect(first.code).toBe(0);
    expect(first.out[0]).toMatch(
      /^imported .* into dbt: 121 rows read, 121 spans stored, 0 unchanged, \d+ customers updated/,
    );
    const again = await nrr(dir, 'import', '--tenant', 'dbt', '--format', 'periods', DBT_PERIODS);
    expect(again.out[0]).toMatch(/121 rows read, 0 spans stored, 121 unchanged, 0 customers updated/);
  });

  it('imports invoice lines with --map', async () => {
    const result = await nrr(
      dir,
      'import',
      '--tenant',
      'displayr',
      '--format',
      'invoice-lines',
      '--currency',
      'AUD',
      '--map',
      'name=customer',
      '--map',
      'ValidFrom=from',
      '--map',
      'ValidTo=to',
      '--map',
      'AUD=amount',
      DISPLAYR_INVOICE_LINES,
    );
    expect(result.err).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.out[0]).toMatch(/into displayr: 3769 rows read/);
  });

  it('stores nothing from a file with one bad row and names the row', async () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(
      file,
      'subscription_id,customer_id,start_date,end_date,monthly_amount\n' +
        'x1,c1,2024-01-01,2024-03-01,10\n' +
        'x2,c2,2024-01-01,2024-13-01,20\n' +
        'x3,c3,2024-01-01,2024-03-01,30\n',
    );
    const result = await nrr(dir, 'import', '--tenant', 'badco', '--format', 'periods', file);
    expect(result.code).toBe(1);
    expect(result.err[0]).toMatch(
      /^nothing was imported: 1 invalid row in 3 read; nothing was imported\. First: line 3, field "end_date"/,
    );
    const database = await openDatabase({ kind: 'pglite', dataDir: dir });
    try {
      const rows = await database.db.select().from(mrrSpans);
      expect(rows.filter((row) => row.tenantId === 'badco')).toEqual([]);
    } finally {
      await database.close();
    }
  });

  it('prints control characters from a bad file escaped, never raw', async () => {
    const file = join(dir, 'hostile.csv');
    writeFileSync(
      file,
      'subscription_id,customer_id,start_date,end_date,monthly_amount,\u001b]0;pwned\u0007\n' +
        'x1,c1,2024-01-01,2024-13-01\u009b2J\u202e,10,x\n' +
        'x2,c2,2024-01-01,2024-03-01,ten\u001b[8m,y\n',
    );
    const result = await nrr(dir, 'import', '--tenant', 'hostile', '--format', 'periods', file);
    expect(result.code).toBe(1);
    const printed = [...result.out, ...result.err].join('\n');
    const raw = [...printed].filter((char) => char !== '\n' && isControlCharacter(char.codePointAt(0) ?? 0));
    expect(raw).toEqual([]);
    expect(printed).toContain('2024-13-01\\x9b2J\\u202e');
  });

  it('explains a bad --map', async () => {
    const result = await nrr(
      dir,
      'import',
      '--tenant',
      'x',
      '--format',
      'invoice-lines',
      '--map',
      'name=client',
      DISPLAYR_INVOICE_LINES,
    );
    expect(result.code).toBe(1);
    expect(result.err[0]).toContain('unknown field "client"');
  });

  it('creates a key whose last output line is the secret, lists and revokes it', async () => {
    const created = await nrr(dir, 'keys', 'create', '--tenant', 'dbt', '--name', 'analyst');
    expect(created.code).toBe(0);
    const secret = created.out.at(-1) ?? '';
    expect(secret).toMatch(/^nrr_sk_[A-Za-z0-9_-]{32}$/);
    const keyId = /key (key_[0-9a-f]+)/.exec(created.out[0] ?? '')?.[1] ?? '';

    const database = await openDatabase({ kind: 'pglite', dataDir: dir });
    try {
      const api = testApi(database);
      const { body } = await graphql(
        api,
        '{ viewer { tenant { id } } retention(input: { from: "2019-01-01", to: "2020-01-01" }) { startingMrr { amount } } }',
        {
          credential: secret,
        },
      );
      expect(body.data).toMatchObject({ viewer: { tenant: { id: 'dbt' } } });
    } finally {
      await database.close();
    }
    const listed = await nrr(dir, 'keys', 'list', '--tenant', 'dbt');
    expect(listed.out.join('\n')).toContain(`${keyId}\tread\tactive`);
    expect(listed.out.join('\n')).not.toContain(secret);
    expect((await nrr(dir, 'keys', 'revoke', '--tenant', 'dbt', keyId)).code).toBe(0);
    expect((await nrr(dir, 'keys', 'list', '--tenant', 'dbt')).out.join('\n')).toContain(
      `${keyId}\tread\trevoked`,
    );
  });

  it('loads a small demo tenant once', async () => {
    const { loadDemoTenant } = await import('../src/demo.ts');
    const database = await openDatabase({ kind: 'pglite', dataDir: dir });
    try {
      const first = await loadDemoTenant(database.db, {
        tenantId: 'tiny',
        customers: 40,
        months: 12,
        start: Date.UTC(2024, 0, 1),
      });
      expect(first.created).toBe(true);
      const second = await loadDemoTenant(database.db, {
        tenantId: 'tiny',
        customers: 40,
        months: 12,
        start: Date.UTC(2024, 0, 1),
      });
      expect(second).toEqual({ created: false, summary: 'already loaded' });
      const secret = (await import('../src/auth/keys.ts')).createApiKey(database.db, { tenantId: 'tiny' });
      const api = testApi(database);
      const { body } = await graphql<{
        viewer: { tenant: { currencies: string[] } };
        customers: { totalCount: number };
      }>(api, '{ viewer { tenant { currencies } } customers { totalCount } }', {
        credential: (await secret).secret,
      });
      expect(body.data?.customers.totalCount).toBe(40);
      expect(body.data?.viewer.tenant.currencies).toEqual(['EUR', 'USD']);
    } finally {
      await database.close();
    }
  });
});
