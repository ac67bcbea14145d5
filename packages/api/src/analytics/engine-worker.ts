/**
 * A worker thread of the engine pool (./engine-pool.ts): keeps the timelines of recently asked
 * tenants (at most {@link TIMELINES_PER_WORKER}, least recently used evicted, each for one data
 * version) and runs operations on them. A job for a tenant it does not hold comes back with
 * `needsSource`, and the pool sends it again with the tenant's spans, read on the main thread.
 */
import { parentPort } from 'node:worker_threads';
import {
  type Definitions,
  EngineError,
  type ExchangeRates,
  type MissingRate,
  type MrrSpan,
  type Timeline,
} from '@nrr/core';
import {
  applyPatch,
  buildTenantTimeline,
  type EngineOperation,
  type PackedSpans,
  type RateTable,
  ratesOf,
  runOperation,
  summaryOf,
  unpackSpans,
} from './engine-ops.ts';

/** Timelines one worker keeps (as `TimelineCache` keeps per process). */
export const TIMELINES_PER_WORKER = 16;

/** A job posted to a worker. */
export interface EngineJob {
  readonly id: number;
  /** Tenant, data version and the definitions the timeline is built under (see `EngineRequest`). */
  readonly timelineKey: string;
  readonly rates: RateTable;
  readonly operation: EngineOperation;
  /** The question's definitions: the timeline is built under them, the operation runs under them. */
  readonly definitions: Definitions;
  /**
   * The tenant's spans, sent when the worker answered `needsSource`: the last part of them (the
   * others came before as {@link SpansPart} messages of the same job id).
   */
  readonly source?: { readonly spans: PackedSpans; readonly asOfAtLeast?: number };
  /**
   * The timeline's key at the tenant's previous data version: a worker holding it answers
   * `needsPatch` rather than `needsSource`, and gets {@link EngineJob.patch}.
   */
  readonly baseKey?: string;
  /** The changed customers and their spans, to patch the timeline held under `baseKey`. */
  readonly patch?: {
    readonly customerIds: readonly string[];
    readonly spans: PackedSpans;
    readonly asOfAtLeast?: number;
  };
}

/** Some of a job's spans, ahead of the job message carrying the rest. */
export interface SpansPart {
  readonly id: number;
  readonly part: PackedSpans;
}

/** What the pool posts to a worker: a job, part of its spans, or an order to drop every timeline. */
export type EngineMessage = EngineJob | SpansPart | { readonly clear: true };

/** A worker's answer to a job. */
export type EngineReply =
  | { readonly id: number; readonly needsSource: true }
  | { readonly id: number; readonly needsPatch: true }
  | { readonly id: number; readonly result: unknown; readonly summary: ReturnType<typeof summaryOf> }
  | {
      readonly id: number;
      readonly engineError: { code: string; message: string; missingRate?: MissingRate | undefined };
    }
  | { readonly id: number; readonly failure: string };

interface Held {
  readonly timeline: Timeline;
  readonly rates: Map<string, ExchangeRates>;
}

const held = new Map<string, Held>();
/** Spans received so far for a job, by job id. */
const parts = new Map<number, MrrSpan[]>();

/** The job's timeline; `'patch'` when the worker holds the previous version's and the job has no patch yet. */
function timelineFor(job: EngineJob): Held | 'patch' | undefined {
  const known = held.get(job.timelineKey);
  if (known) {
    held.delete(job.timelineKey);
    held.set(job.timelineKey, known);
    return known;
  }
  const base = job.baseKey === undefined ? undefined : held.get(job.baseKey);
  if (job.patch) {
    // Without the base (dropped meanwhile) the job asks for the spans.
    if (!base || job.baseKey === undefined) return undefined;
    const { spans, ...rest } = job.patch;
    let timeline: Timeline;
    try {
      timeline = applyPatch(base.timeline, { ...rest, spans: unpackSpans(spans) });
    } catch {
      // Refused (e.g. two entities would share an id): build from every span, as a rebuild would.
      return undefined;
    }
    const patched: Held = { timeline, rates: new Map() };
    // Versions only move forward: the previous one is not asked again.
    held.delete(job.baseKey);
    held.set(job.timelineKey, patched);
    return patched;
  }
  if (!job.source) return base ? 'patch' : undefined;
  const { spans: last, ...rest } = job.source;
  const spans = parts.get(job.id) ?? [];
  parts.delete(job.id);
  for (const span of unpackSpans(last)) spans.push(span);
  const fresh: Held = {
    timeline: buildTenantTimeline({ spans, ...rest }, job.definitions),
    rates: new Map(),
  };
  held.set(job.timelineKey, fresh);
  while (held.size > TIMELINES_PER_WORKER) {
    const oldest = held.keys().next().value;
    if (oldest === undefined) break;
    held.delete(oldest);
  }
  return fresh;
}

/** Handles one job: builds or finds the timeline, runs the operation, says what went wrong. */
export function handleJob(job: EngineJob): EngineReply {
  try {
    const entry = timelineFor(job);
    if (!entry) return { id: job.id, needsSource: true };
    if (entry === 'patch') return { id: job.id, needsPatch: true };
    // Rates are part of the tenant's data version too; keyed by their content, built once.
    const ratesKey = JSON.stringify(job.rates);
    let rates = entry.rates.get(ratesKey);
    if (!rates) {
      rates = ratesOf(job.rates);
      entry.rates.clear();
      entry.rates.set(ratesKey, rates);
    }
    const result = runOperation(entry.timeline, rates, job.operation, job.definitions);
    return { id: job.id, result, summary: summaryOf(entry.timeline) };
  } catch (error) {
    if (error instanceof EngineError) {
      return {
        id: job.id,
        engineError: { code: error.code, message: error.message, missingRate: error.missingRate },
      };
    }
    return { id: job.id, failure: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
}

parentPort?.on('message', (message: EngineMessage) => {
  if ('clear' in message) held.clear();
  else if ('part' in message) {
    const spans = parts.get(message.id) ?? [];
    for (const span of unpackSpans(message.part)) spans.push(span);
    parts.set(message.id, spans);
  } else parentPort?.postMessage(handleJob(message));
});
