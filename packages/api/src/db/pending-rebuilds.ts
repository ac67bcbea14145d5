/**
 * Timelines left to rebuild by migrations: a migration that changes spans in SQL queues the
 * customers concerned in `timeline_rebuilds`; {@link rebuildPendingTimelines} (run by
 * `Database.migrate()`) rebuilds them from their spans and empties the queue, one tenant per
 * transaction.
 */
import { and, eq, sql } from 'drizzle-orm';
import { rebuildTimelines } from '../imports/store-spans.ts';
import type { Db } from './connect.ts';
import { timelineRebuilds } from './schema.ts';
import { arrayLiteral } from './tenant-scope.ts';

/** Rebuilds every queued customer's timeline; returns how many customers were rebuilt. */
export async function rebuildPendingTimelines(db: Db): Promise<number> {
  const tenants = await db.selectDistinct({ tenantId: timelineRebuilds.tenantId }).from(timelineRebuilds);
  let rebuilt = 0;
  for (const { tenantId } of tenants) {
    rebuilt += await db.transaction(async (tx) => {
      const queued = await tx
        .select({ customerId: timelineRebuilds.customerId })
        .from(timelineRebuilds)
        .where(eq(timelineRebuilds.tenantId, tenantId))
        .for('update');
      const customers = queued.map((row) => row.customerId);
      await rebuildTimelines(tx, tenantId, customers);
      await tx
        .delete(timelineRebuilds)
        .where(
          and(
            eq(timelineRebuilds.tenantId, tenantId),
            sql`${timelineRebuilds.customerId} = any(${arrayLiteral(customers)}::text[])`,
          ),
        );
      return customers.length;
    });
  }
  return rebuilt;
}
