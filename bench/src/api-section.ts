/**
 * The API section (needs packages/api): import throughput of the API's own import path
 * (`runImport`: parse, validate, store spans, one transaction; then the same file again) against plain
 * `COPY` of the same file into a bare table, alternated; then `retention` and `retentionSeries`
 * over HTTP on a loopback port for a tenant loaded through that import path, cold (timeline
 * cache dropped) and warm with concurrent clients; then `retention` under a non-default definition
 * set (issue 14) beside the default one, cold and then interleaved with it. The API's answers are
 * checked against @nrr/core's figures for the same file before any latency counts.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApi, createApiKey, fileLineChunks, listen, openDatabase, runImport } from '@nrr/api';
import { addMonths, parseMoney, toIsoDate } from '@nrr/core';
import postgres from 'postgres';
import { storeDatasetAsTenant } from './bench-tenant.ts';
import { coreContender } from './contenders/core.ts';
import { copyCsv, DEFAULT_DATABASE_URL } from './contenders/postgres.ts';
import { type Dataset, writeDataset } from './dataset.ts';
import { assertSameFigures, type Figures, type MonthFigures, type TrailingFigures } from './figures.ts';
import { type BenchReport, BenchReportFragment } from './graphql.generated.ts';
import { type LoadResult, loadConcurrently } from './load-client.ts';
import { describeLoad, describeMachine } from './machine.ts';
import type { ApiRecord } from './records.ts';
import { count, formatMs } from './render.ts';
import { tablesSql } from './sql/playbook.ts';
import { median } from './summary.ts';

/** How the API section runs. */
export interface ApiSectionOptions {
  /** Customers of the file imported for throughput (525,000 give about 1,000,000 rows). */
  readonly importCustomers: number;
  /** Customers of the tenant queried over HTTP. */
  readonly httpCustomers: number;
  /** Alternated import rounds (API import, COPY). */
  readonly runs: number;
  /** Concurrent HTTP clients. */
  readonly concurrency: number;
  /** Seconds of load per query. */
  readonly seconds: number;
  readonly months: number;
  readonly seed: number;
  readonly command: string;
}

const GENERATOR_START = Date.UTC(2023, 0, 1);

