/**
 * Column mappings as users write them: `column → field` pairs (`nrr import --map name=customer`,
 * or the `importData` mutation's `{ column, field }` list) checked and turned into the typed
 * mapping of an importer: {@link InvoiceLineMapping} or {@link SubscriptionPeriodMapping}.
 */
import type { InvoiceLineMapping } from './invoice-lines.ts';
import {
  SUBSCRIPTION_PERIOD_FIELDS,
  type SubscriptionPeriodField,
  type SubscriptionPeriodMapping,
} from './period-row.ts';

/** One pair of a mapping: the file's column (as in its header) and the field it holds. */
export interface ColumnPair {
  readonly column: string;
  /** An importer's field (`customer`, `start_date`, …), or `attribute:<name>` for invoice lines. */
  readonly field: string;
}

/** A mapping that cannot be used; its message names the pair at fault (`--map COLUMN=FIELD: …`). */
export class ColumnMappingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ColumnMappingError';
  }
}

/** Fields an invoice-lines column can be mapped to; `attribute:<name>` keeps a column as a customer attribute. */
export const INVOICE_LINE_FIELDS = [
  'customer',
  'from',
  'to',
  'amount',
  'currency',
  'tax',
  'kind',
  'subscription',
  'id',
] as const;

type InvoiceLineField = (typeof INVOICE_LINE_FIELDS)[number];

const REQUIRED_INVOICE_LINE_FIELDS = ['customer', 'from', 'to', 'amount'] as const;

/** A pair as the command line writes it, for messages. */
function shown(pair: ColumnPair): string {
  return `--map ${pair.column}=${pair.field}`;
}

/**
 * The field of each pair (trimmed), checked against `fields`; throws {@link ColumnMappingError}
 * for an empty column or field, an unknown field, or a field mapped twice. Pairs whose field is
 * `attribute:<name>` go to `onAttribute` when given (else they are unknown fields).
 */
function mappedFields<F extends string>(
  pairs: readonly ColumnPair[],
  fields: readonly F[],
  onAttribute?: (column: string, name: string, pair: ColumnPair) => void,
): Partial<Record<F, string>> {
  const mapped: Partial<Record<F, string>> = {};
  for (const pair of pairs) {
    const column = pair.column.trim();
    const field = pair.field.trim();
    if (column === '' || field === '') {
      throw new ColumnMappingError(`${shown(pair)}: expected COLUMN=FIELD, e.g. --map name=customer`);
    }
    if (onAttribute && field.startsWith('attribute:')) {
      onAttribute(column, field.slice('attribute:'.length).trim(), pair);
      continue;
    }
    if (!(fields as readonly string[]).includes(field)) {
      throw new ColumnMappingError(
        `${shown(pair)}: unknown field "${field}", expected one of ${fields.join(', ')}${onAttribute ? ' or attribute:<name>' : ''}`,
      );
    }
    if (mapped[field as F] !== undefined) {
      throw new ColumnMappingError(
        `${shown(pair)}: field "${field}" is already mapped to "${mapped[field as F]}"`,
      );
    }
    mapped[field as F] = column;
  }
  return mapped;
}

/**
 * The invoice-lines mapping of the pairs (e.g. `name → customer`, `ValidFrom → from`,
 * `Plan → attribute:plan`). `customer`, `from`, `to` and `amount` are required. Throws
 * {@link ColumnMappingError} naming the pair at fault, or the required fields left unmapped.
 */
export function invoiceLineMapping(pairs: readonly ColumnPair[]): InvoiceLineMapping {
  const attributes: Record<string, string> = {};
  const fields = mappedFields(pairs, INVOICE_LINE_FIELDS, (column, name, pair) => {
    if (name === '') throw new ColumnMappingError(`${shown(pair)}: expected attribute:<name>`);
    // Defined, not assigned: a column named `__proto__` is an ordinary key too.
    Object.defineProperty(attributes, column, {
      value: name,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  });
  const missing = REQUIRED_INVOICE_LINE_FIELDS.filter((field) => fields[field] === undefined);
  if (missing.length > 0) {
    throw new ColumnMappingError(
      `invoice lines need --map for ${missing.join(', ')} (e.g. --map name=customer --map ValidFrom=from --map ValidTo=to --map AUD=amount)`,
    );
  }
  const { customer, from, to, amount, ...optional } = fields as Record<InvoiceLineField, string | undefined>;
  return {
    customer: customer as string,
    from: from as string,
    to: to as string,
    amount: amount as string,
    ...Object.fromEntries(Object.entries(optional).filter(([, column]) => column !== undefined)),
    ...(Object.keys(attributes).length > 0 ? { attributes } : {}),
  };
}

/**
 * The subscription-periods mapping of the pairs (e.g. `Customer → customer_id`,
 * `MRR → monthly_amount`): fields are the seed's column names, each optional (an unmapped one is
 * found under its own name). Throws {@link ColumnMappingError} naming the pair at fault.
 */
export function subscriptionPeriodMapping(pairs: readonly ColumnPair[]): SubscriptionPeriodMapping {
  return mappedFields<SubscriptionPeriodField>(pairs, SUBSCRIPTION_PERIOD_FIELDS);
}
