/**
 * Column mappings at the API's boundary: core's typed mappings built from `column → field` pairs,
 * its `ColumnMappingError` answered as `BAD_USER_INPUT`. The CLI reads its pairs from `--map
 * COLUMN=FIELD` (`parseMapOptions`); the `importData` mutation passes its input list as it is.
 */
import {
  ColumnMappingError,
  type ColumnPair,
  type ImportFormat,
  type InvoiceLineMapping,
  invoiceLineMapping,
  type SubscriptionPeriodMapping,
  subscriptionPeriodMapping,
} from '@nrr/core';
import { ApiError } from '../errors.ts';

/**
 * The mapping of `pairs` for a file of `format`: an invoice-lines mapping (required fields
 * checked), a periods mapping, or, for events (which have no columns), a `BAD_USER_INPUT` error.
 * Core's messages name the pair at fault (`--map COLUMN=FIELD: …`).
 */
export function columnMappingFor(
  format: ImportFormat,
  pairs: readonly ColumnPair[],
): InvoiceLineMapping | SubscriptionPeriodMapping {
  try {
    switch (format) {
      case 'invoice-lines':
        return invoiceLineMapping(pairs);
      case 'periods':
        return subscriptionPeriodMapping(pairs);
      case 'events':
        throw new ApiError(
          'BAD_USER_INPUT',
          'a column mapping applies to invoice lines and periods, not events',
        );
      default:
        return format satisfies never;
    }
  } catch (error) {
    if (error instanceof ColumnMappingError) throw new ApiError('BAD_USER_INPUT', error.message);
    throw error;
  }
}
