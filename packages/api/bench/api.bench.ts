/**
 * API benchmark (prints figures; `pnpm bench` or `pnpm --filter @nrr/api bench`):
 *
 * 1. Import throughput: a CSV of `--rows` subscription periods (default 1,000,000) through
 *    `runImport` (parse, validate, store spans, one transaction), in rows/s.
 * 2. Query latency and throughput over HTTP on a real port: a generated tenant of `--customers`
 *    (default 100,000) over `--months` (36): `retention` (12-month window) and `retentionSeries`
 *    (36 monthly points), cold (first request after the cache is dropped) and warm under
 *    `--concurrency` (default 8) concurrent clients for `--seconds` (5) each. Target: warm p99
 *    under 50 ms for `retention`.
 * 3. Isolation: tenant B's warm `retention` (a kept answer) p50/p99 while tenant A keeps
 *    `--heavy-clients` (default 2) clients asking new 10-year monthly series, with the engine on
 *    the request thread (`engineWorkers: 0`) and in worker threads (the default), side by side.
 *    `--only-isolation` runs this part alone.
 *
 * Uses DATABASE_URL (a fresh database is created and dropped) or, when unset, in-memory PGlite.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import {
  addMonths,
  generatedPeriodToSpan,
  generateExchangeRates,
  generatePeriods,
  type MrrSpan,
  toIsoDate,
} from '@nrr/core';
import postgres from 'postgres';
import { createApiKey } from '../src/auth/keys.ts';
import { type Database, openDatabase } from '../src/db/connect.ts';
import { setFxRates } from '../src/fx-rates.ts';
import { fileLineChunks } from '../src/imports/file-source.ts';
import { runImport, storeSpans } from '../src/imports/run-import.ts';
import { listen } from '../src/server.ts';
import { ensureTenant } from '../src/tenants.ts';
import { createApi } from '../src/yoga.ts';
import { writePeriodsCsv } from './periods-csv.ts';

const { values } = parseArgs({
  // `pnpm … bench -- --flag` passes the `--` through (pnpm 10+); drop it so both spellings work.
  args: process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === '--')),
  options: {
    rows: { type: 'string', default: '1000000' },
    'skip-import': { type: 'boolean', default: false },
    customers: { type: 'string', default: '100000' },
    months: { type: 'string', default: '36' },
    concurrency: { type: 'string', default: '8' },
    seconds: { type: 'string', default: '5' },
    'heavy-clients': { type: 'string', default: '2' },
    'only-isolation': { type: 'boolean', default: false },
  },
});
const rows = Number(values.rows);
const customers = Number(values.customers);
const months = Number(values.months);
const concurrency = Number(values.concurrency);
const seconds = Number(values.seconds);
const heavyClients = Number(values['heavy-clients']);

async function openBenchDatabase(): Promise<{ database: Database; label: string; dispose(): Promise<void> }> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const database = await openDatabase({ kind: 'pglite', dataDir: undefined });
    return {
      database,
      label: 'PGlite (in memory; set DATABASE_URL for Postgres)',
      dispose: () => database.close(),
    };
  }
  const name = `nrr_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ kind: 'postgres', url: url.toString(), maxConnections: 10 });
  return {
    database,
    label: `Postgres (${url.host})`,
    async dispose() {
      await database.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/**
 * The load generator runs in a worker thread, so the clients' own CPU (fetch, JSON) does not
 * share the server's event loop; it reports every latency in milliseconds.
 */
