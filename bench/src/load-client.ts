/**
 * A small concurrent HTTP client for GraphQL queries (node:http, keep-alive). It runs in a worker
 * thread so that the clients' own work (HTTP, JSON) does not queue behind the server's event loop
 * when the server runs in the same process, and reports latency percentiles and throughput.
 */
import { Worker } from 'node:worker_threads';

/** What to send. */
export interface LoadOptions {
  /** Endpoint, `http://127.0.0.1:port/graphql`. */
  readonly url: string;
  /** `Authorization` header value. */
  readonly authorization: string;
  /** Queries, sent round-robin; with `seconds` 0 each is sent exactly once. */
  readonly queries: readonly string[];
  /** Clients sending at once, each waiting for its answer before sending again. */
  readonly concurrency: number;
  /** How long to keep sending; 0 sends each query once. */
  readonly seconds: number;
}

/** What the clients saw. */
export interface LoadResult {
  /** Answered requests (every one checked to carry data and no errors). */
  readonly requests: number;
  /** Median latency, ms. */
  readonly p50: number;
  /** 99th-percentile latency (nearest rank), ms. */
  readonly p99: number;
  /** Slowest request, ms. */
  readonly max: number;
  /** Requests answered per second over the whole run. */
  readonly requestsPerSecond: number;
  /**
   * The same figures for each query alone, in the order of `queries` (the queries were sent
   * interleaved, so each met the same conditions); `requestsPerSecond` is that query's share.
   */
  readonly perQuery: readonly Omit<LoadResult, 'perQuery'>[];
}

// CommonJS, evaluated by the worker: plain JavaScript over node:http with keep-alive connections
// (one per client). node:http costs the client a fraction of what fetch does per request: with
// fetch, the clients' thread, not the server, was what limited a warm run.
const CLIENT = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { url, authorization, queries, concurrency, seconds } = workerData;
const target = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const bodies = queries.map((query) => Buffer.from(JSON.stringify({ query })));
const latencies = [];
const byQuery = queries.map(() => []);
let next = 0;
const until = performance.now() + seconds * 1000;
const more = () => (seconds > 0 ? performance.now() < until : next < bodies.length);
function post(body) {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': body.length, authorization },
      },
      (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}
async function client() {
  while (more()) {
    const index = next++ % bodies.length;
    const started = performance.now();
    const json = JSON.parse(await post(bodies[index]));
    if (json.errors || !json.data) throw new Error('GraphQL error: ' + JSON.stringify(json.errors));
    const latency = performance.now() - started;
    latencies.push(latency);
    byQuery[index].push(latency);
  }
}
const began = performance.now();
Promise.all(Array.from({ length: concurrency }, client)).then(
  () => {
    agent.destroy();
    parentPort.postMessage({ latencies, byQuery, elapsed: performance.now() - began });
  },
  (error) => parentPort.postMessage({ error: String(error) }),
);
`;

/** Nearest-rank percentile of ascending values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/** The figures of latencies (ms, any order) answered over `elapsedMs`. */
export function summarizeLatencies(
  latencies: readonly number[],
  elapsedMs: number,
): Omit<LoadResult, 'perQuery'> {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    requests: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
    requestsPerSecond: sorted.length / (elapsedMs / 1000),
  };
}

/** Sends the queries from `concurrency` clients and measures every answer. */
export async function loadConcurrently(options: LoadOptions): Promise<LoadResult> {
  type Reply = { latencies: number[]; byQuery: number[][]; elapsed: number; error?: string };
  const message = await new Promise<Reply>((resolve, reject) => {
    const worker = new Worker(CLIENT, {
      eval: true,
      workerData: { ...options, queries: [...options.queries] },
    });
    worker.once('message', (reply: Reply) => {
      void worker.terminate();
      if (reply.error) reject(new Error(reply.error));
      else resolve(reply);
    });
    worker.once('error', reject);
  });
  return {
    ...summarizeLatencies(message.latencies, message.elapsed),
    perQuery: message.byQuery.map((latencies) => summarizeLatencies(latencies, message.elapsed)),
  };
}
