/**
 * The import entry points as this package exports them: `runImport` and `storeSpans` from
 * ./imports, followed by a change notice (./db/changes.ts), so that every API over the same `db`
 * in this process serves the new data version from its next request rather than within its
 * `cacheTtlMs`. The import mutation goes through these too.
 */
import { announceChange } from './db/changes.ts';
import type { Db } from './db/connect.ts';
import {
  type ImportOrigin,
  type ImportRequest,
  type ImportSummary,
  runImport as runImportOnly,
  storeSpans as storeSpansOnly,
} from './imports/run-import.ts';

/**
 * Runs one import (see ./imports/run-import.ts: all or nothing, one transaction, data version
 * bumped when anything changed), then tells this process's APIs that the tenant changed.
 */
export async function runImport(db: Db, request: ImportRequest): Promise<ImportSummary> {
  try {
    return await runImportOnly(db, request);
  } finally {
    announceChange(db, { kind: 'tenant', tenantId: request.tenantId });
  }
}

/** Stores spans through the import transaction (see ./imports/run-import.ts), then announces the change. */
export async function storeSpans(
  db: Db,
  origin: ImportOrigin,
  batches: Parameters<typeof storeSpansOnly>[2],
): Promise<ImportSummary> {
  try {
    return await storeSpansOnly(db, origin, batches);
  } finally {
    announceChange(db, { kind: 'tenant', tenantId: origin.tenantId });
  }
}
