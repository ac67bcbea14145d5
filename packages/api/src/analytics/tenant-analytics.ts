/**
 * A tenant's timeline and exchange rates for the query resolvers. The API computes nothing itself:
 * it loads the tenant's stored spans into @nrr/core's `buildTimeline` and hands the result to
 * core's report functions, in a worker thread of ./engine-pool.ts when the API has one (the
 * timeline then lives in the worker; this thread builds its own only for the customer and segment
 * lookups, when they are asked).
 *
 * Timelines depend on the question's definitions: the tenant's settings, or a query's override.
 * Sets that differ only in query options share a timeline (core's `definitionKeys`); a set whose
 * span options differ from the tenant's settings needs spans recomputed in memory from the stored
 * raw events (the stored spans are the settings' own), kept for a few such sets per tenant.
 *
 * Built timelines are cached in memory keyed by the tenant's `data_version`, as read with the
 * request's tenant (../auth/caller-cache.ts: at most `cacheTtlMs` old, and current at once after
 * a change made in this process), so an instance serves the data another instance imported
 * within `cacheTtlMs`: the cache is only an optimisation, never state another instance needs.
 */
import {
  type Definitions,
  definitionKeys,
  type EventPolicy,
  type ExchangeRates,
  eventPolicyOf,
  eventsToSpans,
  type MrrSpan,
  rebaseExchangeRates,
  type Timeline,
} from '@nrr/core';
import { and, eq, max } from 'drizzle-orm';
import type { Db } from '../db/connect.ts';
import { readTenantEvents } from '../db/events.ts';
import { fxRates, imports } from '../db/schema.ts';
import { compareSpans, readTenantSpans } from '../db/spans/read.ts';
import { withTenant } from '../db/tenant-scope.ts';
import { ApiError } from '../errors.ts';
import type { Tenant } from '../tenants.ts';
import {
  buildTenantTimeline,
  type EngineOperation,
  type EngineResult,
  type RateTable,
  ratesOf,
  runOperation,
  summaryOf,
  type TimelineSource,
  type TimelineSummary,
} from './engine-ops.ts';
import { type EnginePool, EngineRefusal } from './engine-pool.ts';
import { refusalError, runEngine } from './query-input.ts';

/** What resolvers use to compute a tenant's figures. */
export interface TenantAnalytics {
  /**
   * The tenant's timeline at its current data version under `definitions` (default: the tenant's
   * settings), built on this thread (for the customer and segment lookups; figures go through
   * {@link run}).
   */
  timeline(definitions?: Definitions): Promise<Timeline>;
  /**
   * Customers, end of data and currencies of the timeline under the tenant's settings (from the
   * engine's copy when it has one).
   */
  summary(): Promise<TimelineSummary>;
  /**
   * The result of an engine operation under `definitions` (default: the tenant's settings) for
   * `key`, computed once per data version (`key` must then name the definitions too): in a worker
   * of the engine pool when the API has one (`engineWorkers` ≥ 1), else on this thread after
   * yielding to the event loop. Core's refusals become `BAD_USER_INPUT`.
   */
  run<O extends EngineOperation>(
    key: string,
    operation: O,
    definitions?: Definitions,
  ): Promise<EngineResult<O>>;
  /**
   * Exchange rates reporting in `currency` (default: the tenant's reporting currency). Throws
   * `BAD_USER_INPUT` for a currency the tenant has no rates for.
   */
  rates(currency?: string): Promise<ExchangeRates>;
  /**
   * The result of `compute` for `key`, computed once per data version: figures depend only on the
   * data and the question, so repeated questions (dashboards) are answered from memory.
   */
  memo<T>(key: string, compute: () => T): T;
  /** The value memoised for `key` at the current data version, or `undefined` (computes nothing). */
  cached(key: string): unknown;
}