const LOAD_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { url, key, queries, concurrency, seconds } = workerData;
let next = 0;
const latencies = [];
const until = performance.now() + seconds * 1000;
async function client() {
  while (performance.now() < until) {
    const started = performance.now();
    const body = JSON.stringify({ query: queries[next++ % queries.length] });
    const response = await fetch(url + '/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ' + key }, body });
    const json = await response.json();
    if (json.errors) throw new Error(JSON.stringify(json.errors));
    latencies.push(performance.now() - started);
  }
}
const began = performance.now();
Promise.all(Array.from({ length: concurrency }, client)).then(
  () => parentPort.postMessage({ latencies, elapsed: (performance.now() - began) / 1000 }),
  (error) => parentPort.postMessage({ error: String(error) }),
);
`;

async function load(url: string, key: string, query: string | readonly string[], clients = concurrency) {
  const queries = typeof query === 'string' ? [query] : query;
  const result = await new Promise<{ latencies: number[]; elapsed: number }>((resolve, reject) => {
    const worker = new Worker(LOAD_WORKER, {
      eval: true,
      workerData: { url, key, queries, concurrency: clients, seconds },
    });
    worker.once('message', (message: { latencies: number[]; elapsed: number; error?: string }) => {
      if (message.error) reject(new Error(message.error));
      else resolve(message);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
  const latencies = result.latencies.sort((a, b) => a - b);
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    rps: latencies.length / result.elapsed,
    n: latencies.length,
  };
}

async function benchImport(db: Database['db']) {
  const dir = mkdtempSync(join(tmpdir(), 'nrr-bench-'));
  const file = join(dir, 'periods.csv');
  writePeriodsCsv(file, rows);
  await ensureTenant(db, { tenantId: 'bench-import' });
  let started = performance.now();
  const summary = await runImport(db, {
    tenantId: 'bench-import',
    format: 'periods',
    source: await fileLineChunks(file),
    sourceName: file,
    actor: 'bench',
  });
  let elapsed = (performance.now() - started) / 1000;
  console.log(
    `import: ${summary.rowsRead.toLocaleString('en')} period rows, ${summary.customersAffected.toLocaleString('en')} customers in ${elapsed.toFixed(1)} s = ${Math.round(summary.rowsRead / elapsed).toLocaleString('en')} rows/s (peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB)`,
  );
  started = performance.now();
  const again = await runImport(db, {
    tenantId: 'bench-import',
    format: 'periods',
    source: await fileLineChunks(file),
    sourceName: file,
    actor: 'bench',
  });
  elapsed = (performance.now() - started) / 1000;
  console.log(
    `re-import (nothing changes): ${again.rowsStored} stored in ${elapsed.toFixed(1)} s = ${Math.round(again.rowsRead / elapsed).toLocaleString('en')} rows/s`,
  );
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Tenant B's latency while tenant A computes: B asks a kept `retention` answer with
 * `concurrency` clients while A's `heavyClients` clients ask 10-year monthly series, each a new
 * question (nothing memoised), first with the engine on the request thread, then in workers.
 */
async function benchIsolation(db: Database['db'], heavyKey: string, to: number) {
  await ensureTenant(db, { tenantId: 'bench-small' });
  const small = {
    seed: 7,
    customers: 200,
    months: 12,
    start: Date.UTC(2024, 0, 1),
    reportingCurrency: 'USD',
  };
  await setFxRates(db, 'bench-small', generateExchangeRates(small));
  await storeSpans(
    db,
    { tenantId: 'bench-small', format: 'generated', sourceName: 'bench', actor: 'bench' },
    function* () {
      yield [...generatePeriods(small)].map(generatedPeriodToSpan);
    },
  );
  const { secret: smallKey } = await createApiKey(db, { tenantId: 'bench-small' });
  const cheap = `{ retention(input: { from: "2024-01-01", to: "2024-12-01" }) { startingMrr { amount } nrr } }`;
  // Every heavy question ends on a different day: none is memoised.
  const heavy = Array.from({ length: 400 }, (_, i) => {
    const end = toIsoDate(to - i * 86_400_000);
    return `{ retentionSeries(input: { from: "${toIsoDate(addMonths(to, -120))}", to: "${end}", granularity: MONTH }) { nrr } }`;
  });
  const rows: { label: string; p50: number; p99: number; n: number; heavy: number }[] = [];
  for (const workers of [0, undefined]) {
    const api = createApi({
      db,
      tokenSecret: 'bench-secret-bench-secret-bench-secret!',
      rateLimit: false,
      graphiql: false,
      workBudget: Number.POSITIVE_INFINITY,
      ...(workers === undefined ? {} : { engineWorkers: workers }),
    });
    const server = await listen(api, 0);
    try {
      for (const [key, query] of [
        [smallKey, cheap],
        [heavyKey, heavy[heavy.length - 1] as string],
      ] as const) {
        await fetch(`${server.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
          body: JSON.stringify({ query }),
        });
      }
      const [b, a] = await Promise.all([
        load(server.url, smallKey, cheap),
        load(server.url, heavyKey, heavy, heavyClients),
      ]);
      const label =
        workers === 0 ? 'engine on the request thread' : `engine in ${api.engine?.size ?? 0} worker(s)`;
      rows.push({ label, p50: b.p50, p99: b.p99, n: b.n, heavy: a.n });
    } finally {
      await server.close();
      await api.close();
    }
  }
  for (const row of rows) {
    console.log(
      `tenant B's kept retention while tenant A computes (${heavyClients} heavy clients), ${row.label}: p50 ${row.p50.toFixed(1)} ms, p99 ${row.p99.toFixed(1)} ms (${row.n} requests; A answered ${row.heavy})`,
    );
  }
  const [inline, pooled] = rows;
  if (inline && pooled) {
    console.log(
      `isolation: B's p50 ${(inline.p50 / pooled.p50).toFixed(1)}× and p99 ${(inline.p99 / pooled.p99).toFixed(1)}× lower with workers`,
    );
  }
}

