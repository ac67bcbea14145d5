/**
 * Token buckets by key (a credential, a tenant, a client address), per API instance: a burst of
 * `capacity` requests, refilled at `perSecond`. With several instances behind a load balancer each
 * enforces its own buckets, so the effective limit scales with the instance count; put a shared
 * limiter at the edge for a hard cap.
 *
 * Memory is bounded: at most `maxKeys` buckets are kept. Past that, buckets that have refilled
 * (indistinguishable from new ones) are dropped first, then the least recently used.
 */
export class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    readonly capacity = 300,
    readonly perSecond = 50,
    readonly now: () => number = Date.now,
    readonly maxKeys = 10_000,
  ) {}

  /** Takes one token for `key`; `false` when the bucket is empty (the caller answers 429). */
  take(key: string): boolean {
    const now = this.now();
    const bucket = this.#refilled(key, now);
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    // Re-inserted so the map stays in order of last use.
    this.#buckets.delete(key);
    this.#buckets.set(key, bucket);
    if (this.#buckets.size > this.maxKeys) this.#prune(now);
    return allowed;
  }

  /** Whether `key`'s bucket is empty now (the next {@link take} would fail); takes nothing. */
  exhausted(key: string): boolean {
    const bucket = this.#buckets.get(key);
    return bucket !== undefined && this.#tokensAt(bucket, this.now()) < 1;
  }

  /** Whole seconds until `key`'s bucket holds a token again (at least 1), for `Retry-After`. */
  retryAfterSeconds(key: string): number {
    const bucket = this.#buckets.get(key);
    const missing = bucket ? 1 - this.#tokensAt(bucket, this.now()) : 0;
    if (!(this.perSecond > 0)) return 3600;
    return Math.max(1, Math.ceil(missing / this.perSecond));
  }

  /** How many buckets are kept (at most `maxKeys`). */
  get size(): number {
    return this.#buckets.size;
  }

  #tokensAt(bucket: { tokens: number; at: number }, now: number): number {
    return Math.min(this.capacity, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
  }

  #refilled(key: string, now: number): { tokens: number; at: number } {
    const bucket = this.#buckets.get(key) ?? { tokens: this.capacity, at: now };
    bucket.tokens = this.#tokensAt(bucket, now);
    bucket.at = now;
    return bucket;
  }

  #prune(now: number): void {
    for (const [key, bucket] of this.#buckets) {
      if (this.#tokensAt(bucket, now) >= this.capacity) this.#buckets.delete(key);
    }
    // Still full of live buckets (many clients at once): drop the least recently used, down to
    // 90% so that the next takes do not prune again at once.
    const target = Math.floor(this.maxKeys * 0.9);
    for (const key of this.#buckets.keys()) {
      if (this.#buckets.size <= target) break;
      this.#buckets.delete(key);
    }
  }
}
