/**
 * Medians over a size's runs, ratios against @nrr/core and the floor, growth across sizes, and
 * the targets of issue 6 judged from them.
 */

import type { Dataset } from './dataset.ts';
import type { ChildResult, ContenderKey } from './protocol.ts';

/** One contender at one size, over all its runs. */
export interface ContenderSummary {
  readonly key: ContenderKey;
  readonly name: string;
  readonly runs: number;
  /** Median milliseconds from the files to loaded state. */
  readonly importMs: number;
  /** Median of each process's warm computations (all but its first), or of the first when repeat is 1. */
  readonly warmMs: number;
  /** Median of each process's first computation: JIT and caches cold. */
  readonly coldMs: number;
  /** Median of import + first computation: what a one-shot run from the files costs. */
  readonly endToEndMs: number;
  /** Largest peak RSS over the runs, bytes. */
  readonly maxRssBytes: number;
  /** Median of each step of the last computation of each run. */
  readonly steps: Readonly<Record<string, number>>;
  /** Median of each contender-specific measurement. */
  readonly extra: Readonly<Record<string, number>>;
  readonly versions: Readonly<Record<string, string>>;
}

/** Everything measured at one size. */
export interface SizeSummary {
  readonly customers: number;
  readonly months: number;
  readonly rows: number;
  readonly bytes: number;
  /** Milliseconds to generate and write the files. */
  readonly generateMs: number;
  /** Computations per child process (the first cold); absent in records made before it was kept. */
  readonly repeat?: number;
  readonly contenders: readonly ContenderSummary[];
  /** When this size ran (ISO), the command, and the load average before and after it. */
  readonly run: { readonly stamp: string; readonly command: string; readonly load: string };
}

/** The median (the lower middle for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] as number;
}

function medianRecord(records: readonly Readonly<Record<string, number>>[]): Record<string, number> {
  const keys = [...new Set(records.flatMap((r) => Object.keys(r)))];
  return Object.fromEntries(
    keys.map((k) => [k, median(records.flatMap((r) => (k in r ? [r[k] as number] : [])))]),
  );
}

/** Summarises the runs of one contender at one size. */
export function summarizeContender(results: readonly ChildResult[]): ContenderSummary {
  const first = results[0];
  if (!first) throw new Error('no runs to summarise');
  const warm = results.map((r) => median(r.figuresMs.length > 1 ? r.figuresMs.slice(1) : r.figuresMs));
  return {
    key: first.contender,
    name: first.name,
    runs: results.length,
    importMs: median(results.map((r) => r.importMs)),
    warmMs: median(warm),
    coldMs: median(results.map((r) => r.figuresMs[0] as number)),
    endToEndMs: median(results.map((r) => r.importMs + (r.figuresMs[0] as number))),
    maxRssBytes: Math.max(...results.map((r) => r.maxRssBytes)),
    steps: medianRecord(results.map((r) => r.steps)),
    extra: medianRecord(results.map((r) => r.extra)),
    versions: first.versions,
  };
}

/** Summarises one size. */
export function summarizeSize(
  dataset: Dataset,
  generateMs: number,
  repeat: number,
  results: ReadonlyMap<ContenderKey, readonly ChildResult[]>,
  run: SizeSummary['run'],
): SizeSummary {
  return {
    run,
    customers: dataset.customers,
    months: dataset.months,
    rows: dataset.rows,
    bytes: dataset.bytes,
    generateMs,
    repeat,
    contenders: [...results.values()].map(summarizeContender),
  };
}

/** A contender's summary at a size, if it ran. */
export function contenderAt(size: SizeSummary, key: ContenderKey): ContenderSummary | undefined {
  return size.contenders.find((c) => c.key === key);
}

/** One target of issue 6 and how this run did against it. */
export interface TargetVerdict {
  readonly target: string;
  /** `met`, `missed`, or `not measured` (contender or size absent from the run). */
  readonly verdict: 'met' | 'missed' | 'not measured';
  /** The measured figure behind the verdict. */
  readonly evidence: string;
}

/** Growth of 10× the customers is judged "about 10×" up to this factor. */
export const LINEAR_SLACK = 11;

const times = (x: number) => `${x.toFixed(1)}×`;

/** Judges the engine targets (speed against DuckDB and the floor, linear growth) from the summaries. */
export function judgeTargets(sizes: readonly SizeSummary[]): TargetVerdict[] {
  const verdicts: TargetVerdict[] = [];
  for (const customers of [100_000, 1_000_000]) {
    const size = sizes.find((s) => s.customers === customers);
    const core = size && contenderAt(size, 'core');
    const duck = size && contenderAt(size, 'duckdb');
    const label = customers.toLocaleString('en-US');
    verdicts.push(
      core && duck
        ? {
            target: `@nrr/core ≥ 5× faster than DuckDB at ${label} customers`,
            verdict: duck.warmMs / core.warmMs >= 5 ? 'met' : 'missed',
            evidence:
              `figures: DuckDB ${times(duck.warmMs / core.warmMs)} @nrr/core's time (warm); ` +
              `${times(duck.endToEndMs / core.endToEndMs)} from the CSV (import + first computation)`,
          }
        : {
            target: `@nrr/core ≥ 5× faster than DuckDB at ${label} customers`,
            verdict: 'not measured',
            evidence: '',
          },
    );
  }
  for (const size of sizes) {
    const core = contenderAt(size, 'core');
    const floor = contenderAt(size, 'floor');
    if (!core || !floor) continue;
    verdicts.push({
      target: `@nrr/core within 5× of the floor at ${size.customers.toLocaleString('en-US')} customers`,
      verdict: core.warmMs / floor.warmMs <= 5 ? 'met' : 'missed',
      evidence:
        `@nrr/core ${times(core.warmMs / floor.warmMs)} the one-pass floor (warm); ` +
        `without building the timeline ${times((core.warmMs - (core.steps.timeline ?? 0)) / floor.warmMs)}`,
    });
  }
  const sorted = [...sizes].sort((a, b) => a.customers - b.customers);
  for (let i = 1; i < sorted.length; i++) {
    const small = sorted[i - 1] as SizeSummary;
    const large = sorted[i] as SizeSummary;
    const a = contenderAt(small, 'core');
    const b = contenderAt(large, 'core');
    if (!a || !b) continue;
    const scale = large.customers / small.customers;
    const time = b.warmMs / a.warmMs;
    const endToEnd = b.endToEndMs / a.endToEndMs;
    const memory = b.maxRssBytes / a.maxRssBytes;
    const limit = (scale / 10) * LINEAR_SLACK;
    verdicts.push({
      target: `@nrr/core grows linearly ${small.customers.toLocaleString('en-US')} → ${large.customers.toLocaleString('en-US')} (${scale}× customers)`,
      verdict: time <= limit && memory <= limit && endToEnd <= limit ? 'met' : 'missed',
      evidence: `figures ${times(time)}, from the CSV ${times(endToEnd)}, peak RSS ${times(memory)} (about ${scale}× allowed: ≤ ${limit.toFixed(1)}×)`,
    });
  }
  return verdicts;
}
