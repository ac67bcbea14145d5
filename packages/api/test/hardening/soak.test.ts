/**
 * Hardening, load: a bounded soak over loopback HTTP. Several tenants; concurrent clients send a
 * mix of analytic queries while another imports new rows into random tenants through `importData`.
 * Asserts no errors, no lost or doubled rows (each tenant's stored spans equal its seed plus every
 * distinct batch it was sent; batches repeat, so data stays bounded) and flat memory; prints
 * requests, errors, p50/p99 latency and heap.
 *
 * Short by default (20 s, for `pnpm test`); `NRR_SOAK_SECONDS=180` for the long form. Runs against
 * Postgres when DATABASE_URL is set, else in-memory PGlite.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type RunningServer } from '../../src/server.ts';
import { createApi } from '../../src/yoga.ts';
import {
  DATABASE_KINDS,
  openTestDatabase,
  TEST_TOKEN_SECRET,
  type TestDatabase,
  tenantWithKey,
} from '../harness.ts';
import { percentile, periodsText, tenantState } from './support.ts';

const SECONDS = Number(process.env.NRR_SOAK_SECONDS ?? 20);
const TENANTS = 4;
const QUERY_CLIENTS = 4;
const SEED_ROWS = 400;
const IMPORT_ROWS = 100;
/** Distinct import batches per tenant. */
const BATCHES = 12;
const kind = DATABASE_KINDS.at(-1) ?? 'pglite';

/** A full garbage collection (V8's `gc`, exposed at run time), so heap samples hold live data only. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

const QUERIES = [
  '{ retention(input: { from: "2022-01-01", to: "2023-01-01" }) { startingMrr { amount } endingMrr { amount } nrr grr customers { starting } } }',
  '{ retentionSeries(input: { from: "2021-01-01", to: "2024-01-01", granularity: QUARTER }) { from nrr endingMrr { amount } } }',
  '{ breakdown(input: { from: "2022-01-01", to: "2023-01-01", by: "plan" }) { value report { nrr } } }',
  '{ cohorts(input: { from: "2021-01-01", to: "2024-01-01", granularity: YEAR }) { rows { cohort } } }',
  '{ movements(input: { from: "2021-01-01", to: "2024-01-01" }, first: 100) { edges { node { customerId type } } } }',
  '{ customers(first: 100) { totalCount edges { node { id mrr { amount } } } } }',
  '{ segments(dimension: "plan") segmentDimensions viewer { tenant { dataVersion } } }',
];

describe(`soak: ${SECONDS} s of mixed queries and imports over ${TENANTS} tenants (${kind})`, () => {
  let test: TestDatabase;
  let server: RunningServer;
  const keys: string[] = [];

  beforeAll(async () => {
    test = await openTestDatabase(kind);
    const api = createApi({ db: test.database.db, tokenSecret: TEST_TOKEN_SECRET, rateLimit: false });
    server = await listen(api, 0);
    for (let t = 0; t < TENANTS; t += 1) {
      const key = await tenantWithKey(test.database, `soak${t}`, { scope: 'read_write' });
      keys.push(key);
    }
  });
  afterAll(async () => {
    await server?.close();
    await test?.dispose();
  });

  it(
    'answers every request, loses no row and keeps memory flat',
    async () => {
      const post = async (key: string, query: string, variables: Record<string, unknown> = {}) => {
        const started = performance.now();
        const response = await fetch(`${server.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
          body: JSON.stringify({ query, variables }),
        });
        const body = (await response.json()) as { errors?: { message: string }[] };
        return { ms: performance.now() - started, ok: response.status === 200 && !body.errors, body };
      };
      const IMPORT =
        'mutation ($text: String!) { importData(input: { format: PERIODS, text: $text }) { rowsStored } }';
      for (const [t, key] of keys.entries()) {
        const seeded = await post(key, IMPORT, { text: periodsText(SEED_ROWS, `seed${t}_`, 120) });
        expect(seeded.ok, JSON.stringify(seeded.body)).toBe(true);
      }
      const latencies: number[] = [];
      const failures: string[] = [];
      let errors = 0;
      let requests = 0;
      let imports = 0;
      const heap: number[] = [];
      const deadline = Date.now() + SECONDS * 1000;
      const sampler = setInterval(() => {
        collectGarbage();
        heap.push(process.memoryUsage().heapUsed);
      }, 1000);
      const record = (result: { ms: number; ok: boolean; body: unknown }) => {
        requests += 1;
        latencies.push(result.ms);
        if (result.ok) return;
        errors += 1;
        if (failures.length < 3) failures.push(JSON.stringify(result.body).slice(0, 300));
      };
      let seed = 1;
      const random = () => {
        // xorshift: deterministic mixes
        seed ^= seed << 13;
        seed ^= seed >>> 17;
        seed ^= seed << 5;
        return (seed >>> 0) / 2 ** 32;
      };
      const queryClient = async () => {
        while (Date.now() < deadline) {
          const key = keys[Math.floor(random() * keys.length)] as string;
          record(await post(key, QUERIES[Math.floor(random() * QUERIES.length)] as string));
        }
      };
      // Imports cycle through BATCHES distinct batches per tenant: the first pass adds rows, later
      // passes repeat them (storing nothing), so the data, and with it the memory, stays bounded.
      const imported = keys.map(() => new Set<number>());
      const importClient = async () => {
        while (Date.now() < deadline) {
          const t = Math.floor(random() * keys.length);
          const batch = Math.floor(random() * BATCHES);
          const result = await post(keys[t] as string, IMPORT, {
            text: periodsText(IMPORT_ROWS, `imp${t}_${batch}_`, 60),
          });
          record(result);
          if (result.ok) imported[t]?.add(batch);
          imports += 1;
        }
      };
      await Promise.all([...Array.from({ length: QUERY_CLIENTS }, queryClient), importClient()]);
      clearInterval(sampler);

      const third = Math.max(1, Math.floor(heap.length / 3));
      const early = Math.max(...heap.slice(0, third));
      const late = Math.max(...heap.slice(-third));
      const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
      console.log(
        `[hardening] soak (${kind}, ${SECONDS} s, ${TENANTS} tenants, ${QUERY_CLIENTS} query clients + 1 importer): ` +
          `${requests} requests (${(requests / SECONDS).toFixed(0)}/s), ${errors} errors, ${imports} imports of ${IMPORT_ROWS} rows ` +
          `(${imported.reduce((n, set) => n + set.size, 0)} distinct batches), ` +
          `p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, ` +
          `live heap max first third ${mb(early)} MB, last third ${mb(late)} MB, rss ${mb(process.memoryUsage().rss)} MB`,
      );
      expect(failures).toEqual([]);
      expect(errors).toBe(0);
      expect(imports).toBeGreaterThan(0);
      for (const [t] of keys.entries()) {
        const expected = SEED_ROWS + (imported[t]?.size ?? 0) * IMPORT_ROWS;
        expect((await tenantState(test.database, `soak${t}`)).spans, `soak${t}`).toBe(expected);
      }
      // Flat: the live heap's late peak stays within 1.3x (+16 MB) of its early one.
      expect(late).toBeLessThan(early * 1.3 + 16 * 2 ** 20);
    },
    (SECONDS + 120) * 1000,
  );
});
