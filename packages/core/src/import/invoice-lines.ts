/**
 * Invoice-lines CSV with a column mapping: any billing system's export of invoice lines, each with
 * a customer, a service period and an amount. Parsing only; {@link invoiceLinesToSpans} in
 * `normalize/invoice-lines.ts` turns the rows into MRR.
 */
import { formatInstant, type Instant } from '../dates.ts';
import type { MoneyUnits } from '../money.ts';
import { type CsvOptions, CsvParser, type LineSource, MAX_CSV_FIELD_LENGTH, readRecords } from './csv.ts';
import type { DecimalSeparator } from './csv-values.ts';
import {
  type Column,
  checkedCurrency,
  columnKey,
  emptyFileError,
  type HeaderColumns,
  missingColumnsError,
  Rejection,
  RowReader,
  readHeader,
} from './fields.ts';
import { collectRows, type ImportOptions, type ImportResult, type ParsedRow } from './result.ts';

/** What an invoice line bills for. Only `RECURRING` lines (and credits on their periods) are MRR. */
export type InvoiceLineKind = 'RECURRING' | 'ONE_TIME' | 'SETUP' | 'USAGE' | 'TAX' | 'REFUND' | 'CREDIT';

/** Every {@link InvoiceLineKind}, in a stable order. */
export const INVOICE_LINE_KINDS: readonly InvoiceLineKind[] = [
  'RECURRING',
  'ONE_TIME',
  'SETUP',
  'USAGE',
  'TAX',
  'REFUND',
  'CREDIT',
];

const KIND_ALIASES: Readonly<Record<string, InvoiceLineKind>> = {
  recurring: 'RECURRING',
  subscription: 'RECURRING',
  license: 'RECURRING',
  licence: 'RECURRING',
  plan: 'RECURRING',
  renewal: 'RECURRING',
  membership: 'RECURRING',
  one_time: 'ONE_TIME',
  onetime: 'ONE_TIME',
  one_off: 'ONE_TIME',
  oneoff: 'ONE_TIME',
  once: 'ONE_TIME',
  non_recurring: 'ONE_TIME',
  nonrecurring: 'ONE_TIME',
  setup: 'SETUP',
  set_up: 'SETUP',
  setup_fee: 'SETUP',
  onboarding: 'SETUP',
  implementation: 'SETUP',
  activation: 'SETUP',
  usage: 'USAGE',
  metered: 'USAGE',
  usage_based: 'USAGE',
  overage: 'USAGE',
  consumption: 'USAGE',
  tax: 'TAX',
  vat: 'TAX',
  gst: 'TAX',
  sales_tax: 'TAX',
  refund: 'REFUND',
  refunded: 'REFUND',
  credit: 'CREDIT',
  credit_note: 'CREDIT',
  creditnote: 'CREDIT',
  credit_memo: 'CREDIT',
  discount: 'CREDIT',
  coupon: 'CREDIT',
};

/**
 * Reads a line kind in its common spellings, case-insensitive, spaces and hyphens as `_`:
 * `recurring`/`subscription`/`license`/`plan`/`renewal`; `one-time`/`one-off`/`non-recurring`;
 * `setup`/`setup fee`/`onboarding`/`implementation`; `usage`/`metered`/`overage`;
 * `tax`/`VAT`/`GST`/`sales tax`; `refund`; `credit`/`credit note`/`credit memo`/`discount`/`coupon`.
 * Plurals are accepted. Returns `undefined` for anything else.
 */
export function parseInvoiceLineKind(text: string): InvoiceLineKind | undefined {
  const key = text
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  if (Object.hasOwn(KIND_ALIASES, key)) return KIND_ALIASES[key];
  if (key.endsWith('s') && Object.hasOwn(KIND_ALIASES, key.slice(0, -1)))
    return KIND_ALIASES[key.slice(0, -1)];
  return undefined;
}

/**
 * Which source column holds each value of an invoice line. Column names are matched
 * case-insensitively and trimmed; every mapped column must exist in the header.
 */
