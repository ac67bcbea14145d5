/**
 * A worker thread of the engine pool (./engine-pool.ts): keeps the timelines of recently asked
 * tenants (at most {@link TIMELINES_PER_WORKER}, least recently used evicted, each for one data
 * version) and runs operations on them. A job for a tenant it does not hold comes back with
 * `needsSource`, and the pool sends it again with the tenant's spans, read on the main thread.
 */
import { parentPort } from 'node:worker_threads';
import { EngineError, type ExchangeRates, type Timeline } from '@nrr/core';
import {
  buildTenantTimeline,
  type EngineOperation,
  type RateTable,
  ratesOf,
  runOperation,
  summaryOf,
  type TimelineSource,
} from './engine-ops.ts';

/** Timelines one worker keeps (as `TimelineCache` keeps per process). */
export const TIMELINES_PER_WORKER = 16;

/** A job posted to a worker. */
export interface EngineJob {
  readonly id: number;
  /** Tenant and data version: `${tenantId}@${dataVersion}`. */
  readonly timelineKey: string;
  readonly rates: RateTable;
  readonly operation: EngineOperation;
  /** The tenant's spans, sent when the worker answered `needsSource`. */
  readonly source?: TimelineSource;
}

/** What the pool posts to a worker: a job, or an order to drop every timeline. */
export type EngineMessage = EngineJob | { readonly clear: true };

/** A worker's answer to a job. */
export type EngineReply =
  | { readonly id: number; readonly needsSource: true }
  | { readonly id: number; readonly result: unknown; readonly summary: ReturnType<typeof summaryOf> }
  | { readonly id: number; readonly engineError: { code: string; message: string } }
  | { readonly id: number; readonly failure: string };

interface Held {
  readonly timeline: Timeline;
  readonly rates: Map<string, ExchangeRates>;
}

const held = new Map<string, Held>();

function timelineFor(job: EngineJob): Held | undefined {
  const known = held.get(job.timelineKey);
  if (known) {
    held.delete(job.timelineKey);
    held.set(job.timelineKey, known);
    return known;
  }
  if (!job.source) return undefined;
  const fresh: Held = { timeline: buildTenantTimeline(job.source), rates: new Map() };
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
    // Rates are part of the tenant's data version too; keyed by their content, built once.
    const ratesKey = JSON.stringify(job.rates);
    let rates = entry.rates.get(ratesKey);
    if (!rates) {
      rates = ratesOf(job.rates);
      entry.rates.clear();
      entry.rates.set(ratesKey, rates);
    }
    const result = runOperation(entry.timeline, rates, job.operation);
    return { id: job.id, result, summary: summaryOf(entry.timeline) };
  } catch (error) {
    if (error instanceof EngineError) {
      return { id: job.id, engineError: { code: error.code, message: error.message } };
    }
    return { id: job.id, failure: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
}

parentPort?.on('message', (message: EngineMessage) => {
  if ('clear' in message) held.clear();
  else parentPort?.postMessage(handleJob(message));
});
