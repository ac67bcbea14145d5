/**
 * What the engine's benches share: their command-line options (customers, months, seed, runs;
 * the window starts on 2023-01-01), the generated spans of a seeded dataset, and timing helpers.
 */
import { parseArgs } from 'node:util';
import { generatedPeriodToSpan, generatePeriods, type MrrSpan } from '../src/index.ts';

/** First instant of every bench's window. */
export const BENCH_START = Date.UTC(2023, 0, 1);

/**
 * The bench's options from the command line: `customers` as written (some benches take a
 * comma-separated list), the others as numbers; `runs` and `customers` default as given.
 */
export function benchOptions(defaults: { readonly customers: string; readonly runs: string }): {
  customers: string;
  months: number;
  seed: number;
  runs: number;
} {
  const { values } = parseArgs({
    // `pnpm … bench -- --flag` passes the `--` through (pnpm 10+); drop it so both spellings work.
    args: process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === '--')),
    options: {
      customers: { type: 'string', default: defaults.customers },
      months: { type: 'string', default: '36' },
      seed: { type: 'string', default: '42' },
      runs: { type: 'string', default: defaults.runs },
    },
  });
  return {
    customers: values.customers,
    months: Number(values.months),
    seed: Number(values.seed),
    runs: Number(values.runs),
  };
}

/** The spans of core's seeded generator for `customers` over `months` from {@link BENCH_START}. */
export function generatedSpans(spec: { seed: number; customers: number; months: number }): MrrSpan[] {
  const spans: MrrSpan[] = [];
  for (const period of generatePeriods({ ...spec, start: BENCH_START }))
    spans.push(generatedPeriodToSpan(period));
  return spans;
}

/** The median of `xs` (the upper one of an even count). */
export const median = (xs: readonly number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** `fn`'s result and how long it took, in milliseconds. */
export function timed<T>(fn: () => T): { result: T; ms: number } {
  const t0 = performance.now();
  const result = fn();
  return { result, ms: performance.now() - t0 };
}
