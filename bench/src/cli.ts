/**
 * `pnpm bench`: @nrr/core against DuckDB and Postgres (the dbt MRR playbook's SQL) and the floor,
 * on the same generated files, contenders alternated in child processes, medians over the runs.
 * Every contender's figures are checked against @nrr/core's before its time counts.
 *
 *   pnpm bench                                  # 10,000 and 100,000 customers, a 100,000-customer import
 *   pnpm bench:full                             # docs/benchmarks.md in one run (about 20 minutes on 2 cores)
 *   pnpm --filter @nrr/bench bench -- --sections engine --sizes 1000000
 *
 * Sections: `engine` (@nrr/core, DuckDB, Postgres, the floor), `api` (import through @nrr/api
 * against COPY; retention over HTTP), `freshness` (from a Stripe webhook's 2xx to a retention
 * answer including it) and `receiver` (Stripe webhook deliveries while the tenant is queried:
 * latency and receipts per second), all by default (--sections engine,api,freshness,receiver).
 *
 * --full: what docs/benchmarks.md shows, in one run: --sizes 10000,100000,1000000
 * --api-import-customers 525000 --api-runs 5 --write-docs (any of them may still be given).
 *
 * Engine options: --sizes (customers, comma-separated; default 10000,100000), --runs (alternated rounds
 * per size, default 3), --repeat (computations per process, the first cold; default 3),
 * --large-runs and --large-repeat (the same from 1,000,000 customers up; default 1 and 2: one
 * Postgres computation there takes minutes),
 * --contenders (default core,duckdb,postgres,floor), --months (36), --seed (42), --keep (keep the
 * generated files), --write-docs (docs/benchmarks.md from the latest results of every section),
 * --docs-only (rewrite docs/benchmarks.md from the saved results without running anything).
 * API options: --api-import-customers (the imported file; 525000 give about 1,000,000 rows;
 * default 100000), --api-customers (the tenant queried over HTTP; 100000), --api-runs (alternated
 * import rounds; 2), --concurrency (clients; 16), --seconds (warm load per query; 5).
 * Freshness options: --freshness-sizes (tenants' customers; default 100000,1000000),
 * --freshness-runs (deliveries timed per instance and size; default 20).
 * Receiver options: --receiver-customers (the tenant receiving deliveries; 100000),
 * --receiver-seconds (deliveries per concurrency level; 5), --receiver-databases (postgres,pglite).
 * Postgres: DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { renderDocs } from './docs.ts';
import { LARGE_SIZE, runEngineSection } from './engine-section.ts';
import { CONTENDER_KEYS, type ContenderKey } from './protocol.ts';
import { loadRecord, mergeEngineRecord, REPO_ROOT, saveRecord } from './records.ts';

/** The benchmark's sections, run in this order. */
const SECTIONS = ['engine', 'api', 'freshness', 'receiver'] as const;
type Section = (typeof SECTIONS)[number];

