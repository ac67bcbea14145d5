/**
 * A generated dataset stored as an API tenant, the way every API bench section starts: the
 * periods CSV imported through `runImport` (one transaction, the tenant created), then the
 * dataset's exchange rates stored.
 */
import { type Database, fileLineChunks, runImport, setFxRates } from '@nrr/api';
import { type Dataset, readRates } from './dataset.ts';

/** Imports `dataset` into a new tenant `tenantId` of `database` with its rates. */
export async function storeDatasetAsTenant(
  database: Database,
  tenantId: string,
  dataset: Dataset,
): Promise<void> {
  await runImport(database.db, {
    tenantId,
    format: 'periods',
    source: await fileLineChunks(dataset.periodsPath),
    sourceName: dataset.periodsPath,
    actor: 'bench',
    createTenant: true,
  });
  await setFxRates(database.db, tenantId, readRates(dataset));
}
