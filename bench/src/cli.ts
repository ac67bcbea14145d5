/**
 * `pnpm bench`: @nrr/core against DuckDB and Postgres (the dbt MRR playbook's SQL) and the floor,
 * on the same generated files, contenders alternated in child processes (core, DuckDB, Postgres,
 * floor, core, DuckDB, …), medians over the runs. Every contender's figures are checked against
 * @nrr/core's before its time counts.
 *
 *   pnpm bench                                              # 10,000 and 100,000 customers
 *   pnpm --filter @nrr/bench bench -- --sizes 1000000 --runs 3
 *   pnpm --filter @nrr/bench bench -- --sizes 10000,100000,1000000 --runs 3 --write-docs
 *
 * Options: --sizes (customers, comma-separated), --runs (rounds per size, default 5), --repeat
 * (computations per process, the first cold; default 3), --contenders (default
 * core,duckdb,postgres,floor), --months (36), --seed (42), --write-docs (docs/benchmarks.md),
 * --keep (keep the generated files). Postgres: DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { DEFAULT_DATABASE_URL } from './contenders/postgres.ts';
import { writeDataset } from './dataset.ts';
import { renderDocs } from './docs.ts';
import { describeMachine } from './machine.ts';
import { type ChildResult, CONTENDER_KEYS, type ContenderKey } from './protocol.ts';
import {
  count,
  detailLines,
  formatBytes,
  formatMs,
  growthTable,
  sizeHeading,
  sizeTable,
  targetsTable,
  textTable,
} from './render.ts';
import { runChild } from './runner.ts';
import { judgeTargets, type SizeSummary, summarizeSize } from './summary.ts';

const REPO_ROOT = resolve(import.meta.dirname, '../..');

function parseOptions() {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '10000,100000' },
      runs: { type: 'string', default: '5' },
      repeat: { type: 'string', default: '3' },
      contenders: { type: 'string', default: CONTENDER_KEYS.join(',') },
      months: { type: 'string', default: '36' },
      seed: { type: 'string', default: '42' },
      'write-docs': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
    },
  });
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
  return {
    sizes: values.sizes.split(',').map((s) => positive('sizes', s.trim())),
    runs: positive('runs', values.runs),
    repeat: positive('repeat', values.repeat),
    contenders,
    months: positive('months', values.months),
    seed: Number(values.seed),
    writeDocs: values['write-docs'],
    keep: values.keep,
  };
}

/** Drops Postgres from the run, saying why, when its server does not answer. */
async function reachablePostgres(contenders: ContenderKey[]): Promise<ContenderKey[]> {
  if (!contenders.includes('postgres')) return contenders;
  const url = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  const sql = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    await sql`select 1`;
    return contenders;
  } catch (error) {
    console.log(`Postgres skipped: ${url} does not answer (${(error as Error).message})`);
    return contenders.filter((k) => k !== 'postgres');
  } finally {
    await sql.end({ timeout: 1 });
  }
}

async function benchSize(
  customers: number,
  options: ReturnType<typeof parseOptions>,
  contenders: readonly ContenderKey[],
): Promise<SizeSummary> {
  const dir = mkdtempSync(join(tmpdir(), `nrr-bench-${customers}-`));
  try {
    const started = performance.now();
    const dataset = await writeDataset(dir, {
      customers,
      months: options.months,
      seed: options.seed,
      start: Date.UTC(2023, 0, 1),
    });
    const generateMs = performance.now() - started;
    console.log(
      `\n${count(customers)} customers: ${count(dataset.rows)} period rows, ${formatBytes(dataset.bytes)} in ${dir} (${formatMs(generateMs)})`,
    );
    const reference = join(dir, 'reference.json');
    const results = new Map<ContenderKey, ChildResult[]>(contenders.map((k) => [k, []]));
    for (let round = 1; round <= options.runs; round++) {
      for (const contender of contenders) {
        const result = await runChild({
          contender,
          datasetDir: dir,
          reference,
          writeReference: round === 1 && contender === 'core',
          repeat: options.repeat,
        });
        results.get(contender)?.push(result);
        const warm = result.figuresMs.slice(1);
        console.log(
          `  run ${round}/${options.runs}  ${result.name.padEnd(9)}  import ${formatMs(result.importMs).padStart(8)}` +
            `  figures ${formatMs(result.figuresMs[0] as number).padStart(8)} cold` +
            (warm.length > 0 ? `, ${warm.map(formatMs).join(', ')} warm` : '') +
            `  RSS ${formatBytes(result.maxRssBytes)}${round === 1 && contender !== 'core' ? '  ✓ same figures' : ''}`,
        );
      }
    }
    return summarizeSize(dataset, generateMs, results);
  } finally {
    if (options.keep) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const options = parseOptions();
  const machine = describeMachine();
  const contenders = await reachablePostgres(options.contenders);
  console.log('@nrr/bench — @nrr/core against DuckDB and Postgres (dbt MRR playbook SQL) on the same data');
  console.log(`machine: ${machine}`);
  console.log(
    `sizes ${options.sizes.map(count).join(', ')} customers × ${options.months} months, seed ${options.seed}; ` +
      `${options.runs} runs of ${contenders.join(', ')} alternated, ${options.repeat} computations per process`,
  );
  const sizes: SizeSummary[] = [];
  for (const customers of options.sizes) sizes.push(await benchSize(customers, options, contenders));

  for (const size of sizes) {
    console.log(`\n${sizeHeading(size)}\n${textTable(sizeTable(size))}`);
    for (const line of detailLines(size)) console.log(`  ${line}`);
  }
  if (sizes.length > 1) console.log(`\nGrowth\n${textTable(growthTable(sizes))}`);
  const verdicts = judgeTargets(sizes);
  console.log(`\nTargets\n${textTable(targetsTable(verdicts))}`);
  const versions = Object.assign({}, ...sizes.flatMap((s) => s.contenders.map((c) => c.versions)));
  if (!options.sizes.includes(1_000_000)) {
    console.log(
      '\n1,000,000 customers (about 12 minutes here): pnpm --filter @nrr/bench bench -- --sizes 1000000 --runs 3',
    );
  }

  mkdirSync(join(REPO_ROOT, 'bench-results'), { recursive: true });
  const stamp = new Date().toISOString();
  writeFileSync(
    join(REPO_ROOT, 'bench-results', 'latest.json'),
    `${JSON.stringify({ stamp, machine, versions, options, sizes, verdicts }, null, 2)}\n`,
  );
  if (options.writeDocs) {
    const path = join(REPO_ROOT, 'docs', 'benchmarks.md');
    const command = `pnpm --filter @nrr/bench bench -- --sizes ${options.sizes.join(',')} --runs ${options.runs} --write-docs`;
    writeFileSync(path, renderDocs({ stamp, machine, versions, command, sizes, verdicts }));
    console.log(`\nwrote ${path}`);
  }
}

main().catch((error: unknown) => {
  console.error(`\nbenchmark failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
