/**
 * Writes MRR spans of one tenant inside an import's transaction: upserts by identity (customer,
 * subscription, start), leaving spans whose content is unchanged alone so a repeated import stores
 * nothing, then rebuilds the stored timelines of exactly the customers whose spans changed.
 */
import { buildEntityTimelines, formatMoneyUnits, type MrrSpan, parseMoney } from '@nrr/core';
import { and, eq, sql } from 'drizzle-orm';
import type { TransactionSql } from 'postgres';
import { CopyWriter, copyConnection, copyText } from '../db/copy.ts';
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

/**
 * Accumulates spans of one import and writes them within its transaction. On Postgres the spans
 * stream with `COPY` into a temporary staging table and {@link SpanWriter.flush} upserts them in
 * one statement; on PGlite they are written in batches of {@link SPAN_BATCH_SIZE}.
 */
export class SpanWriter {
  readonly counts: SpanWriteCounts = { stored: 0, unchanged: 0 };
  /** Customers whose stored spans changed. */
  readonly affectedCustomers = new Set<string>();
  #pending = new Map<string, SpanColumns>();
  readonly #connection: TransactionSql | undefined;
  #copy: CopyWriter | undefined;
  #staged = 0;
  #stagingReady = false;

  constructor(
    private readonly tx: Tx,
    private readonly tenantId: string,
    private readonly importId: string,
  ) {
    this.#connection = copyConnection(tx);
  }

