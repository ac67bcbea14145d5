/**
 * What every contender implements: load the dataset's files into whatever it queries (timed as
 * the import), then compute the figures from that state (timed, repeatable), then release it.
 */
import type { Dataset } from '../dataset.ts';
import type { Figures } from '../figures.ts';

/** One computation of the figures and how long its steps took. */
export interface FiguresRun {
  readonly figures: Figures;
  /** Milliseconds per named step (timeline, bridges, trailing, cohorts, …), for the detailed report. */
  readonly steps: Readonly<Record<string, number>>;
}

/** A way of computing the figures, from the same files as every other. */
export interface Contender<State> {
  /** Name in the report: `@nrr/core`, `DuckDB`, `Postgres`, `floor`. */
  readonly name: string;
  /** Reads the dataset's CSV files into the state the figures are computed from. */
  load(dataset: Dataset): Promise<State>;
  /** Computes every figure from loaded state; may be called repeatedly on the same state. */
  figures(state: State, dataset: Dataset): Promise<FiguresRun>;
  /** Releases connections, schemas and files the state holds. */
  close(state: State): Promise<void>;
}

/** Milliseconds `fn` takes, with its result. */
export async function timed<T>(fn: () => T | Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await fn();
  return { result, ms: performance.now() - started };
}
