/**
 * The freshness section (issue 15, "fresh at once, incrementally"): for a tenant of each size,
 * loaded through the API's import path into Postgres, a warm API instance receives a signed
 * Stripe webhook delivery over HTTP (one existing customer's subscription upgraded by one seat);
 * the time from the delivery's 2xx to the first `retention` answer that includes the upgrade
 * (its ending MRR up by exactly the seat's price) is measured, on the instance that received it
 * and on a second instance over its own connections that was not told (it learns the data
 * version on its next request, `cacheTtlMs: 0`, and catches up from the change log). Printed
 * beside: the cold reload (timeline cache dropped) of the same question. Figures only, no asserts.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addStripeSecret, createApi, createApiKey, listen, openDatabase } from '@nrr/api';
import { addMonths, parseMoney, toIsoDate } from '@nrr/core';
import postgres from 'postgres';
import { storeDatasetAsTenant } from './bench-tenant.ts';
import { DEFAULT_DATABASE_URL } from './contenders/postgres.ts';
import { writeDataset } from './dataset.ts';
import { describeLoad, describeMachine } from './machine.ts';
import { count, formatMs } from './render.ts';
import { median } from './summary.ts';

/** How the section runs. */
export interface FreshnessSectionOptions {
  /** Tenant sizes (customers). */
  readonly sizes: readonly number[];
  /** Timed deliveries per size. */
  readonly runs: number;
  readonly months: number;
  readonly seed: number;
}

/** What one size measured (ms). */
export interface FreshnessFigures {
  readonly customers: number;
  readonly rows: number;
  readonly loadMs: number;
  /** From each delivery's 2xx to an answer including it, on the instance that received it. */
  readonly receiving: readonly number[];
  /** The same on a second instance that was not told. */
  readonly other: readonly number[];
  /** Delivery round trips (request to 2xx). */
  readonly deliveries: readonly number[];
  /** Cold `retention` (timeline cache dropped). */
  readonly cold: readonly number[];
  /** Patches and rebuilds of each instance over the timed deliveries. */
  readonly patches: { readonly receiving: number; readonly other: number };
  readonly rebuilds: { readonly receiving: number; readonly other: number };
}

const GENERATOR_START = Date.UTC(2023, 0, 1);
const TENANT = 'bench-fresh';
const WEBHOOK_SECRET = 'whsec_bench_fresh_0123456789abcdef';
/** The upgraded seat's price: $10 a month (USD, the reporting currency). */
const SEAT_CENTS = 1000;
const DAY_S = 86_400;

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** A Stripe `customer.subscription.*` event: `customer`'s subscription at `seats` seats from `created`. */
function subscriptionEvent(id: string, type: string, created: number, customer: string, seats: number) {
  return {
    id,
    object: 'event',
    api_version: '2025-03-31.basil',
    type,
    created,
    data: {
      object: {
        id: 'sub_bench_fresh',
        object: 'subscription',
        customer,
        status: 'active',
        currency: 'usd',
        metadata: {},
        items: {
          object: 'list',
          data: [
            {
              id: 'si_bench_fresh',
              object: 'subscription_item',
              quantity: seats,
              price: {
                id: 'price_seat',
                object: 'price',
                currency: 'usd',
                unit_amount: SEAT_CENTS,
                type: 'recurring',
                recurring: { interval: 'month', interval_count: 1, usage_type: 'licensed' },
              },
            },
          ],
        },
      },
    },
  };
}

