/**
 * The receiver section (issue 15): Stripe webhook deliveries to `POST /v1/webhooks/stripe/{tenant}`
 * for a tenant of 100,000 customers (loaded through the API's import path) while a load client
 * asks it retention questions in a loop, on Postgres and on PGlite. Each delivery is a
 * `customer.subscription.created` of a customer of its own, signed as Stripe signs (HMAC-SHA256
 * of `t.body` under the endpoint secret stored with `addStripeSecret`), sent from a worker thread
 * so that the senders' work does not queue behind the server's event loop. Printed for each
 * database: receiver latency p50 / p95 / p99 and receipts per second at 1, 8 and 32 concurrent
 * senders (first at 1 with no query running), the deliveries per import (group commit) and what
 * the load client got meanwhile. Figures only: nothing here is asserted against a time.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { addStripeSecret, createApi, createApiKey, type Database, openDatabase, withTenant } from '@nrr/api';
import { addMonths, toIsoDate } from '@nrr/core';
import postgres from 'postgres';
import { storeDatasetAsTenant } from './bench-tenant.ts';
import { DEFAULT_DATABASE_URL } from './contenders/postgres.ts';
import { writeDataset } from './dataset.ts';
import { loadConcurrently, percentile } from './load-client.ts';
import { describeLoad, describeMachine } from './machine.ts';
import { count, formatMs } from './render.ts';

/** How the receiver section runs. */
export interface ReceiverSectionOptions {
  /** Customers of the tenant receiving deliveries. */
  readonly customers: number;
  /** Seconds of deliveries per concurrency level. */
  readonly seconds: number;
  /** Databases to run on. */
  readonly databases: readonly ('postgres' | 'pglite')[];
  readonly months: number;
  readonly seed: number;
}

/** Concurrent senders of each timed phase, after a quiet phase at 1. */
const CONCURRENCY = [1, 8, 32] as const;
/** Clients of the load client asking retention questions meanwhile. */
const LOAD_CLIENTS = 4;
const TENANT = 'bench-receiver';
const SECRET = `whsec_bench_${randomBytes(16).toString('hex')}`;
const GENERATOR_START = Date.UTC(2023, 0, 1);

/** What one phase of deliveries measured. */
interface DeliveryResult {
  readonly latencies: number[];
  readonly batched: number[];
  readonly elapsed: number;
}

