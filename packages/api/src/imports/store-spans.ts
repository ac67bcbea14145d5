/**
 * Writes MRR spans of one tenant inside an import's transaction: upserts by identity (customer,
 * subscription, start), leaving spans whose content is unchanged alone so a repeated import stores
 * nothing. Spans are the only stored form of a tenant's revenue: the API builds its timeline from
 * them when it loads the tenant ({@link readTenantSpans}).
 */
import { type MrrSpan, parseMoney } from '@nrr/core';
import { eq, sql } from 'drizzle-orm';
import { type BinaryCopyWriter, textBytes } from '../db/binary-copy.ts';
import { copyConnection } from '../db/copy.ts';
import { type CopyClient, copyClient } from '../db/copy-client.ts';
import { mrrSpans } from '../db/schema.ts';
import { arrayLiteral, resultRows, type Tx } from '../db/tenant-scope.ts';

/** Counts of the spans written by {@link SpanWriter}. */
export interface SpanWriteCounts {
  /** Spans inserted or changed. */
  stored: number;
  /** Spans already stored with the same content. */
  unchanged: number;
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
   * A tenant's first spans may be copied straight into `mrr_spans`. For a writer
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
 * A tenant's first spans (with the `direct` option) go with a binary `COPY` straight into
 * `mrr_spans`: on Postgres the database stores them while the file is still being read, parsing no
 * text; on PGlite a few megabytes at a time (see {@link copyClient}). Spans that might repeat an
 * identity already copied (a customer whose spans come back after another customer's) are held
 * back and upserted after the copy, so the last of a repeated identity wins as it does in an
 * upsert. Otherwise spans go with a binary `COPY` into a temporary staging table and
 * {@link SpanWriter.flush} upserts those that are new or changed in one statement.
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
  /** The tenant's attribute sets; loaded by the first span. */
  #sets: AttributeSets | undefined;
  readonly #client: CopyClient;
  readonly #uniqueIdentities: boolean;
  /** How spans are written; decided by the first span. */
  #mode: 'direct' | 'staged' | undefined;
  /** The tenant had no spans when this writer started. */
  #first = false;
  /** The staging copy in progress. */
  #staging: BinaryCopyWriter | undefined;
  #copying: Promise<void> | undefined;
  /** Staged rows so far (their `seq`). */
  #staged = 0;
  #stagingReady = false;
  /** Spans copied straight into `mrr_spans`. */
  #copied = 0;
  /** Spans held back during a direct copy (see the class comment), staged after it. */
  #deferred: MrrSpan[] = [];
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
    this.#client = copyClient(tx);
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
    const binary = this.#binary;
    if (binary) {
      if (this.#track(span)) {
        this.#deferred.push(span);
        return undefined;
      }
      this.#copied += 1;
      binary.beginRow(10);
      binary.bytes(this.#tenantBytes);
      writeSpanColumns(binary, span, sets.idOf(span.attributes));
      binary.bytes(this.#importBytes);
      return binary.endRow();
    }
    const staging = this.#staging;
    if (staging === undefined) return this.#open().then(() => this.add(span));
    this.#track(span);
    return this.#writeStaged(staging, span, sets);
  }

  /** A staging row: the span's order in the import, then its columns from customer to attributes. */
  #writeStaged(staging: BinaryCopyWriter, span: MrrSpan, sets: AttributeSets): Promise<void> | undefined {
    staging.beginRow(9);
    staging.int8(++this.#staged);
    writeSpanColumns(staging, span, sets.idOf(span.attributes));
    return staging.endRow();
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
    const client = this.#client;
    if (this.#copying) await this.#copying;
    const binary = this.#binary;
    if (binary) {
      this.#binary = undefined;
      await binary.end();
      await client.query('set local role nrr_app');
      await this.#sets?.store(this.tx, this.tenantId);
      this.counts.stored += this.#copied;
      if (!this.#uniqueIdentities) for (const customer of this.#seen) this.affectedCustomers.add(customer);
      else if (!this.#ascending) {
        const [row] = await client.query<{ customers: string }>(
          'select count(distinct customer_id) as customers from mrr_spans where tenant_id = $1',
          [this.tenantId],
        );
        this.#countedCustomers = Number(row?.customers ?? 0);
      }
      // Later spans (the events import) are upserted.
      this.#mode = 'staged';
      if (this.#deferred.length === 0) return;
      await this.#stage();
      const staging = await client.copy(STAGING_TARGET);
      const sets = this.#sets as AttributeSets;
      for (const span of this.#deferred) await this.#writeStaged(staging, span, sets);
      this.#deferred = [];
      await staging.end();
      await this.#upsertStaged();
      return;
    }
    const staging = this.#staging;
    if (!staging) return;
    this.#staging = undefined;
    await staging.end();
    await this.#upsertStaged();
  }

  /** Abandons a COPY in progress (the import failed; its transaction rolls back). */
  abort(reason: Error): void {
    this.#staging?.abort(reason);
    this.#staging = undefined;
    this.#binary?.abort(reason);
    this.#binary = undefined;
  }

  /** Opens the copy of the spans to come, deciding on the first one how they are written. */
  #open(): Promise<void> {
    const client = this.#client;
    this.#copying ??= (async () => {
      if (this.#mode === undefined) {
        this.#first = !(await tenantHasSpans(client, this.tenantId));
        this.#mode =
          this.#first && this.options.direct && (await mayCopyIntoSpans(client)) ? 'direct' : 'staged';
      }
      if (this.#mode === 'direct') {
        // COPY FROM is refused under row-level security: the copy runs as the session's own role
        // (the tables' owner; checked above), writing this tenant's id into every row itself.
        // Binary: Postgres parses no text (timestamps, decimals, escapes) for a tenant's first data.
        await client.query('set local role none');
        this.#binary = await client.copy(SPANS_TARGET);
      } else {
        await this.#stage();
        this.#staging = await client.copy(STAGING_TARGET);
      }
      this.#copying = undefined;
    })();
    return this.#copying;
  }

  /** Creates (once) and empties the staging tables. */
  async #stage(): Promise<void> {
    const client = this.#client;
    if (this.#stagingReady) return;
    // Room to sort the staged spans, and to hash the tenant's spans for the join that finds what
    // changed, in memory rather than on disk (this transaction only; hashing may take twice this).
    await client.query(`set local work_mem = '64MB'`);
    // Ids in the "C" collation, as in mrr_spans (migration 0005): joined with it by equality.
    await client.query(`create temporary table import_spans (seq bigint not null,
        customer_id text collate "C" not null, subscription_id text collate "C" not null,
        start_at timestamptz not null, end_at timestamptz, mrr numeric(20, 4) not null, currency text not null,
        canceled_at timestamptz, attributes_id integer not null) on commit drop`);
    this.#stagingReady = true;
  }

  /**
   * Upserts the staged spans in one statement (the last of spans sharing an identity wins) and
   * empties the staging table. After a direct copy, a staged span that meets a span this import
   * copied counts neither as stored again nor as unchanged: a span repeated in an import counts
   * once.
   */
  async #upsertStaged(): Promise<void> {
    const client = this.#client;
    await this.#sets?.store(this.tx, this.tenantId);
    // Identities known to be unique need no sort (1,000,000 staged rows would spill to disk).
    const staged = !this.#mayRepeat
      ? 'select * from import_spans'
      : `select distinct on (customer_id, subscription_id, start_at) * from import_spans
        order by customer_id, subscription_id, start_at, seq desc`;
    const insert = (
      from: string,
    ) => `insert into mrr_spans (tenant_id, customer_id, subscription_id, start_at,
          end_at, mrr, currency, canceled_at, attributes_id, import_id)
        select $1, customer_id, subscription_id, start_at, end_at, mrr, currency, canceled_at, attributes_id, $2
        from ${from}`;
    // A tenant's first spans (no direct copy) take a plain insert: nothing to compare with.
    const plain = this.#first && this.#copied === 0 && this.counts.stored === 0;
    if (plain) {
      const [row] = await client.query<{ written: string }>(
        `with staged as (${staged}), written as (${insert('staged')} returning 1) select count(*) as written from written`,
        [this.tenantId, this.importId],
      );
      this.counts.stored += Number(row?.written ?? 0);
      for (const customer of await stagedCustomers(client)) this.affectedCustomers.add(customer);
    } else {
      const rows = await client.query<{
        staged: string;
        inserted: string;
        written: string;
        customers: string[] | null;
      }>(
        `with staged as (${staged}),
          changed as (${CHANGED_SPANS}),
          written as (${insert('changed')} ${SPAN_UPSERT_TEXT} returning customer_id, (xmax = 0) as inserted)
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
    await client.query('truncate import_spans');
  }
}

/** The target of a direct write: every column of `mrr_spans`, the tenant's id first, the import's last. */
const SPANS_TARGET = `mrr_spans (tenant_id, customer_id, subscription_id, start_at, end_at, mrr, currency,
  canceled_at, attributes_id, import_id)`;

/** The target of the staging copy. */
const STAGING_TARGET = `import_spans (seq, customer_id, subscription_id, start_at, end_at, mrr, currency,
  canceled_at, attributes_id)`;

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

/**
 * The staged spans (`staged`) not already stored as they are: new identities and changed content.
 * One join with the tenant's spans (hashed, or probed by key for a few staged spans) rather than
 * an attempted insert per span, so an import that mostly repeats what is stored writes and locks
 * only what differs. Imports of a tenant are serialised by its row lock, so nothing changes the
 * tenant's spans between this join and the upsert that takes its result.
 */
const CHANGED_SPANS = `select s.* from staged s
  where not exists (select 1 from mrr_spans m
    where m.tenant_id = $1 and m.customer_id = s.customer_id and m.subscription_id = s.subscription_id
      and m.start_at = s.start_at
      and (m.end_at, m.mrr, m.currency, m.canceled_at, m.attributes_id)
        is not distinct from (s.end_at, s.mrr, s.currency, s.canceled_at, s.attributes_id))`;

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
async function stagedCustomers(client: CopyClient): Promise<string[]> {
  const rows = await client.query<{ customer_id: string }>('select distinct customer_id from import_spans');
  return rows.map((row) => row.customer_id);
}

/** Whether the tenant has any stored span (one index probe). */
async function tenantHasSpans(client: CopyClient, tenantId: string): Promise<boolean> {
  const rows = await client.query('select 1 from mrr_spans where tenant_id = $1 limit 1', [tenantId]);
  return rows.length > 0;
}

/**
 * Whether the session's own role may COPY into `mrr_spans`: Postgres refuses `COPY FROM` where
 * row-level security applies, so the role must bypass it (a superuser, a role with BYPASSRLS, or
 * the table's owner while security is not forced on it) and may insert.
 */
async function mayCopyIntoSpans(client: CopyClient): Promise<boolean> {
  const [row] = await client.query<{ allowed: boolean }>(
    `select has_table_privilege(session_user, c.oid, 'INSERT')
        and (r.rolsuper or r.rolbypassrls
          or (pg_has_role(session_user, c.relowner, 'USAGE') and not c.relforcerowsecurity)) as allowed
      from pg_class c join pg_roles r on r.rolname = session_user
      where c.oid = 'mrr_spans'::regclass`,
  );
  return row?.allowed === true;
}

/**
 * A span's columns from customer to attribute set, in the order both COPY statements list them
 * ({@link SPANS_TARGET} between the tenant and the import, {@link STAGING_TARGET} after `seq`).
 */
function writeSpanColumns(writer: BinaryCopyWriter, span: MrrSpan, attributesId: number): void {
  writer.text(span.customerId);
  writer.text(span.subscriptionId);
  writer.timestamp(span.start);
  if (span.end === null) writer.null();
  else writer.timestamp(span.end);
  writer.decimal4(span.mrr);
  writer.bytes(currencyBytes(span.currency));
  if (span.canceledAt === undefined) writer.null();
  else writer.timestamp(span.canceledAt);
  writer.int4(attributesId);
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