export interface InvoiceLineMapping {
  /** Customer id or name (required, non-empty). */
  readonly customer: string;
  /** First day of the service period (inclusive): an ISO date or date-time. */
  readonly from: string;
  /** End of the service period (exclusive): must be after `from`. */
  readonly to: string;
  /** Amount billed for the service period: a decimal, may be zero or negative (credits). */
  readonly amount: string;
  /** ISO 4217 code; when unmapped or empty, `options.defaultCurrency`. */
  readonly currency?: string;
  /** Tax on the line: a decimal, empty means 0. Subtracted from the amount with `amountIncludesTax`. */
  readonly tax?: string;
  /** Line kind (see {@link parseInvoiceLineKind}); when unmapped or empty, `RECURRING`. */
  readonly kind?: string;
  /** Subscription id; lines with one are grouped per subscription. Empty values are allowed. */
  readonly subscription?: string;
  /** Line id: must be non-empty and unique when mapped. */
  readonly id?: string;
  /** Further columns to keep as customer attributes: source column → attribute name. */
  readonly attributes?: Readonly<Record<string, string>>;
}

/** One valid invoice line. */
export interface InvoiceLineRow {
  /** 1-based line of the file where the row starts (the header is line 1). */
  readonly line: number;
  /** The line's id, when mapped. */
  readonly id?: string;
  readonly customerId: string;
  /** The subscription, when mapped and non-empty. */
  readonly subscriptionId?: string;
  /** Start of the service period (inclusive). */
  readonly from: Instant;
  /** End of the service period (exclusive), after `from`. */
  readonly to: Instant;
  /** Amount excluding tax, in units (1/10,000 of the currency); may be zero or negative. */
  readonly amount: MoneyUnits;
  /** Tax in units; 0 when the tax column is unmapped or empty. */
  readonly tax: MoneyUnits;
  /** ISO 4217 code, upper case. */
  readonly currency: string;
  readonly kind: InvoiceLineKind;
  /** Mapped attribute values by attribute name, trimmed; empty values left out. */
  readonly attributes: Readonly<Record<string, string>>;
}

/** Options of the invoice-lines importer. */
export interface InvoiceLineOptions extends ImportOptions, CsvOptions {
  /** Currency when the currency column is unmapped or empty; default `'USD'`. */
  readonly defaultCurrency?: string;
  /** Default `false`. `true`: the amount column includes tax, and the tax column is subtracted from it. */
  readonly amountIncludesTax?: boolean;
  /** How amounts and tax are written; default strict (`1234.50`; see {@link DecimalSeparator}). */
  readonly decimal?: DecimalSeparator;
}

interface MappedColumns {
  readonly customer: Column;
  readonly from: Column;
  readonly to: Column;
  readonly amount: Column;
  readonly currency: Column | undefined;
  readonly tax: Column | undefined;
  readonly kind: Column | undefined;
  readonly subscription: Column | undefined;
  readonly id: Column | undefined;
  readonly attributes: readonly (readonly [attribute: string, column: Column])[];
}

const KIND_EXPECTED =
  'a line kind: recurring, one-time, setup, usage, tax, refund or credit (or a common synonym such as subscription, credit note, VAT)';

/**
 * Streams the rows of an invoice-lines CSV read through a column mapping. Yields one result per
 * record after the header, each the row or its first error. A header lacking a mapped column
 * yields one `MISSING_COLUMN` error at line 1 and nothing else; so does an empty input. Line ids,
 * when mapped, are remembered to reject duplicates (`DUPLICATE_ID`).
 *
 * Checks: non-empty customer; `from` and `to` real dates with `to` after `from`
 * (`END_BEFORE_START`); decimal amount and tax (`INVALID_AMOUNT`); ISO currency; known kind
 * (`INVALID_KIND`).
 */
export async function* streamInvoiceLines(
  source: LineSource,
  mapping: InvoiceLineMapping,
  options: InvoiceLineOptions = {},
): AsyncGenerator<ParsedRow<InvoiceLineRow>, void, undefined> {
  const defaultCurrency = checkedCurrency(options.defaultCurrency);
  const required = mappedColumnNames(mapping);
  const seenIds = new Map<string, number>();
  let columns: MappedColumns | undefined;
  let recordsRead = 0;
  const reader = new RowReader(options.decimal);
  const parser = new CsvParser(options.maxFieldLength ?? MAX_CSV_FIELD_LENGTH, options.delimiter);
  for await (const record of readRecords(parser, source)) {
    recordsRead += 1;
    if (!record.ok) {
      yield record;
      continue;
    }
    if (columns === undefined) {
      const header = readHeader(record.row);
      const missing =
        'code' in header ? header : missingColumnsError(record.row, header, required, parser.delimiterHint());
      if (missing || 'code' in header) {
        if (missing) yield { ok: false, error: missing };
        return;
      }
      columns = mapColumns(header, mapping);
      continue;
    }
    reader.load(record.row.line, record.row.fields);
    try {
      const row = readInvoiceLine(reader, columns, defaultCurrency, options.amountIncludesTax ?? false);
      if (row.id !== undefined && columns.id !== undefined) {
        const earlier = seenIds.get(row.id);
        if (earlier !== undefined) {
          reader.reject(
            'DUPLICATE_ID',
            columns.id,
            row.id,
            `a line id not used before (line ${earlier} has it)`,
          );
        }
        seenIds.set(row.id, row.line);
      }
      yield { ok: true, row };
    } catch (error) {
      if (!(error instanceof Rejection)) throw error;
      yield { ok: false, error: error.error };
    }
  }
  if (recordsRead === 0) yield { ok: false, error: emptyFileError(required) };
}