// CommonJS, evaluated by the worker: each sender posts a new event (its own customer and
// subscription), signed with the endpoint secret, and waits for the answer before the next.
const SENDER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { createHmac } = require('node:crypto');
const { url, secret, concurrency, seconds, first } = workerData;
const target = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const latencies = [];
const batched = [];
let next = first;
const until = performance.now() + seconds * 1000;
function event(n) {
  return JSON.stringify({
    id: 'evt_bench_' + n, object: 'event', api_version: '2025-03-31.basil',
    type: 'customer.subscription.created', created: Math.floor(Date.now() / 1000),
    data: { object: {
      id: 'sub_hook_' + n, object: 'subscription', customer: 'cus_hook_' + n, status: 'active',
      currency: 'usd', metadata: {},
      items: { object: 'list', data: [{ id: 'si_hook_' + n, object: 'subscription_item', quantity: 1,
        price: { id: 'price_bench', object: 'price', currency: 'usd', unit_amount: 1000 + (n % 50) * 100,
          type: 'recurring', recurring: { interval: 'month', interval_count: 1, usage_type: 'licensed' },
          tax_behavior: 'exclusive' } }] },
    } },
  });
}
function post(body) {
  const t = Math.floor(Date.now() / 1000);
  const v1 = createHmac('sha256', secret).update(t + '.' + body, 'utf8').digest('hex');
  const bytes = Buffer.from(body);
  return new Promise((resolve, reject) => {
    const request = http.request(
      { agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': bytes.length, 'stripe-signature': 't=' + t + ',v1=' + v1 } },
      (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(bytes);
  });
}
async function sender() {
  while (performance.now() < until) {
    const started = performance.now();
    const { status, text } = await post(event(next++));
    const answer = JSON.parse(text);
    if (status !== 200 || answer.stored !== true) throw new Error('delivery answered ' + status + ': ' + text);
    latencies.push(performance.now() - started);
    batched.push(answer.batched ?? 1);
  }
}
const began = performance.now();
Promise.all(Array.from({ length: concurrency }, sender)).then(
  () => { agent.destroy(); parentPort.postMessage({ latencies, batched, elapsed: performance.now() - began }); },
  (error) => parentPort.postMessage({ error: String(error) }),
);
`;

/** Sends deliveries from `concurrency` senders for `seconds`, event numbers from `first`. */
function deliver(url: string, concurrency: number, seconds: number, first: number): Promise<DeliveryResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(SENDER, {
      eval: true,
      workerData: { url, secret: SECRET, concurrency, seconds, first },
    });
    worker.once('message', (reply: DeliveryResult & { error?: string }) => {
      void worker.terminate();
      if (reply.error) reject(new Error(reply.error));
      else resolve(reply);
    });
    worker.once('error', reject);
  });
}

/** A fresh database of the kind, dropped (Postgres) or closed (PGlite, in memory) by `dispose`. */
async function freshDatabase(kind: 'postgres' | 'pglite') {
  if (kind === 'pglite') {
    const database = await openDatabase({ kind: 'pglite', dataDir: undefined });
    await database.migrate();
    return { database, dispose: () => database.close() };
  }
  const adminUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  const name = `nrr_bench_receiver_${randomBytes(4).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ kind: 'postgres', url: url.toString(), maxConnections: 10 });
  await database.migrate();
  return {
    database,
    async dispose() {
      await database.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

async function storedEvents(database: Database): Promise<number> {
  const rows = await withTenant(database.db, TENANT, (tx) =>
    // Row-level security confines the count to the tenant.
    tx.execute('select count(*)::int as n from subscription_events'),
  );
  const list = Array.isArray(rows) ? rows : (rows as { rows: { n: number }[] }).rows;
  return Number((list[0] as { n: number } | undefined)?.n ?? 0);
}

async function runOn(kind: 'postgres' | 'pglite', options: ReceiverSectionOptions): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'nrr-bench-receiver-'));
  const { database, dispose } = await freshDatabase(kind);
  try {
    const dataset = await writeDataset(dir, {
      customers: options.customers,
      months: options.months,
      seed: options.seed,
      start: GENERATOR_START,
    });
    let started = performance.now();
    await storeDatasetAsTenant(database, TENANT, dataset);
    const key = randomBytes(32);
    await addStripeSecret(database.db, key, TENANT, SECRET);
    const { secret } = await createApiKey(database.db, { tenantId: TENANT });
    console.log(
      `${kind}: ${count(dataset.customers)} customers (${count(dataset.rows)} periods) loaded in ${formatMs(performance.now() - started)}`,
    );
    const api = createApi({
      db: database.db,
      tokenSecret: randomBytes(32).toString('hex'),
      rateLimit: false,
      graphiql: false,
      stripeSecretsKey: key,
    });
    // The API's server, but with long keep-alive: with PGlite a query holds the event loop for
    // seconds, and Node's 5 s keep-alive timer would then fire before a waiting request is read
    // and reset its connection.
    const server = createServer(api.yoga);
    server.keepAliveTimeout = 120_000;
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const hookUrl = `${base}/v1/webhooks/stripe/${TENANT}`;
    try {
      const day = (months: number) => toIsoDate(addMonths(dataset.asOf, months));
      // Distinct windows, so that answers are computed rather than remembered.
      const questions = Array.from(
        { length: 24 },
        (_, k) =>
          `{ retention(input: { from: "${day(-13 - k)}", to: "${day(-1 - k)}" }) { nrr endingMrr { amount } } }`,
      );
      const load = (seconds: number) =>
        loadConcurrently({
          url: `${base}/graphql`,
          authorization: `Bearer ${secret}`,
          queries: questions,
          concurrency: LOAD_CLIENTS,
          seconds,
        });
      started = performance.now();
      await load(0);
      console.log(`  first retention questions (timeline built): ${formatMs(performance.now() - started)}`);
      let sent = 0;
      const phases: { name: string; concurrency: number; loaded: boolean }[] = [
        { name: 'quiet', concurrency: 1, loaded: false },
        ...CONCURRENCY.map((concurrency) => ({ name: 'queried', concurrency, loaded: true })),
      ];
      for (const phase of phases) {
        const [result, queried] = await Promise.all([
          deliver(hookUrl, phase.concurrency, options.seconds, sent),
          phase.loaded ? load(options.seconds) : Promise.resolve(undefined),
        ]);
        sent += result.latencies.length;
        const sorted = [...result.latencies].sort((a, b) => a - b);
        const meanBatch = result.batched.reduce((sum, n) => sum + n, 0) / Math.max(1, result.batched.length);
        console.log(
          `  ${phase.name.padEnd(7)} ${String(phase.concurrency).padStart(2)} sender(s): ` +
            `p50 ${formatMs(percentile(sorted, 50))}, p95 ${formatMs(percentile(sorted, 95))}, p99 ${formatMs(percentile(sorted, 99))}, ` +
            `${(sorted.length / (result.elapsed / 1000)).toFixed(0)} receipts/s (${count(sorted.length)}), ` +
            `${meanBatch.toFixed(1)} deliveries per import (max ${Math.max(...result.batched)})` +
            (queried
              ? `; meanwhile ${count(queried.requests)} retention answers, p50 ${formatMs(queried.p50)}, p99 ${formatMs(queried.p99)} (${LOAD_CLIENTS} clients)`
              : ''),
        );
      }
      const stored = await storedEvents(database);
      if (stored !== sent)
        throw new Error(`${sent} deliveries answered stored, but ${stored} events are stored`);
      console.log(`  ${count(stored)} events stored, one per delivery answered`);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await api.close();
    }
  } finally {
    await dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the receiver section, printing its figures. */
export async function runReceiverSection(options: ReceiverSectionOptions): Promise<void> {
  console.log('\n== Receiver: Stripe webhook deliveries while the tenant is queried');
  console.log(`machine: ${describeMachine()}; ${describeLoad()}`);
  for (const kind of options.databases) await runOn(kind, options);
  console.log(`after: ${describeLoad()}`);
}
