/**
 * Writes MRR spans of one tenant inside an import's transaction: upserts by identity (customer,
 * subscription, start), leaving spans whose content is unchanged alone so a repeated import stores
 * nothing. Spans are the only stored form of a tenant's revenue: the API builds its timeline from
 * them when it loads the tenant ({@link readTenantSpans}).
 */
import { formatMoneyUnits, type MrrSpan, parseMoney } from '@nrr/core';
import { eq, sql } from 'drizzle-orm';
import type { TransactionSql } from 'postgres';
import { BinaryCopyWriter, textBytes } from '../db/binary-copy.ts';
import { CopyWriter, copyConnection, copyText } from '../db/copy.ts';
import { mrrSpans } from '../db/schema.ts';
import { arrayLiteral, resultRows, type Tx } from '../db/tenant-scope.ts';

/** Spans are written in batches of this many rows (PGlite). */
export const SPAN_BATCH_SIZE = 5000;

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

/**
 * A span as the upsert statement takes it: every column as text (ISO instants, decimal MRR) or
 * null, and its attributes as the number of the tenant's set.
 */
export interface SpanColumns {
  customerId: string;
  subscriptionId: string;
  startAt: string;
  endAt: string | null;
  mrr: string;
  currency: string;
  canceledAt: string | null;
  attributesId: number;
}

/** Options of {@link SpanWriter}. */
export interface SpanWriterOptions {
  /**
   * The spans added never repeat an identity (customer, subscription, start): true of a periods
   * file, whose importer rejects overlapping periods of a subscription. Spares the checks and the
   * sort that keep the last of repeated identities. Default false.
   */
  readonly uniqueIdentities?: boolean;
  /**
   * A tenant's first spans may be copied straight into `mrr_spans` (Postgres only). For a writer
   * flushed once; leave it off when spans are also changed other than through
   * {@link SpanWriter.add} (the events import deletes spans). Default false.
   */
  readonly direct?: boolean;
}

/** Spans of one customer's run beyond which a repeated identity is assumed rather than looked for. */
const RUN_SCAN_LIMIT = 64;

/**
 * Accumulates spans of one import and writes them within its transaction.
 *
 * On Postgres, a tenant's first spans (with the `direct` option) stream with a binary `COPY`
 * straight into `mrr_spans`: the database stores them while the file is still being read, parsing
 * no text. Spans that might
 * repeat an identity already copied (a customer whose spans come back after another customer's)
 * are held back and upserted after the copy, so the last of a repeated identity wins as it does
 * in an upsert. Otherwise spans stream with `COPY` into a temporary staging table and
 * {@link SpanWriter.flush} upserts them in one statement. On PGlite they are written in batches of
 * {@link SPAN_BATCH_SIZE}.
 */
export class SpanWriter {
  readonly counts: SpanWriteCounts = { stored: 0, unchanged: 0 };
  /**
   * Customers whose stored spans changed, by name; a direct copy of spans in ascending customer
   * order only counts them (see {@link SpanWriter.customersAffected}).
   */
  readonly affectedCustomers = new Set<string>();
  /** Customers of a direct copy counted, not named: their runs, while customers ascend. */
  #countedCustomers = 0;
  /** The direct copy's customers ascended (code units) so far: each run is a new customer. */
  #ascending = true;
  #pending = new Map<string, SpanColumns>();
  /** The tenant's attribute sets; loaded by the first span. */
  #sets: AttributeSets | undefined;
  readonly #connection: TransactionSql | undefined;
  readonly #uniqueIdentities: boolean;
  /** How spans go to Postgres; decided by the first span. */
  #mode: 'direct' | 'staged' | undefined;
  /** The tenant had no spans when this writer started (Postgres). */
  #first = false;
  #copy: CopyWriter | undefined;
  #copying: Promise<void> | undefined;
  /** Staged rows so far (their `seq`). */
  #staged = 0;
  #stagingReady = false;
  /** Spans copied straight into `mrr_spans`. */
  #copied = 0;
  /** Staging lines held back during a direct copy (see the class comment). */
  #deferred: string[] = [];
  /** Customers seen, and the customer of the last span with the identities of its run. */
  readonly #seen = new Set<string>();
  #runCustomer: string | undefined;
  #runIdentities: MrrSpan[] = [];
  /** Customers whose spans came back after another customer's: their later spans are held back. */
  readonly #returning = new Set<string>();
  /** Two staged spans may share an identity: the upsert must keep the last of each. */
  #mayRepeat = false;
  /** The direct copy in progress. */
  #binary: BinaryCopyWriter | undefined;
  readonly #tenantBytes: Buffer;
  readonly #importBytes: Buffer;

