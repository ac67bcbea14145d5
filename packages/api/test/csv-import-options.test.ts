/**
 * What a CSV exported the way a spreadsheet in another locale writes it needs: semicolon or tab
 * delimiters, decimal commas, its own column names; and a failed import that leaves nothing
 * behind, not even the tenant it would have created.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/connect.ts';
import { imports, mrrSpans } from '../src/db/schema.ts';
import { ImportFailed, runImport } from '../src/imports/run-import.ts';
import { ensureTenant, findTenant, listTenants } from '../src/tenants.ts';
import type { Api } from '../src/yoga.ts';
import {
  DATABASE_KINDS,
  graphql,
  openTestDatabase,
  runNrr,
  type TestDatabase,
  tenantWithKey,
  testApi,
} from './harness.ts';

/** A periods file as a German spreadsheet exports it: semicolons, decimal commas, its own names. */
const LOCALE_PERIODS =
  'Abo;Kunde;Beginn;Ende;MRR;Plan\n' +
  'a1;k1;2024-01-01;2024-04-01;1.234,50;Pro\n' +
  'a2;k2;2024-02-01;;49,99;Basic\n';
const LOCALE_MAP = [
  '--map',
  'Abo=subscription_id',
  '--map',
  'Kunde=customer_id',
  '--map',
  'Beginn=start_date',
  '--map',
  'Ende=end_date',
  '--map',
  'MRR=monthly_amount',
];
const STRICT_HINT =
  'a decimal number such as 49.99 (no currency symbols, thousands separators or exponents); for amounts written like 1,234.50 or 1.234,50, name the decimal separator (decimal option; nrr import --decimal . or --decimal ,)';

