/**
 * Imports: all-or-nothing (one transaction), idempotent (by span identity and content hash),
 * recorded (who, when, format, rows read, spans stored, errors). Reading the file (its rules:
 * NUL, format sniffing, delimiters, row errors) and normalisation are @nrr/core's
 * (`spanBatchesOfFile`, `importEventsFile`); this module only stores what core parsed.
 */
import { randomBytes } from 'node:crypto';
import {
  type CsvDelimiter,
  type DecimalSeparator,
  eventPolicyOf,
  IMPORT_FORMATS,
  ImportError,
  type ImportFormat,
  type InvoiceLineMapping,
  importEventsFile,
  type LineChunks,
  type LineSource,
  MAX_REPORTED_ERRORS,
  type MrrSpan,
  type RowError,
  type SubscriptionPeriodMapping,
  spanBatchesOfFile,
} from '@nrr/core';
import { eq, sql } from 'drizzle-orm';
import { announceChange } from '../db/changes.ts';
import type { Db } from '../db/connect.ts';
import { recordDataChange } from '../db/data-changes.ts';
import { imports, tenants } from '../db/schema.ts';
import { SpanWriter, type SpanWriterOptions } from '../db/spans/writer.ts';
import { type Tx, withTenant } from '../db/tenant-scope.ts';
import { ApiError } from '../errors.ts';
import { ensureTenant, findTenant, storedDefinitions } from '../tenants.ts';
import { enqueueMovementChanges } from '../webhooks/outbox.ts';
import { EventLoopTurns } from './event-loop-turns.ts';
import { storeEvents } from './store-events.ts';
import { oneImportAtATime } from './tenant-queue.ts';

/** Input formats (core's). */
export type { ImportFormat };
export { IMPORT_FORMATS };

/** One import to run. */
export interface ImportRequest {
  readonly tenantId: string;
  readonly format: ImportFormat;
  /**
   * The file: text, or lines, or chunks of lines (`fileLineChunks`; a stream keeps memory flat for
   * periods, and chunks spare a turn of the event loop per line). Events are NDJSON, or, when
   * `source` is a string starting with `[` or `{`, one JSON document (a Stripe list).
   */
  readonly source: LineSource | LineChunks;
  /** The file's base name (the CLI records no directory), or `graphql` for the mutation. */
  readonly sourceName: string;
  /** `cli` (`CLI_ACTOR`; no OS user) or `key:<keyId>`. */
  readonly actor: string;
  /**
   * Column mapping: required for invoice lines (an {@link InvoiceLineMapping}); for periods, a
   * {@link SubscriptionPeriodMapping} of the file's own column names. Core builds both from
   * `column → field` pairs (`invoiceLineMapping`, `subscriptionPeriodMapping`).
   */
  readonly mapping?: InvoiceLineMapping | SubscriptionPeriodMapping;
  /** CSV delimiter; default sniffed from the header (comma, or `;` / tab in a header without commas). */
  readonly delimiter?: CsvDelimiter;
  /** How CSV amounts are written; default strict (`1234.50`). */
  readonly decimal?: DecimalSeparator;
  /** Currency of amounts that carry none, and a new tenant's reporting currency; default USD. */
  readonly currency?: string;
  /**
   * Create the tenant if it does not exist (the CLI does; the API never does). Default false. A
   * tenant created so is removed again when the import fails: a failed import leaves no empty
   * tenant behind (nor, with it, the record of the attempt).
   */
  readonly createTenant?: boolean;
}

/** What an import did. */
export interface ImportSummary {
  readonly importId: string;
  readonly tenantId: string;
  readonly status: 'SUCCEEDED' | 'FAILED';
  /** Records read after the header. */
  readonly rowsRead: number;
  /** Spans inserted or changed (or, for events, deleted as no longer implied); 0 when the import failed or repeated an earlier one. */
  readonly rowsStored: number;
  /** Spans already stored with the same content. */
  readonly rowsUnchanged: number;
  /** Customers whose stored spans changed. */
  readonly customersAffected: number;
  readonly errorCount: number;
  /** The first row errors, each naming its line, field, value and what was expected. */
  readonly errors: readonly RowError[];
  /** The tenant's data version after the import. */
  readonly dataVersion: number;
}

