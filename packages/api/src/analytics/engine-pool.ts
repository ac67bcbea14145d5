/**
 * Engine computations in worker threads, so that one tenant's heavy question does not stop the
 * main thread from answering everyone else (kept answers, cheap queries, authentication, imports'
 * database I/O). Each worker keeps the timelines it built (./engine-worker.ts); the main thread
 * reads a tenant's spans from the database only when a worker asks for them.
 *
 * Jobs wait in one queue per tenant, served round-robin: a tenant with 30 questions queued takes
 * one turn in every round, so another tenant's single question waits for at most one of them per
 * worker. A worker that dies fails its job (the request gets `INTERNAL`) and is replaced.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Definitions, MissingRate, TimelinePatch } from '@nrr/core';
import {
  type EngineOperation,
  packSpans,
  type RateTable,
  type TimelineSource,
  type TimelineSummary,
} from './engine-ops.ts';
import type { EngineJob, EngineMessage, EngineReply, SpansPart } from './engine-worker.ts';

/** Timelines a worker keeps (engine-worker.ts's `TIMELINES_PER_WORKER`): the hints kept per slot. */
const HELD_PER_WORKER = 16;

/** Spans packed and posted at a time (see `#sendSource`). */
const SPANS_PER_PART = 20_000;

/** Default pool size: every core but one (the main thread's), at least one. */
export function defaultEngineWorkers(): number {
  return Math.max(1, availableParallelism() - 1);
}

/** What a job needs from the caller besides its operation. */
export interface EngineRequest {
  readonly tenantId: string;
  /**
   * Tenant, data version and timeline definitions: `${tenantId}@${dataVersion}#${timeline key}`
   * (core's `definitionKeys(definitions).timeline`), so sets differing only in query options share
   * a worker's timeline.
   */
  readonly timelineKey: string;
  readonly rates: RateTable;
  readonly operation: EngineOperation;
  /** The question's definitions (the timeline is built under them, the operation runs under them). */
  readonly definitions: Definitions;
  /** Reads the tenant's spans under the definitions' span options (only when the chosen worker does not hold the timeline). */
  readonly source: () => Promise<TimelineSource>;
  /** How a worker holding the timeline at the tenant's previous data version patches it to this one. */
  readonly patch?: PatchRequest;
}

/** A timeline patch a worker may apply instead of building the timeline from every span. */
export interface PatchRequest {
  /** The timeline's key at the previous data version (`${tenantId}@${previous}#${timeline key}`). */
  readonly baseKey: string;
  /**
   * Reads the patch (only when the chosen worker holds `baseKey`); `undefined`: the changes cannot
   * be patched, and the worker gets the spans instead.
   */
  readonly read: () => Promise<TimelinePatch | undefined>;
}

/** A successful job: the operation's result and the summary of the timeline it ran on. */
export interface EngineAnswer {
  readonly result: unknown;
  readonly summary: TimelineSummary;
}

/** Raised for a question core refuses (`EngineError`'s code, message and missing rate, from the worker). */
export class EngineRefusal extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly missingRate?: MissingRate,
  ) {
    super(message);
    this.name = 'EngineRefusal';
  }
}

interface Pending {
  readonly request: EngineRequest;
  readonly resolve: (answer: EngineAnswer) => void;
  readonly reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  job: { readonly id: number; readonly pending: Pending } | undefined;
  /** Timeline keys this worker was last seen holding (a hint for placing jobs). */
  readonly holds: Set<string>;
}

/**
 * How to start a worker: the built worker file, or, running from source (.ts, under tsx or
 * vitest), a bootstrap that registers tsx's loader before importing the .ts file (on Node 20 a
 * loader given with `--import` in a worker's execArgv does not apply to the worker's own entry).
 */
function startWorker(): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const url = new URL(fromSource ? './engine-worker.ts' : './engine-worker.js', import.meta.url);
  if (!fromSource) return new Worker(url);
  // createRequire, not import.meta.resolve: Vite's module runner (the widgets' and examples' tests
  // run the API in-process) does not support the latter.
  const tsxRoot = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const tsx = pathToFileURL(join(tsxRoot, 'dist/esm/api/index.mjs')).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(bootstrap, { eval: true, execArgv: ['--conditions=@nrr/source'] });
}