  constructor(
    private readonly tx: Tx,
    private readonly tenantId: string,
    private readonly importId: string,
    private readonly options: SpanWriterOptions = {},
  ) {
    this.#connection = copyConnection(tx);
    this.#uniqueIdentities = options.uniqueIdentities ?? false;
    this.#tenantBytes = textBytes(tenantId);
    this.#importBytes = textBytes(importId);
  }

  /**
   * Queues a span, flushing a full batch. A span repeated within one import counts once (the last
   * wins). Returns a promise only when the caller must wait (a full buffer or batch): awaiting
   * every span would cost a turn of the event loop each.
   */
  add(span: MrrSpan): Promise<void> | undefined {
    const sets = this.#sets;
    if (sets === undefined) {
      return AttributeSets.load(this.tx, this.tenantId).then((loaded) => {
        this.#sets = loaded;
        return this.add(span);
      });
    }
    const connection = this.#connection;
    if (!connection) {
      this.#pending.set(spanIdentity(span), spanColumns(span, sets.idOf(span.attributes)));
      if (this.#pending.size >= SPAN_BATCH_SIZE) return this.flush();
      return undefined;
    }
    const binary = this.#binary;
    if (binary) {
      if (this.#track(span)) {
        this.#deferred.push(`${++this.#staged}\t${spanFields(span, sets.idOf(span.attributes))}\n`);
        return undefined;
      }
      this.#copied += 1;
      binary.beginRow(10);
      binary.bytes(this.#tenantBytes);
      binary.text(span.customerId);
      binary.text(span.subscriptionId);
      binary.timestamp(span.start);
      if (span.end === null) binary.null();
      else binary.timestamp(span.end);
      binary.decimal4(span.mrr);
      binary.bytes(currencyBytes(span.currency));
      if (span.canceledAt === undefined) binary.null();
      else binary.timestamp(span.canceledAt);
      binary.int4(sets.idOf(span.attributes));
      binary.bytes(this.#importBytes);
      return binary.endRow();
    }
    const copy = this.#copy;
    if (copy === undefined) return this.#open(connection).then(() => this.add(span));
    this.#track(span);
    return copy.writeLine(`${++this.#staged}\t${spanFields(span, sets.idOf(span.attributes))}\n`);
  }

  /**
   * Notes the span's customer and identity; says whether a direct copy must hold it back: its
   * customer came back after another customer's spans, or it repeats an identity of its run.
   * Without possible repeats, only a direct copy notes customers (all of them are affected).
   */
  #track(span: MrrSpan): boolean {
    const customer = span.customerId;
    if (this.#uniqueIdentities) {
      if (this.#mode === 'direct' && customer !== this.#runCustomer) {
        // Ascending customers need no set to be counted (a file sorted by customer); the first
        // one out of order stops the count, and flush() counts them in the database instead.
        if (this.#ascending && (this.#runCustomer === undefined || customer > this.#runCustomer)) {
          this.#countedCustomers += 1;
        } else this.#ascending = false;
        this.#runCustomer = customer;
      }
      return false;
    }
    if (customer !== this.#runCustomer) {
      if (this.#seen.has(customer)) {
        this.#returning.add(customer);
        this.#mayRepeat = true;
      } else this.#seen.add(customer);
      this.#runCustomer = customer;
      this.#runIdentities = [];
    }
    const run = this.#runIdentities;
    let repeats = run.length >= RUN_SCAN_LIMIT;
    for (let i = 0; !repeats && i < run.length; i++) {
      const other = run[i] as MrrSpan;
      repeats = other.start === span.start && other.subscriptionId === span.subscriptionId;
    }
    if (repeats) this.#mayRepeat = true;
    else run.push(span);
    return repeats || this.#returning.has(customer);
  }

  /** How many customers' stored spans changed. */
  get customersAffected(): number {
    return this.#countedCustomers + this.affectedCustomers.size;
  }

  /** Writes everything queued; only spans whose content differs from the stored one are written. */
  async flush(): Promise<void> {
    const connection = this.#connection;
    if (!connection) {
      await this.#flushBatch();
      return;
    }
    if (this.#copying) await this.#copying;
    const binary = this.#binary;
    if (binary) {
      this.#binary = undefined;
      await binary.end();
      await connection.unsafe('set local role nrr_app');
      await this.#sets?.store(this.tx, this.tenantId);
      this.counts.stored += this.#copied;
      if (!this.#uniqueIdentities) for (const customer of this.#seen) this.affectedCustomers.add(customer);
      else if (!this.#ascending) {
        const [row] = await connection.unsafe<{ customers: string }[]>(
          'select count(distinct customer_id) as customers from mrr_spans where tenant_id = $1',
          [this.tenantId],
        );
        this.#countedCustomers = Number(row?.customers ?? 0);
      }
      // Later spans (the events import) are upserted.
      this.#mode = 'staged';
      if (this.#deferred.length === 0) return;
      await this.#stage(connection);
      const staging = await CopyWriter.open(connection, STAGING_COPY);
      for (const line of this.#deferred) await staging.writeLine(line);
      this.#deferred = [];
      await staging.end();
      await this.#upsertStaged(connection);
      return;
    }
    const copy = this.#copy;
    if (!copy) return;
    this.#copy = undefined;
    await copy.end();
    await this.#upsertStaged(connection);
  }

  /** Abandons a COPY in progress (the import failed; its transaction rolls back). */
  abort(reason: Error): void {
    this.#copy?.abort(reason);
    this.#copy = undefined;
    this.#binary?.abort(reason);
    this.#binary = undefined;
  }

  /** Opens the copy of the spans to come, deciding on the first one how they are written. */
  #open(connection: TransactionSql): Promise<void> {
    this.#copying ??= (async () => {
      if (this.#mode === undefined) {
        this.#first = !(await tenantHasSpans(connection, this.tenantId));
        this.#mode =
          this.#first && this.options.direct && (await mayCopyIntoSpans(connection)) ? 'direct' : 'staged';
      }
      if (this.#mode === 'direct') {
        // COPY FROM is refused under row-level security: the copy runs as the session's own role
        // (the tables' owner; checked above), writing this tenant's id into every row itself.
        // Binary: Postgres parses no text (timestamps, decimals, escapes) for a tenant's first data.
        await connection.unsafe('set local role none');
        this.#binary = await BinaryCopyWriter.open(connection, SPANS_COPY);
      } else {
        await this.#stage(connection);
        this.#copy = await CopyWriter.open(connection, STAGING_COPY);
      }
      this.#copying = undefined;
    })();
    return this.#copying;
  }

  /** Creates (once) and empties the staging tables. */
  async #stage(connection: TransactionSql): Promise<void> {
    if (this.#stagingReady) return;
    // Room to sort the staged spans in memory rather than on disk (this transaction only).
    await connection.unsafe(`set local work_mem = '64MB'`);
    await connection.unsafe(`create temporary table import_spans (seq bigint not null, customer_id text not null,
        subscription_id text not null, start_at timestamptz not null, end_at timestamptz, mrr numeric(20, 4) not null,
        currency text not null, canceled_at timestamptz, attributes_id integer not null) on commit drop`);
    this.#stagingReady = true;
  }

  /**
   * Upserts the staged spans in one statement (the last of spans sharing an identity wins) and
   * empties the staging table. After a direct copy, a staged span that meets a span this import
   * copied counts neither as stored again nor as unchanged: a span repeated in an import counts
   * once.
   */
  async #upsertStaged(connection: TransactionSql): Promise<void> {
    await this.#sets?.store(this.tx, this.tenantId);
    // Identities known to be unique need no sort (1,000,000 staged rows would spill to disk).
    const staged = !this.#mayRepeat
      ? 'select * from import_spans'
      : `select distinct on (customer_id, subscription_id, start_at) * from import_spans
        order by customer_id, subscription_id, start_at, seq desc`;
    const insert = `insert into mrr_spans (tenant_id, customer_id, subscription_id, start_at, end_at, mrr, currency,
          canceled_at, attributes_id, import_id)
        select $1, customer_id, subscription_id, start_at, end_at, mrr, currency, canceled_at, attributes_id, $2
        from staged`;
    // A tenant's first spans (no direct copy) take a plain insert: nothing to compare with.
    const plain = this.#first && this.#copied === 0 && this.counts.stored === 0;
    if (plain) {
      const [row] = await connection.unsafe<{ written: string }[]>(
        `with staged as (${staged}), written as (${insert} returning 1) select count(*) as written from written`,
        [this.tenantId, this.importId],
      );
      this.counts.stored += Number(row?.written ?? 0);
      for (const customer of await stagedCustomers(connection)) this.affectedCustomers.add(customer);
    } else {
      const rows = await connection.unsafe<
        { staged: string; inserted: string; written: string; customers: string[] | null }[]
      >(
        `with staged as (${staged}),
          written as (${insert} ${SPAN_UPSERT_TEXT} returning customer_id, (xmax = 0) as inserted)
        select (select count(*) from staged) as staged,
          (select count(*) from written where inserted) as inserted,
          (select count(*) from written) as written,
          (select array_agg(distinct customer_id) from written) as customers`,
        [this.tenantId, this.importId],
      );
      const result = rows[0];
      const stagedCount = Number(result?.staged ?? 0);
      const written = Number(result?.written ?? 0);
      if (this.#copied > 0) {
        // After a direct copy every other stored span is this import's own.
        this.counts.stored += Number(result?.inserted ?? 0);
      } else {
        this.counts.stored += written;
        this.counts.unchanged += stagedCount - written;
        for (const customer of result?.customers ?? []) this.affectedCustomers.add(customer);
      }
    }
    await connection.unsafe('truncate import_spans');
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
    await this.#sets?.store(this.tx, this.tenantId);
    const written = resultRows<{ customer_id: string }>(
      await this.tx.execute(sql`
        insert into mrr_spans (tenant_id, customer_id, subscription_id, start_at, end_at, mrr,
          currency, canceled_at, attributes_id, import_id)
        select ${this.tenantId}, u.customer_id, u.subscription_id, u.start_at, u.end_at, u.mrr,
          u.currency, u.canceled_at, u.attributes_id, ${this.importId}
        from unnest(
          ${column((row) => row.customerId)}::text[], ${column((row) => row.subscriptionId)}::text[],
          ${column((row) => row.startAt)}::timestamptz[], ${column((row) => row.endAt)}::timestamptz[],
          ${column((row) => row.mrr)}::numeric[], ${column((row) => row.currency)}::text[],
          ${column((row) => row.canceledAt)}::timestamptz[], ${column((row) => String(row.attributesId))}::integer[]
        ) as u(customer_id, subscription_id, start_at, end_at, mrr, currency, canceled_at, attributes_id)
        ${SPAN_UPSERT}
        returning customer_id`),
    );
    this.counts.stored += written.length;
    this.counts.unchanged += batch.length - written.length;
    for (const row of written) this.affectedCustomers.add(row.customer_id);
  }
}

/** The COPY of a direct write: every column of `mrr_spans`, the tenant's id first, the import's last. */
const SPANS_COPY = `copy mrr_spans (tenant_id, customer_id, subscription_id, start_at, end_at, mrr, currency,
  canceled_at, attributes_id, import_id) from stdin with (format binary)`;

/** The COPY into the staging table. */
const STAGING_COPY = `copy import_spans (seq, customer_id, subscription_id, start_at, end_at, mrr, currency,
  canceled_at, attributes_id) from stdin`;

/**
 * The conflict clause of every span write: the identity stays, the content is replaced, and only
 * when some content column differs (`is distinct from` treats nulls as values; jsonb and numeric
 * compare by value, so trailing zeros do not count as changes; equal attribute sets have one
 * number, whatever their key order).
 */
const SPAN_UPSERT_TEXT = `on conflict (tenant_id, customer_id, subscription_id, start_at) do update set
  end_at = excluded.end_at, mrr = excluded.mrr, currency = excluded.currency,
  canceled_at = excluded.canceled_at, attributes_id = excluded.attributes_id, import_id = excluded.import_id
  where (mrr_spans.end_at, mrr_spans.mrr, mrr_spans.currency, mrr_spans.canceled_at, mrr_spans.attributes_id)
    is distinct from (excluded.end_at, excluded.mrr, excluded.currency, excluded.canceled_at, excluded.attributes_id)`;

/** {@link SPAN_UPSERT_TEXT} for drizzle statements. */
export const SPAN_UPSERT = sql.raw(SPAN_UPSERT_TEXT);

/** Longest stretch of import work between two turns of the event loop, in milliseconds. */
const TURN_MS = 20;

/**
 * Gives the event loop a turn when {@link TURN_MS} have passed since the last one, so that a large
 * import (whose work otherwise continues in microtasks: parsing) does not hold up the other
 * requests an API instance serves.
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

/** The distinct customers of the staged spans. */
async function stagedCustomers(connection: TransactionSql): Promise<string[]> {
  const rows = await connection.unsafe<{ customer_id: string }[]>(
    'select distinct customer_id from import_spans',
  );
  return rows.map((row) => row.customer_id);
}

/** Whether the tenant has any stored span (one index probe). */
async function tenantHasSpans(connection: TransactionSql, tenantId: string): Promise<boolean> {
  const rows = await connection.unsafe('select 1 from mrr_spans where tenant_id = $1 limit 1', [tenantId]);
  return rows.length > 0;
}

/**
 * Whether the session's own role may COPY into `mrr_spans`: Postgres refuses `COPY FROM` where
 * row-level security applies, so the role must bypass it (a superuser, a role with BYPASSRLS, or
 * the table's owner while security is not forced on it) and may insert.
 */
async function mayCopyIntoSpans(connection: TransactionSql): Promise<boolean> {
  const [row] = await connection.unsafe<{ allowed: boolean }[]>(
    `select has_table_privilege(session_user, c.oid, 'INSERT')
        and (r.rolsuper or r.rolbypassrls
          or (pg_has_role(session_user, c.relowner, 'USAGE') and not c.relforcerowsecurity)) as allowed
      from pg_class c join pg_roles r on r.rolname = session_user
      where c.oid = 'mrr_spans'::regclass`,
  );
  return row?.allowed === true;
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

/** Binary `text` values of currencies (few). */
const currencyCache = new Map<string, Buffer>();

function currencyBytes(currency: string): Buffer {
  let bytes = currencyCache.get(currency);
  if (bytes === undefined) {
    if (currencyCache.size >= 1000) currencyCache.clear();
    bytes = textBytes(currency);
    currencyCache.set(currency, bytes);
  }
  return bytes;
}

/**
 * A span's columns from customer to attributes in COPY text form, tab-separated: customer,
 * subscription, start, end, MRR (exact decimal), currency, cancellation, attribute set.
 */
function spanFields(span: MrrSpan, attributesId: number): string {
  return `${copyText(span.customerId)}\t${copyText(span.subscriptionId)}\t${isoInstant(span.start)}\t${
    span.end === null ? '\\N' : isoInstant(span.end)
  }\t${moneyText(span.mrr)}\t${copyText(span.currency)}\t${
    span.canceledAt === undefined ? '\\N' : isoInstant(span.canceledAt)
  }\t${attributesId}`;
}

/** A span's columns as text, in the form the upsert casts from, with its attribute set's number. */
function spanColumns(span: MrrSpan, attributesId: number): SpanColumns {
  return {
    customerId: span.customerId,
    subscriptionId: span.subscriptionId,
    startAt: new Date(span.start).toISOString(),
    endAt: span.end === null ? null : new Date(span.end).toISOString(),
    mrr: formatMoneyUnits(span.mrr),
    currency: span.currency,
    canceledAt: span.canceledAt === undefined ? null : new Date(span.canceledAt).toISOString(),
    attributesId,
  };
}

/** Reads a stored span row back into core's form. */
function spanFromRow(
  row: typeof mrrSpans.$inferSelect,
  sets: ReadonlyMap<number, Readonly<Record<string, string>> | undefined>,
): MrrSpan {
  const attributes = sets.get(row.attributesId);
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
    ...(attributes === undefined ? {} : { attributes }),
  };
  return span;
}

/** Orders spans by customer, subscription (UTF-16 code units) and start. */
function compareSpans(a: MrrSpan, b: MrrSpan): number {
  if (a.customerId !== b.customerId) return a.customerId < b.customerId ? -1 : 1;
  if (a.subscriptionId !== b.subscriptionId) return a.subscriptionId < b.subscriptionId ? -1 : 1;
  return a.start - b.start;
}

/** A stored span row as {@link readTenantSpans} selects it on Postgres. */
interface SpanRow {
  customer_id: string;
  subscription_id: string;
  start_ms: number;
  end_ms: number | null;
  mrr: string;
  currency: string;
  canceled_ms: number | null;
  attributes_id: number;
}

/**
 * Every stored span of the tenant, ordered by customer, subscription (code units) and start: one
 * order however they were stored, so that spans starting together merge their attributes the
 * same way every time. On Postgres instants come as epoch milliseconds; each attribute set is
 * parsed once and shared by the spans that have it.
 */
export async function readTenantSpans(tx: Tx, tenantId: string): Promise<MrrSpan[]> {
  const sets = await readAttributeSets(tx, tenantId);
  const connection = copyConnection(tx);
  let spans: MrrSpan[];
  if (connection) {
    const rows = await connection.unsafe<SpanRow[]>(
      `select customer_id, subscription_id,
        (extract(epoch from start_at) * 1000)::float8 as start_ms, (extract(epoch from end_at) * 1000)::float8 as end_ms,
        mrr::text as mrr, currency, (extract(epoch from canceled_at) * 1000)::float8 as canceled_ms, attributes_id
      from mrr_spans where tenant_id = $1 order by customer_id, subscription_id, start_at`,
      [tenantId],
    );
    spans = new Array<MrrSpan>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as SpanRow;
      const mrr = parseMoney(row.mrr);
      if (mrr === undefined) throw new Error(`stored mrr ${row.mrr} is not a decimal`);
      // Literal shapes, no spread: spans stay small objects of few shapes, which the engine reads fast.
      const span: MrrSpan = {
        customerId: row.customer_id,
        subscriptionId: row.subscription_id,
        start: row.start_ms,
        end: row.end_ms,
        mrr,
        currency: row.currency,
      };
      if (row.canceled_ms !== null) (span as { canceledAt?: number }).canceledAt = row.canceled_ms;
      const values = sets.get(row.attributes_id);
      if (values !== undefined)
        (span as { attributes?: Readonly<Record<string, string>> }).attributes = values;
      spans[i] = span;
    }
  } else {
    const rows = await tx.select().from(mrrSpans).where(eq(mrrSpans.tenantId, tenantId));
    spans = rows.map((row) => spanFromRow(row, sets));
  }
  // The database's order (bytes of UTF-8) and code-unit order differ only past U+E000.
  for (let i = 1; i < spans.length; i++) {
    if (compareSpans(spans[i - 1] as MrrSpan, spans[i] as MrrSpan) > 0) return spans.sort(compareSpans);
  }
  return spans;
}

/** The tenant's attribute sets by number; an empty set as `undefined` (a span without attributes). */
async function readAttributeSets(
  tx: Tx,
  tenantId: string,
): Promise<Map<number, Readonly<Record<string, string>> | undefined>> {
  const sets = new Map<number, Readonly<Record<string, string>> | undefined>();
  for (const row of await attributeSetRows(tx, tenantId)) {
    const values = JSON.parse(row.attributes) as Record<string, string>;
    sets.set(Number(row.set_id), Object.keys(values).length > 0 ? values : undefined);
  }
  return sets;
}

/** The tenant's stored attribute sets, as JSON text. */
async function attributeSetRows(tx: Tx, tenantId: string): Promise<{ set_id: number; attributes: string }[]> {
  return resultRows<{ set_id: number; attributes: string }>(
    await tx.execute(
      sql`select set_id, attributes::text as attributes from span_attribute_sets where tenant_id = ${tenantId}`,
    ),
  );
}

/**
 * A tenant's attribute sets during one import: the stored ones, loaded once, and the new ones,
 * numbered after them and stored by {@link AttributeSets.store} within the import's transaction
 * (imports of a tenant run one at a time, so numbers cannot collide). A set is found by value,
 * keys in any order, as jsonb equality finds it; by object first, since importers share one
 * object among the rows that repeat a set.
 */
class AttributeSets {
  readonly #byValue = new Map<string, number>();
  readonly #byObject = new Map<object, number>();
  #next = 1;
  #added: { id: number; json: string }[] = [];
  #lastObject: object | undefined;
  #lastId = 0;