describe('nrr import: delimiters, decimals, mappings and new tenants (embedded PGlite)', () => {
  let dir: string;
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const nrr = (...argv: string[]) => runNrr(dir, argv);
  async function spansOf(tenantId: string) {
    const database = await openDatabase({ kind: 'pglite', dataDir: dir });
    try {
      const rows = await database.db.select().from(mrrSpans).where(eq(mrrSpans.tenantId, tenantId));
      return rows.map((row) => [row.subscriptionId, row.customerId, row.mrr]).sort();
    } finally {
      await database.close();
    }
  }
  const tenantIds = async () => (await nrr('tenants', 'list')).out.map((line) => line.split('\t')[0]);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nrr-csv-options-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('imports a semicolon file with decimal commas and its own column names', async () => {
    const path = file('perioden.csv', LOCALE_PERIODS);
    const result = await nrr(
      'import',
      '--tenant',
      'locale',
      '--format',
      'periods',
      '--decimal',
      ',',
      ...LOCALE_MAP,
      path,
    );
    expect(result.err).toEqual([]);
    expect(result.out[0]).toMatch(
      /^imported .* into locale: 2 rows read, 2 spans stored, 0 unchanged, 2 customers updated/,
    );
    expect(await spansOf('locale')).toEqual([
      ['a1', 'k1', '1234.5000'],
      ['a2', 'k2', '49.9900'],
    ]);
  });

  it("runs the README's example as written, from the repository's root", async () => {
    const root = resolve(import.meta.dirname, '../../..');
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('CSV files as spreadsheets')))?.[1];
    const command = (block ?? '')
      .replace(/\\\n\s*/g, ' ')
      .split('\n')
      .find((line) => line.startsWith('pnpm nrr import'));
    const argv = (command ?? '').slice('pnpm nrr '.length).split(/\s+/);
    expect(argv.at(-1)).toBe('examples/data/perioden.csv');
    expect(readFileSync(join(root, 'examples/data/perioden.csv'), 'utf8')).toBe(LOCALE_PERIODS);
    const result = await runNrr(dir, [...argv.slice(0, -1), join(root, 'examples/data/perioden.csv')]);
    expect(result.err).toEqual([]);
    expect(await spansOf('de')).toEqual([
      ['a1', 'k1', '1234.5000'],
      ['a2', 'k2', '49.9900'],
    ]);
  });

  it('imports a tab-separated file without being told', async () => {
    const path = file(
      'periods.tsv',
      'subscription_id\tcustomer_id\tstart_date\tend_date\tmonthly_amount\ns1\tc1\t2024-01-01\t\t10\n',
    );
    const result = await nrr('import', '--tenant', 'tabs', '--format', 'periods', path);
    expect(result.err).toEqual([]);
    expect(await spansOf('tabs')).toEqual([['s1', 'c1', '10.0000']]);
  });

  it('refuses 1,234.50 without --decimal, naming the row, the field and the option, and leaves no tenant', async () => {
    const path = file(
      'grouped.csv',
      'subscription_id,customer_id,start_date,end_date,monthly_amount\ns1,c1,2024-01-01,,"1,234.50"\n',
    );
    const result = await nrr('import', '--tenant', 'grouped', '--format', 'periods', path);
    expect(result.code).toBe(1);
    expect(result.err[0]).toContain(
      `line 2, field "monthly_amount": got "1,234.50", expected ${STRICT_HINT}`,
    );
    expect(await tenantIds()).not.toContain('grouped');
    const fixed = await nrr('import', '--tenant', 'grouped', '--format', 'periods', '--decimal', '.', path);
    expect(fixed.err).toEqual([]);
    expect(await spansOf('grouped')).toEqual([['s1', 'c1', '1234.5000']]);
  });

  it('leaves no tenant behind when the file of a new tenant fails, and keeps an existing one', async () => {
    const bad = file(
      'bad.csv',
      'subscription_id,customer_id,start_date,end_date,monthly_amount\ns1,c1,2024-13-01,,1\n',
    );
    const before = await tenantIds();
    const failed = await nrr('import', '--tenant', 'newco', '--format', 'periods', bad);
    expect(failed.code).toBe(1);
    expect(failed.err[0]).toMatch(/line 2, field "start_date"/);
    expect(await tenantIds()).toEqual(before);
    // A tenant that exists keeps its data and gets the failure in its history.
    const again = await nrr('import', '--tenant', 'de', '--format', 'periods', bad);
    expect(again.code).toBe(1);
    expect(await tenantIds()).toEqual(before);
    expect((await nrr('imports', 'list', '--tenant', 'de')).out.map((line) => line.split('\t')[1])).toEqual([
      'FAILED',
      'SUCCEEDED',
    ]);
    expect(await spansOf('de')).toHaveLength(2);
  });

  it('leaves no tenant behind when the mapping is wrong or the file is missing a mapped column', async () => {
    const path = file('perioden2.csv', LOCALE_PERIODS);
    const unknown = await nrr(
      'import',
      '--tenant',
      'maps',
      '--format',
      'periods',
      '--map',
      'Abo=subscription',
      path,
    );
    expect(unknown.err[0]).toContain(
      '--map Abo=subscription: unknown field "subscription", expected one of subscription_id, customer_id, start_date, end_date, monthly_amount, currency',
    );
    const missing = await nrr('import', '--tenant', 'maps', '--format', 'periods', '--decimal', ',', path);
    expect(missing.code).toBe(1);
    expect(missing.err[0]).toContain(
      'line 1, field "subscription_id, customer_id, start_date, end_date, monthly_amount"',
    );
    expect(await tenantIds()).not.toContain('maps');
  });

  it.each([
    [['--delimiter', '|'], '--delimiter: got "|", expected , or ; or tab'],
    [
      ['--decimal', 'comma'],
      '--decimal: got "comma", expected . (amounts like 1,234.50) or , (amounts like 1.234,50)',
    ],
  ])('explains a bad %j', async (option, message) => {
    const path = file('ok.csv', LOCALE_PERIODS);
    const result = await nrr('import', '--tenant', 'opts', '--format', 'periods', ...option, path);
    expect(result.code).not.toBe(0);
    expect(result.err.join('\n')).toContain(message);
    expect(await tenantIds()).not.toContain('opts');
  });

  it('refuses --map and --decimal for events', async () => {
    const path = file('events.ndjson', '{}\n');
    const map = await nrr('import', '--tenant', 'ev', '--format', 'events', '--map', 'a=customer', path);
    expect(map.err.join('\n')).toContain('--map applies to --format invoice-lines and periods');
    const decimal = await nrr('import', '--tenant', 'ev', '--format', 'events', '--decimal', ',', path);
    expect(decimal.err.join('\n')).toContain(
      '--delimiter and --decimal apply to CSV files (periods, invoice-lines)',
    );
  });
});

const IMPORT = `mutation ($input: ImportDataInput!) {
  importData(input: $input) { status rowsRead rowsStored errorCount }
}`;