/** Thrown when the input had invalid rows: nothing was stored; the failure is recorded. */
export class ImportFailed extends ApiError {
  constructor(
    readonly summary: ImportSummary,
    message: string,
  ) {
    super('BAD_USER_INPUT', message, {
      importId: summary.importId,
      errorCount: summary.errorCount,
      rowErrors: summary.errors.map((error) => ({ ...error })),
    });
    this.name = 'ImportFailed';
  }
}

/**
 * Runs an import. Returns its summary when it succeeded; throws {@link ImportFailed} (a
 * `BAD_USER_INPUT` ApiError) naming the first bad row when any row was invalid, having stored
 * nothing and recorded the attempt.
 */
export async function runImport(db: Db, request: ImportRequest): Promise<ImportSummary> {
  if (request.format === 'invoice-lines' && !request.mapping) {
    throw new ApiError(
      'BAD_USER_INPUT',
      'invoice lines need a column mapping for customer, from, to and amount (e.g. --map name=customer)',
    );
  }
  const created = request.createTenant === true && (await findTenant(db, request.tenantId)) === undefined;
  if (request.createTenant) {
    await ensureTenant(db, {
      tenantId: request.tenantId,
      ...(request.currency ? { reportingCurrency: request.currency } : {}),
    });
    announceChange(db, { kind: 'tenant', tenantId: request.tenantId });
  }
  try {
    return await importInto(db, request);
  } catch (error) {
    if (created) await removeUnusedTenant(db, request.tenantId);
    throw error;
  }
}

/**
 * Deletes a tenant that this import created and that nothing has used since: no data version
 * bumped (no import stored anything), no API key, no rate. Its failed import's record goes with it.
 */
async function removeUnusedTenant(db: Db, tenantId: string): Promise<void> {
  await db.execute(sql`delete from tenants where tenant_id = ${tenantId} and data_version = 0
    and not exists (select 1 from api_keys where tenant_id = ${tenantId})
    and not exists (select 1 from fx_rates where tenant_id = ${tenantId})`);
  announceChange(db, { kind: 'tenant', tenantId });
}

async function importInto(db: Db, request: ImportRequest): Promise<ImportSummary> {
  const origin: ImportOrigin = {
    tenantId: request.tenantId,
    format: request.format,
    sourceName: request.sourceName,
    actor: request.actor,
  };
  if (request.format === 'events') {
    return inImportTransaction(db, origin, async ({ tx, tenant, writer, importId }) => {
      const result = await importEventsFile(request.source, {
        defaultCurrency: request.currency ?? tenant.reportingCurrency,
      });
      const policy = eventPolicyOf(storedDefinitions(request.tenantId, tenant.definitions));
      const counts = await storeEvents(tx, request.tenantId, importId, result.rows, writer, policy);
      return { rowsRead: result.rowsRead, removed: counts.spansRemoved };
    });
  }
  const format = request.format;
  return storeSpans(
    db,
    origin,
    (tenant, onRowsRead) => {
      const csv = {
        defaultCurrency: request.currency ?? tenant.reportingCurrency,
        ...(request.delimiter === undefined ? {} : { delimiter: request.delimiter }),
        ...(request.decimal === undefined ? {} : { decimal: request.decimal }),
      };
      return spanBatchesOfFile(
        request.source,
        format === 'invoice-lines'
          ? { format, mapping: request.mapping as InvoiceLineMapping, ...csv }
          : {
              format,
              ...(request.mapping === undefined
                ? {}
                : { mapping: request.mapping as SubscriptionPeriodMapping }),
              ...csv,
            },
        onRowsRead,
      );
    },
    // A periods file never repeats a span's identity: its importer rejects overlapping periods.
    { uniqueIdentities: request.format === 'periods' },
  );
}

/** Who stores what, for the import record. */
export interface ImportOrigin {
  readonly tenantId: string;
  /** `periods`, `invoice-lines`, `generated`, … */
  readonly format: string;
  readonly sourceName: string;
  readonly actor: string;
}

