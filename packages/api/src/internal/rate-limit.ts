/**
 * A token bucket per credential, per API instance: a burst of `capacity` requests, refilled at
 * `perSecond`. With several instances behind a load balancer each enforces its own bucket, so the
 * effective limit scales with the instance count; put a shared limiter at the edge for a hard cap.
 */
export class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    readonly capacity = 300,
    readonly perSecond = 50,
    readonly now: () => number = Date.now,
  ) {}

  /** Takes one token for `key`; `false` when the bucket is empty (the caller answers 429). */
  take(key: string): boolean {
    const now = this.now();
    const bucket = this.#buckets.get(key) ?? { tokens: this.capacity, at: now };
    bucket.tokens = Math.min(this.capacity, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    this.#buckets.set(key, bucket);
    if (this.#buckets.size > 10_000) this.#prune(now);
    return allowed;
  }

  #prune(now: number): void {
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond >= this.capacity)
        this.#buckets.delete(key);
    }
  }
}
