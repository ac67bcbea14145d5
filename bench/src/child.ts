/**
 * One contender in its own process, so that its peak memory is its own and no contender warms the
 * JIT or caches for another. Loads the dataset (timed), computes the figures `--repeat` times
 * (the first is cold: a fresh process), checks every result against the reference figures
 * (or writes them, for the @nrr/core run that sets the reference), and prints one
 * {@link ChildResult} line prefixed with {@link RESULT_MARKER}. Exits 1 on a mismatch.
 *
 *   node --conditions=@nrr/source --import tsx src/child.ts --contender duckdb --dataset DIR
 *     --reference FILE [--write-reference] [--repeat 3]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Contender } from './contenders/contender.ts';
import { readDataset } from './dataset.ts';
import { assertSameFigures, type Figures, FiguresMismatchError } from './figures.ts';
import { type ChildResult, CONTENDER_KEYS, type ContenderKey, RESULT_MARKER } from './protocol.ts';

async function contenderFor(key: ContenderKey): Promise<Contender<unknown>> {
  // Imported on demand so that a child loads only its own engine (DuckDB's native library is large).
  switch (key) {
    case 'core':
      return (await import('./contenders/core.ts')).coreContender as Contender<unknown>;
    case 'duckdb':
      return (await import('./contenders/duckdb.ts')).duckDbContender as Contender<unknown>;
    case 'postgres':
      return (await import('./contenders/postgres.ts')).postgresContender as Contender<unknown>;
    case 'floor':
      return (await import('./contenders/floor.ts')).floorContender as Contender<unknown>;
    default:
      return key satisfies never;
  }
}

async function extrasOf(
  key: ContenderKey,
  state: unknown,
): Promise<{ extra: Record<string, number>; versions: Record<string, string> }> {
  if (key === 'postgres') {
    const { sql, copy } = state as import('./contenders/postgres.ts').PostgresState;
    const [row] = await sql.unsafe<{ server_version: string }[]>('show server_version');
    return {
      extra: { copyMs: copy.ms, copyRows: copy.rows },
      versions: { postgres: row?.server_version ?? 'unknown' },
    };
  }
  if (key === 'duckdb') {
    const { connection } = state as import('./contenders/duckdb.ts').DuckDbState;
    const rows = (await connection.runAndReadAll("select version() as v, current_setting('threads') as t"))
      .getRowObjectsJS()
      .at(0);
    return { extra: { threads: Number(rows?.t ?? 0) }, versions: { duckdb: String(rows?.v ?? 'unknown') } };
  }
  if (key === 'floor') {
    const { sumPerBoundary } = await import('./contenders/floor.ts');
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      sumPerBoundary(state as import('./contenders/floor.ts').FloorState);
      times.push(performance.now() - started);
    }
    return { extra: { sumMs: times.sort((a, b) => a - b)[1] as number }, versions: {} };
  }
  return { extra: {}, versions: {} };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      contender: { type: 'string' },
      dataset: { type: 'string' },
      reference: { type: 'string' },
      'write-reference': { type: 'boolean', default: false },
      repeat: { type: 'string', default: '3' },
    },
  });
  const key = values.contender as ContenderKey;
  if (!CONTENDER_KEYS.includes(key) || !values.dataset || !values.reference) {
    throw new Error(`usage: child.ts --contender ${CONTENDER_KEYS.join('|')} --dataset DIR --reference FILE`);
  }
  const repeat = Math.max(1, Number(values.repeat));
  const dataset = readDataset(values.dataset);
  const contender = await contenderFor(key);

  const loadStarted = performance.now();
  const state = await contender.load(dataset);
  const importMs = performance.now() - loadStarted;
  let result: ChildResult | undefined;
  try {
    let reference = values['write-reference']
      ? undefined
      : (JSON.parse(readFileSync(values.reference, 'utf8')) as Figures);
    const figuresMs: number[] = [];
    let steps: Readonly<Record<string, number>> = {};
    let mismatch: string | undefined;
    for (let r = 0; r < repeat && mismatch === undefined; r++) {
      // Each computation starts from a collected heap: the previous one's garbage is not its cost.
      globalThis.gc?.();
      const started = performance.now();
      const run = await contender.figures(state, dataset);
      figuresMs.push(performance.now() - started);
      steps = run.steps;
      if (reference === undefined) {
        writeFileSync(values.reference, JSON.stringify(run.figures));
        reference = run.figures;
        continue;
      }
      try {
        assertSameFigures(contender.name, reference, run.figures);
      } catch (error) {
        if (!(error instanceof FiguresMismatchError)) throw error;
        mismatch = error.message;
      }
    }
    const { extra, versions } = await extrasOf(key, state);
    result = {
      contender: key,
      name: contender.name,
      importMs,
      figuresMs,
      steps,
      extra,
      versions,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      ...(mismatch === undefined ? {} : { mismatch }),
    };
  } finally {
    await contender.close(state);
  }
  process.stdout.write(`${RESULT_MARKER}${JSON.stringify(result)}\n`);
  if (result?.mismatch) process.exitCode = 1;
}

await main();
