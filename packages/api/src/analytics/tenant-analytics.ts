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
 *
 * When the version moves from one this process holds to a newer one, the change log
 * (../db/data-changes.ts) says which customers changed: if every version in between is logged
 * and they are few ({@link patchLimit}), only their spans are read and every timeline held is
 * patched (core's `patchTimeline`, equal to a full rebuild), here and in the engine workers; a
 * rates-only change keeps the timelines as they are; anything else rebuilds as on a cold load.
 * Computed results are dropped on every change (figures span every customer).
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
  type TimelinePatch,
} from '@nrr/core';
import { and, eq, max } from 'drizzle-orm';
import type { Db } from '../db/connect.ts';
import { changesBetween } from '../db/data-changes.ts';
import { othersShareSubscriptions, readCustomerEvents, readTenantEvents } from '../db/events.ts';
import { fxRates, imports } from '../db/schema.ts';
import { compareSpans, readCustomerSpans, readTenantSpans } from '../db/spans/read.ts';
import { type Tx, withTenant } from '../db/tenant-scope.ts';
import { ApiError } from '../errors.ts';
import type { Tenant } from '../tenants.ts';
import {
  applyPatch,
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
import { type EnginePool, EngineRefusal, type PatchRequest } from './engine-pool.ts';
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
  /** The move from the version this process held before, when it held one (an older one). */
  readonly transition?: Transition;
}

/** A tenant's move from a data version this process held to a newer one. */
interface Transition {
  /** The version held before. */
  readonly from: number;
  /** What changed since `from`, read once from the change log; `undefined`: rebuild. */
  readonly plan: Promise<PatchPlan | undefined>;
  /** The patches by span-options key, read once (`undefined`: rebuild). */
  readonly patches: Map<string, Promise<TimelinePatch | undefined>>;
  /** This thread's timelines at `from` by timeline key, each dropped once patched or rebuilt. */
  readonly timelines: Map<string, Promise<Timeline>>;
}

/** Customers to patch (none: only rates changed) and the new end of known data's floor. */
interface PatchPlan {
  readonly customerIds: readonly string[];
  readonly asOfAtLeast?: number;
}

/** How a tenant's data version move was handled (see {@link TimelineCache.refreshes}). */
export type RefreshKind = 'patch' | 'rates' | 'rebuild';

/**
 * Customers changed at most for a patch rather than a rebuild, for a tenant of `size` customers:
 * 2 % of them, at least 1,000 (a patch costs about a copy of the timeline's columns plus the
 * changed customers' build; past that a rebuild is as cheap and simpler). The change log names
 * at most 20,000 customers per version (`MAX_NAMED_CUSTOMERS`).
 */