  static async load(tx: Tx, tenantId: string): Promise<AttributeSets> {
    const sets = new AttributeSets();
    for (const row of await attributeSetRows(tx, tenantId)) {
      const id = Number(row.set_id);
      sets.#byValue.set(setKey(JSON.parse(row.attributes) as Record<string, string>), id);
      if (id >= sets.#next) sets.#next = id + 1;
    }
    return sets;
  }

  /** The number of a span's attribute set (an absent one is the empty set), numbering it if new. */
  idOf(attributes: Readonly<Record<string, string>> | undefined): number {
    const object = attributes ?? NO_ATTRIBUTES;
    if (object === this.#lastObject) return this.#lastId;
    let id = this.#byObject.get(object);
    if (id === undefined) {
      const key = setKey(object);
      id = this.#byValue.get(key);
      if (id === undefined) {
        id = this.#next++;
        this.#byValue.set(key, id);
        this.#added.push({ id, json: JSON.stringify(object) });
      }
      if (this.#byObject.size >= 10_000) this.#byObject.clear();
      this.#byObject.set(object, id);
    }
    this.#lastObject = object;
    this.#lastId = id;
    return id;
  }

  /** Stores the sets numbered since the last call. */
  async store(tx: Tx, tenantId: string): Promise<void> {
    if (this.#added.length === 0) return;
    const added = this.#added;
    this.#added = [];
    await tx.execute(sql`
      insert into span_attribute_sets (tenant_id, set_id, attributes)
      select ${tenantId}, u.set_id, u.attributes::jsonb
      from unnest(${arrayLiteral(added.map((set) => String(set.id)))}::integer[],
        ${arrayLiteral(added.map((set) => set.json))}::text[]) as u(set_id, attributes)`);
  }
}

/** The attributes of a span that has none. */
const NO_ATTRIBUTES: Readonly<Record<string, string>> = Object.freeze({});

/** A set's identity by value: its entries in key order. */
function setKey(values: Readonly<Record<string, string>>): string {
  return JSON.stringify(
    Object.keys(values)
      .sort()
      .map((key) => [key, values[key]]),
  );
}