/** A fresh database on the server, dropped by `dispose`. */
async function freshDatabase() {
  const adminUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  const name = `nrr_bench_api_${randomBytes(4).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ kind: 'postgres', url: url.toString(), maxConnections: 10 });
  await database.migrate();
  const raw = postgres(url.toString(), { max: 1, onnotice: () => {} });
  return {
    database,
    raw,
    async dispose() {
      await raw.end();
      await database.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

async function withDataset<T>(
  customers: number,
  options: ApiSectionOptions,
  use: (d: Dataset) => Promise<T>,
) {
  const dir = mkdtempSync(join(tmpdir(), `nrr-bench-api-${customers}-`));
  try {
    const dataset = await writeDataset(dir, {
      customers,
      months: options.months,
      seed: options.seed,
      start: GENERATOR_START,
    });
    return await use(dataset);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function importThroughput(options: ApiSectionOptions): Promise<ApiRecord['import']> {
  return withDataset(options.importCustomers, options, async (dataset) => {
    const { database, raw, dispose } = await freshDatabase();
    try {
      const apiMs: number[] = [];
      const reimportMs: number[] = [];
      const copyMs: number[] = [];
      // Each timed step starts from a checkpoint, so none pays for flushing the WAL of the one
      // before (a superuser's or pg_checkpoint's right; skipped without it).
      const checkpoint = () => raw.unsafe('checkpoint').catch(() => undefined);
      for (let run = 1; run <= options.runs; run++) {
        await checkpoint();
        let started = performance.now();
        const summary = await runImport(database.db, {
          tenantId: `bench-import-${run}`,
          format: 'periods',
          source: await fileLineChunks(dataset.periodsPath),
          sourceName: dataset.periodsPath,
          actor: 'bench',
          createTenant: true,
        });
        apiMs.push(performance.now() - started);
        if (summary.rowsRead !== dataset.rows || summary.rowsStored !== dataset.rows) {
          throw new Error(
            `API import read ${summary.rowsRead} and stored ${summary.rowsStored} rows, expected ${dataset.rows}`,
          );
        }
        await checkpoint();
        started = performance.now();
        const again = await runImport(database.db, {
          tenantId: `bench-import-${run}`,
          format: 'periods',
          source: await fileLineChunks(dataset.periodsPath),
          sourceName: dataset.periodsPath,
          actor: 'bench',
        });
        reimportMs.push(performance.now() - started);
        if (again.rowsStored !== 0 || again.rowsUnchanged !== dataset.rows) {
          throw new Error(
            `API re-import stored ${again.rowsStored} and left ${again.rowsUnchanged} rows unchanged, expected 0 and ${dataset.rows}`,
          );
        }
        const table = `copy_ceiling_${run}`;
        await raw.unsafe((tablesSql('postgres')[0] as string).replace('subscription_periods', table));
        await checkpoint();
        started = performance.now();
        const copied = await copyCsv(raw, table, dataset.periodsPath);
        copyMs.push(performance.now() - started);
        if (copied !== dataset.rows) throw new Error(`COPY wrote ${copied} rows, expected ${dataset.rows}`);
        await raw.unsafe(`drop table ${table}`);
        console.log(
          `  run ${run}/${options.runs}  API import ${formatMs(apiMs.at(-1) as number)}, again ${formatMs(reimportMs.at(-1) as number)}, COPY ${formatMs(copyMs.at(-1) as number)}`,
        );
      }
      const apiRowsPerSecond = dataset.rows / (median(apiMs) / 1000);
      const copyRowsPerSecond = dataset.rows / (median(copyMs) / 1000);
      return {
        customers: dataset.customers,
        rows: dataset.rows,
        apiMs,
        reimportMs,
        copyMs,
        apiRowsPerSecond,
        copyRowsPerSecond,
      };
    } finally {
      await dispose();
    }
  });
}

const money = (value: { amount: string }, field: string): number => {
  const units = parseMoney(value.amount);
  if (units === undefined) throw new Error(`${field}: not a decimal amount: ${value.amount}`);
  return units;
};

/** What each query selects: the `BenchReport` fragment of `graphql/report.graphql`. */
const REPORT_FIELDS = '...BenchReport';
function monthFromReport(report: BenchReport): MonthFigures {
  return {
    month: report.from.slice(0, 7),
    startingMrr: money(report.startingMrr, 'startingMrr'),
    newBusiness: money(report.newBusiness, 'newBusiness'),
    reactivation: money(report.reactivation, 'reactivation'),
    expansion: money(report.expansion, 'expansion'),
    contraction: money(report.contraction, 'contraction'),
    churn: money(report.churn, 'churn'),
    endingMrr: money(report.endingMrr, 'endingMrr'),
    nrr: report.nrr,
    grr: report.grr,
  };
}

function trailingFromReport(report: BenchReport, month: string): TrailingFigures {
  const m = monthFromReport(report);
  const grossRetainedMrr = m.startingMrr - m.contraction - m.churn;
  return {
    month,
    startingMrr: m.startingMrr,
    cohortEndingMrr: grossRetainedMrr + m.expansion,
    grossRetainedMrr,
    nrr: m.nrr,
    grr: m.grr,
  };
}

async function httpLatency(options: ApiSectionOptions): Promise<ApiRecord['http']> {
  return withDataset(options.httpCustomers, options, async (dataset) => {
    const reference = (await coreContender.figures(await coreContender.load(dataset), dataset)).figures;
    const { database, dispose } = await freshDatabase();
    try {
      const tenantId = 'bench-http';
      let started = performance.now();
      await storeDatasetAsTenant(database, tenantId, dataset);
      const loadMs = performance.now() - started;
      const { secret } = await createApiKey(database.db, { tenantId });
      const api = createApi({
        db: database.db,
        tokenSecret: randomBytes(32).toString('hex'),
        rateLimit: false,
        graphiql: false,
      });
      const server = await listen(api, 0);
      const url = server.url.replace('localhost', '127.0.0.1');
      const post = async (query: string) => {
        const response = await fetch(`${url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
          body: JSON.stringify({ query }),
        });
        const json = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown };
        if (json.errors || !json.data) throw new Error(`GraphQL error: ${JSON.stringify(json.errors)}`);
        return json.data;
      };
      try {
        const day = (months: number) => toIsoDate(addMonths(dataset.asOf, months));
        const to = day(0);
        const from = toIsoDate(dataset.start);
        const seriesQuery = (end: string, method = 'PERIOD') =>
          `{ retentionSeries(input: { from: "${from}", to: "${end}", granularity: MONTH, method: ${method} }) { ${REPORT_FIELDS} } } ${BenchReportFragment}`;
        const retentionQuery = (start: string, end: string, definitions?: string) =>
          `{ retention(input: { from: "${start}", to: "${end}"${definitions ? `, definitions: ${definitions}` : ''} }) { ${REPORT_FIELDS} } } ${BenchReportFragment}`;
        const series = seriesQuery(to);
        const trailing = seriesQuery(to, 'TRAILING_12M');
        const yearAgo = day(-12);
        const retention = retentionQuery(yearAgo, to);
        // Different questions (windows ending 1–24 months earlier), for the engine's cost per request.
        const shifted = {
          retention: Array.from({ length: 24 }, (_, k) => retentionQuery(day(-13 - k), day(-1 - k))),
          series: Array.from({ length: 24 }, (_, k) => seriesQuery(day(-1 - k))),
        };

        // The check: the API's answers are @nrr/core's figures for the same file.
        const months = ((await post(series)).retentionSeries as BenchReport[]).map(monthFromReport);
        const trailingRows = ((await post(trailing)).retentionSeries as BenchReport[]).map((r, i) =>
          trailingFromReport(r, months[i]?.month ?? ''),
        );
        assertSameFigures('@nrr/api', reference, { ...reference, months, trailing: trailingRows } as Figures);
        const yearly = monthFromReport((await post(retention)).retention as BenchReport);
        const last12 = reference.trailing.at(-1);
        if (
          !last12 ||
          yearly.startingMrr !== last12.startingMrr ||
          yearly.nrr === null ||
          last12.nrr === null ||
          Math.abs(yearly.nrr - last12.nrr) > 1e-9
        ) {
          throw new Error(
            `@nrr/api retention over ${yearAgo}–${to} differs from @nrr/core's: ${JSON.stringify(yearly)} vs ${JSON.stringify(last12)}`,
          );
        }

        const queries: ApiRecord['http']['queries'][number][] = [];
        for (const [name, query, fresh] of [
          ['retention (12 months)', retention, shifted.retention],
          ['retentionSeries (36 months)', series, shifted.series],
        ] as const) {
          const cold: number[] = [];
          for (let i = 0; i < 3; i++) {
            api.timelines.clear();
            started = performance.now();
            await post(query);
            cold.push(performance.now() - started);
          }
          const warm: LoadResult = await loadConcurrently({
            url: `${url}/graphql`,
            authorization: `Bearer ${secret}`,
            queries: [query],
            concurrency: options.concurrency,
            seconds: options.seconds,
          });
          // Distinct windows, timeline cached, answers not memoised yet: the engine's cost per request.
          const uncached = await loadConcurrently({
            url: `${url}/graphql`,
            authorization: `Bearer ${secret}`,
            queries: fresh,
            concurrency: options.concurrency,
            seconds: 0,
          });
          queries.push({ name, coldMs: median(cold), warm, uncached });
          console.log(
            `  ${name}: cold ${formatMs(median(cold))}; warm p50 ${formatMs(warm.p50)}, p99 ${formatMs(warm.p99)}, ` +
              `${warm.requestsPerSecond.toFixed(0)} req/s (${options.concurrency} clients, ${count(warm.requests)} requests); ` +
              `new windows p50 ${formatMs(uncached.p50)}, p99 ${formatMs(uncached.p99)}`,
          );
        }
        const definitions = await definitionsLatency(
          retention,
          retentionQuery(yearAgo, to, NON_DEFAULT_DEFINITIONS),
          post,
          { url: `${url}/graphql`, authorization: `Bearer ${secret}` },
          options,
        );
        await compareLatency(yearAgo, to, post, () => api.timelines.clear());
        return {
          customers: dataset.customers,
          rows: dataset.rows,
          loadMs,
          concurrency: options.concurrency,
          seconds: options.seconds,
          queries,
          definitions,
        };
      } finally {
        await server.close();
      }
    } finally {
      await dispose();
    }
  });
}

