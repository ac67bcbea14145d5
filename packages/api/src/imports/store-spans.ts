/**
 * Writes MRR spans of one tenant inside an import's transaction: upserts by source key (unchanged
 * content is left alone, so a repeated import stores nothing), then rebuilds the stored timelines
 * of exactly the customers whose spans changed.
 */
import { createHash } from 'node:crypto';
import { buildEntityTimelines, formatMoneyUnits, type MrrSpan, parseMoney } from '@nrr/core';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { customerTimelines, mrrSpans } from '../db/schema.ts';
import type { Tx } from '../db/tenant-scope.ts';

/** Spans are written in batches of this many rows (12 parameters each; Postgres allows 65,535). */
export const SPAN_BATCH_SIZE = 1000;
/** Timelines are rebuilt this many customers at a time. */
const REBUILD_BATCH_SIZE = 500;

/**
 * A span's identity: its customer, subscription and service period. A subscription's spans never
 * overlap, so no two spans of one source share it; a re-import of the same period with a new
 * amount replaces the stored one instead of adding to it.
 */
export function spanSourceKey(span: MrrSpan): string {
  return createHash('sha256')
    .update(JSON.stringify([span.customerId, span.subscriptionId, span.start, span.end]))
    .digest('base64url');
}

/** Hash of everything a span says besides its identity; equal hashes mean nothing changed. */
export function spanContentHash(span: MrrSpan): string {
  const attributes = Object.entries(span.attributes ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256')
    .update(JSON.stringify([span.mrr, span.currency, span.canceledAt ?? null, attributes]))
    .digest('base64url');
}

/** Counts of one batch written by {@link SpanWriter}. */
export interface SpanWriteCounts {
  /** Spans inserted or changed. */
  stored: number;
  /** Spans already stored with the same content. */
  unchanged: number;
}

/** Accumulates spans of one import and writes them in batches within its transaction. */
export class SpanWriter {
  readonly counts: SpanWriteCounts = { stored: 0, unchanged: 0 };
  /** Customers whose stored spans changed. */
  readonly affectedCustomers = new Set<string>();
  #pending = new Map<string, typeof mrrSpans.$inferInsert>();

  constructor(
    private readonly tx: Tx,
    private readonly tenantId: string,
    private readonly importId: string,
  ) {}

  /** Queues a span, flushing a full batch. A span repeated within one import counts once. */
  async add(span: MrrSpan): Promise<void> {
    const sourceKey = spanSourceKey(span);
    this.#pending.set(sourceKey, {
      tenantId: this.tenantId,
      sourceKey,
      customerId: span.customerId,
      subscriptionId: span.subscriptionId,
      startAt: new Date(span.start),
      endAt: span.end === null ? null : new Date(span.end),
      mrr: formatMoneyUnits(span.mrr),
      currency: span.currency,
      canceledAt: span.canceledAt === undefined ? null : new Date(span.canceledAt),
      attributes: { ...(span.attributes ?? {}) },
      contentHash: spanContentHash(span),
      importId: this.importId,
    });
    if (this.#pending.size >= SPAN_BATCH_SIZE) await this.flush();
  }

  /** Writes queued spans. */
  async flush(): Promise<void> {
    if (this.#pending.size === 0) return;
    const batch = [...this.#pending.values()];
    this.#pending = new Map();
    const written = await this.tx
      .insert(mrrSpans)
      .values(batch)
      .onConflictDoUpdate({
        target: [mrrSpans.tenantId, mrrSpans.sourceKey],
        set: {
          customerId: sql`excluded.customer_id`,
          subscriptionId: sql`excluded.subscription_id`,
          startAt: sql`excluded.start_at`,
          endAt: sql`excluded.end_at`,
          mrr: sql`excluded.mrr`,
          currency: sql`excluded.currency`,
          canceledAt: sql`excluded.canceled_at`,
          attributes: sql`excluded.attributes`,
          contentHash: sql`excluded.content_hash`,
          importId: sql`excluded.import_id`,
        },
        setWhere: sql`${mrrSpans.contentHash} <> excluded.content_hash`,
      })
      .returning({ customerId: mrrSpans.customerId });
    this.counts.stored += written.length;
    this.counts.unchanged += batch.length - written.length;
    for (const row of written) this.affectedCustomers.add(row.customerId);
  }
}

/** Reads a stored span row back into core's form. */
export function spanFromRow(row: typeof mrrSpans.$inferSelect): MrrSpan {
  const mrr = parseMoney(row.mrr);
  if (mrr === undefined) throw new Error(`stored mrr ${row.mrr} is not a decimal`);
  const span: MrrSpan = {
    customerId: row.customerId,
    subscriptionId: row.subscriptionId,
    start: row.startAt.getTime(),
    end: row.endAt === null ? null : row.endAt.getTime(),
    mrr,
    currency: row.currency,
    ...(row.canceledAt ? { canceledAt: row.canceledAt.getTime() } : {}),
    ...(Object.keys(row.attributes).length > 0 ? { attributes: row.attributes } : {}),
  };
  return span;
}

/**
 * Rebuilds the stored customer-grain timelines of `customers` from all their stored spans
 * (customers left with no spans lose their timeline).
 */
export async function rebuildTimelines(tx: Tx, tenantId: string, customers: Iterable<string>): Promise<void> {
  const all = [...customers].sort();
  for (let index = 0; index < all.length; index += REBUILD_BATCH_SIZE) {
    const chunk = all.slice(index, index + REBUILD_BATCH_SIZE);
    const rows = await tx
      .select()
      .from(mrrSpans)
      .where(and(eq(mrrSpans.tenantId, tenantId), inArray(mrrSpans.customerId, chunk)));
    const entities = buildEntityTimelines(rows.map(spanFromRow), { grain: 'CUSTOMER' });
    const byCustomer = new Map<string, (typeof entities)[number][]>();
    for (const entity of entities) {
      const list = byCustomer.get(entity.customerId) ?? [];
      list.push(entity);
      byCustomer.set(entity.customerId, list);
    }
    await tx
      .delete(customerTimelines)
      .where(and(eq(customerTimelines.tenantId, tenantId), inArray(customerTimelines.customerId, chunk)));
    const values = [...byCustomer].map(([customerId, list]) => ({
      tenantId,
      customerId,
      entities: list,
      attributes: { ...(list.at(-1)?.attributes.at(-1)?.values ?? {}) },
    }));
    for (let start = 0; start < values.length; start += REBUILD_BATCH_SIZE) {
      await tx.insert(customerTimelines).values(values.slice(start, start + REBUILD_BATCH_SIZE));
    }
  }
}
