/**
 * The periods of a subscription-periods file read so far, per subscription: how the importer
 * finds a period that overlaps an earlier one of its subscription without keeping the rows.
 */
import type { Instant } from '../dates.ts';

/**
 * The periods read so far per subscription, to find overlaps. Held in typed arrays with a chain
 * per subscription; the ids' characters are copied into a pool (so no id string, nor the line it
 * was read from, is kept alive). While new subscriptions arrive in ascending order of their ids
 * (a file sorted by subscription or by customer and subscription, the usual export), a new id is
 * known to be new by comparing it with the previous new one, at no lookup; the first id out of
 * order builds an open-addressing hash table of the ids (typed arrays too), used from then on.
 */
export class SubscriptionPeriodIndex {
  // Periods, by index: [start, end) (end +Infinity when open), line, and the subscription's
  // previous period (-1 for its first).
  private starts = new Float64Array(1024);
  private ends = new Float64Array(1024);
  private lines = new Float64Array(1024);
  private previous = new Int32Array(1024);
  private size = 0;
  // Subscriptions, by ordinal: id (characters [idFrom[o], idFrom[o + 1]) of the pool) and latest
  // period (-1 before the first).
  private count = 0;
  private pool = new Uint16Array(1 << 16);
  private poolSize = 0;
  private idFrom = new Int32Array(1025);
  private latest = new Int32Array(1024);
  /** The greatest id so far while ids ascend; `undefined` once they did not (the table is used). */
  private greatest: string | undefined = '';
  /** The last new subscriptions while ids ascend, and their ordinals. */
  private readonly recentIds: (string | undefined)[] = new Array(RECENT_SUBSCRIPTIONS).fill(undefined);
  private readonly recentOrdinals = new Int32Array(RECENT_SUBSCRIPTIONS);
  private recentAt = 0;
  /** Pairs (hash of the id, ordinal + 1), 0 for an empty slot; at most half full. */
  private table = new Int32Array(0);
  private mask = 0;
  /** The subscription of the last row: consecutive rows of one subscription cost no lookup. */
  private currentId: string | undefined;
  private current = -1;

  /** Adds the period unless it overlaps one already added for the subscription, which it returns. */
  addUnlessOverlapping(
    subscriptionId: string,
    start: Instant,
    end: Instant | null,
    line: number,
  ): { start: Instant; end: Instant | null; line: number } | undefined {
    const until = end ?? Number.POSITIVE_INFINITY;
    if (subscriptionId !== this.currentId) {
      this.currentId = subscriptionId;
      this.current = this.ordinal(subscriptionId);
    }
    const latest = this.latest[this.current] as number;
    for (let i = latest; i >= 0; i = this.previous[i] as number) {
      const otherStart = this.starts[i] as number;
      const otherEnd = this.ends[i] as number;
      if (otherStart < until && start < otherEnd) {
        return {
          start: otherStart,
          end: otherEnd === Number.POSITIVE_INFINITY ? null : otherEnd,
          line: this.lines[i] as number,
        };
      }
    }
    if (this.size === this.starts.length) this.grow();
    const index = this.size++;
    this.starts[index] = start;
    this.ends[index] = until;
    this.lines[index] = line;
    this.previous[index] = latest;
    this.latest[this.current] = index;
    return undefined;
  }

  /** The subscription's ordinal, added (with no period yet) if new. */
  private ordinal(id: string): number {
    const greatest = this.greatest;
    if (greatest !== undefined) {
      if (id > greatest) {
        this.greatest = id;
        return this.remember(id, this.append(id));
      }
      // A subscription seen lately (a customer's subscriptions interleave by date).
      const recentIds = this.recentIds;
      for (let i = 0; i < RECENT_SUBSCRIPTIONS; i++) {
        if (recentIds[i] === id) return this.recentOrdinals[i] as number;
      }
      // Out of order: look ids up from now on.
      this.greatest = undefined;
      this.rehash();
    }
    const hash = hashOf(id);
    const table = this.table;
    const mask = this.mask;
    let slot = hash & mask;
    for (;;) {
      const entry = table[2 * slot + 1] as number;
      if (entry === 0) break;
      if (table[2 * slot] === hash && this.idIs(entry - 1, id)) return entry - 1;
      slot = (slot + 1) & mask;
    }
    const ordinal = this.append(id);
    table[2 * slot] = hash;
    table[2 * slot + 1] = ordinal + 1;
    if (2 * (ordinal + 1) > mask) this.rehash();
    return ordinal;
  }

