/**
 * Change notices within one process: code that revokes a key or changes a tenant (its data
 * version, allowed origins) announces it here, and every API built over the same {@link Db}
 * handle drops what it had cached about that key or tenant at once. Other processes (another
 * API instance, `nrr import`) are not told: their caches expire on their own (`cacheTtlMs`).
 */
import type { Db } from './connect.ts';

/** What changed. */
export type Change =
  /** A key stopped working (revoked). */
  | { readonly kind: 'key'; readonly tenantId: string; readonly keyId: string }
  /** A tenant's row changed: data version, allowed origins, name or currency. */
  | { readonly kind: 'tenant'; readonly tenantId: string };

type Listener = (change: Change) => void;

const listeners = new WeakMap<Db, Set<Listener>>();

/** Calls `listener` for every change announced on `db`; returns how to stop. */
export function onChange(db: Db, listener: Listener): () => void {
  let set = listeners.get(db);
  if (!set) {
    set = new Set();
    listeners.set(db, set);
  }
  set.add(listener);
  return () => set.delete(listener);
}

/** Tells every listener on `db` that `change` happened (call it after the change is committed). */
export function announceChange(db: Db, change: Change): void {
  for (const listener of listeners.get(db) ?? []) listener(change);
}
