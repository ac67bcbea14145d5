/**
 * The import history, as stored and as shown. A CLI import records only its file's base name and
 * the actor `cli` (no directory, no OS user). Records written before issue 17 hold the path as
 * typed and `cli:<user>`; API callers see those as the base name and `cli` too.
 */
import { desc, eq } from 'drizzle-orm';
import type { Db } from '../db/connect.ts';
import { imports } from '../db/schema.ts';
import { withTenant } from '../db/tenant-scope.ts';

/** One stored import record. */
export type ImportRecord = typeof imports.$inferSelect;

/** Who ran an import from the command line (`nrr import`, `nrr demo`): no OS user, no host. */
export const CLI_ACTOR = 'cli';

/** The newest `limit` import records of a tenant, newest first, as stored (see the module comment). */
export async function listImportRecords(db: Db, tenantId: string, limit: number): Promise<ImportRecord[]> {
  return withTenant(
    db,
    tenantId,
    (tx) =>
      tx
        .select()
        .from(imports)
        .where(eq(imports.tenantId, tenantId))
        .orderBy(desc(imports.startedAt))
        .limit(limit),
    { readOnly: true },
  );
}

/**
 * The source of an import as API callers see it: the last segment of a path (after `/` or `\`),
 * so `/home/ana/exports/billing.csv` and `C:\Users\ana\billing.csv` both read `billing.csv`;
 * `graphql` and generator names, which hold no separator, are unchanged.
 */
export function publicImportSource(source: string): string {
  return source.split(/[/\\]/).at(-1) ?? '';
}

/** The actor of an import as API callers see it: `key:<keyId>` as stored, any `cli…` actor as `cli`. */
export function publicImportActor(actor: string): string {
  return actor === CLI_ACTOR || actor.startsWith(`${CLI_ACTOR}:`) ? CLI_ACTOR : actor;
}
