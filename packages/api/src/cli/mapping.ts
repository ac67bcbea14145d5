/** `--map COLUMN=FIELD` options → core's `column → field` pairs, and the typed mapping. */
import type { ColumnPair, InvoiceLineMapping } from '@nrr/core';
import { ApiError } from '../errors.ts';
import { columnMappingFor } from '../imports/column-mapping.ts';

/**
 * Splits `COLUMN=FIELD` options at their last `=` (e.g. `name=customer`, `ValidFrom=from`,
 * `Plan=attribute:plan`). Throws `BAD_USER_INPUT` naming an option without a column or field.
 */
export function parseMapOptions(options: readonly string[]): ColumnPair[] {
  return options.map((option) => {
    const at = option.lastIndexOf('=');
    const column = option.slice(0, at);
    const field = option.slice(at + 1);
    if (at <= 0 || column.trim() === '' || field.trim() === '') {
      throw new ApiError(
        'BAD_USER_INPUT',
        `--map ${option}: expected COLUMN=FIELD, e.g. --map name=customer`,
      );
    }
    return { column, field };
  });
}

/**
 * Parses `COLUMN=FIELD` options into an invoice-line column mapping. Throws `BAD_USER_INPUT`
 * naming the option at fault, or the required fields left unmapped.
 */
export function parseColumnMapping(options: readonly string[]): InvoiceLineMapping {
  return columnMappingFor('invoice-lines', parseMapOptions(options)) as InvoiceLineMapping;
}