/** The non-default definition set of issue 14's line: another preset, window and time zone. */
const NON_DEFAULT_DEFINITIONS =
  '{ preset: BAREMETRICS, reactivationWindowDays: 90, timeZone: "America/New_York" }';

/**
 * Issue 14: warm `retention` under a non-default definition set beside the tenant's own. The
 * first question under the set is timed alone (cold: its timeline is built while the default's
 * stays cached); then the same clients send both questions interleaved, so both meet the same
 * conditions, and each gets its own p50/p99.
 */
async function definitionsLatency(
  base: string,
  other: string,
  post: (query: string) => Promise<Record<string, unknown>>,
  endpoint: { readonly url: string; readonly authorization: string },
  options: ApiSectionOptions,
): Promise<NonNullable<ApiRecord['http']['definitions']>> {
  const baseAnswer = (await post(base)).retention as BenchReport;
  const started = performance.now();
  const answer = (await post(other)).retention as BenchReport;
  const coldMs = performance.now() - started;
  if (!answer || typeof answer.nrr !== 'number') {
    throw new Error(`retention under ${NON_DEFAULT_DEFINITIONS} answered no NRR: ${JSON.stringify(answer)}`);
  }
  // The set must change the figures, or the line would time the default's answer twice.
  if (JSON.stringify(answer) === JSON.stringify(baseAnswer)) {
    throw new Error(`retention under ${NON_DEFAULT_DEFINITIONS} answered the default's figures exactly`);
  }
  const load = await loadConcurrently({
    ...endpoint,
    queries: [base, other],
    concurrency: options.concurrency,
    seconds: options.seconds,
  });
  const [baseLoad, otherLoad] = load.perQuery;
  if (!baseLoad || !otherLoad) throw new Error('the interleaved load reported no per-query figures');
  // The tenant is loaded from a periods file: no subscription events, so no event-derived spans for a
  // SPANS-stage option (pause, discounts, pastDueChurnDays, unpaid) to recompute.
  const spansStage =
    'not measured: the tenant is loaded from a periods file, so it has no event-derived spans for a SPANS-stage option (e.g. pause: ZERO) to recompute';
  console.log(
    `  retention (12 months), definitions ${NON_DEFAULT_DEFINITIONS}: cold ${formatMs(coldMs)} (its timeline built); ` +
      `interleaved with the default (${options.concurrency} clients, ${count(load.requests)} requests): ` +
      `default warm p50 ${formatMs(baseLoad.p50)}, p99 ${formatMs(baseLoad.p99)}; ` +
      `non-default warm p50 ${formatMs(otherLoad.p50)}, p99 ${formatMs(otherLoad.p99)}; ` +
      `p99 ratio ${(otherLoad.p99 / baseLoad.p99).toFixed(2)}× (target ≤ 1.5×); NRR ${baseAnswer.nrr} default, ${answer.nrr} non-default`,
  );
  console.log(`  SPANS-stage definitions line: ${spansStage}`);
  return {
    input: NON_DEFAULT_DEFINITIONS,
    coldMs,
    base: baseLoad,
    other: otherLoad,
    spansStage,
  };
}

