/** The `importData` mutation (small batches; use `nrr import` for files) and the `imports` history. */
import { eq } from 'drizzle-orm';
import { requireSecretKey } from '../auth/principal.ts';
import { imports } from '../db/schema.ts';
import { withTenant } from '../db/tenant-scope.ts';
import { ApiError } from '../errors.ts';
import { columnMappingFor } from '../imports/column-mapping.ts';
import { listImportRecords, publicImportActor, publicImportSource } from '../imports/import-records.ts';
import type { ImportFormat } from '../imports/run-import.ts';
import { runImport } from '../imports/run-import.ts';
import { assertCurrency } from '../tenants.ts';
import { builder } from './builder.ts';

/** Largest text the mutation accepts, in characters; larger files go through `nrr import`. */
export const MAX_IMPORT_TEXT = 5_000_000;

const ImportFormatEnum = builder.enumType('ImportFormat', {
  description: 'Shape of the imported data.',
  values: {
    PERIODS: {
      value: 'periods',
      description:
        'Subscription periods CSV: subscription_id, customer_id, start_date, end_date, monthly_amount [, currency, attribute columns…].',
    },
    INVOICE_LINES: {
      value: 'invoice-lines',
      description: 'Invoice lines CSV read through a column mapping (customer, from, to, amount required).',
    },
    EVENTS: {
      value: 'events',
      description: 'Subscription events: NDJSON, or one JSON array (or a Stripe list with "data").',
    },
  } as const,
});

const CsvDelimiterEnum = builder.enumType('CsvDelimiter', {
  description: 'What separates the fields of a CSV file.',
  values: {
    COMMA: { value: ',', description: 'A comma.' },
    SEMICOLON: { value: ';', description: 'A semicolon.' },
    TAB: { value: '\t', description: 'A tab.' },
  } as const,
});

const DecimalSeparatorEnum = builder.enumType('DecimalSeparator', {
  description: 'How CSV amounts are written.',
  values: {
    POINT: { value: '.', description: 'A decimal point; commas may group thousands: 1,234.50.' },
    COMMA: {
      value: ',',
      description: 'A decimal comma; points or spaces may group thousands: 1.234,50.',
    },
  } as const,
});

const ColumnMappingInput = builder.inputType('ColumnMappingInput', {
  description: 'Which source column holds a field: e.g. { column: "name", field: "customer" }.',
  fields: (t) => ({
    column: t.string({ description: 'Column name as in the header (case-insensitive).' }),
    field: t.string({
      description:
        'INVOICE_LINES: customer, from, to, amount, currency, tax, kind, subscription, id, or attribute:<name>. PERIODS: subscription_id, customer_id, start_date, end_date, monthly_amount or currency (a field left unmapped is found under its own name).',
    }),
  }),
});

const ImportDataInput = builder.inputType('ImportDataInput', {
  description: 'A small batch of billing data (up to 5,000,000 characters).',
  fields: (t) => ({
    format: t.field({ type: ImportFormatEnum, description: 'Shape of `text`.' }),
    text: t.string({
      description: 'The data: CSV with its header for PERIODS and INVOICE_LINES; NDJSON or JSON for EVENTS.',
    }),
    mapping: t.field({
      type: [ColumnMappingInput],
      required: false,
      description: "Required for INVOICE_LINES; for PERIODS, the file's own column names. Not for EVENTS.",
    }),
    delimiter: t.field({
      type: CsvDelimiterEnum,
      required: false,
      description:
        'CSV delimiter; default sniffed from the header: a comma, or a header without commas read with its semicolons or tabs.',
    }),
    decimal: t.field({
      type: DecimalSeparatorEnum,
      required: false,
      description: 'How CSV amounts are written; default strict: 1234.50, no thousands separators.',
    }),
    currency: t.string({
      required: false,
      description: 'Currency of amounts that carry none; default the reporting currency.',
    }),
  }),
});

interface ImportRecordValue {
  readonly importId: string;
  readonly format: string;
  readonly source: string;
  readonly actor: string;
  readonly status: string;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly rowsRead: number;
  readonly rowsStored: number;
  readonly rowsUnchanged: number;
  readonly customersAffected: number;
  readonly errorCount: number;
  readonly errors: unknown;
}

const RowErrorRef = builder
  .objectRef<{ code: string; line: number; field: string; value: string; expected: string; message: string }>(
    'RowError',
  )
  .implement({
    description: 'Why a row was rejected: where, what was found, and what was expected.',
    fields: (t) => ({
      code: t.exposeString('code', { description: 'e.g. INVALID_DATE, INVALID_AMOUNT, MISSING_COLUMN.' }),
      line: t.exposeInt('line', { description: '1-based line of the file (the header is line 1).' }),
      field: t.exposeString('field', { description: 'Column as written in the file.' }),
      value: t.exposeString('value', { description: 'The offending value (at most 200 characters).' }),
      expected: t.exposeString('expected', { description: 'What would have been accepted.' }),
      message: t.exposeString('message', { description: 'All of the above in one sentence.' }),
    }),
  });

