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
 * Most spans an import keeps in memory to build its timelines from (about 1 GB of heap); a larger
 * import rebuilds them from the stored spans, a chunk of customers at a time.
 */
const MAX_RETAINED_SPANS = 2_000_000;
/** Timelines built ahead of the upsert, this many customers at a time. */
const PREBUILD_CHUNK = 200;

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
  /** The spans added, by customer, when retained (see the constructor's `retainSpans`). */
  #retained: Map<string, MrrSpan[]> | undefined;
  /** Spans retained so far, and at most. */
  #retainedCount = 0;
  readonly #maxRetained: number;
  /** Timeline documents built from the retained spans alone, by customer (see {@link SpanWriter.rebuildTimelines}). */
  #prebuilt: Map<string, TimelineDocument> | undefined;
  /** The spans were the tenant's first: no other stored span belongs to their customers. */
  #firstImport = false;
  /**
   * Two retained spans may share an identity (or a customer has too many spans to tell): the
   * upsert must keep the last of each identity. Without retained spans it is always assumed.
   */
  #mayRepeat = false;

  /**
   * `retainSpans`: keep the spans added in memory so that {@link SpanWriter.rebuildTimelines}
   * reads back only the stored spans this import did not write (Postgres only; costs memory in
   * proportion to the spans added, up to `maxRetainedSpans`, default {@link MAX_RETAINED_SPANS};
   * beyond it the timelines are rebuilt from the stored spans). Leave it off when spans are also changed other than through
   * {@link SpanWriter.add} (the events import deletes spans).
   */
  constructor(
    private readonly tx: Tx,
    private readonly tenantId: string,
    private readonly importId: string,
    options: { readonly retainSpans?: boolean; readonly maxRetainedSpans?: number } = {},
  ) {
    this.#connection = copyConnection(tx);
    this.#retained = this.#connection && options.retainSpans ? new Map() : undefined;
    this.#maxRetained = options.maxRetainedSpans ?? MAX_RETAINED_SPANS;
  }

  /**
   * Queues a span, flushing a full batch. A span repeated within one import counts once (the last
   * wins). Returns a promise only when the caller must wait (a full buffer or batch): awaiting
   * every span would cost a turn of the event loop each.
   */
  add(span: MrrSpan): Promise<void> | undefined {
    const connection = this.#connection;
    if (connection) {
      if (this.#retained && ++this.#retainedCount > this.#maxRetained) {
        // Too many to hold: the timelines will be rebuilt from the stored spans instead.
        this.#retained = undefined;
        this.#mayRepeat = true;
      }
      if (this.#retained) {
        this.#prebuilt = undefined;
        const list = this.#retained.get(span.customerId);
        if (list) {
          if (!this.#mayRepeat) this.#mayRepeat = repeatsIdentity(list, span);
          list.push(span);
        } else this.#retained.set(span.customerId, [span]);
      }
      this.#staged += 1;
      // Instants as ISO text (cached: a file's dates repeat), MRR as exact decimal units.
      const row = `${this.#staged}\t${copyText(span.customerId)}\t${copyText(span.subscriptionId)}\t${isoInstant(
        span.start,
      )}\t${span.end === null ? '\\N' : isoInstant(span.end)}\t${moneyText(span.mrr)}\t${copyText(
        span.currency,
      )}\t${span.canceledAt === undefined ? '\\N' : isoInstant(span.canceledAt)}\t${
        span.attributes === undefined ? '{}' : copyText(JSON.stringify(span.attributes))
      }\n`;
      if (this.#copy) return this.#copy.writeLine(row);
      return this.#openCopy(connection).then((copy) => copy.writeLine(row));
    }
    this.#pending.set(spanIdentity(span), spanColumns(span));
    if (this.#pending.size >= SPAN_BATCH_SIZE) return this.flush();
    return undefined;
  }

  /** Writes everything queued; only spans whose content differs from the stored one are written. */
  async flush(): Promise<void> {
    if (this.#connection) await this.#flushStaged(this.#connection);
    else await this.#flushBatch();
  }

  /**
   * Rebuilds the stored timelines of {@link SpanWriter.affectedCustomers} (call after
   * {@link SpanWriter.flush}). With retained spans, the timelines are built from the spans this
   * import added plus the stored spans of those customers it did not write, read in one query;
   * otherwise from all their stored spans (see {@link rebuildTimelines}).
   */
  async rebuildTimelines(): Promise<void> {
    const connection = this.#connection;
    const retained = this.#retained;
    if (!connection || !retained) {
      await rebuildTimelines(this.tx, this.tenantId, this.affectedCustomers);
      return;
    }
    if (this.affectedCustomers.size === 0) return;
    // Spans this import did not write: stored before it, or stored unchanged by it (those are
    // retained too, with the same content). `import_customers` holds the affected customers.
    const stored = new Map<string, MrrSpan[]>();
    for (const span of this.#firstImport
      ? []
      : await readSpans(
          connection,
          `from mrr_spans s where s.tenant_id = $1 and s.import_id <> $2
         and s.customer_id in (select customer_id from import_customers)`,
          [this.tenantId, this.importId],
        )) {
      const list = stored.get(span.customerId);
      if (list) list.push(span);
      else stored.set(span.customerId, [span]);
    }
    await timelineStaging(connection);
    const prebuilt = this.#prebuilt;
    this.#prebuilt = undefined;
    // One COPY for every timeline (no query runs meanwhile): prebuilt documents are written as
    // they are; customers that had other stored spans are built again, in chunks.
    const copy = await CopyWriter.open(connection, TIMELINE_COPY);
    let spans: MrrSpan[] = [];
    let toBuild = 0;
    const turns = new EventLoopTurns();
    const build = async () => {
      for (const document of timelineDocuments(spans)) await copy.writeLine(timelineLine(document));
      spans = [];
      toBuild = 0;
      await turns.take();
    };
    for (const customer of this.affectedCustomers) {
      const before = stored.get(customer);
      const document = before === undefined ? prebuilt?.get(customer) : undefined;
      if (document) {
        const pending = copy.writeLine(timelineLine(document));
        if (pending) {
          await pending;
          await turns.take();
        }
        continue;
      }
      // Stored spans first: the spans added replace those of the same identity.
      if (before) spans.push(...before);
      spans.push(...(retained.get(customer) ?? []));
      toBuild += 1;
      if (toBuild >= REBUILD_BATCH_SIZE) await build();
    }
    await build();
    await copy.end();
    await storeStagedTimelines(connection, this.tenantId);
  }

  /**
   * Builds the timeline document of every customer with retained spans from those spans alone,
   * in chunks, yielding to the event loop between them (it runs while the database upserts).
   * Correct for every customer without other stored spans; {@link SpanWriter.rebuildTimelines}
   * builds the others again.
   */
  async #prebuild(retained: ReadonlyMap<string, readonly MrrSpan[]>): Promise<Map<string, TimelineDocument>> {
    const documents = new Map<string, TimelineDocument>();
    let spans: MrrSpan[] = [];
    let customers = 0;
    const build = () => {
      for (const document of timelineDocuments(spans)) documents.set(document.customerId, document);
      spans = [];
      customers = 0;
    };
    const turns = new EventLoopTurns();
    for (const list of retained.values()) {
      for (const span of list) spans.push(span);
      customers += 1;
      if (customers >= PREBUILD_CHUNK) {
        build();
        await turns.take();
      }
    }
    build();
    return documents;
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
        // Without a key: each flush adds its customers, the same one possibly again.
        'create temporary table import_customers (customer_id text not null) on commit drop',
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
    // A tenant with no spans yet (its first import; other imports of it wait for this one) takes
    // a plain insert: nothing to compare with, every customer of the retained spans is affected.
    const first =
      this.#retained !== undefined &&
      this.counts.stored + this.counts.unchanged === 0 &&
      !(await tenantHasSpans(connection, this.tenantId));
    // Identities known to be unique need no sort (1,000,000 staged rows would spill to disk).
    const staged =
      this.#retained && !this.#mayRepeat
        ? 'select * from import_spans'
        : `select distinct on (customer_id collate "C", subscription_id collate "C", start_at) * from import_spans
        order by customer_id collate "C", subscription_id collate "C", start_at, seq desc`;
    const insert = `insert into mrr_spans (tenant_id, customer_id, subscription_id, start_at, end_at, mrr, currency,
          canceled_at, attributes, import_id)
        select $1, customer_id, subscription_id, start_at, end_at, mrr, currency, canceled_at, attributes, $2
        from staged`;
    const upsert = connection.unsafe<{ staged: string; written: string }[]>(
      first
        ? `with staged as (${staged}), written as (${insert} returning 1)
          select count(*) as staged, count(*) as written from written`
        : `with staged as (${staged}), written as (${insert} ${SPAN_UPSERT_TEXT} returning customer_id),
          customers as (insert into import_customers select distinct customer_id from written)
          select (select count(*) from staged) as staged, (select count(*) from written) as written`,
      [this.tenantId, this.importId],
    );
    if (this.#retained) {
      // While the database upserts, build the timelines of the retained spans (the upsert runs
      // on the server; the timelines are built here): the two take about as long.
      const outcome = upsert.then(
        (rows) => ({ rows }),
        (error: unknown) => ({ error }),
      );
      await new Promise(setImmediate);
      this.#prebuilt = await this.#prebuild(this.#retained);
      const settled = await outcome;
      if ('error' in settled) throw settled.error;
    }
    const [result] = await upsert;
    await connection.unsafe('truncate import_spans');
    const stagedCount = Number(result?.staged ?? 0);
    const written = Number(result?.written ?? 0);
    this.counts.stored += written;
    this.counts.unchanged += stagedCount - written;
    if (first) {
      this.#firstImport = true;
      for (const customer of this.#retained?.keys() ?? []) this.affectedCustomers.add(customer);
    } else if (written > 0) {
      const customers = await connection.unsafe<{ customer_id: string }[]>(
        'select distinct customer_id from import_customers',
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

/** Longest stretch of import work between two turns of the event loop, in milliseconds. */
const TURN_MS = 20;

/**
 * Gives the event loop a turn when {@link TURN_MS} have passed since the last one, so that a large
 * import (whose work otherwise continues in microtasks: parsing, building timelines) does not hold
 * up the other requests an API instance serves.
 */
export class EventLoopTurns {
  #last = performance.now();

  /** Resolves at once, or after a turn of the event loop when the time is up. */
  async take(): Promise<void> {
    if (performance.now() - this.#last < TURN_MS) return;
    await new Promise(setImmediate);
    this.#last = performance.now();
  }
}

/** Spans of one customer beyond which {@link repeatsIdentity} stops looking and answers yes. */
const REPEAT_SCAN_LIMIT = 64;

/**
 * Whether `span` has the identity of one of `spans` (the same customer's), or `spans` are too many
 * to tell cheaply.
 */
function repeatsIdentity(spans: readonly MrrSpan[], span: MrrSpan): boolean {
  if (spans.length > REPEAT_SCAN_LIMIT) return true;
  for (const other of spans) {
    if (other.start === span.start && other.subscriptionId === span.subscriptionId) return true;
  }
  return false;
}

/** Whether the tenant has any stored span (one index probe). */
async function tenantHasSpans(connection: TransactionSql, tenantId: string): Promise<boolean> {
  const rows = await connection.unsafe('select 1 from mrr_spans where tenant_id = $1 limit 1', [tenantId]);
  return rows.length > 0;
}

/** Decimal text of recently seen amounts (a file's prices repeat). */
const moneyCache = new Map<number, string>();

/** `formatMoneyUnits(units)`, cached. */
function moneyText(units: number): string {
  let text = moneyCache.get(units);
  if (text === undefined) {
    if (moneyCache.size >= 100_000) moneyCache.clear();
    text = formatMoneyUnits(units);
    moneyCache.set(units, text);
  }
  return text;
}

/** ISO text of recently seen instants: a file's dates repeat, and `toISOString` is not cheap. */
const isoCache = new Map<number, string>();

/** `new Date(instant).toISOString()`, cached. */
function isoInstant(instant: number): string {
  let text = isoCache.get(instant);
  if (text === undefined) {
    if (isoCache.size >= 100_000) isoCache.clear();
    text = new Date(instant).toISOString();
    isoCache.set(instant, text);
  }
  return text;
}

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

/** Orders spans by customer, subscription (UTF-16 code units) and start. */
function compareSpans(a: MrrSpan, b: MrrSpan): number {
  if (a.customerId !== b.customerId) return a.customerId < b.customerId ? -1 : 1;
  if (a.subscriptionId !== b.subscriptionId) return a.subscriptionId < b.subscriptionId ? -1 : 1;
  return a.start - b.start;
}

/** The stored form of one customer's timeline: its entities and latest attributes, as JSON. */
interface TimelineDocument {
  readonly customerId: string;
  readonly entities: string;
  readonly attributes: string;
}

/** Customer-grain timelines of `spans` (the spans of whole customers), one document per customer. */
function timelineDocuments(spans: readonly MrrSpan[]): TimelineDocument[] {
  // One order whichever way the spans were gathered (stored rows come in no particular order),
  // so that spans starting together merge their attributes the same way every time.
  // Of spans sharing an identity the last one given is kept (the sort is stable), as the upsert
  // keeps the last one written.
  const ordered = [...spans].sort(compareSpans);
  const unique = ordered.filter((span, index) => {
    const next = ordered[index + 1];
    return (
      next === undefined ||
      next.customerId !== span.customerId ||
      next.subscriptionId !== span.subscriptionId ||
      next.start !== span.start
    );
  });
  const entities = buildEntityTimelines(unique, { grain: 'CUSTOMER' });
  const byCustomer = new Map<string, (typeof entities)[number][]>();
  for (const entity of entities) {
    const list = byCustomer.get(entity.customerId);
    if (list) list.push(entity);
    else byCustomer.set(entity.customerId, [entity]);
  }
  return [...byCustomer].map(([customerId, list]) => {
    // Stored as json, as written: attribute names in one order, whichever order the spans
    // brought them in (a file's columns, or the stored spans' jsonb), so equal timelines are
    // equal text.
    const canonical = list.map((entity) =>
      entity.attributes.every((change) => namesInOrder(change.values))
        ? entity
        : {
            ...entity,
            attributes: entity.attributes.map((change) => ({
              ...change,
              values: inNameOrder(change.values),
            })),
          },
    );
    return {
      customerId,
      entities: JSON.stringify(canonical),
      attributes: JSON.stringify(canonical.at(-1)?.attributes.at(-1)?.values ?? {}),
    };
  });
}

/** Whether the names of `values` are in code-unit order. */
function namesInOrder(values: Readonly<Record<string, string>>): boolean {
  let previous: string | undefined;
  for (const name in values) {
    if (previous !== undefined && previous > name) return false;
    previous = name;
  }
  return true;
}

/** `values` with its names in code-unit order. */
function inNameOrder(values: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
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

/** A stored span row as {@link readSpans} selects it: instants as epoch milliseconds. */
interface SpanRow {
  customer_id: string;
  subscription_id: string;
  start_ms: number;
  end_ms: number | null;
  mrr: string;
  currency: string;
  canceled_ms: number | null;
  attributes: Record<string, string>;
}

/** The span columns {@link readSpans} selects from `mrr_spans s`. */
const SPAN_ROW_COLUMNS = `s.customer_id, s.subscription_id,
  (extract(epoch from s.start_at) * 1000)::float8 as start_ms, (extract(epoch from s.end_at) * 1000)::float8 as end_ms,
  s.mrr::text as mrr, s.currency, (extract(epoch from s.canceled_at) * 1000)::float8 as canceled_ms, s.attributes`;

/**
 * Stored spans selected by `from` (a `FROM … WHERE …` clause over `mrr_spans s`, trusted text),
 * read with epoch-millisecond instants, avoiding a Date per value.
 */
async function readSpans(
  connection: TransactionSql,
  from: string,
  parameters: (string | string[])[],
): Promise<MrrSpan[]> {
  const rows = await connection.unsafe<SpanRow[]>(`select ${SPAN_ROW_COLUMNS} ${from}`, parameters);
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

/**
 * Spans of `customers` (one query per chunk: an index probe per customer), read with
 * epoch-millisecond instants.
 */
function readCustomerSpans(connection: TransactionSql, tenantId: string, customers: readonly string[]) {
  return readSpans(
    connection,
    `from unnest($2::text[]) as c(customer_id)
       join mrr_spans s on s.tenant_id = $1 and s.customer_id = c.customer_id`,
    [tenantId, customers as string[]],
  );
}

/** Creates (once per transaction) and empties the staging table of rebuilt timelines. */
async function timelineStaging(connection: TransactionSql): Promise<void> {
  await connection.unsafe(`create temporary table if not exists import_timelines (customer_id text not null,
    entities json not null, attributes json not null) on commit drop`);
  await connection.unsafe('truncate import_timelines');
}

/** The COPY statement of {@link timelineStaging}'s table. */
const TIMELINE_COPY = 'copy import_timelines (customer_id, entities, attributes) from stdin';

/** One timeline document as a line of {@link TIMELINE_COPY}. */
function timelineLine(document: TimelineDocument): string {
  return `${copyText(document.customerId)}\t${copyText(document.entities)}\t${copyText(document.attributes)}\n`;
}

/** Copies `documents` into the staging table `import_timelines` (see {@link timelineStaging}). */
async function copyTimelines(
  connection: TransactionSql,
  documents: readonly TimelineDocument[],
): Promise<void> {
  if (documents.length === 0) return;
  const copy = await CopyWriter.open(connection, TIMELINE_COPY);
  for (const document of documents) await copy.writeLine(timelineLine(document));
  await copy.end();
}

/** Upserts the staged timelines into `customer_timelines`. */
async function storeStagedTimelines(connection: TransactionSql, tenantId: string): Promise<void> {
  await connection.unsafe(
    `insert into customer_timelines (tenant_id, customer_id, entities, attributes, updated_at)
     select $1, customer_id, entities, attributes, now() from import_timelines
     on conflict (tenant_id, customer_id) do update set
       entities = excluded.entities, attributes = excluded.attributes, updated_at = excluded.updated_at`,
    [tenantId],
  );
}

async function rebuildTimelinesByCopy(
  connection: TransactionSql,
  tenantId: string,
  customers: readonly string[],
): Promise<void> {
  await timelineStaging(connection);
  // A connection runs no query while a COPY is open: each chunk is read, then copied.
  for (let index = 0; index < customers.length; index += REBUILD_BATCH_SIZE) {
    const spans = await readCustomerSpans(
      connection,
      tenantId,
      customers.slice(index, index + REBUILD_BATCH_SIZE),
    );
    await copyTimelines(connection, timelineDocuments(spans));
  }
  await storeStagedTimelines(connection, tenantId);
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
        select ${tenantId}, u.customer_id, u.entities::json, u.attributes::json, now()
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
