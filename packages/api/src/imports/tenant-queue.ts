/**
 * Imports of one tenant wait for each other in this process before taking a database connection.
 * The tenant's row lock (`select … for update` in the import's transaction) still serialises
 * imports across processes and API instances; but a transaction waiting for that lock holds a
 * pooled connection, so six concurrent imports of one tenant took every connection of a pool of
 * four and other tenants' queries waited for them.
 */

/** The tail of each tenant's queue, per database (a `Db` object). */
const queues = new WeakMap<object, Map<string, Promise<void>>>();

/**
 * Runs `work` once every earlier call with the same `database` and `tenantId` has settled, in
 * call order (first in, first out); calls of other tenants are not delayed. A failed `work` does
 * not stop the queue. Waiting holds no connection: `work` should take one only when it starts.
 */
export async function oneImportAtATime<T>(
  database: object,
  tenantId: string,
  work: () => Promise<T>,
): Promise<T> {
  let tenants = queues.get(database);
  if (!tenants) {
    tenants = new Map();
    queues.set(database, tenants);
  }
  const previous = tenants.get(tenantId) ?? Promise.resolve();
  let settled: () => void = () => {};
  const tail = new Promise<void>((resolve) => {
    settled = resolve;
  });
  tenants.set(tenantId, tail);
  try {
    await previous;
    return await work();
  } finally {
    settled();
    // The last in line clears its tenant's entry, so the map holds only tenants importing now.
    if (tenants.get(tenantId) === tail) tenants.delete(tenantId);
  }
}

/**
 * Resolves once every call of {@link oneImportAtATime} made so far for `tenantId` on `database`
 * has settled (at once when none is running). Takes no place in the queue: a caller that then
 * calls {@link oneImportAtATime} waits behind any call made in between.
 */
export async function importsSettled(database: object, tenantId: string): Promise<void> {
  await queues.get(database)?.get(tenantId);
}