const ImportRecordRef = builder.objectRef<ImportRecordValue>('ImportRecord').implement({
  description: 'One import attempt, successful or not.',
  fields: (t) => ({
    id: t.exposeID('importId', { description: 'Import id.' }),
    format: t.exposeString('format', {
      description:
        'periods, invoice-lines, events, generated, or stripe (a Stripe webhook delivery or `nrr stripe backfill`).',
    }),
    source: t.string({
      description:
        'Base name of the imported file (never its directory), "graphql" for `importData`, "webhook:<event id>" for a Stripe delivery, or the generator of demo data.',
      resolve: (r) => publicImportSource(r.source),
    }),
    actor: t.string({
      description:
        '"key:<keyId>" for `importData`, "cli" for the command line (no OS user is recorded), "stripe" for a Stripe webhook delivery.',
      resolve: (r) => publicImportActor(r.actor),
    }),
    status: t.exposeString('status', { description: 'SUCCEEDED or FAILED.' }),
    startedAt: t.field({ type: 'DateTime', description: 'Start.', resolve: (r) => r.startedAt.getTime() }),
    finishedAt: t.field({ type: 'DateTime', description: 'End.', resolve: (r) => r.finishedAt.getTime() }),
    rowsRead: t.exposeInt('rowsRead', { description: 'Records read after the header.' }),
    rowsStored: t.exposeInt('rowsStored', {
      description:
        'MRR spans inserted or changed, or (for events) deleted because the events no longer imply them; 0 for a repeat.',
    }),
    rowsUnchanged: t.exposeInt('rowsUnchanged', {
      description: 'Spans already stored with the same content.',
    }),
    customersAffected: t.exposeInt('customersAffected', {
      description: 'Customers whose timelines were rebuilt.',
    }),
    errorCount: t.exposeInt('errorCount', { description: 'Invalid rows found.' }),
    errors: t.field({
      type: [RowErrorRef],
      description: 'The first invalid rows (at most 100).',
      resolve: (r) => (Array.isArray(r.errors) ? r.errors : []),
    }),
  }),
});

builder.mutationField('importData', (t) =>
  t.field({
    type: ImportRecordRef,
    description:
      'Import a small batch, all or nothing. Importing the same rows again changes nothing. A batch with an invalid row stores nothing and fails with BAD_USER_INPUT whose extensions.rowErrors name the rows. Needs a read_write secret key.',
    args: { input: t.arg({ type: ImportDataInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      requireSecretKey(context.principal, 'importData', true);
      if (input.text.length > MAX_IMPORT_TEXT) {
        throw new ApiError(
          'BAD_USER_INPUT',
          `text: ${input.text.length} characters is over the ${MAX_IMPORT_TEXT} limit; use \`nrr import\` for files`,
        );
      }
      if (input.currency) assertCurrency(input.currency);
      const format = input.format as ImportFormat;
      // Core checks the pairs as they are: nothing is written out for the command line's parser.
      const mapping = input.mapping ? columnMappingFor(format, input.mapping) : undefined;
      const keyId = context.principal.kind === 'SECRET_KEY' ? context.principal.keyId : 'unknown';
      const summary = await runImport(context.db, {
        tenantId: context.tenant.tenantId,
        format,
        source: input.text,
        sourceName: 'graphql',
        actor: `key:${keyId}`,
        ...(mapping ? { mapping } : {}),
        ...(input.currency ? { currency: input.currency } : {}),
        ...(input.delimiter ? { delimiter: input.delimiter } : {}),
        ...(input.decimal ? { decimal: input.decimal } : {}),
      });
      const [row] = await withTenant(context.db, context.tenant.tenantId, (tx) =>
        tx.select().from(imports).where(eq(imports.importId, summary.importId)),
      );
      if (!row) throw new Error(`import ${summary.importId} was not recorded`);
      return row;
    },
  }),
);

builder.queryField('imports', (t) =>
  t.field({
    type: [ImportRecordRef],
    description: 'Recent imports of the tenant, newest first. Needs a secret key.',
    args: { first: t.arg.int({ required: false, description: 'How many, 1–100; default 20.' }) },
    resolve: async (_root, { first }, context) => {
      requireSecretKey(context.principal, 'imports');
      const limit = first ?? 20;
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
        throw new ApiError('BAD_USER_INPUT', `first: got ${limit}, expected 1 to 100`, { field: 'first' });
      }
      return listImportRecords(context.db, context.tenant.tenantId, limit);
    },
  }),
);