/** A pool of engine worker threads with a fair queue across tenants. */
export class EnginePool {
  readonly #slots: Slot[] = [];
  /** Queued jobs per tenant; the map's order is the round-robin order. */
  readonly #queues = new Map<string, Pending[]>();
  #nextId = 1;
  #closed = false;
  /** What was sent to workers: every span of a tenant (`sources`), or a patch (`patches`). */
  readonly #sent = { sources: 0, patches: 0 };

  /** @param size Worker threads (≥ 1). */
  constructor(readonly size: number = defaultEngineWorkers()) {
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(`engine workers: got ${size}, expected a whole number ≥ 1 (0 runs inline)`);
    }
  }

  /** The worker threads (for monitoring, and for tests that kill one). */
  get threads(): readonly Worker[] {
    return this.#slots.map((slot) => slot.worker);
  }

  /** Jobs waiting for a worker, and jobs running. */
  get load(): { queued: number; running: number } {
    let queued = 0;
    for (const queue of this.#queues.values()) queued += queue.length;
    return { queued, running: this.#slots.filter((slot) => slot.job).length };
  }

  /**
   * How many times workers were sent a tenant's spans (`sources`, to build a timeline) or a patch
   * of the changed customers (`patches`) since the pool started.
   */
  get sent(): { readonly sources: number; readonly patches: number } {
    return { ...this.#sent };
  }

  /** Runs a job on a worker when its tenant's turn comes. */
  run(request: EngineRequest): Promise<EngineAnswer> {
    if (this.#closed) return Promise.reject(new Error('the engine pool is closed'));
    // Threads start with the first job: an API that computes nothing starts none.
    while (this.#slots.length < this.size) this.#slots.push(this.#spawn());
    return new Promise((resolve, reject) => {
      const queue = this.#queues.get(request.tenantId);
      if (queue) queue.push({ request, resolve, reject });
      else this.#queues.set(request.tenantId, [{ request, resolve, reject }]);
      this.#dispatch();
    });
  }

  /** Makes every worker drop its timelines (after the jobs already sent to it). */
  clear(): void {
    for (const slot of this.#slots) {
      slot.holds.clear();
      slot.worker.postMessage({ clear: true } satisfies EngineMessage);
    }
  }

  /** Stops every worker; queued and running jobs fail. */
  async close(): Promise<void> {
    this.#closed = true;
    const failure = new Error('the engine pool is closed');
    for (const queue of this.#queues.values()) for (const pending of queue) pending.reject(failure);
    this.#queues.clear();
    await Promise.all(
      this.#slots.map(async (slot) => {
        const job = slot.job;
        slot.job = undefined;
        job?.pending.reject(failure);
        await slot.worker.terminate();
      }),
    );
  }

  #spawn(): Slot {
    const worker = startWorker();
    // Only a worker with a job keeps the process alive (the CLI exits when its work is done).
    worker.unref();
    const slot: Slot = { worker, job: undefined, holds: new Set() };
    worker.on('message', (reply: EngineReply) => this.#onReply(slot, reply));
    worker.on('error', (error) => this.#onExit(slot, error));
    worker.on('exit', (code) => this.#onExit(slot, new Error(`engine worker exited with code ${code}`)));
    return slot;
  }

  #onExit(slot: Slot, error: Error): void {
    const index = this.#slots.indexOf(slot);
    if (index === -1) return; // already replaced ('error' is followed by 'exit')
    const job = slot.job;
    slot.job = undefined;
    if (this.#closed) return;
    this.#slots[index] = this.#spawn();
    job?.pending.reject(new Error(`the engine worker running this question failed: ${error.message}`));
    this.#dispatch();
  }

  #onReply(slot: Slot, reply: EngineReply): void {
    const job = slot.job;
    if (!job || job.id !== reply.id) return;
    const { request } = job.pending;
    const fail = (error: unknown) => this.#finish(slot, () => job.pending.reject(asError(error)));
    const sendSource = () =>
      request.source().then((source) => {
        this.#sent.sources++;
        return this.#sendSource(slot, job, source);
      }, fail);
    if ('needsSource' in reply) {
      // The worker stays reserved for this job while the main thread reads the spans (and holds
      // the timeline after it: jobs for it wait for this worker meanwhile).
      sendSource();
      return;
    }
    if ('needsPatch' in reply) {
      // The worker holds the timeline at the previous version: it gets the changed customers only.
      const patch = request.patch;
      if (!patch) {
        sendSource();
        return;
      }
      patch.read().then((read) => {
        if (!read) return sendSource();
        if (slot.job !== job) return; // the worker died meanwhile
        this.#sent.patches++;
        slot.holds.delete(patch.baseKey);
        const spans = packSpans(read.spans);
        const message: EngineJob = {
          ...this.#message(job.id, request),
          patch: {
            customerIds: [...read.customerIds],
            spans,
            ...(read.asOfAtLeast === undefined ? {} : { asOfAtLeast: read.asOfAtLeast }),
          },
        };
        slot.worker.postMessage(message, [
          spans.numbers.buffer as ArrayBuffer,
          spans.stringIndex.buffer as ArrayBuffer,
        ]);
      }, fail);
      return;
    }
    this.#finish(slot, () => {
      if ('result' in reply) {
        hold(slot, request.timelineKey);
        job.pending.resolve({ result: reply.result, summary: reply.summary });
      } else if ('engineError' in reply) {
        job.pending.reject(
          new EngineRefusal(reply.engineError.code, reply.engineError.message, reply.engineError.missingRate),
        );
      } else job.pending.reject(new Error(`engine worker: ${reply.failure}`));
    });
  }

  #finish(slot: Slot, settle: () => void): void {
    slot.job = undefined;
    slot.worker.unref();
    settle();
    this.#dispatch();
  }

  /**
   * Sends a job's spans in parts of {@link SPANS_PER_PART}, packed, giving the event loop a turn
   * between parts: packing and posting 190,000 spans at once held this thread for about 0.5 s.
   */
  async #sendSource(slot: Slot, job: NonNullable<Slot['job']>, source: TimelineSource): Promise<void> {
    const { spans, ...rest } = source;
    for (let start = 0; ; start += SPANS_PER_PART) {
      if (slot.job !== job) return; // the worker died meanwhile
      const part = packSpans(spans.slice(start, start + SPANS_PER_PART));
      // The number columns move to the worker rather than being copied.
      const moved = [part.numbers.buffer as ArrayBuffer, part.stringIndex.buffer as ArrayBuffer];
      if (start + SPANS_PER_PART >= spans.length) {
        const message: EngineJob = {
          ...this.#message(job.id, job.pending.request),
          source: { ...rest, spans: part },
        };
        slot.worker.postMessage(message, moved);
        return;
      }
      slot.worker.postMessage({ id: job.id, part } satisfies SpansPart, moved);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  #message(id: number, request: EngineRequest): EngineJob {
    return {
      id,
      timelineKey: request.timelineKey,
      rates: request.rates,
      operation: request.operation,
      definitions: request.definitions,
      ...(request.patch ? { baseKey: request.patch.baseKey } : {}),
    };
  }

  /**
   * Hands queued jobs to idle workers, one tenant per turn. A job whose timeline (or the previous
   * version's, to patch) a busy worker holds, or is building, waits for that worker rather than
   * making an idle one read every span: concurrent questions after a change share one patch.
   */
  #dispatch(): void {
    for (let progress = true; progress && this.#queues.size > 0; ) {
      progress = false;
      for (const [tenantId, queue] of [...this.#queues]) {
        const idle = this.#slots.filter((slot) => !slot.job);
        if (idle.length === 0) return;
        const pending = queue[0] as Pending;
        const { timelineKey, patch } = pending.request;
        const holds = (slot: Slot) =>
          slot.holds.has(timelineKey) || (patch !== undefined && slot.holds.has(patch.baseKey));
        const slot =
          idle.find((candidate) => candidate.holds.has(timelineKey)) ??
          idle.find(holds) ??
          (this.#slots.some((busy) => busy.job && holds(busy)) ? undefined : (idle[0] as Slot));
        if (!slot) continue;
        queue.shift();
        // Round-robin: the tenant goes to the back of the line (or leaves it when served).
        this.#queues.delete(tenantId);
        if (queue.length > 0) this.#queues.set(tenantId, queue);
        const id = this.#nextId++;
        slot.job = { id, pending };
        // The worker holds the timeline once this job is done (it has it, or gets spans or a patch).
        hold(slot, timelineKey);
        slot.worker.ref();
        slot.worker.postMessage(this.#message(id, pending.request));
        progress = true;
      }
    }
  }
}

/** Notes that `slot`'s worker holds `key`, forgetting the oldest past what a worker keeps. */
function hold(slot: Slot, key: string): void {
  slot.holds.delete(key);
  slot.holds.add(key);
  for (const oldest of slot.holds) {
    if (slot.holds.size <= HELD_PER_WORKER) break;
    slot.holds.delete(oldest);
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