/**
 * The transaction every span import goes through: writes the spans `batches` yields (a tenant's
 * first spans straight into storage with COPY, on Postgres), bumps the data version if anything
 * changed and records the import. If `batches` throws core's `ImportError`, nothing is stored, the
 * failure is recorded and {@link ImportFailed} is thrown. `options.uniqueIdentities`: the spans
 * never repeat an identity (see {@link SpanWriterOptions}).
 */
export async function storeSpans(
  db: Db,
  origin: ImportOrigin,
  batches: (
    tenant: { reportingCurrency: string },
    onRowsRead: (count: number) => void,
  ) => AsyncIterable<readonly MrrSpan[]> | Iterable<readonly MrrSpan[]>,
  options: { readonly uniqueIdentities?: boolean } = {},
): Promise<ImportSummary> {
  return inImportTransaction(
    db,
    origin,
    async ({ tenant, writer }) => {
      let rowsRead = 0;
      const turns = new EventLoopTurns();
      try {
        for await (const batch of batches(tenant, (count) => {
          rowsRead = count;
        })) {
          for (const span of batch) {
            const pending = writer.add(span);
            if (pending) await pending;
          }
          await turns.take();
        }
      } catch (error) {
        // Invalid rows: end the COPY in progress, if any, so that the transaction can roll back.
        writer.abort(error instanceof Error ? error : new Error(String(error)));
        throw error;
      }
      await writer.flush();
      return { rowsRead, removed: 0 };
    },
    { direct: true, uniqueIdentities: options.uniqueIdentities ?? false },
  );
}

/** What an import's work gets inside its transaction. */
export interface ImportScope {
  readonly tx: Tx;
  readonly tenant: { reportingCurrency: string; definitions: unknown };
  readonly writer: SpanWriter;
  readonly importId: string;
}

/**
 * Runs `work` (which writes spans through the scope's writer and says how many rows it read and
 * how many stored spans it deleted) in one tenant transaction, then bumps the data version if
 * anything changed and records the import. If
 * `work` throws core's `ImportError`, nothing is stored, the failure is recorded and
 * {@link ImportFailed} is thrown. Either way the tenant's change is then announced on `db`.
 * Imports of one tenant through one `db` run one at a time, in call order.
 */
export async function inImportTransaction(
  db: Db,
  origin: ImportOrigin,
  work: (scope: ImportScope) => Promise<{ rowsRead: number; removed: number }>,
  options: SpanWriterOptions = {},
): Promise<ImportSummary> {
  try {
    // Wait for this process's earlier imports of the tenant without holding a connection; its row
    // lock then only ever waits for imports of other processes.
    return await oneImportAtATime(db, origin.tenantId, () => importTransaction(db, origin, work, options));
  } finally {
    // Every API over this `db` serves the tenant's new data version from its next request,
    // rather than within its cache TTL (other processes: within the TTL).
    announceChange(db, { kind: 'tenant', tenantId: origin.tenantId });
  }
}

