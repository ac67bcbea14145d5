/**
 * The latest results of each section of the benchmark, kept in `bench-results/` (not committed)
 * so that docs/benchmarks.md can be written from the latest run of every section, even when the
 * sections ran separately (the 1,000,000-customer engine run takes a while).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { LoadResult } from './load-client.ts';
import { judgeTargets, type SizeSummary, type TargetVerdict } from './summary.ts';

/** Root of the repository. */
export const REPO_ROOT = resolve(import.meta.dirname, '../..');

const RESULTS_DIR = join(REPO_ROOT, 'bench-results');

/** What every section's record says about its run. */
export interface RunContext {
  /** ISO timestamp of the run's start. */
  readonly stamp: string;
  readonly machine: string;
  /** Load average before and after: other work on a shared machine skews timings. */
  readonly load: { readonly before: string; readonly after: string };
  /** The command that reproduces the run. */
  readonly command: string;
}

/**
 * The engine section: @nrr/core, DuckDB, Postgres and the floor at each size. A size keeps its
 * latest run (each says when and how it ran), so 1,000,000 customers can run on its own.
 */
export interface EngineRecord extends RunContext {
  /** DuckDB and Postgres versions. */
  readonly versions: Readonly<Record<string, string>>;
  /** Ascending by customers. */
  readonly sizes: readonly SizeSummary[];
  readonly verdicts: readonly TargetVerdict[];
}

/** The API section: import through @nrr/api against COPY, and queries over HTTP. */
export interface ApiRecord extends RunContext {
  readonly import: {
    readonly customers: number;
    /** Rows of the periods file. */
    readonly rows: number;
    /** Milliseconds of each API import into a new tenant (parse, validate, store; one transaction). */
    readonly apiMs: readonly number[];
    /**
     * Milliseconds of each import of the same file again into that tenant (every row compared with
     * the stored span, nothing changes). Absent in records written before it was measured.
     */
    readonly reimportMs?: readonly number[];
    /** Milliseconds of each COPY of the same file into a bare table. */
    readonly copyMs: readonly number[];
    /** Rows per second at the median times. */
    readonly apiRowsPerSecond: number;
    readonly copyRowsPerSecond: number;
  };
  readonly http: {
    readonly customers: number;
    readonly rows: number;
    /** Milliseconds to load the tenant through the API's import path (and its rate table). */
    readonly loadMs: number;
    readonly concurrency: number;
    /** Seconds of warm load per query. */
    readonly seconds: number;
    readonly queries: readonly {
      readonly name: string;
      /** Median of three first requests after the timeline cache was dropped, ms. */
      readonly coldMs: number;
      /** The same query again and again (the API memoises answers per data version). */
      readonly warm: LoadResult;
      /** 24 different windows once each, timeline cached: the engine's cost per request. */
      readonly uncached: LoadResult;
    }[];
    /**
     * `retention` (12 months) under a non-default definition set beside the tenant's own, sent
     * interleaved by the same clients (issue 14). Absent in records written before it was measured.
     */
    readonly definitions?: {
      /** The `definitions` argument, as GraphQL input text. */
      readonly input: string;
      /** The first question under that set (its timeline built; the default's already cached), ms. */
      readonly coldMs: number;
      /** The tenant's settings, interleaved with `other`. */
      readonly base: Omit<LoadResult, 'perQuery'>;
      /** The non-default set, interleaved with `base`. */
      readonly other: Omit<LoadResult, 'perQuery'>;
      /** Why no SPANS-stage line (e.g. `pause: ZERO`) was measured, when none was. */
      readonly spansStage: string;
    };
  };
}

/** Section names and their records. */
export interface Records {
  readonly engine: EngineRecord;
  readonly api: ApiRecord;
}

/** Saves a section's record as the latest. */
export function saveRecord<K extends keyof Records>(section: K, record: Records[K]): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, `${section}.json`), `${JSON.stringify(record, null, 2)}\n`);
}

/** The latest record of a section, if one was saved. */
export function loadRecord<K extends keyof Records>(section: K): Records[K] | undefined {
  const path = join(RESULTS_DIR, `${section}.json`);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Records[K]) : undefined;
}

/**
 * A new engine record merged into the saved one: sizes the new run measured replace the saved
 * ones, other saved sizes stay (with their own run details), and the targets are judged again.
 */
export function mergeEngineRecord(saved: EngineRecord | undefined, latest: EngineRecord): EngineRecord {
  const measured = new Set(latest.sizes.map((s) => s.customers));
  const kept = (saved?.sizes ?? []).filter((s) => !measured.has(s.customers) && s.run !== undefined);
  const sizes = [...kept, ...latest.sizes].sort((a, b) => a.customers - b.customers);
  return {
    ...latest,
    versions: { ...saved?.versions, ...latest.versions },
    sizes,
    verdicts: judgeTargets(sizes),
  };
}