describe.each(DATABASE_KINDS)('CSV options and new tenants on %s', (kind) => {
  let test: TestDatabase;
  let api: Api;
  let writer: string;

  beforeAll(async () => {
    test = await openTestDatabase(kind);
    api = testApi(test.database);
    writer = await tenantWithKey(test.database, 'locale', { scope: 'read_write' });
  });
  afterAll(() => test.dispose());

  it('importData reads a semicolon file with decimal commas through its mapping, passed as given', async () => {
    const { body } = await graphql(api, IMPORT, {
      credential: writer,
      variables: {
        input: {
          format: 'PERIODS',
          text: LOCALE_PERIODS,
          delimiter: 'SEMICOLON',
          decimal: 'COMMA',
          mapping: [
            { column: 'Abo', field: 'subscription_id' },
            { column: 'Kunde', field: 'customer_id' },
            { column: 'Beginn', field: 'start_date' },
            { column: 'Ende', field: 'end_date' },
            { column: 'MRR', field: 'monthly_amount' },
          ],
        },
      },
    });
    expect(body).toEqual({
      data: { importData: { status: 'SUCCEEDED', rowsRead: 2, rowsStored: 2, errorCount: 0 } },
    });
    const rows = await test.database.db.select().from(mrrSpans).where(eq(mrrSpans.tenantId, 'locale'));
    expect(rows.map((row) => [row.subscriptionId, row.mrr]).sort()).toEqual([
      ['a1', '1234.5000'],
      ['a2', '49.9900'],
    ]);
  });

  it('importData refuses a grouped amount without the option, naming row, field and option, creating nothing', async () => {
    const tenantsBefore = (await listTenants(test.database.db)).map((tenant) => tenant.tenantId);
    const { body } = await graphql(api, IMPORT, {
      credential: writer,
      variables: {
        input: {
          format: 'INVOICE_LINES',
          text: 'name,from,to,amount\nacme,2024-01-01,2024-02-01,"1,234.50"\n',
          mapping: [
            { column: 'name', field: 'customer' },
            { column: 'from', field: 'from' },
            { column: 'to', field: 'to' },
            { column: 'amount', field: 'amount' },
          ],
        },
      },
    });
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0]?.extensions?.rowErrors).toEqual([
      expect.objectContaining({ line: 2, field: 'amount', value: '1,234.50', expected: STRICT_HINT }),
    ]);
    expect((await listTenants(test.database.db)).map((tenant) => tenant.tenantId)).toEqual(tenantsBefore);
  });

  it('importData answers a mapping error as BAD_USER_INPUT naming the pair', async () => {
    const { body } = await graphql(api, IMPORT, {
      credential: writer,
      variables: {
        input: { format: 'PERIODS', text: LOCALE_PERIODS, mapping: [{ column: 'Abo', field: 'abo' }] },
      },
    });
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0]?.message).toBe(
      '--map Abo=abo: unknown field "abo", expected one of subscription_id, customer_id, start_date, end_date, monthly_amount, currency',
    );
  });

  it('runImport removes a tenant it created when the import fails, with its failed record', async () => {
    const request = {
      tenantId: 'fresh',
      format: 'periods' as const,
      source: 'subscription_id,customer_id,start_date,end_date,monthly_amount\ns1,c1,2024-01-01,,ten\n',
      sourceName: 'bad.csv',
      actor: 'cli',
      createTenant: true,
    };
    await expect(runImport(test.database.db, request)).rejects.toBeInstanceOf(ImportFailed);
    expect(await findTenant(test.database.db, 'fresh')).toBeUndefined();
    expect(await test.database.db.select().from(imports).where(eq(imports.tenantId, 'fresh'))).toEqual([]);
    // A tenant that existed before stays, with the failure recorded.
    await ensureTenant(test.database.db, { tenantId: 'fresh' });
    await expect(runImport(test.database.db, request)).rejects.toBeInstanceOf(ImportFailed);
    expect((await findTenant(test.database.db, 'fresh'))?.tenantId).toBe('fresh');
    const recorded = await test.database.db.select().from(imports).where(eq(imports.tenantId, 'fresh'));
    expect(recorded.map((row) => [row.status, row.errorCount])).toEqual([['FAILED', 1]]);
  });
});