async function importTransaction(
  db: Db,
  origin: ImportOrigin,
  work: (scope: ImportScope) => Promise<{ rowsRead: number; removed: number }>,
  options: SpanWriterOptions,
): Promise<ImportSummary> {
  const importId = `imp_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const startedAt = new Date();
  try {
    return await withTenant(db, origin.tenantId, async (tx) => {
      // Imports of one tenant run one at a time (the tenant row is locked until commit): whether
      // the tenant has spans yet (its first import copies straight into storage) must not change
      // under an import, attribute sets are numbered after the stored ones, and the tenant cannot
      // be deleted meanwhile (a trigger deletes its spans and sets with it: spans carry no foreign
      // key, whose per-row check cost as much as storing the span). Readers are not blocked.
      const [tenant] = await tx
        .select()
        .from(tenants)
        .where(eq(tenants.tenantId, origin.tenantId))
        .for('update');
      if (!tenant)
        throw new ApiError('NOT_FOUND', `tenant ${JSON.stringify(origin.tenantId)} does not exist`);
      const writer = new SpanWriter(tx, origin.tenantId, importId, options);
      const { rowsRead, removed } = await work({ tx, tenant, writer, importId });
      const stored = writer.counts.stored + removed;
      const dataVersion = await bumpVersion(tx, origin.tenantId, stored > 0);
      if (stored > 0) {
        // The change log: other instances patch just these customers (../db/data-changes.ts).
        await recordDataChange(tx, origin.tenantId, dataVersion, { customers: writer.changedCustomers });
        // The transactional outbox: movement messages commit (or roll back) with the spans.
        await enqueueMovementChanges(
          tx,
          origin.tenantId,
          writer.changedCustomers,
          dataVersion,
          storedDefinitions(origin.tenantId, tenant.definitions),
        );
      }
      const summary: ImportSummary = {
        importId,
        tenantId: origin.tenantId,
        status: 'SUCCEEDED',
        rowsRead,
        rowsStored: stored,
        rowsUnchanged: writer.counts.unchanged,
        customersAffected: writer.customersAffected,
        errorCount: 0,
        errors: [],
        dataVersion,
      };
      await record(tx, origin, summary, startedAt);
      return summary;
    });
  } catch (error) {
    if (!(error instanceof ImportError)) throw error;
    const summary: ImportSummary = {
      importId,
      tenantId: origin.tenantId,
      status: 'FAILED',
      rowsRead: error.rowsRead,
      rowsStored: 0,
      rowsUnchanged: 0,
      customersAffected: 0,
      errorCount: error.errorCount,
      errors: error.errors.slice(0, MAX_REPORTED_ERRORS),
      dataVersion: 0,
    };
    let failed: ImportSummary;
    try {
      failed = await recordFailure(db, origin, summary, startedAt);
    } catch {
      // The errors themselves could not be stored (jsonb refuses text that the row errors' own
      // checks missed): record the failure and its count without them, rather than answer
      // INTERNAL for a bad file and leave no trace. The caller still gets every error.
      failed = {
        ...(await recordFailure(db, origin, { ...summary, errors: [] }, startedAt)),
        errors: summary.errors,
      };
    }
    throw new ImportFailed(failed, error.message);
  }
}

/** Records a failed import in a transaction of its own (the import's was rolled back), with the tenant's data version. */
async function recordFailure(
  db: Db,
  origin: ImportOrigin,
  summary: ImportSummary,
  startedAt: Date,
): Promise<ImportSummary> {
  return withTenant(db, origin.tenantId, async (tx) => {
    const [tenant] = await tx
      .select({ dataVersion: tenants.dataVersion })
      .from(tenants)
      .where(eq(tenants.tenantId, origin.tenantId));
    const recorded = { ...summary, dataVersion: tenant?.dataVersion ?? 0 };
    await record(tx, origin, recorded, startedAt);
    return recorded;
  });
}

async function bumpVersion(tx: Tx, tenantId: string, changed: boolean): Promise<number> {
  if (!changed) {
    const [row] = await tx
      .select({ dataVersion: tenants.dataVersion })
      .from(tenants)
      .where(eq(tenants.tenantId, tenantId));
    return row?.dataVersion ?? 0;
  }
  const [row] = await tx
    .update(tenants)
    .set({ dataVersion: sql`${tenants.dataVersion} + 1` })
    .where(eq(tenants.tenantId, tenantId))
    .returning({ dataVersion: tenants.dataVersion });
  return row?.dataVersion ?? 0;
}

async function record(tx: Tx, origin: ImportOrigin, summary: ImportSummary, startedAt: Date): Promise<void> {
  await tx.insert(imports).values({
    tenantId: origin.tenantId,
    importId: summary.importId,
    format: origin.format,
    source: origin.sourceName,
    actor: origin.actor,
    status: summary.status,
    startedAt,
    finishedAt: new Date(),
    rowsRead: summary.rowsRead,
    rowsStored: summary.rowsStored,
    rowsUnchanged: summary.rowsUnchanged,
    customersAffected: summary.customersAffected,
    errorCount: summary.errorCount,
    errors: summary.errors,
  });
}
