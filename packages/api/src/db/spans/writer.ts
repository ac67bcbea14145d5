/**
 * Writes MRR spans of one tenant inside an import's transaction: upserts by identity (customer,
 * subscription, start), leaving spans whose content is unchanged alone so a repeated import stores
 * nothing. Spans are read back by `readTenantSpans` (`read.ts`).
 */
import type { MrrSpan } from '@nrr/core';
import type { BinaryCopyWriter } from '../binary-copy.ts';
import { textBytes } from '../binary-copy.ts';
import { type CopyClient, copyClient } from '../copy-client.ts';
import { arrayLiteral, type Tx } from '../tenant-scope.ts';
import { AttributeSets, attributeSetIds } from './attribute-sets.ts';
import {
  CHANGED_SPANS,
  FEW_SPANS_UPSERT,
  mayCopyIntoSpans,
  SPAN_UPSERT_TEXT,
  SPANS_TARGET,
  STAGING_TARGET,
  stagedCustomers,
  tenantHasSpans,
  writeSpanColumns,
} from './statements.ts';

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

/**
 * Spans a staged writer holds before it starts a COPY: up to this many per flush are written by
 * one multi-row statement instead ({@link FEW_SPANS_UPSERT}), sparing the staging table, the COPY
 * and their round trips (a webhook delivery changes a few spans; a file, thousands).
 */
export const FEW_SPANS = 500;

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
  /**
   * Spans held until the next flush while they are at most {@link FEW_SPANS}; `undefined` once
   * they went to a COPY (a direct writer never holds any), after which every span does.
   */
  #few: MrrSpan[] | undefined;
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
    this.#few = options.direct ? undefined : [];
  }

  /**
   * Queues a span, flushing a full batch. A span repeated within one import counts once (the last
   * wins). Returns a promise only when the caller must wait (a full buffer or batch): awaiting
   * every span would cost a turn of the event loop each.
   */
  add(span: MrrSpan): Promise<void> | undefined {
    const few = this.#few;
    if (few === undefined) return this.#addCopied(span);
    few.push(span);
    if (few.length <= FEW_SPANS) return undefined;
    // Too many for one statement: these and every later span go through the COPY.
    this.#few = undefined;
    return this.#addAllCopied(few);
  }

  async #addAllCopied(spans: readonly MrrSpan[]): Promise<void> {
    for (const span of spans) {
      const pending = this.#addCopied(span);
      if (pending) await pending;
    }
  }

  /** Queues a span for a COPY (see {@link SpanWriter.add}). */
  #addCopied(span: MrrSpan): Promise<void> | undefined {
    const sets = this.#sets;
    if (sets === undefined) {
      return AttributeSets.load(this.tx, this.tenantId).then((loaded) => {
        this.#sets = loaded;
        return this.#addCopied(span);
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
    if (staging === undefined) return this.#open().then(() => this.#addCopied(span));
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

  /**
   * The customers whose stored spans changed, or `'all'` when the tenant had no spans before this
   * writer (every stored customer is new; a direct copy counts them without naming them).
   */
  get changedCustomers(): ReadonlySet<string> | 'all' {
    return this.#first ? 'all' : this.affectedCustomers;
  }

  /** How many customers' stored spans changed. */
  get customersAffected(): number {
    return this.#countedCustomers + this.affectedCustomers.size;
  }

  /** Writes everything queued; only spans whose content differs from the stored one are written. */
  async flush(): Promise<void> {
    const few = this.#few;
    if (few !== undefined) {
      this.#few = [];
      if (few.length > 0) await this.#upsertFew(few);
      return;
    }
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

  /**
   * Upserts a few spans in one statement ({@link FEW_SPANS_UPSERT}: the last of spans sharing an
   * identity wins, only new or changed ones are written), their attribute sets found or stored
   * first. The first write of the writer also learns whether the tenant had spans before.
   */
  async #upsertFew(spans: readonly MrrSpan[]): Promise<void> {
    const setIds = await attributeSetIds(
      this.tx,
      this.tenantId,
      spans.map((span) => span.attributes),
    );
    const iso = (instant: number) => new Date(instant).toISOString();
    const [result] = await this.#client.query<{
      staged: string;
      written: string;
      customers: string[] | null;
      first: boolean;
    }>(FEW_SPANS_UPSERT, [
      this.tenantId,
      this.importId,
      arrayLiteral(spans.map((span) => span.customerId)),
      arrayLiteral(spans.map((span) => span.subscriptionId)),
      arrayLiteral(spans.map((span) => iso(span.start))),
      arrayLiteral(spans.map((span) => (span.end === null ? null : iso(span.end)))),
      arrayLiteral(spans.map((span) => String(span.mrr))),
      arrayLiteral(spans.map((span) => span.currency)),
      arrayLiteral(spans.map((span) => (span.canceledAt === undefined ? null : iso(span.canceledAt)))),
      arrayLiteral(setIds.map(String)),
    ]);
    if (this.#mode === undefined) {
      this.#first = result?.first === true;
      this.#mode = 'staged';
    }
    const written = Number(result?.written ?? 0);
    this.counts.stored += written;
    this.counts.unchanged += Number(result?.staged ?? 0) - written;
    for (const customer of result?.customers ?? []) this.affectedCustomers.add(customer);
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