  /** Notes a new subscription among the recent ones; returns its ordinal. */
  private remember(id: string, ordinal: number): number {
    const at = this.recentAt;
    this.recentIds[at] = id;
    this.recentOrdinals[at] = ordinal;
    this.recentAt = (at + 1) % RECENT_SUBSCRIPTIONS;
    return ordinal;
  }

  /** Whether subscription `ordinal`'s id is `id`. */
  private idIs(ordinal: number, id: string): boolean {
    const from = this.idFrom[ordinal] as number;
    if ((this.idFrom[ordinal + 1] as number) - from !== id.length) return false;
    const pool = this.pool;
    for (let i = 0; i < id.length; i++) if (pool[from + i] !== id.charCodeAt(i)) return false;
    return true;
  }

  /** A new subscription, with no period yet: its ordinal. */
  private append(id: string): number {
    const ordinal = this.count++;
    if (this.count === this.latest.length) {
      const latest = new Int32Array(this.count * 2);
      latest.set(this.latest);
      this.latest = latest;
      const idFrom = new Int32Array(this.count * 2 + 1);
      idFrom.set(this.idFrom);
      this.idFrom = idFrom;
    }
    this.latest[ordinal] = -1;
    let at = this.poolSize;
    if (at + id.length > this.pool.length) {
      const pool = new Uint16Array(Math.max(this.pool.length * 2, at + id.length));
      pool.set(this.pool);
      this.pool = pool;
    }
    const pool = this.pool;
    for (let i = 0; i < id.length; i++) pool[at++] = id.charCodeAt(i);
    this.poolSize = at;
    this.idFrom[ordinal + 1] = at;
    return ordinal;
  }

  /** Builds the hash table of every id, at least twice as large as their count. */
  private rehash(): void {
    let mask = 2047;
    while (mask < 2 * this.count) mask = mask * 2 + 1;
    const table = new Int32Array(2 * (mask + 1));
    const pool = this.pool;
    for (let ordinal = 0; ordinal < this.count; ordinal++) {
      const from = this.idFrom[ordinal] as number;
      const to = this.idFrom[ordinal + 1] as number;
      let fnv = HASH_SEED;
      for (let i = from; i < to; i++) fnv = Math.imul(fnv ^ (pool[i] as number), HASH_PRIME);
      const hash = mixHash(fnv);
      let slot = hash & mask;
      while (table[2 * slot + 1] !== 0) slot = (slot + 1) & mask;
      table[2 * slot] = hash;
      table[2 * slot + 1] = ordinal + 1;
    }
    this.table = table;
    this.mask = mask;
  }

  private grow(): void {
    const capacity = this.starts.length * 2;
    const grown = <T extends Float64Array | Int32Array>(array: T, make: (n: number) => T): T => {
      const next = make(capacity);
      next.set(array);
      return next;
    };
    this.starts = grown(this.starts, (n) => new Float64Array(n));
    this.ends = grown(this.ends, (n) => new Float64Array(n));
    this.lines = grown(this.lines, (n) => new Float64Array(n));
    this.previous = grown(this.previous, (n) => new Int32Array(n));
  }
}

/** New subscriptions remembered while ids ascend (see {@link SubscriptionPeriodIndex}). */
const RECENT_SUBSCRIPTIONS = 16;
const HASH_SEED = 0x811c9dc5 | 0;
const HASH_PRIME = 0x01000193;

/** A 32-bit hash of a string (FNV-1a over its UTF-16 code units, then mixed). */
function hashOf(text: string): number {
  let hash = HASH_SEED;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), HASH_PRIME);
  return mixHash(hash);
}

function mixHash(fnv: number): number {
  let hash = fnv ^ (fnv >>> 16);
  hash = Math.imul(hash, 0x45d9f3b);
  return hash ^ (hash >>> 16);
}
