/**
 * Group commit of Stripe webhook deliveries: the genuine deliveries of one tenant that arrive
 * while its import is in flight (a delivery's transaction, or a CLI import in this process) are
 * stored together in the next import, one transaction and one data version for all of them, and
 * each is answered with that import's result. Under a burst this turns N transactions, each
 * waiting for the tenant's row lock, into a few.
 *
 * The guarantees stay those of one delivery: a batch is all-or-nothing; events are kept by id and
 * spans recomputed from all of a subscription's events, so the outcome does not depend on how
 * deliveries were grouped or ordered. If a batch of several fails (a delivery the importer cannot
 * read, or any other error), each of its deliveries is then stored on its own, so a bad delivery
 * fails alone with its own error and the others are stored. (The failed batch stays in the
 * tenant's import history as a FAILED import naming the bad delivery in its row errors.)
 */
import type { Db } from '../db/connect.ts';
import { importStripeRecords, type StripeImportSummary } from './stripe-import.ts';
import { importsSettled } from './tenant-queue.ts';

/** Deliveries stored in one import at most; more wait for the next. */
export const MAX_DELIVERIES_PER_BATCH = 100;

/** A genuine delivery: its event, parsed, with its id. */
export interface StripeDelivery {
  readonly id: string;
  readonly event: object;
}

/** What storing a delivery did: the summary of the import that stored it, and how many deliveries it stored. */
export interface DeliveryResult {
  readonly summary: StripeImportSummary;
  /** Deliveries stored by that import (1 when the delivery was stored alone). */
  readonly batched: number;
}

interface Waiting {
  readonly delivery: StripeDelivery;
  resolve(result: DeliveryResult): void;
  reject(error: unknown): void;
}

/** Per tenant: the batch still open to deliveries, and the tail of the tenant's batches. */
interface TenantBatches {
  open: Waiting[] | undefined;
  tail: Promise<void>;
  /** Batches started and not finished (the entry is dropped when none is left). */
  pending: number;
}

const batches = new WeakMap<object, Map<string, TenantBatches>>();

/**
 * Stores one genuine delivery for `tenantId`, with the others that arrive before the tenant's
 * current import ends (see the module comment). Resolves with the result of the import that
 * stored it; rejects with that delivery's own error (`ImportFailed` for an event the importer
 * cannot read, `ApiError` NOT_FOUND for a tenant deleted meanwhile, …).
 */
export function storeStripeDelivery(
  db: Db,
  tenantId: string,
  delivery: StripeDelivery,
): Promise<DeliveryResult> {
  let tenants = batches.get(db);
  if (!tenants) {
    tenants = new Map();
    batches.set(db, tenants);
  }
  let tenant = tenants.get(tenantId);
  if (!tenant) {
    tenant = { open: undefined, tail: Promise.resolve(), pending: 0 };
    tenants.set(tenantId, tenant);
  }
  const state = tenant;
  const registry = tenants;
  return new Promise<DeliveryResult>((resolve, reject) => {
    const waiting: Waiting = { delivery, resolve, reject };
    if (state.open !== undefined && state.open.length < MAX_DELIVERIES_PER_BATCH) {
      state.open.push(waiting);
      return;
    }
    const batch = [waiting];
    state.open = batch;
    state.pending += 1;
    state.tail = state.tail.then(async () => {
      try {
        // Open until the tenant's earlier imports have ended: deliveries arriving meanwhile join.
        await importsSettled(db, tenantId);
        // And for a turn of the event loop: with PGlite a whole import runs in microtasks, so the
        // deliveries that arrived during it are read from their sockets only now.
        await new Promise(setImmediate);
        if (state.open === batch) state.open = undefined;
        await storeBatch(db, tenantId, batch);
      } catch (error) {
        // storeBatch settles every delivery itself; this only keeps the tenant's chain going
        // (a rejected tail would stop every later batch) should anything before it throw.
        if (state.open === batch) state.open = undefined;
        for (const waiting of batch) waiting.reject(error);
      } finally {
        state.pending -= 1;
        if (state.pending === 0) registry.delete(tenantId);
      }
    });
  });
}

/** How many deliveries of the tenant wait for an import that has not started (for tests and diagnostics). */
export function waitingDeliveries(db: Db, tenantId: string): number {
  return batches.get(db)?.get(tenantId)?.open?.length ?? 0;
}

/** Stores a batch; never rejects (each delivery's outcome goes to its own promise). */
async function storeBatch(db: Db, tenantId: string, batch: readonly Waiting[]): Promise<void> {
  try {
    const summary = await importDeliveries(db, tenantId, batch);
    for (const waiting of batch) waiting.resolve({ summary, batched: batch.length });
    return;
  } catch (error) {
    if (batch.length === 1) {
      batch[0]?.reject(error);
      return;
    }
  }
  // A batch of several failed: each on its own, so that only the failing ones fail.
  for (const waiting of batch) {
    try {
      waiting.resolve({ summary: await importDeliveries(db, tenantId, [waiting]), batched: 1 });
    } catch (error) {
      waiting.reject(error);
    }
  }
}

function importDeliveries(db: Db, tenantId: string, batch: readonly Waiting[]): Promise<StripeImportSummary> {
  const ids = batch.map((waiting) => waiting.delivery.id);
  return importStripeRecords(db, {
    tenantId,
    // As a backfill names its pages: `webhook:evt_1` alone, `webhook:evt_1,evt_2,…` in a batch.
    sourceName: `webhook:${ids.join(',')}`,
    actor: 'stripe',
    // One source per delivery, named by its event id: a row error names the delivery.
    sources: batch.map((waiting) => ({ name: waiting.delivery.id, records: [waiting.delivery.event] })),
  });
}
