/**
 * The engine section: for each size, generate the files once, then run @nrr/core, DuckDB,
 * Postgres and the floor alternated in child processes, each checked against @nrr/core's figures,
 * and print the per-size tables, the growth and the targets.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { DEFAULT_DATABASE_URL } from './contenders/postgres.ts';
import { writeDataset } from './dataset.ts';
import { describeLoad, describeMachine } from './machine.ts';
import type { ChildResult, ContenderKey } from './protocol.ts';
import type { EngineRecord } from './records.ts';
import {
  count,
  detailLines,
  formatBytes,
  formatMs,
  growthTable,
  plural,
  sizeHeading,
  sizeTable,
  targetsTable,
  textTable,
} from './render.ts';
import { runChild } from './runner.ts';
import { judgeTargets, type SizeSummary, summarizeSize } from './summary.ts';

/** How the engine section runs. */
export interface EngineOptions {
  /** Customer counts, in order. */
  readonly sizes: readonly number[];
  /** Alternated rounds per size below {@link LARGE_SIZE}. */
  readonly runs: number;
  /** Computations per child process (the first cold) below {@link LARGE_SIZE}. */
  readonly repeat: number;
  /** Alternated rounds per size from {@link LARGE_SIZE} up. */
  readonly largeRuns: number;
  /** Computations per child process from {@link LARGE_SIZE} up. */
  readonly largeRepeat: number;
  /** Contenders, `core` first (its figures are the reference). */
  readonly contenders: readonly ContenderKey[];
  readonly months: number;
  readonly seed: number;
  /** Keep the generated files. */
  readonly keep: boolean;
  /** The command line, for the record. */
  readonly command: string;
}

/**
 * From this many customers, a size runs `largeRuns` rounds of `largeRepeat` computations: one
 * Postgres computation of 1,000,000 customers takes minutes, and two per process keep a warm
 * figure (a single cold one swings by 2× with the JIT and the collector).
 */
export const LARGE_SIZE = 1_000_000;

/** Rounds and computations per process for a size. */
function runPlan(options: EngineOptions, customers: number): { runs: number; repeat: number } {
  return customers >= LARGE_SIZE
    ? { runs: options.largeRuns, repeat: options.largeRepeat }
    : { runs: options.runs, repeat: options.repeat };
}

function plans(options: EngineOptions): string {
  const each = (runs: number, repeat: number) =>
    `${plural(runs, 'run')} of ${plural(repeat, 'computation')} per process`;
  const small = options.sizes.filter((customers) => customers < LARGE_SIZE);
  const large = options.sizes.filter((customers) => customers >= LARGE_SIZE);
  return [
    small.length > 0
      ? `${each(options.runs, options.repeat)}${large.length > 0 ? ` below ${count(LARGE_SIZE)}` : ''}`
      : '',
    large.length > 0 ? `${each(options.largeRuns, options.largeRepeat)} from ${count(LARGE_SIZE)}` : '',
  ]
    .filter(Boolean)
    .join('; ');
}

/** Drops Postgres from the run, saying why, when its server does not answer. */
async function reachablePostgres(contenders: readonly ContenderKey[]): Promise<readonly ContenderKey[]> {
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
  options: EngineOptions,
  contenders: readonly ContenderKey[],
): Promise<SizeSummary> {
  const { runs, repeat } = runPlan(options, customers);
  const dir = mkdtempSync(join(tmpdir(), `nrr-bench-${customers}-`));
  const stamp = new Date().toISOString();
  const loadBefore = describeLoad();
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
    for (let round = 1; round <= runs; round++) {
      for (const contender of contenders) {
        const result = await runChild({
          contender,
          datasetDir: dir,
          reference,
          writeReference: round === 1 && contender === 'core',
          repeat,
        });
        results.get(contender)?.push(result);
        const warm = result.figuresMs.slice(1);
        console.log(
          `  run ${round}/${runs}  ${result.name.padEnd(9)}  import ${formatMs(result.importMs).padStart(8)}` +
            `  figures ${formatMs(result.figuresMs[0] as number).padStart(8)} cold` +
            (warm.length > 0 ? `, ${warm.map(formatMs).join(', ')} warm` : '') +
            `  RSS ${formatBytes(result.maxRssBytes)}${contender === 'core' ? '' : '  ✓ same figures'}`,
        );
      }
    }
    return summarizeSize(dataset, generateMs, repeat, results, {
      stamp,
      command: options.command,
      load: `${loadBefore} at the start, ${describeLoad()} at the end`,
    });
  } finally {
    if (options.keep) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the engine section and returns its record; throws when a contender's figures differ. */
export async function runEngineSection(options: EngineOptions): Promise<EngineRecord> {
  const stamp = new Date().toISOString();
  const machine = describeMachine();
  const loadBefore = describeLoad();
  const contenders = await reachablePostgres(options.contenders);
  console.log('== engine: @nrr/core beside DuckDB and Postgres (dbt MRR playbook SQL) and the floor');
  console.log(`machine: ${machine}; ${loadBefore}`);
  console.log(
    `sizes ${options.sizes.map(count).join(', ')} customers × ${options.months} months, seed ${options.seed}; ` +
      `${contenders.join(', ')} alternated; ${plans(options)}`,
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
  const loadAfter = describeLoad();
  console.log(`\n${loadAfter}`);
  const versions: Record<string, string> = Object.assign(
    {},
    ...sizes.flatMap((s) => s.contenders.map((c) => c.versions)),
  );
  return {
    stamp,
    machine,
    load: { before: loadBefore, after: loadAfter },
    command: options.command,
    versions,
    sizes,
    verdicts,
  };
}
