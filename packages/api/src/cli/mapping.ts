/** `--map COLUMN=FIELD` options → an invoice-line column mapping. */
import type { InvoiceLineMapping } from '@nrr/core';
import { ApiError } from '../errors.ts';

/** Fields a column can be mapped to; `attribute:<name>` keeps a column as a customer attribute. */
export const MAPPABLE_FIELDS = [
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

type MappableField = (typeof MAPPABLE_FIELDS)[number];

/**
 * Parses `COLUMN=FIELD` pairs (e.g. `name=customer`, `ValidFrom=from`, `Plan=attribute:plan`).
 * Throws `BAD_USER_INPUT` naming the pair at fault, or the required fields left unmapped.
 */
export function parseColumnMapping(pairs: readonly string[]): InvoiceLineMapping {
  const fields: Partial<Record<MappableField, string>> = {};
  const attributes: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.lastIndexOf('=');
    const column = pair.slice(0, at).trim();
    const field = pair.slice(at + 1).trim();
    if (at <= 0 || column === '' || field === '') {
      throw new ApiError('BAD_USER_INPUT', `--map ${pair}: expected COLUMN=FIELD, e.g. --map name=customer`);
    }
    if (field.startsWith('attribute:')) {
      const name = field.slice('attribute:'.length).trim();
      if (name === '') throw new ApiError('BAD_USER_INPUT', `--map ${pair}: expected attribute:<name>`);
      // Defined, not assigned: a column named `__proto__` is an ordinary key too.
      Object.defineProperty(attributes, column, {
        value: name,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      continue;
    }
    if (!(MAPPABLE_FIELDS as readonly string[]).includes(field)) {
      throw new ApiError(
        'BAD_USER_INPUT',
        `--map ${pair}: unknown field "${field}", expected one of ${MAPPABLE_FIELDS.join(', ')} or attribute:<name>`,
      );
    }
    if (fields[field as MappableField] !== undefined) {
      throw new ApiError(
        'BAD_USER_INPUT',
        `--map ${pair}: field "${field}" is already mapped to "${fields[field as MappableField]}"`,
      );
    }
    fields[field as MappableField] = column;
  }
  const missing = (['customer', 'from', 'to', 'amount'] as const).filter(
    (field) => fields[field] === undefined,
  );
  if (missing.length > 0) {
    throw new ApiError(
      'BAD_USER_INPUT',
      `invoice lines need --map for ${missing.join(', ')} (e.g. --map name=customer --map ValidFrom=from --map ValidTo=to --map AUD=amount)`,
    );
  }
  const { customer, from, to, amount, ...optional } = fields as Record<MappableField, string | undefined>;
  const mapping: InvoiceLineMapping = {
    customer: customer as string,
    from: from as string,
    to: to as string,
    amount: amount as string,
    ...Object.fromEntries(Object.entries(optional).filter(([, column]) => column !== undefined)),
    ...(Object.keys(attributes).length > 0 ? { attributes } : {}),
  };
  return mapping;
}
