/** What the benchmark's parent and its child processes (`child.ts`) agree on. */

/** Keys of the contenders a child can run. */
export const CONTENDER_KEYS = ['core', 'duckdb', 'postgres', 'floor'] as const;
export type ContenderKey = (typeof CONTENDER_KEYS)[number];

/** Prefix of the line that carries the result, so library output on stdout cannot be mistaken for it. */
export const RESULT_MARKER = '@@nrr-bench-result ';

/** What one child process measured. */
export interface ChildResult {
  readonly contender: ContenderKey;
  readonly name: string;
  /** Milliseconds from the files to loaded state. */
  readonly importMs: number;
  /** Milliseconds of each computation of the figures, in order (the first in a fresh process). */
  readonly figuresMs: readonly number[];
  /** Step timings of the last computation, in milliseconds. */
  readonly steps: Readonly<Record<string, number>>;
  /** Contender-specific measurements: Postgres `copyMs`/`copyRows`, the floor's `sumMs`. */
  readonly extra: Readonly<Record<string, number>>;
  /** Versions of what ran (DuckDB, Postgres server). */
  readonly versions: Readonly<Record<string, string>>;
  /** Peak resident set size of this process, in bytes. */
  readonly maxRssBytes: number;
  /** Set when the figures differed from the reference: the message names the first differing month. */
  readonly mismatch?: string;
}
