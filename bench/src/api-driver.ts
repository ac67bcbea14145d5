/**
 * `pnpm --filter @nrr/bench api-driver`: a quick loop for working on the API's request path. Loads a
 * generated tenant into a Postgres database named after its size (`nrr_api_driver_<customers>`)
 * once, keeps that database between runs, then serves the API on a loopback port and puts the
 * same load on it as the bench's API section (load-client.ts, in a worker thread): `retention`
 * warm, `retentionSeries` warm and `retention` over new windows. Profile the server with
 * `node --cpu-prof` through `NODE_OPTIONS`.
 *
 *   pnpm --filter @nrr/bench api-driver -- --customers 100000 --seconds 5 --queries retention
 *   pnpm --filter @nrr/bench api-driver -- --drop          # drop the kept database
 *
 * Options: --customers (100000), --months (36), --seed (42), --concurrency (16), --seconds (5),
 * --queries (comma-separated of retention, series, fresh, fresh-series; default
 * retention,series,fresh), --cache-ttl (the API's
 * `cacheTtlMs`, comma-separated to compare several: each gets its own API, run in turn for
 * --rounds rounds; default the API's default), --rounds (1), --drop.
 * Postgres: DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createApi, createApiKey, listen, openDatabase } from '@nrr/api';
import { addMonths, toIsoDate } from '@nrr/core';
import postgres from 'postgres';
import { storeDatasetAsTenant } from './bench-tenant.ts';
import { DEFAULT_DATABASE_URL } from './contenders/postgres.ts';
import { writeDataset } from './dataset.ts';
import { BenchReportFragment } from './graphql.generated.ts';
import { loadConcurrently } from './load-client.ts';
import { formatMs } from './render.ts';

const GENERATOR_START = Date.UTC(2023, 0, 1);
const TENANT = 'bench-http';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === '--')),
  options: {
    customers: { type: 'string', default: '100000' },
    months: { type: 'string', default: '36' },
    seed: { type: 'string', default: '42' },
    concurrency: { type: 'string', default: '16' },
    seconds: { type: 'string', default: '5' },
    queries: { type: 'string', default: 'retention,series,fresh' },
    'cache-ttl': { type: 'string', default: '' },
    rounds: { type: 'string', default: '1' },
    drop: { type: 'boolean', default: false },
  },
});
const customers = Number(values.customers);
const months = Number(values.months);
const concurrency = Number(values.concurrency);
const seconds = Number(values.seconds);
const queries = new Set(values.queries.split(',').map((q) => q.trim()));
const ttls: (number | undefined)[] =
  values['cache-ttl'] === '' ? [undefined] : values['cache-ttl'].split(',').map((t) => Number(t));
const rounds = Number(values.rounds);

async function main(): Promise<void> {
  const adminUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  const name = `nrr_api_driver_${customers}_${months}_${values.seed}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  if (values.drop) {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
    console.log(`dropped ${name}`);
    return;
  }
  const exists = (await admin`select 1 from pg_database where datname = ${name}`).length > 0;
  if (!exists) await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ kind: 'postgres', url: url.toString(), maxConnections: 10 });
  await database.migrate();
  const start = GENERATOR_START;
  const asOf = addMonths(start, months);
  if (!exists) {
    const dir = mkdtempSync(join(tmpdir(), 'nrr-api-driver-'));
    try {
      const dataset = await writeDataset(dir, { customers, months, seed: Number(values.seed), start });
      const began = performance.now();
      await storeDatasetAsTenant(database, TENANT, dataset);
      console.log(`loaded ${customers} customers into ${name} in ${formatMs(performance.now() - began)}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } else {
    console.log(`reusing ${name}`);
  }
  const { secret } = await createApiKey(database.db, { tenantId: TENANT, name: 'api-driver' });
  // Each query selects the `BenchReport` fragment (graphql/report.graphql), whose text it carries.
  const fields = '...BenchReport';
  const day = (k: number) => toIsoDate(addMonths(asOf, k));
  const retention = (from: string, to: string) =>
    `{ retention(input: { from: "${from}", to: "${to}" }) { ${fields} } } ${BenchReportFragment}`;
  const series = `{ retentionSeries(input: { from: "${toIsoDate(start)}", to: "${day(0)}", granularity: MONTH }) { ${fields} } } ${BenchReportFragment}`;
  const servers = [];
  for (const ttl of ttls) {
    const api = createApi({
      db: database.db,
      tokenSecret: randomBytes(32).toString('hex'),
      rateLimit: false,
      graphiql: false,
      ...(ttl === undefined ? {} : { cacheTtlMs: ttl }),
    });
    const server = await listen(api, 0);
    servers.push({ ttl, server, endpoint: `${server.url.replace('localhost', '127.0.0.1')}/graphql` });
  }
  try {
    for (let round = 1; round <= rounds; round++) {
      for (const { ttl, endpoint } of servers) {
        const load = (qs: string[], secs: number) =>
          loadConcurrently({
            url: endpoint,
            authorization: `Bearer ${secret}`,
            queries: qs,
            concurrency,
            seconds: secs,
          });
        const label = `round ${round}, cacheTtlMs ${ttl ?? 'default'}`;
        if (round === 1) {
          const began = performance.now();
          await load([retention(day(-12), day(0))], 0);
          console.log(`${label}: first request (cold timeline): ${formatMs(performance.now() - began)}`);
        }
        for (const [key, name, qs, secs] of [
          ['retention', 'retention warm', [retention(day(-12), day(0))], seconds],
          ['series', 'retentionSeries warm', [series], seconds],
          [
            'fresh',
            'retention new windows',
            Array.from({ length: 24 }, (_, k) =>
              retention(day(-13 - k - 24 * (round - 1)), day(-1 - k - 24 * (round - 1))),
            ),
            0,
          ],
          [
            'fresh-series',
            'retentionSeries new windows',
            Array.from(
              { length: 24 },
              (_, k) =>
                `{ retentionSeries(input: { from: "${toIsoDate(start)}", to: "${day(-1 - k - 24 * (round - 1))}", granularity: MONTH }) { ${fields} } } ${BenchReportFragment}`,
            ),
            0,
          ],
        ] as const) {
          if (!queries.has(key)) continue;
          const elu = performance.eventLoopUtilization();
          const cpu = process.cpuUsage();
          const result = await load([...qs], secs);
          const busy = performance.eventLoopUtilization(elu).active / result.requests;
          const used = process.cpuUsage(cpu);
          const cpuPer = (used.user + used.system) / 1000 / result.requests;
          console.log(
            `${label}: ${name}: p50 ${formatMs(result.p50)}, p99 ${formatMs(result.p99)}, max ${formatMs(result.max)}, ` +
              `${result.requestsPerSecond.toFixed(0)} req/s (${concurrency} clients, ${result.requests} requests); ` +
              `server thread busy ${busy.toFixed(2)} ms/request, process CPU ${cpuPer.toFixed(2)} ms/request`,
          );
        }
      }
    }
  } finally {
    for (const { server } of servers) await server.close();
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