/**
 * Issue 14's definition diff: `compareDefinitions` of the 12-month window, the tenant's settings
 * against {@link NON_DEFAULT_DEFINITIONS}. Printed, not recorded: cold (caches cleared: spans read,
 * both timelines built in a worker), both halves on timelines already held (what a dashboard's
 * second question meets), and answered from the memo.
 */
async function compareLatency(
  from: string,
  to: string,
  post: (query: string) => Promise<Record<string, unknown>>,
  clear: () => void,
): Promise<void> {
  const query = (b: string) =>
    `{ compareDefinitions(input: { from: "${from}", to: "${to}", b: ${b} }) { difference { newBusiness { amount } reactivation { amount } } customers(first: 50) { totalCount edges { node { customerId } } } } }`;
  const timed = async (text: string) => {
    const started = performance.now();
    const data = await post(text);
    return { ms: performance.now() - started, data };
  };
  clear();
  const cold = await timed(query(NON_DEFAULT_DEFINITIONS));
  // The same timelines, a new question option: both halves computed again, nothing built.
  const held = await timed(
    query(NON_DEFAULT_DEFINITIONS.replace('reactivationWindowDays: 90', 'reactivationWindowDays: 60')),
  );
  await timed(query('{ reactivationWindowDays: 30 }'));
  const held2 = await timed(query('{ reactivationWindowDays: 45 }'));
  const warm: number[] = [];
  for (let i = 0; i < 21; i++) warm.push((await timed(query(NON_DEFAULT_DEFINITIONS))).ms);
  const differing = (cold.data.compareDefinitions as { customers: { totalCount: number } }).customers
    .totalCount;
  console.log(
    `  compareDefinitions (12 months, settings vs ${NON_DEFAULT_DEFINITIONS}): cold ${formatMs(cold.ms)} (spans read, both timelines built); ` +
      `new b on held timelines ${formatMs(held.ms)} (b's half and the combination), ${formatMs(held2.ms)} (a query option of the settings' timeline); ` +
      `memoised p50 ${formatMs(median(warm))}; ${count(differing)} customers differ`,
  );
}

/** Runs the API section and returns its record. */
export async function runApiSection(options: ApiSectionOptions): Promise<ApiRecord> {
  const stamp = new Date().toISOString();
  const machine = describeMachine();
  const before = describeLoad();
  console.log('\n== API: import through @nrr/api against COPY; retention over HTTP');
  console.log(`machine: ${machine}; ${before}`);
  console.log(
    `import: ${count(options.importCustomers)} customers' periods file, ${options.runs} runs alternated`,
  );
  const imported = await importThroughput(options);
  console.log(
    `  API import ${count(Math.round(imported.apiRowsPerSecond))} rows/s, COPY ${count(Math.round(imported.copyRowsPerSecond))} rows/s ` +
      `(${(imported.apiRowsPerSecond / imported.copyRowsPerSecond).toFixed(2)} of COPY; target ≥ 0.5)`,
  );
  console.log(`HTTP: ${count(options.httpCustomers)} customers loaded through the API's import path`);
  const http = await httpLatency(options);
  return {
    stamp,
    machine,
    load: { before, after: describeLoad() },
    command: options.command,
    import: imported,
    http,
  };
}