interface CachedTenant {
  readonly version: number;
  /**
   * Spans and end of data by span-options key: the stored spans (the settings' own) while being
   * read, shared by the requests waiting for them; spans recomputed from the events under other
   * span options, kept (at most {@link MAX_RECOMPUTED_SOURCES}, least recently used evicted).
   */
  readonly sources: Map<string, Promise<TimelineSource>>;
  /** This thread's timelines by timeline key, built on first use (at most {@link MAX_TIMELINES}). */
  readonly timelines: Map<string, Promise<Timeline>>;
  summary?: Promise<TimelineSummary> | undefined;
  readonly rateTable: Promise<RateTable>;
  readonly rates: Promise<ExchangeRates>;
  /** Computed results by question, least recently used first. */
  readonly results: Map<string, unknown>;
}

/** Results kept per tenant and data version. */
const MAX_RESULTS = 256;
/** Timelines this thread keeps per tenant and data version (one per timeline definitions). */
const MAX_TIMELINES = 4;
/** Span sets recomputed under other span options than the settings', kept per tenant and data version. */
const MAX_RECOMPUTED_SOURCES = 2;

/** Reads `map`'s entry for `key`, marking it most recently used; or stores `make()`, evicting past `capacity`. */
function lru<V>(map: Map<string, V>, key: string, capacity: number, make: () => V): V {
  if (map.has(key)) {
    const value = map.get(key) as V;
    map.delete(key);
    map.set(key, value);
    return value;
  }
  const value = make();
  map.set(key, value);
  while (map.size > capacity) {
    const oldest = map.keys().next().value;
    if (oldest === undefined) break;
    map.delete(oldest);
  }
  return value;
}

/**
 * Timelines of recently queried tenants, at most `capacity` of them (least recently used evicted),
 * each valid for one data version.
 */
export class TimelineCache {
  readonly #entries = new Map<string, CachedTenant>();
  readonly #computed = new Map<EngineOperation['kind'], number>();
  /**
   * @param capacity Tenants kept (least recently used evicted).
   * @param engine Worker threads to run figures in; `undefined` runs them on this thread.
   */
  constructor(
    readonly capacity = 32,
    readonly engine?: EnginePool,
  ) {}

