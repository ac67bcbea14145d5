/**
 * Import throughput against Postgres (DATABASE_URL; a fresh database is created and dropped):
 * `--rows` (default 100,000) periods rows written by the bench generator, then, in one run,
 *
 * 1. `COPY` of the file into a bare table of the same columns (the floor: no parsing in Node, no
 *    primary key, no validation),
 * 2. `runImport` of the file into an empty tenant,
 * 3. `runImport` of the same file again (nothing changes),
 *
 * each in rows/s, and the import's ratio to COPY. `tsx --conditions=@nrr/source bench/import.bench.ts --rows 1000000`.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { openDatabase } from '../src/db/connect.ts';
import { fileLineChunks } from '../src/imports/file-source.ts';
import { runImport } from '../src/imports/run-import.ts';
import { ensureTenant } from '../src/tenants.ts';
import { writePeriodsCsv } from './periods-csv.ts';

const { values } = parseArgs({
  // `pnpm … bench -- --rows N` passes the `--` through (pnpm 10+); drop it so both spellings work.
  args: process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === '--')),
  options: { rows: { type: 'string', default: '100000' } },
});
const rows = Number(values.rows);
const adminUrl = process.env.DATABASE_URL;
if (!adminUrl) throw new Error('set DATABASE_URL (the import bench compares with Postgres COPY)');

const name = `nrr_bench_${randomBytes(4).toString('hex')}`;
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${name}`);
const url = new URL(adminUrl);
url.pathname = `/${name}`;
const dir = mkdtempSync(join(tmpdir(), 'nrr-import-bench-'));
const file = join(dir, 'periods.csv');
writePeriodsCsv(file, rows);
const database = await openDatabase({ kind: 'postgres', url: url.toString(), maxConnections: 4 });
const raw = postgres(url.toString(), { max: 1, onnotice: () => {} });
const rate = (seconds: number) => Math.round(rows / seconds);
try {
  await database.migrate();
  await raw`create table bare (subscription_id text, customer_id text, start_date date, end_date date,
    monthly_amount numeric, plan text, country text)`;
  let started = performance.now();
  await pipeline(
    createReadStream(file),
    await raw`copy bare from stdin with (format csv, header true)`.writable(),
  );
  const copySeconds = (performance.now() - started) / 1000;
  console.log(
    `COPY into a bare table: ${rows.toLocaleString('en')} rows in ${copySeconds.toFixed(1)} s = ${rate(copySeconds).toLocaleString('en')} rows/s`,
  );

  await ensureTenant(database.db, { tenantId: 'bench-import' });
  for (const label of ['import', 're-import (nothing changes)']) {
    started = performance.now();
    const summary = await runImport(database.db, {
      tenantId: 'bench-import',
      format: 'periods',
      source: await fileLineChunks(file),
      sourceName: file,
      actor: 'bench',
    });
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `${label}: ${summary.rowsStored.toLocaleString('en')} stored, ${summary.customersAffected.toLocaleString('en')} customers in ${seconds.toFixed(1)} s = ${rate(seconds).toLocaleString('en')} rows/s = ${(copySeconds / seconds).toFixed(2)} × COPY (peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB)`,
    );
  }
} finally {
  await raw.end();
  await database.close();
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
  rmSync(dir, { recursive: true, force: true });
}