/** Stripe's `Stripe-Signature` header for `body` (v1: HMAC-SHA256 of `${t}.${body}`). */
function stripeSignature(body: string, secret: string): string {
  const t = Math.floor(Date.now() / 1000);
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${v1}`;
}

async function measureSize(customers: number, options: FreshnessSectionOptions): Promise<FreshnessFigures> {
  const dir = mkdtempSync(join(tmpdir(), `nrr-bench-fresh-${customers}-`));
  const adminUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  const name = `nrr_bench_fresh_${randomBytes(4).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ kind: 'postgres', url: url.toString(), maxConnections: 10 });
  // Its own connections: what the receiving instance announces in process never reaches it.
  const otherDatabase = await openDatabase({ kind: 'postgres', url: url.toString(), maxConnections: 4 });
  const closers: (() => Promise<unknown>)[] = [];
  try {
    await database.migrate();
    const dataset = await writeDataset(dir, {
      customers,
      months: options.months,
      seed: options.seed,
      start: GENERATOR_START,
    });
    let started = performance.now();
    await storeDatasetAsTenant(database, TENANT, dataset);
    const loadMs = performance.now() - started;
    console.log(
      `  ${count(customers)} customers (${count(dataset.rows)} periods) loaded in ${formatMs(loadMs)}`,
    );
    const secretsKey = randomBytes(32);
    await addStripeSecret(database.db, secretsKey, TENANT, WEBHOOK_SECRET);
    const { secret } = await createApiKey(database.db, { tenantId: TENANT });
    // An existing customer: the first of the file.
    const firstRow = readFileSync(dataset.periodsPath, 'utf8').slice(0, 4096).split('\n')[1] ?? '';
    const customer = firstRow.split(',')[0] ?? '';

    const tokenSecret = randomBytes(32).toString('hex');
    const receiving = createApi({
      db: database.db,
      tokenSecret,
      rateLimit: false,
      graphiql: false,
      stripeSecretsKey: secretsKey,
    });
    const other = createApi({
      db: otherDatabase.db,
      tokenSecret,
      rateLimit: false,
      graphiql: false,
      cacheTtlMs: 0,
    });
    const servers = [await listen(receiving, 0), await listen(other, 0)];
    for (const api of [receiving, other]) closers.push(() => api.close());
    for (const server of servers) closers.push(() => server.close());
    const [receivingUrl, otherUrl] = servers.map((server) =>
      server.url.replace('localhost', '127.0.0.1'),
    ) as [string, string];

    const to = toIsoDate(dataset.asOf);
    const from = toIsoDate(addMonths(dataset.asOf, -12));
    const question = JSON.stringify({
      query: `{ retention(input: { from: "${from}", to: "${to}" }) { endingMrr { amount } } }`,
    });
    const endingMrr = async (base: string): Promise<number> => {
      const response = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
        body: question,
      });
      const json = (await response.json()) as {
        data?: { retention: { endingMrr: { amount: string } } };
        errors?: unknown;
      };
      if (!json.data) throw new Error(`GraphQL error: ${JSON.stringify(json.errors)}`);
      const units = parseMoney(json.data.retention.endingMrr.amount);
      if (units === undefined)
        throw new Error(`endingMrr is not an amount: ${json.data.retention.endingMrr.amount}`);
      return units;
    };
    /** Polls until the answer is `expected`; the ms from `since`. */
    const until = async (base: string, expected: number, since: number): Promise<number> => {
      for (;;) {
        const answer = await endingMrr(base);
        if (answer === expected) return performance.now() - since;
        if (performance.now() - since > 120_000) {
          throw new Error(
            `${base}: retention still answers ending MRR ${answer}, expected ${expected}, after 2 minutes`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    };
    const deliver = async (event: unknown) => {
      const body = JSON.stringify(event);
      const response = await fetch(`${receivingUrl}/v1/webhooks/stripe/${TENANT}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'stripe-signature': stripeSignature(body, WEBHOOK_SECRET),
        },
        body,
      });
      const answer = (await response.json()) as { stored?: boolean; error?: unknown };
      if (response.status !== 200 || answer.stored !== true) {
        throw new Error(`the delivery was answered ${response.status}: ${JSON.stringify(answer)}`);
      }
    };

    // Cold reloads of the question (the first also warms both instances).
    const cold: number[] = [];
    for (let i = 0; i < 3; i++) {
      receiving.timelines.clear();
      started = performance.now();
      await endingMrr(receivingUrl);
      cold.push(performance.now() - started);
    }
    const before = await endingMrr(otherUrl);
    // The subscription starts at one seat, 60 days before the end of data (both instances warm after).
    const at = Math.floor(dataset.asOf / 1000) - 60 * DAY_S;
    await deliver(subscriptionEvent('evt_bench_fresh_0', 'customer.subscription.created', at, customer, 1));
    const unit = parseMoney(String(SEAT_CENTS / 100)) as number;
    await until(receivingUrl, before + unit, performance.now());
    await until(otherUrl, before + unit, performance.now());

    const refreshes = (kind: 'patch' | 'rebuild') => ({
      receiving: receiving.timelines.refreshes(kind),
      other: other.timelines.refreshes(kind),
    });
    const patchesBefore = refreshes('patch');
    const rebuildsBefore = refreshes('rebuild');
    const receivingMs: number[] = [];
    const otherMs: number[] = [];
    const deliveries: number[] = [];
    let seats = 1;
    // First the receiving instance alone, then the second one alone (each waits its turn, so
    // neither is timed while the other computes); both clocks start at the delivery's 2xx.
    for (const [target, times] of [
      [receivingUrl, receivingMs],
      [otherUrl, otherMs],
    ] as const) {
      for (let run = 1; run <= options.runs; run++) {
        seats++;
        const sent = performance.now();
        await deliver(
          subscriptionEvent(
            `evt_bench_fresh_${seats}`,
            'customer.subscription.updated',
            at + seats * 3600,
            customer,
            seats,
          ),
        );
        const ok = performance.now();
        deliveries.push(ok - sent);
        times.push(await until(target, before + seats * unit, ok));
      }
    }
    return {
      customers,
      rows: dataset.rows,
      loadMs,
      receiving: receivingMs,
      other: otherMs,
      deliveries,
      cold,
      patches: {
        receiving: refreshes('patch').receiving - patchesBefore.receiving,
        other: refreshes('patch').other - patchesBefore.other,
      },
      rebuilds: {
        receiving: refreshes('rebuild').receiving - rebuildsBefore.receiving,
        other: refreshes('rebuild').other - rebuildsBefore.other,
      },
    };
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await otherDatabase.close();
    await database.close();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the section for every size, printing its figures as it goes. */
export async function runFreshnessSection(options: FreshnessSectionOptions): Promise<FreshnessFigures[]> {
  console.log('\n== Freshness: from a Stripe webhook delivery’s 2xx to a retention answer including it');
  console.log(`machine: ${describeMachine()}; ${describeLoad()}`);
  console.log(
    `Postgres; ${options.runs} deliveries per size (one customer's subscription upgraded by a seat each), polled every 2 ms`,
  );
  const results: FreshnessFigures[] = [];
  for (const customers of options.sizes) {
    const figures = await measureSize(customers, options);
    results.push(figures);
    const line = (values: readonly number[]) =>
      `median ${formatMs(median(values))}, p95 ${formatMs(percentile(values, 95))}`;
    console.log(
      `  ${count(customers)} customers: receiving instance ${line(figures.receiving)}; ` +
        `second instance (not told) ${line(figures.other)}; cold reload ${formatMs(median(figures.cold))}; ` +
        `delivery round trip ${line(figures.deliveries)}; patches ${figures.patches.receiving} + ${figures.patches.other}, ` +
        `rebuilds ${figures.rebuilds.receiving} + ${figures.rebuilds.other} (receiving + second) ` +
        `(targets: ≤ 100 ms at 100,000, ≤ 500 ms at 1,000,000)`,
    );
  }
  return results;
}