/**
 * Reads a whole invoice-lines CSV (see {@link streamInvoiceLines}). Any invalid row makes it throw
 * `ImportError` with nothing imported, unless `options.skipInvalidRows` is set.
 */
export function importInvoiceLines(
  source: LineSource,
  mapping: InvoiceLineMapping,
  options: InvoiceLineOptions = {},
): Promise<ImportResult<InvoiceLineRow>> {
  return collectRows(streamInvoiceLines(source, mapping, options), options);
}

function mappedColumnNames(mapping: InvoiceLineMapping): string[] {
  const names = [
    mapping.customer,
    mapping.from,
    mapping.to,
    mapping.amount,
    mapping.currency,
    mapping.tax,
    mapping.kind,
    mapping.subscription,
    mapping.id,
    ...Object.keys(mapping.attributes ?? {}),
  ].filter((name): name is string => name !== undefined);
  for (const name of names) {
    if (!name.trim()) throw new RangeError('invoice line mapping has an empty column name');
  }
  for (const attribute of Object.values(mapping.attributes ?? {})) {
    if (!attribute.trim()) throw new RangeError('invoice line mapping has an empty attribute name');
  }
  return [...new Set(names.map((name) => name.trim()))];
}

function mapColumns(header: HeaderColumns, mapping: InvoiceLineMapping): MappedColumns {
  const column = (name: string) => header.get(columnKey(name)) as Column;
  const optional = (name: string | undefined) => (name === undefined ? undefined : column(name));
  return {
    customer: column(mapping.customer),
    from: column(mapping.from),
    to: column(mapping.to),
    amount: column(mapping.amount),
    currency: optional(mapping.currency),
    tax: optional(mapping.tax),
    kind: optional(mapping.kind),
    subscription: optional(mapping.subscription),
    id: optional(mapping.id),
    attributes: Object.entries(mapping.attributes ?? {}).map(
      ([source, attribute]) => [attribute.trim(), column(source)] as const,
    ),
  };
}

function readInvoiceLine(
  reader: RowReader,
  columns: MappedColumns,
  defaultCurrency: string,
  amountIncludesTax: boolean,
): InvoiceLineRow {
  const id = columns.id === undefined ? undefined : reader.required(columns.id);
  const customerId = reader.required(columns.customer);
  const subscriptionId = reader.text(columns.subscription);
  const from = reader.instant(columns.from);
  const to = reader.instant(columns.to);
  if (to <= from) {
    reader.reject(
      'END_BEFORE_START',
      columns.to,
      reader.text(columns.to),
      `an end of the service period after ${columns.from.label} (${formatInstant(from)}); the end is exclusive`,
    );
  }
  const gross = reader.amount(columns.amount, { nonNegative: false });
  const tax = reader.amount(columns.tax, { nonNegative: false, fallback: 0 });
  const currency = reader.currency(columns.currency, defaultCurrency);
  const kindText = reader.text(columns.kind);
  const kind = kindText ? parseInvoiceLineKind(kindText) : 'RECURRING';
  if (kind === undefined) reader.reject('INVALID_KIND', columns.kind as Column, kindText, KIND_EXPECTED);
  return {
    line: reader.line,
    ...(id === undefined ? {} : { id }),
    customerId,
    ...(subscriptionId ? { subscriptionId } : {}),
    from,
    to,
    amount: amountIncludesTax ? gross - tax : gross,
    tax,
    currency,
    kind: kind as InvoiceLineKind,
    attributes: reader.attributes(
      columns.attributes,
      ([, column]) => column,
      ([attribute]) => attribute,
    ),
  };
}