export function patchLimit(size: number | undefined): number {
  return Math.max(1000, Math.floor((size ?? 0) * 0.02));
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
  readonly #refreshed = new Map<RefreshKind, number>();
  #spanReads = 0;
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
    const readSource = (policy?: EventPolicy) => {
      this.#spanReads++;
      return loadTimelineSource(db, tenant.tenantId, policy);
    };
    /** The spans of `definitions`' span options: the stored ones, or recomputed from the events. */
    const source = (cached: CachedTenant, definitions: Definitions) => {
      const spansKey = definitionKeys(definitions).spans;
      if (spansKey !== settingsSpans) {
        const policy = eventPolicyOf(definitions);
        return lru(cached.sources, spansKey, MAX_RECOMPUTED_SOURCES + 1, () =>
          this.#guard(tenant.tenantId, cached, readSource(policy)),
        );
      }
      let loading = cached.sources.get(spansKey);
      if (!loading) {
        const read = this.#guard(tenant.tenantId, cached, readSource());
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
    /** The patch from the transition's version to the entry's under `definitions`' span options, read once. */
    const patchFor = (cached: CachedTenant, transition: Transition, definitions: Definitions) => {
      const spansKey = definitionKeys(definitions).spans;
      let patch = transition.patches.get(spansKey);
      if (!patch) {
        const policy = spansKey === settingsSpans ? undefined : eventPolicyOf(definitions);
        patch = transition.plan.then((plan) => plan && loadPatch(db, tenant.tenantId, plan, policy));
        // A failed read must not stay: the next request rebuilds.
        patch.catch(() => this.#forget(tenant.tenantId, cached));
        transition.patches.set(spansKey, patch);
      }
      return patch;
    };
    /** The timeline under `definitions`: the one held before patched, or built from the spans. */
    const patchedOrBuilt = async (cached: CachedTenant, definitions: Definitions): Promise<Timeline> => {
      const build = () =>
        source(cached, definitions).then((loaded) => buildTenantTimeline(loaded, definitions));
      const { transition } = cached;
      const key = definitionKeys(definitions).timeline;
      if (!transition) return build();
      // Decided first in any case (it is already being read), so the refresh counts are settled.
      await transition.plan;
      const held = transition.timelines.get(key);
      if (!held) return build();
      transition.timelines.delete(key);
      const patch = await patchFor(cached, transition, definitions);
      if (!patch) return build();
      try {
        return applyPatch(await held, patch);
      } catch {
        // The old timeline failed, or the patch was refused: build from the spans (which says why, if it fails too).
        return build();
      }
    };
    const timeline = (definitions: Definitions = tenant.definitions) => {
      const cached = entry();
      return lru(cached.timelines, definitionKeys(definitions).timeline, MAX_TIMELINES, () =>
        this.#guard(tenant.tenantId, cached, patchedOrBuilt(cached, definitions)),
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
      const { transition } = cached;
      // A worker holding the timeline at the version before patches it rather than rebuilding.
      const patch: PatchRequest | undefined = transition && {
        baseKey: `${tenant.tenantId}@${transition.from}#${timelineKey}`,
        read: () => patchFor(cached, transition, definitions),
      };
      try {
        const [rates] = await Promise.all([cached.rateTable, transition?.plan]);
        const answer = await engine.run({
          tenantId: tenant.tenantId,
          timelineKey: `${tenant.tenantId}@${tenant.dataVersion}#${timelineKey}`,
          rates,
          operation,
          definitions,
          source: () => source(cached, definitions),
          ...(patch ? { patch } : {}),
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

  /**
   * How many moves of a tenant's data version from one this process held were handled by `kind`
   * since this cache was made: `patch` (the changed customers' spans read, the timelines
   * patched), `rates` (only rates changed: timelines kept) or `rebuild` (the change log was
   * incomplete, said "everything", or named too many customers).
   */
  refreshes(kind: RefreshKind): number {
    return this.#refreshed.get(kind) ?? 0;
  }

  /** How many times every stored span of a tenant was read (cold loads and rebuilds) since this cache was made. */
  spanReads(): number {
    return this.#spanReads;
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
    const transition =
      cached && cached.version < tenant.dataVersion && (this.engine || cached.timelines.size > 0)
        ? this.#transition(db, tenant, cached)
        : undefined;
    const fresh: CachedTenant = {
      version: tenant.dataVersion,
      sources: new Map(),
      timelines: new Map(),
      rateTable,
      rates: rateTable.then(ratesOf),
      results: new Map(),
      ...(transition ? { transition } : {}),
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

  /** The move from `previous` (an older version) to the tenant's: the change log read once. */
  #transition(db: Db, tenant: Tenant, previous: CachedTenant): Transition {
    const from = previous.version;
    const plan = (async (): Promise<PatchPlan | undefined> => {
      const { changes, asOfAtLeast } = await withTenant(
        db,
        tenant.tenantId,
        async (tx) => ({
          changes: await changesBetween(tx, tenant.tenantId, from, tenant.dataVersion),
          asOfAtLeast: await lastImportAt(tx, tenant.tenantId),
        }),
        { readOnly: true },
      );
      const kind: RefreshKind =
        !changes.complete || changes.customerIds.length > patchLimit(await sizeOf(previous))
          ? 'rebuild'
          : changes.customerIds.length === 0
            ? 'rates'
            : 'patch';
      this.#refreshed.set(kind, this.refreshes(kind) + 1);
      if (kind === 'rebuild' || !changes.complete) return undefined;
      return { customerIds: changes.customerIds, ...(asOfAtLeast === undefined ? {} : { asOfAtLeast }) };
    })();
    // A failed read rebuilds (each timeline from the spans, as on a cold load).
    const safe = plan.catch(() => undefined);
    return { from, plan: safe, patches: new Map(), timelines: new Map(previous.timelines) };
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
      importedAt: await lastImportAt(tx, tenantId),
    }),
    { readOnly: true },
  );
  return { spans, ...(importedAt === undefined ? {} : { asOfAtLeast: importedAt }) };
}

/** When the tenant's last successful import finished (ms), if it had one. */
async function lastImportAt(tx: Tx, tenantId: string): Promise<number | undefined> {
  const at = (
    await tx
      .select({ at: max(imports.finishedAt) })
      .from(imports)
      .where(and(eq(imports.tenantId, tenantId), eq(imports.status, 'SUCCEEDED')))
  )[0]?.at;
  return at ? new Date(at).getTime() : undefined;
}

/** Customers of the timeline held in `previous` (its summary's, or a held timeline's), if known. */
async function sizeOf(previous: CachedTenant): Promise<number | undefined> {
  try {
    if (previous.summary) return (await previous.summary).size;
    const first = previous.timelines.values().next().value;
    return first ? (await first).size : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The patch of `plan`'s customers: their stored spans, or, with `policy` (span options other than
 * the settings'), those with the spans of their event-derived subscriptions recomputed as
 * {@link loadTimelineSource} does for every customer. `undefined` (rebuild) when that recomputation
 * could touch a customer outside the plan (a subscription id shared across customers).
 */
async function loadPatch(
  db: Db,
  tenantId: string,
  plan: PatchPlan,
  policy?: EventPolicy,
): Promise<TimelinePatch | undefined> {
  const { customerIds } = plan;
  const floor = plan.asOfAtLeast === undefined ? {} : { asOfAtLeast: plan.asOfAtLeast };
  if (customerIds.length === 0) return { customerIds, spans: [], ...floor };
  return withTenant(
    db,
    tenantId,
    async (tx) => {
      const stored = await readCustomerSpans(tx, tenantId, customerIds);
      if (!policy) return { customerIds, spans: stored, ...floor };
      const events = await readCustomerEvents(tx, tenantId, customerIds);
      const named = new Set(customerIds);
      if (events.some((event) => !named.has(event.customerId))) return undefined;
      const subscriptions = [...new Set(events.map((event) => event.subscriptionId))];
      if (await othersShareSubscriptions(tx, tenantId, customerIds, subscriptions)) return undefined;
      const spans = spansUnder(stored, events, policy);
      if (spans.some((span) => !named.has(span.customerId))) return undefined;
      return { customerIds, spans, ...floor };
    },
    { readOnly: true },
  );
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