function parseOptions() {
  const { values } = parseArgs({
    // `pnpm … bench -- --flag` passes the `--` through (pnpm 10+); drop it so both spellings work.
    args: process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === '--')),
    options: {
      full: { type: 'boolean', default: false },
      sizes: { type: 'string' },
      runs: { type: 'string', default: '3' },
      repeat: { type: 'string', default: '3' },
      'large-runs': { type: 'string', default: '1' },
      'large-repeat': { type: 'string', default: '2' },
      contenders: { type: 'string', default: CONTENDER_KEYS.join(',') },
      months: { type: 'string', default: '36' },
      seed: { type: 'string', default: '42' },
      'write-docs': { type: 'boolean', default: false },
      'docs-only': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      sections: { type: 'string', default: SECTIONS.join(',') },
      'api-import-customers': { type: 'string' },
      'api-customers': { type: 'string', default: '100000' },
      'api-runs': { type: 'string' },
      concurrency: { type: 'string', default: '16' },
      seconds: { type: 'string', default: '5' },
      'freshness-sizes': { type: 'string', default: '100000,1000000' },
      'freshness-runs': { type: 'string', default: '20' },
      'receiver-customers': { type: 'string', default: '100000' },
      'receiver-seconds': { type: 'string', default: '5' },
      'receiver-databases': { type: 'string', default: 'postgres,pglite' },
    },
  });
  // --full: the sizes and import docs/benchmarks.md shows; flags given beside it still win.
  const full = values.full;
  const sizesText = values.sizes ?? (full ? '10000,100000,1000000' : '10000,100000');
  const importCustomers = values['api-import-customers'] ?? (full ? '525000' : '100000');
  const apiRuns = values['api-runs'] ?? (full ? '5' : '2');
  const positive = (name: string, text: string) => {
    const n = Number(text);
    if (!Number.isSafeInteger(n) || n < 1)
      throw new Error(`--${name} must be a positive integer, got "${text}"`);
    return n;
  };
  const contenders = values.contenders.split(',').map((k) => k.trim()) as ContenderKey[];
  for (const key of contenders) {
    if (!CONTENDER_KEYS.includes(key)) {
      throw new Error(`--contenders: unknown "${key}", expected some of ${CONTENDER_KEYS.join(', ')}`);
    }
  }
  if (contenders[0] !== 'core') {
    throw new Error(
      '--contenders must start with core: its figures are the reference the others are checked against',
    );
  }
  const sections = values.sections.split(',').map((k) => k.trim()) as Section[];
  for (const section of sections) {
    if (!SECTIONS.includes(section)) {
      throw new Error(`--sections: unknown "${section}", expected some of ${SECTIONS.join(', ')}`);
    }
  }
  const databases = values['receiver-databases'].split(',').map((k) => k.trim());
  for (const kind of databases) {
    if (kind !== 'postgres' && kind !== 'pglite') {
      throw new Error(`--receiver-databases: unknown "${kind}", expected postgres and/or pglite`);
    }
  }
  return {
    sections,
    receiver: {
      customers: positive('receiver-customers', values['receiver-customers']),
      seconds: positive('receiver-seconds', values['receiver-seconds']),
      databases: databases as ('postgres' | 'pglite')[],
    },
    api: {
      importCustomers: positive('api-import-customers', importCustomers),
      httpCustomers: positive('api-customers', values['api-customers']),
      runs: positive('api-runs', apiRuns),
      concurrency: positive('concurrency', values.concurrency),
      seconds: positive('seconds', values.seconds),
    },
    freshness: {
      sizes: values['freshness-sizes'].split(',').map((s) => positive('freshness-sizes', s.trim())),
      runs: positive('freshness-runs', values['freshness-runs']),
    },
    sizes: sizesText.split(',').map((s) => positive('sizes', s.trim())),
    runs: positive('runs', values.runs),
    repeat: positive('repeat', values.repeat),
    largeRuns: positive('large-runs', values['large-runs']),
    largeRepeat: positive('large-repeat', values['large-repeat']),
    contenders,
    months: positive('months', values.months),
    seed: Number(values.seed),
    writeDocs: full || values['write-docs'] || values['docs-only'],
    docsOnly: values['docs-only'],
    keep: values.keep,
  };
}

async function main(): Promise<void> {
  const options = parseOptions();
  const args = process.argv.slice(2).filter((a) => a !== '--');
  const command = `pnpm --filter @nrr/bench bench${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`;
  if (options.sections.includes('engine') && !options.docsOnly) {
    saveRecord(
      'engine',
      mergeEngineRecord(loadRecord('engine'), await runEngineSection({ ...options, command })),
    );
    if (!options.sizes.some((customers) => customers >= LARGE_SIZE)) {
      console.log(
        '\n1,000,000 customers (about 15 minutes here): pnpm --filter @nrr/bench bench -- --sections engine --sizes 1000000' +
          '\nEverything docs/benchmarks.md shows, in one run (about 20 minutes on 2 cores): pnpm bench:full',
      );
    }
  }
  if (options.sections.includes('api') && !options.docsOnly) {
    // Loaded only here: it pulls in the API and its database drivers.
    const { runApiSection } = await import('./api-section.ts');
    const record = await runApiSection({
      ...options.api,
      months: options.months,
      seed: options.seed,
      command,
    });
    const { apiDefinitionsVerdicts, apiVerdicts, targetsTable, textTable } = await import('./render.ts');
    console.log(
      `\nTargets\n${textTable(targetsTable([...apiVerdicts(record), ...apiDefinitionsVerdicts(record)]))}`,
    );
    saveRecord('api', record);
  }
  if (options.sections.includes('freshness') && !options.docsOnly) {
    // Loaded only here: it pulls in the API and its database drivers.
    const { runFreshnessSection } = await import('./freshness-section.ts');
    await runFreshnessSection({ ...options.freshness, months: options.months, seed: options.seed });
  }
  if (options.sections.includes('receiver') && !options.docsOnly) {
    // Loaded only here, as the API section: it pulls in the API and its database drivers.
    const { runReceiverSection } = await import('./receiver-section.ts');
    await runReceiverSection({ ...options.receiver, months: options.months, seed: options.seed });
  }
  if (options.writeDocs) {
    const path = join(REPO_ROOT, 'docs', 'benchmarks.md');
    writeFileSync(path, renderDocs({ engine: loadRecord('engine'), api: loadRecord('api') }));
    console.log(`\nwrote ${path}`);
  }
}

main().catch((error: unknown) => {
  console.error(`\nbenchmark failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
