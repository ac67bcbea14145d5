/**
 * The one place tenant-scoped queries go through. `withTenant` opens a transaction, switches to
 * the restricted role `nrr_app` and sets `app.tenant_id`, so Postgres row-level security confines
 * every statement in it to that tenant, on top of the explicit `tenant_id` predicates the callers write.
 */
import { sql } from 'drizzle-orm';
import type { Db } from './connect.ts';

/** Mirrors the `tenants_id_shape` check constraint. */
const TENANT_ID_SHAPE = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** A transaction handle, as given to {@link withTenant}'s callback. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Runs `work` in one transaction confined to `tenantId`; rolls back if it throws. */
export async function withTenant<T>(
  db: Db,
  tenantId: string,
  work: (tx: Tx) => Promise<T>,
  options: { readOnly?: boolean } = {},
): Promise<T> {
  return db.transaction(
    async (tx) => {
      // SET LOCAL rather than set_config(): Citus forwards SET LOCAL to the workers a transaction
      // touches (citus.propagate_set_commands = 'local'). The id's shape makes quoting safe.
      if (!TENANT_ID_SHAPE.test(tenantId)) throw new Error(`not a tenant id: ${JSON.stringify(tenantId)}`);
      await tx.execute(sql.raw('set local role nrr_app'));
      await tx.execute(sql.raw(`set local app.tenant_id = '${tenantId}'`));
      return work(tx);
    },
    options.readOnly ? { accessMode: 'read only' } : undefined,
  );
}

/** Rows of a raw `execute` result, whichever driver produced it (PGlite wraps them, postgres-js does not). */
export function resultRows<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/**
 * A Postgres array literal (`{"a","b",NULL}`) for a list of values, passed as one text parameter
 * and cast in SQL (`$1::text[]`): both drivers bind it the same way, and a batch of thousands of
 * rows costs one parameter per column.
 */
export function arrayLiteral(values: readonly (string | null)[]): string {
  return `{${values.map((value) => (value === null ? 'NULL' : `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)).join(',')}}`;
}
