/**
 * Writes MRR spans of one tenant inside an import's transaction: upserts by identity (customer,
 * subscription, start), leaving spans whose content is unchanged alone so a repeated import stores
 * nothing, then rebuilds the stored timelines of exactly the customers whose spans changed.
 */
import { buildEntityTimelines, formatMoneyUnits, type MrrSpan, parseMoney } from '@nrr/core';
import { and, eq, sql } from 'drizzle-orm';
import { customerTimelines, mrrSpans } from '../db/schema.ts';
import { arrayLiteral, resultRows, type Tx } from '../db/tenant-scope.ts';

/** Spans are written in batches of this many rows. */
export const SPAN_BATCH_SIZE = 5000;
/** Timelines are rebuilt this many customers at a time. */
const REBUILD_BATCH_SIZE = 2000;

/**
 * A span's identity within its tenant: customer, subscription and start. Periods of one
 * subscription never overlap (the importers reject overlaps), so no two of them share a start;
 * a later import of the same period with another end, amount, currency, cancellation date or
 * attributes corrects the stored span instead of adding to it.
 */
export function spanIdentity(span: Pick<MrrSpan, 'customerId' | 'subscriptionId' | 'start'>): string {
  return JSON.stringify([span.customerId, span.subscriptionId, span.start]);
}

/** Counts of the spans written by {@link SpanWriter}. */
export interface SpanWriteCounts {
  /** Spans inserted or changed. */
  stored: number;
  /** Spans already stored with the same content. */
  unchanged: number;
}

/** A span as the upsert statement takes it: every column as text (ISO instants, decimal MRR, JSON attributes) or null. */
export interface SpanColumns {
  customerId: string;
  subscriptionId: string;
  startAt: string;
  endAt: string | null;
  mrr: string;
  currency: string;
  canceledAt: string | null;
  attributes: string;
}

/** Accumulates spans of one import and writes them in batches within its transaction. */
export class SpanWriter {
  readonly counts: SpanWriteCounts = { stored: 0, unchanged: 0 };
  /** Customers whose stored spans changed. */
  readonly affectedCustomers = new Set<string>();
  #pending = new Map<string, SpanColumns>();

  constructor(
    private readonly tx: Tx,
    private readonly tenantId: string,
    private readonly importId: string,
  ) {}

  /** Queues a span, flushing a full batch. A span repeated within one import counts once (the last wins). */
  async add(span: MrrSpan): Promise<void> {
    this.#pending.set(spanIdentity(span), spanColumns(span));
    if (this.#pending.size >= SPAN_BATCH_SIZE) await this.flush();
  }

  /**
   * Writes queued spans: one statement per batch, its columns passed as arrays and unnested, so a
   * batch costs 8 parameters rather than 8 per row. Only spans whose content differs from the
   * stored one are written (and returned); identical ones are left alone.
   */
  async flush(): Promise<void> {
    if (this.#pending.size === 0) return;
    const batch = [...this.#pending.values()];
    this.#pending = new Map();
    const column = (pick: (row: SpanColumns) => string | null) => arrayLiteral(batch.map(pick));
    const written = resultRows<{ customer_id: string }>(
      await this.tx.execute(sql`
        insert into mrr_spans (tenant_id, customer_id, subscription_id, start_at, end_at, mrr,
          currency, canceled_at, attributes, import_id)
        select ${this.tenantId}, u.customer_id, u.subscription_id, u.start_at, u.end_at, u.mrr,
          u.currency, u.canceled_at, u.attributes::jsonb, ${this.importId}
        from unnest(
          ${column((row) => row.customerId)}::text[], ${column((row) => row.subscriptionId)}::text[],
          ${column((row) => row.startAt)}::timestamptz[], ${column((row) => row.endAt)}::timestamptz[],
          ${column((row) => row.mrr)}::numeric[], ${column((row) => row.currency)}::text[],
          ${column((row) => row.canceledAt)}::timestamptz[], ${column((row) => row.attributes)}::text[]
        ) as u(customer_id, subscription_id, start_at, end_at, mrr, currency, canceled_at, attributes)
        ${SPAN_UPSERT}
        returning customer_id`),
    );
    this.counts.stored += written.length;
    this.counts.unchanged += batch.length - written.length;
    for (const row of written) this.affectedCustomers.add(row.customer_id);
  }
}

/**
 * The conflict clause of every span write: the identity stays, the content is replaced, and only
 * when some content column differs (`is distinct from` treats nulls as values; jsonb and numeric
 * compare by value, so key order and trailing zeros do not count as changes).
 */
export const SPAN_UPSERT =
  sql.raw(`on conflict (tenant_id, customer_id, subscription_id, start_at) do update set
  end_at = excluded.end_at, mrr = excluded.mrr, currency = excluded.currency,
  canceled_at = excluded.canceled_at, attributes = excluded.attributes, import_id = excluded.import_id
  where (mrr_spans.end_at, mrr_spans.mrr, mrr_spans.currency, mrr_spans.canceled_at, mrr_spans.attributes)
    is distinct from (excluded.end_at, excluded.mrr, excluded.currency, excluded.canceled_at, excluded.attributes)`);

/** A span's columns as text, in the form the upsert casts from. */
export function spanColumns(span: MrrSpan): SpanColumns {
  return {
    customerId: span.customerId,
    subscriptionId: span.subscriptionId,
    startAt: new Date(span.start).toISOString(),
    endAt: span.end === null ? null : new Date(span.end).toISOString(),
    mrr: formatMoneyUnits(span.mrr),
    currency: span.currency,
    canceledAt: span.canceledAt === undefined ? null : new Date(span.canceledAt).toISOString(),
    attributes: JSON.stringify(span.attributes ?? {}),
  };
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