  /** Analytics of `tenant` at `tenant.dataVersion`, loading (once, shared by concurrent requests) when needed. */
  forTenant(db: Db, tenant: Tenant): TenantAnalytics {
    const entry = () => this.#entry(db, tenant);
    const settingsSpans = definitionKeys(tenant.definitions).spans;
    /** The spans of `definitions`' span options: the stored ones, or recomputed from the events. */
    const source = (cached: CachedTenant, definitions: Definitions) => {
      const spansKey = definitionKeys(definitions).spans;
      if (spansKey !== settingsSpans) {
        const policy = eventPolicyOf(definitions);
        return lru(cached.sources, spansKey, MAX_RECOMPUTED_SOURCES + 1, () =>
          this.#guard(tenant.tenantId, cached, loadTimelineSource(db, tenant.tenantId, policy)),
        );
      }
      let loading = cached.sources.get(spansKey);
      if (!loading) {
        const read = this.#guard(tenant.tenantId, cached, loadTimelineSource(db, tenant.tenantId));
        loading = read;
        cached.sources.set(spansKey, read);
        // Shared while loading only: the timelines built from it are what stays in memory.
        read.then(
          () => {
            if (cached.sources.get(spansKey) === read) cached.sources.delete(spansKey);
          },
          () => {},
        );
      }
      return loading;
    };
    const timeline = (definitions: Definitions = tenant.definitions) => {
      const cached = entry();
      return lru(cached.timelines, definitionKeys(definitions).timeline, MAX_TIMELINES, () =>
        this.#guard(
          tenant.tenantId,
          cached,
          source(cached, definitions).then((loaded) => buildTenantTimeline(loaded, definitions)),
        ),
      );
    };
    const engine = this.engine;
    const count = (kind: EngineOperation['kind']) => this.#count(kind);
    /** Runs an operation in the pool; notes the timeline's summary on the way. */
    const execute = async <O extends EngineOperation>(
      engine: EnginePool,
      operation: O,
      definitions: Definitions,
    ): Promise<EngineResult<O>> => {
      const cached = entry();
      const timelineKey = definitionKeys(definitions).timeline;
      try {
        const answer = await engine.run({
          tenantId: tenant.tenantId,
          timelineKey: `${tenant.tenantId}@${tenant.dataVersion}#${timelineKey}`,
          rates: await cached.rateTable,
          operation,
          definitions,
          source: () => source(cached, definitions),
        });
        if (timelineKey === definitionKeys(tenant.definitions).timeline) {
          cached.summary ??= Promise.resolve(answer.summary);
        }
        return answer.result as EngineResult<O>;
      } catch (error) {
        if (error instanceof EngineRefusal) throw refusalError(error, tenant.tenantId);
        throw error;
      }
    };
    const analytics: TenantAnalytics = {
      timeline,
      summary() {
        const cached = entry();
        if (!cached.summary) {
          cached.summary = engine
            ? execute(engine, { kind: 'summary' }, tenant.definitions)
            : timeline().then((built) => summaryOf(built));
          // A failed read must not stay cached.
          cached.summary.catch(() => {
            if (entry() === cached) cached.summary = undefined;
          });
        }
        return cached.summary;
      },
      async rates(currency) {
        const base = await entry().rates;
        if (currency === undefined || currency === base.reportingCurrency) return base;
        return reportingIn(base, currency, (await analytics.summary()).currencies);
      },
      async run(key, operation, definitions = tenant.definitions) {
        const { results } = entry();
        if (results.has(key)) return analytics.memo(key, () => undefined as never);
        if (!engine) {
          // Yield first, so that answers already computed are written before this one blocks.
          await new Promise<void>((resolve) => setImmediate(resolve));
          if (entry().results.has(key)) return analytics.memo(key, () => undefined as never);
          const rates = await entry().rates;
          const built = await timeline(definitions);
          return analytics.memo(key, () => {
            count(operation.kind);
            return runEngine(() => runOperation(built, rates, operation, definitions), tenant.tenantId);
          });
        }
        // Memoised as a promise, so concurrent requests share one job; a failure is not kept.
        count(operation.kind);
        const pending = execute(engine, operation, definitions);
        analytics.memo(key, () => pending);
        pending.catch(() => {
          const current = entry().results;
          if (current.get(key) === pending) current.delete(key);
        });
        return pending;
      },
      cached(key) {
        const { results } = entry();
        if (!results.has(key)) return undefined;
        const value = results.get(key);
        results.delete(key);
        results.set(key, value);
        return value;
      },
      memo(key, compute) {
        const { results } = entry();
        if (results.has(key)) {
          const value = results.get(key);
          results.delete(key);
          results.set(key, value);
          return value as ReturnType<typeof compute>;
        }
        const value = compute();
        results.set(key, value);
        if (results.size > MAX_RESULTS) {
          const oldest = results.keys().next().value;
          if (oldest !== undefined) results.delete(oldest);
        }
        return value;
      },
    };
    return analytics;
  }

  /**
   * How many engine operations of `kind` were computed since this cache was made, rather than
   * answered from the memo: what shows that two questions with the same key cost one computation.
   */
  computations(kind: EngineOperation['kind']): number {
    return this.#computed.get(kind) ?? 0;
  }

  /** Drops everything, the engine workers' timelines too (tests, the bench's cold requests). */
  clear(): void {
    this.#entries.clear();
    this.engine?.clear();
  }

  #entry(db: Db, tenant: Tenant): CachedTenant {
    const cached = this.#entries.get(tenant.tenantId);
    if (cached && cached.version === tenant.dataVersion) {
      // Re-insert to mark as most recently used.
      this.#entries.delete(tenant.tenantId);
      this.#entries.set(tenant.tenantId, cached);
      return cached;
    }
    const rateTable = loadRateTable(db, tenant);
    const fresh: CachedTenant = {
      version: tenant.dataVersion,
      sources: new Map(),
      timelines: new Map(),
      rateTable,
      rates: rateTable.then(ratesOf),
      results: new Map(),
    };
    // A failed load must not stay cached.
    fresh.rates.catch(() => this.#forget(tenant.tenantId, fresh));
    this.#entries.delete(tenant.tenantId);
    this.#entries.set(tenant.tenantId, fresh);
    while (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
    return fresh;
  }

  #count(kind: EngineOperation['kind']): void {
    this.#computed.set(kind, this.computations(kind) + 1);
  }

  #forget(tenantId: string, entry: CachedTenant): void {
    if (this.#entries.get(tenantId) === entry) this.#entries.delete(tenantId);
  }

  /** `promise`, forgetting the entry when it fails (a failed load must not stay cached). */
  #guard<T>(tenantId: string, entry: CachedTenant, promise: Promise<T>): Promise<T> {
    promise.catch(() => this.#forget(tenantId, entry));
    return promise;
  }
}