async function main() {
  console.log(`@nrr/api bench on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`);
  const { database, label, dispose } = await openBenchDatabase();
  console.log(`database: ${label}`);
  try {
    await database.migrate();
    const { db } = database;

    // 1. Import throughput.
    if (!values['skip-import'] && !values['only-isolation']) await benchImport(db);

    // 2. Queries.
    const generator = { seed: 42, customers, months, start: Date.UTC(2023, 0, 1), reportingCurrency: 'USD' };
    await ensureTenant(db, { tenantId: 'bench' });
    await setFxRates(db, 'bench', generateExchangeRates(generator));
    let started = performance.now();
    const stored = await storeSpans(
      db,
      { tenantId: 'bench', format: 'generated', sourceName: 'bench', actor: 'bench' },
      function* () {
        let batch: MrrSpan[] = [];
        for (const period of generatePeriods(generator)) {
          batch.push(generatedPeriodToSpan(period));
          if (batch.length === 5000) {
            yield batch;
            batch = [];
          }
        }
        yield batch;
      },
    );
    console.log(
      `tenant: ${customers.toLocaleString('en')} customers, ${stored.rowsStored.toLocaleString('en')} periods over ${months} months stored in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    const { secret } = await createApiKey(db, { tenantId: 'bench' });
    const api = createApi({
      db,
      tokenSecret: 'bench-secret-bench-secret-bench-secret!',
      rateLimit: false,
      graphiql: false,
    });
    const to = addMonths(generator.start, months);
    if (values['only-isolation']) {
      await benchIsolation(db, secret, to);
      return;
    }
    const server = await listen(api, 0);
    const retention = `{ retention(input: { from: "${toIsoDate(addMonths(to, -12))}", to: "${toIsoDate(to)}" }) { startingMrr { amount } endingMrr { amount } nrr grr } }`;
    const series = `{ retentionSeries(input: { from: "${toIsoDate(generator.start)}", to: "${toIsoDate(to)}", granularity: MONTH }) { from nrr endingMrr { amount } } }`;
    try {
      for (const [name, query] of [
        ['retention', retention],
        ['retentionSeries (36 months)', series],
      ] as const) {
        api.timelines.clear();
        started = performance.now();
        await fetch(`${server.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
          body: JSON.stringify({ query }),
        });
        const cold = performance.now() - started;
        const warm = await load(server.url, secret, query);
        console.log(
          `${name}: cold ${cold.toFixed(0)} ms; warm p50 ${warm.p50.toFixed(1)} ms, p99 ${warm.p99.toFixed(1)} ms, ${warm.rps.toFixed(0)} req/s (${concurrency} concurrent, ${warm.n} requests)`,
        );
        // Timeline cached but each question new (nothing memoised): the engine's own cost per request.
        const fresh: number[] = [];
        for (let shift = 1; shift <= 12; shift++) {
          const moved = query.replaceAll(toIsoDate(to), toIsoDate(addMonths(to, -shift)));
          const began = performance.now();
          await fetch(`${server.url}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
            body: JSON.stringify({
              query: moved.replaceAll(toIsoDate(addMonths(to, -12)), toIsoDate(addMonths(to, -12 - shift))),
            }),
          });
          fresh.push(performance.now() - began);
        }
        fresh.sort((x, y) => x - y);
        console.log(
          `${name}, a new question each time (timeline cached, sequential): p50 ${percentile(fresh, 50).toFixed(1)} ms, max ${(fresh.at(-1) ?? 0).toFixed(1)} ms`,
        );
      }
      // 3. Isolation.
      await benchIsolation(db, secret, to);
    } finally {
      await server.close();
      await api.close();
    }
  } finally {
    await dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
