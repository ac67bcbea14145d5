/**
 * Writes MRR spans of one tenant inside an import's transaction: upserts by source key (unchanged
 * content is left alone, so a repeated import stores nothing), then rebuilds the stored timelines
 * of exactly the customers whose spans changed.
 */
import { createHash } from 'node:crypto';
import { buildEntityTimelines, formatMoneyUnits, type MrrSpan, parseMoney } from '@nrr/core';
import { and, eq, sql } from 'drizzle-orm';
import { customerTimelines, mrrSpans } from '../db/schema.ts';
import { arrayLiteral, resultRows, type Tx } from '../db/tenant-scope.ts';

/** Spans are written in batches of this many rows. */
export const SPAN_BATCH_SIZE = 5000;
/** Timelines are rebuilt this many customers at a time. */
const REBUILD_BATCH_SIZE = 2000;

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

  /**
   * Writes queued spans: one statement per batch, its columns passed as arrays and unnested, so a
   * batch costs 12 parameters rather than 12 per row. Only spans whose content changed are written
   * (and returned); identical ones are left alone.
   */
  async flush(): Promise<void> {
    if (this.#pending.size === 0) return;
    const batch = [...this.#pending.values()];
    this.#pending = new Map();
    const column = (pick: (row: (typeof batch)[number]) => string | null) => arrayLiteral(batch.map(pick));
    const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null);
    const written = resultRows<{ customer_id: string }>(
      await this.tx.execute(sql`
        insert into mrr_spans (tenant_id, source_key, customer_id, subscription_id, start_at, end_at, mrr,
          currency, canceled_at, attributes, content_hash, import_id)
        select ${this.tenantId}, u.source_key, u.customer_id, u.subscription_id, u.start_at, u.end_at, u.mrr,
          u.currency, u.canceled_at, u.attributes::jsonb, u.content_hash, ${this.importId}
        from unnest(
          ${column((row) => row.sourceKey)}::text[], ${column((row) => row.customerId)}::text[],
          ${column((row) => row.subscriptionId)}::text[], ${column((row) => iso(row.startAt))}::timestamptz[],
          ${column((row) => iso(row.endAt))}::timestamptz[], ${column((row) => row.mrr)}::numeric[],
          ${column((row) => row.currency)}::text[], ${column((row) => iso(row.canceledAt))}::timestamptz[],
          ${column((row) => JSON.stringify(row.attributes ?? {}))}::text[], ${column((row) => row.contentHash)}::text[]
        ) as u(source_key, customer_id, subscription_id, start_at, end_at, mrr, currency, canceled_at, attributes, content_hash)
        on conflict (tenant_id, source_key) do update set
          customer_id = excluded.customer_id, subscription_id = excluded.subscription_id,
          start_at = excluded.start_at, end_at = excluded.end_at, mrr = excluded.mrr, currency = excluded.currency,
          canceled_at = excluded.canceled_at, attributes = excluded.attributes,
          content_hash = excluded.content_hash, import_id = excluded.import_id
        where mrr_spans.content_hash <> excluded.content_hash
        returning customer_id`),
    );
    this.counts.stored += written.length;
    this.counts.unchanged += batch.length - written.length;
    for (const row of written) this.affectedCustomers.add(row.customer_id);
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
      .where(
        and(
          eq(mrrSpans.tenantId, tenantId),
          sql`${mrrSpans.customerId} = any(${arrayLiteral(chunk)}::text[])`,
        ),
      );
    const entities = buildEntityTimelines(rows.map(spanFromRow), { grain: 'CUSTOMER' });
    const byCustomer = new Map<string, (typeof entities)[number][]>();
    for (const entity of entities) {
      const list = byCustomer.get(entity.customerId) ?? [];
      list.push(entity);
      byCustomer.set(entity.customerId, list);
    }
    const ids = [...byCustomer.keys()];
    const documents = ids.map((id) => JSON.stringify(byCustomer.get(id)));
    const latest = ids.map((id) =>
      JSON.stringify(byCustomer.get(id)?.at(-1)?.attributes.at(-1)?.values ?? {}),
    );
    if (ids.length > 0) {
      await tx.execute(sql`
        insert into customer_timelines (tenant_id, customer_id, entities, attributes, updated_at)
        select ${tenantId}, u.customer_id, u.entities::jsonb, u.attributes::jsonb, now()
        from unnest(${arrayLiteral(ids)}::text[], ${arrayLiteral(documents)}::text[], ${arrayLiteral(latest)}::text[]) as u(customer_id, entities, attributes)
        on conflict (tenant_id, customer_id) do update set
          entities = excluded.entities, attributes = excluded.attributes, updated_at = excluded.updated_at`);
    }
    const gone = chunk.filter((id) => !byCustomer.has(id));
    if (gone.length > 0) {
      await tx
        .delete(customerTimelines)
        .where(
          and(
            eq(customerTimelines.tenantId, tenantId),
            sql`${customerTimelines.customerId} = any(${arrayLiteral(gone)}::text[])`,
          ),
        );
    }
  }
}