/**
 * Reads what the tenant's timeline is built from: its stored spans, or, with `policy` (span
 * options other than the tenant's settings), the stored spans with those of every subscription
 * that has stored events replaced by spans recomputed from all its events under `policy` (as a
 * settings change would store them). Its end of known data (`asOf`) is the later
 * of the last change in the data and the last successful import: a subscription still open in the
 * latest export is known to be paying up to the moment of that export, so windows up to then are
 * not immature.
 */
async function loadTimelineSource(db: Db, tenantId: string, policy?: EventPolicy): Promise<TimelineSource> {
  const { spans, importedAt } = await withTenant(
    db,
    tenantId,
    async (tx) => ({
      spans: policy
        ? spansUnder(await readTenantSpans(tx, tenantId), await readTenantEvents(tx, tenantId), policy)
        : await readTenantSpans(tx, tenantId),
      importedAt: (
        await tx
          .select({ at: max(imports.finishedAt) })
          .from(imports)
          .where(and(eq(imports.tenantId, tenantId), eq(imports.status, 'SUCCEEDED')))
      )[0]?.at,
    }),
    { readOnly: true },
  );
  return { spans, ...(importedAt ? { asOfAtLeast: new Date(importedAt).getTime() } : {}) };
}

/** Stored spans with those of the events' subscriptions recomputed under `policy`, in stored order. */
function spansUnder(
  stored: readonly MrrSpan[],
  events: Parameters<typeof eventsToSpans>[0],
  policy: EventPolicy,
): MrrSpan[] {
  if (events.length === 0) return [...stored];
  const fromEvents = new Set(events.map((event) => event.subscriptionId));
  const spans = stored.filter((span) => !fromEvents.has(span.subscriptionId));
  for (const span of eventsToSpans(events, policy)) spans.push(span);
  return spans.sort(compareSpans);
}

async function loadRateTable(db: Db, tenant: Tenant): Promise<RateTable> {
  const rows = await withTenant(
    db,
    tenant.tenantId,
    (tx) => tx.select().from(fxRates).where(eq(fxRates.tenantId, tenant.tenantId)),
    { readOnly: true },
  );
  return {
    reportingCurrency: tenant.reportingCurrency,
    rates: rows.map((row) => ({
      currency: row.currency,
      effective: row.effectiveAt.getTime(),
      rate: row.rate,
    })),
  };
}

/** The tenant's rates re-expressed in another reporting currency (core's cross rates), or BAD_USER_INPUT. */
function reportingIn(base: ExchangeRates, currency: string, currencies: readonly string[]): ExchangeRates {
  const known = new Set([base.reportingCurrency, ...currencies]);
  const rebased = known.has(currency) ? rebaseExchangeRates(base, currency) : undefined;
  if (!rebased) {
    throw new ApiError(
      'BAD_USER_INPUT',
      `currency: got ${JSON.stringify(currency)}, expected the reporting currency ${base.reportingCurrency} or a currency with stored exchange rates`,
      { field: 'currency' },
    );
  }
  return rebased;
}