  /** Queues a span, flushing a full batch. A span repeated within one import counts once (the last wins). */
  async add(span: MrrSpan): Promise<void> {
    const columns = spanColumns(span);
    if (this.#connection) {
      const copy = this.#copy ?? (await this.#openCopy(this.#connection));
      this.#staged += 1;
      await copy.write([
        String(this.#staged),
        copyText(columns.customerId),
        copyText(columns.subscriptionId),
        columns.startAt,
        copyText(columns.endAt),
        columns.mrr,
        copyText(columns.currency),
        copyText(columns.canceledAt),
        copyText(columns.attributes),
      ]);
      return;
    }
    this.#pending.set(spanIdentity(span), columns);
    if (this.#pending.size >= SPAN_BATCH_SIZE) await this.flush();
  }

  /** Writes everything queued; only spans whose content differs from the stored one are written. */
  async flush(): Promise<void> {
    if (this.#connection) await this.#flushStaged(this.#connection);
    else await this.#flushBatch();
  }

  /** Abandons a COPY in progress (the import failed; its transaction rolls back). */
  abort(reason: Error): void {
    this.#copy?.abort(reason);
    this.#copy = undefined;
  }

  async #openCopy(connection: TransactionSql): Promise<CopyWriter> {
    if (!this.#stagingReady) {
      // Room to sort the staged spans in memory rather than on disk (this transaction only).
      await connection.unsafe(`set local work_mem = '64MB'`);
      await connection.unsafe(`create temporary table import_spans (seq bigint not null, customer_id text not null,
        subscription_id text not null, start_at timestamptz not null, end_at timestamptz, mrr numeric(20, 4) not null,
        currency text not null, canceled_at timestamptz, attributes jsonb not null) on commit drop`);
      await connection.unsafe(
        'create temporary table import_customers (customer_id text primary key) on commit drop',
      );
      this.#stagingReady = true;
    }
    this.#copy = await CopyWriter.open(
      connection,
      'copy import_spans (seq, customer_id, subscription_id, start_at, end_at, mrr, currency, canceled_at, attributes) from stdin',
    );
    return this.#copy;
  }

  /**
   * Ends the COPY and upserts the staged spans in one statement (the last of spans sharing an
   * identity wins), collecting the customers of written spans set-wise in `import_customers`.
   */
  async #flushStaged(connection: TransactionSql): Promise<void> {
    if (!this.#copy) return;
    await this.#copy.end();
    this.#copy = undefined;
    const [result] = await connection.unsafe<{ staged: string; written: string }[]>(
      `with staged as (
        select distinct on (customer_id, subscription_id, start_at) * from import_spans
        order by customer_id, subscription_id, start_at, seq desc
      ), written as (
        insert into mrr_spans (tenant_id, customer_id, subscription_id, start_at, end_at, mrr, currency,
          canceled_at, attributes, import_id)
        select $1, customer_id, subscription_id, start_at, end_at, mrr, currency, canceled_at, attributes, $2
        from staged
        ${SPAN_UPSERT_TEXT}
        returning customer_id
      ), customers as (
        insert into import_customers select distinct customer_id from written on conflict do nothing
      )
      select (select count(*) from staged) as staged, (select count(*) from written) as written`,
      [this.tenantId, this.importId],
    );
    await connection.unsafe('truncate import_spans');
    const staged = Number(result?.staged ?? 0);
    const written = Number(result?.written ?? 0);
    this.counts.stored += written;
    this.counts.unchanged += staged - written;
    if (written > 0) {
      const customers = await connection.unsafe<{ customer_id: string }[]>(
        'select customer_id from import_customers',
      );
      for (const row of customers) this.affectedCustomers.add(row.customer_id);
    }
  }

  /**
   * Writes queued spans: one statement per batch, its columns passed as arrays and unnested, so a
   * batch costs 8 parameters rather than 8 per row.
   */
  async #flushBatch(): Promise<void> {
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
const SPAN_UPSERT_TEXT = `on conflict (tenant_id, customer_id, subscription_id, start_at) do update set
  end_at = excluded.end_at, mrr = excluded.mrr, currency = excluded.currency,
  canceled_at = excluded.canceled_at, attributes = excluded.attributes, import_id = excluded.import_id
  where (mrr_spans.end_at, mrr_spans.mrr, mrr_spans.currency, mrr_spans.canceled_at, mrr_spans.attributes)
    is distinct from (excluded.end_at, excluded.mrr, excluded.currency, excluded.canceled_at, excluded.attributes)`;

/** {@link SPAN_UPSERT_TEXT} for drizzle statements. */
export const SPAN_UPSERT = sql.raw(SPAN_UPSERT_TEXT);

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

/** The stored form of one customer's timeline: its entities and latest attributes, as JSON. */
interface TimelineDocument {
  readonly customerId: string;
  readonly entities: string;
  readonly attributes: string;
}

/** Customer-grain timelines of `spans` (the spans of whole customers), one document per customer. */
function timelineDocuments(spans: readonly MrrSpan[]): TimelineDocument[] {
  const entities = buildEntityTimelines(spans, { grain: 'CUSTOMER' });
  const byCustomer = new Map<string, (typeof entities)[number][]>();
  for (const entity of entities) {
    const list = byCustomer.get(entity.customerId);
    if (list) list.push(entity);
    else byCustomer.set(entity.customerId, [entity]);
  }
  return [...byCustomer].map(([customerId, list]) => ({
    customerId,
    entities: JSON.stringify(list),
    attributes: JSON.stringify(list.at(-1)?.attributes.at(-1)?.values ?? {}),
  }));
}

/**
 * Rebuilds the stored customer-grain timelines of `customers` from all their stored spans
 * (customers left with no spans lose their timeline). On Postgres the timelines stream with COPY
 * into a staging table and are upserted in one statement.
 */
export async function rebuildTimelines(tx: Tx, tenantId: string, customers: Iterable<string>): Promise<void> {
  const all = [...customers].sort();
  if (all.length === 0) return;
  const connection = copyConnection(tx);
  if (connection) await rebuildTimelinesByCopy(connection, tenantId, all);
  else await rebuildTimelinesInBatches(tx, tenantId, all);
}

/** Spans of `customers` read with epoch-millisecond instants, avoiding a Date per value. */
async function readSpans(connection: TransactionSql, tenantId: string, customers: readonly string[]) {
  const rows = await connection.unsafe<
    {
      customer_id: string;
      subscription_id: string;
      start_ms: number;
      end_ms: number | null;
      mrr: string;
      currency: string;
      canceled_ms: number | null;
      attributes: Record<string, string>;
    }[]
  >(
    `select customer_id, subscription_id, (extract(epoch from start_at) * 1000)::float8 as start_ms,
       (extract(epoch from end_at) * 1000)::float8 as end_ms, mrr::text as mrr, currency,
       (extract(epoch from canceled_at) * 1000)::float8 as canceled_ms, attributes
     from mrr_spans where tenant_id = $1 and customer_id = any($2::text[])`,
    [tenantId, customers as string[]],
  );
  return rows.map((row): MrrSpan => {
    const mrr = parseMoney(row.mrr);
    if (mrr === undefined) throw new Error(`stored mrr ${row.mrr} is not a decimal`);
    return {
      customerId: row.customer_id,
      subscriptionId: row.subscription_id,
      start: row.start_ms,
      end: row.end_ms,
      mrr,
      currency: row.currency,
      ...(row.canceled_ms === null ? {} : { canceledAt: row.canceled_ms }),
      ...(Object.keys(row.attributes).length > 0 ? { attributes: row.attributes } : {}),
    };
  });
}

async function rebuildTimelinesByCopy(
  connection: TransactionSql,
  tenantId: string,
  customers: readonly string[],
): Promise<void> {
  await connection.unsafe(`create temporary table if not exists import_timelines (customer_id text not null,
    entities jsonb not null, attributes jsonb not null) on commit drop`);
  await connection.unsafe('truncate import_timelines');
  // A connection runs no query while a COPY is open: each chunk is read, then copied.
  for (let index = 0; index < customers.length; index += REBUILD_BATCH_SIZE) {
    const spans = await readSpans(connection, tenantId, customers.slice(index, index + REBUILD_BATCH_SIZE));
    const documents = timelineDocuments(spans);
    if (documents.length === 0) continue;
    const copy = await CopyWriter.open(
      connection,
      'copy import_timelines (customer_id, entities, attributes) from stdin',
    );
    for (const document of documents) {
      await copy.write([
        copyText(document.customerId),
        copyText(document.entities),
        copyText(document.attributes),
      ]);
    }
    await copy.end();
  }
  await connection.unsafe(
    `insert into customer_timelines (tenant_id, customer_id, entities, attributes, updated_at)
     select $1, customer_id, entities, attributes, now() from import_timelines
     on conflict (tenant_id, customer_id) do update set
       entities = excluded.entities, attributes = excluded.attributes, updated_at = excluded.updated_at`,
    [tenantId],
  );
  await connection.unsafe(
    `delete from customer_timelines t where t.tenant_id = $1 and t.customer_id = any($2::text[])
       and not exists (select 1 from import_timelines i where i.customer_id = t.customer_id)`,
    [tenantId, customers as string[]],
  );
}

async function rebuildTimelinesInBatches(tx: Tx, tenantId: string, all: readonly string[]): Promise<void> {
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
    const documents = timelineDocuments(rows.map(spanFromRow));
    if (documents.length > 0) {
      await tx.execute(sql`
        insert into customer_timelines (tenant_id, customer_id, entities, attributes, updated_at)
        select ${tenantId}, u.customer_id, u.entities::jsonb, u.attributes::jsonb, now()
        from unnest(${arrayLiteral(documents.map((d) => d.customerId))}::text[],
          ${arrayLiteral(documents.map((d) => d.entities))}::text[],
          ${arrayLiteral(documents.map((d) => d.attributes))}::text[]) as u(customer_id, entities, attributes)
        on conflict (tenant_id, customer_id) do update set
          entities = excluded.entities, attributes = excluded.attributes, updated_at = excluded.updated_at`);
    }
    const built = new Set(documents.map((d) => d.customerId));
    const gone = chunk.filter((id) => !built.has(id));
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
