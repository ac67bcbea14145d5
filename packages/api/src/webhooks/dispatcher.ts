/**
 * The background dispatcher: claims due deliveries from the outbox (`FOR UPDATE SKIP LOCKED`, so
 * several API instances share the work; a claim is a lease that expires, so a process killed
 * mid-delivery loses nothing: the row is claimed again), POSTs each signed message with a
 * timeout, logs the attempt and either marks it delivered (2xx), schedules a retry with
 * exponential backoff and jitter, or, past the retry period (a day by default), marks it failed.
 * Delivery is at least once: a receiver deduplicates by `webhook-id`.
 */

import { randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { sql } from 'drizzle-orm';
import { onChange } from '../db/changes.ts';
import type { Db } from '../db/connect.ts';
import { resultRows } from '../db/tenant-scope.ts';
import { webhookHeaders } from './signing.ts';
import { type CheckedUrl, checkWebhookUrl, type UrlPolicy } from './url-policy.ts';

/** How the dispatcher paces itself; every field has a default. */
export interface DispatcherOptions extends Partial<UrlPolicy> {
  /** How often to look for due deliveries when not woken by a change in this process; default 1000 ms. */
  readonly pollMs?: number;
  /** Delay before the first retry, doubled for each further one; default 5000 ms. */
  readonly backoffBaseMs?: number;
  /** Longest delay between two attempts; default 3,600,000 ms (an hour). */
  readonly backoffMaxMs?: number;
  /** How long after its first attempt a delivery is retried; default 86,400,000 ms (a day). */
  readonly retryForMs?: number;
  /** Time allowed for one POST, connection to last byte; default 10,000 ms. */
  readonly timeoutMs?: number;
  /**
   * How long a claim holds a delivery before another dispatcher may take it (a process killed
   * mid-delivery is retried after this); more than `timeoutMs`; default `timeoutMs` + 30,000 ms.
   */
  readonly leaseMs?: number;
  /** Deliveries claimed (and sent concurrently) at a time; default 16. */
  readonly batchSize?: number;
  /** Random numbers in [0, 1) for the jitter; default `Math.random`. */
  readonly random?: () => number;
}

/** Delay before attempt `attempt + 1` after `attempt` failed: base × 2^(attempt−1), capped, ±20% jitter. */
export function retryDelayMs(attempt: number, options: DispatcherOptions, random = Math.random): number {
  const base = options.backoffBaseMs ?? 5_000;
  const max = options.backoffMaxMs ?? 3_600_000;
  const delay = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  return Math.round(delay * (0.8 + 0.4 * random()));
}

/** A claimed delivery with what sending it needs. */
interface Claimed {
  tenant_id: string;
  endpoint_id: string;
  message_id: string;
  attempts: number;
  /** Milliseconds left of the retry period. */
  retry_left_ms: number;
  url: string;
  secret: string;
  body: string;
}

/** The outcome of one POST. */
interface Sent {
  readonly statusCode: number | null;
  readonly error: string | null;
}

/** A running dispatcher. */
export class WebhookDispatcher {
  readonly #db: Db;
  readonly #options: DispatcherOptions;
  readonly #policy: UrlPolicy;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = true;
  #unsubscribe: (() => void) | undefined;

  constructor(db: Db, options: DispatcherOptions = {}) {
    this.#db = db;
    this.#options = options;
    this.#policy = { allowPrivate: options.allowPrivate ?? false };
  }

  /** Starts polling, and wakes at once when a change is announced in this process (an import). */
  start(): this {
    if (!this.#stopped) return this;
    this.#stopped = false;
    this.#unsubscribe = onChange(this.#db, (change) => {
      if (change.kind === 'tenant') this.wake();
    });
    this.wake();
    return this;
  }

  /** Looks for due deliveries now (or right after the round in progress). */
  wake(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#running = this.#loop().finally(() => {
      this.#running = undefined;
      if (this.#stopped) return;
      if (this.#again) {
        this.#again = false;
        this.wake();
      } else this.#timer = setTimeout(() => this.wake(), this.#options.pollMs ?? 1_000);
    });
  }

  /** Stops: no new claims; waits for the deliveries in flight. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unsubscribe?.();
    if (this.#timer) clearTimeout(this.#timer);
    await this.#running;
  }

  async #loop(): Promise<void> {
    try {
      const size = this.#options.batchSize ?? 16;
      while (!this.#stopped && (await this.runOnce()) === size) {}
    } catch (error) {
      // The database went away (shutting down) or failed: try again at the next poll.
      if (!this.#stopped)
        console.error('webhook dispatcher:', error instanceof Error ? error.message : error);
    }
  }

  /** Claims one batch of due deliveries and sends them; returns how many were claimed. */
  async runOnce(): Promise<number> {
    const size = this.#options.batchSize ?? 16;
    const timeout = this.#options.timeoutMs ?? 10_000;
    // The lease covers the POST and the bookkeeping after it, with room to spare.
    const leaseMs = this.#options.leaseMs ?? timeout + 30_000;
    const retryFor = this.#options.retryForMs ?? 86_400_000;
    const claimed = resultRows<Claimed>(
      await this.#db.execute(sql`with due as (
          select d.tenant_id, d.endpoint_id, d.message_id from webhook_deliveries d
          join webhook_endpoints e on e.tenant_id = d.tenant_id and e.endpoint_id = d.endpoint_id
          where d.status = 'pending' and d.next_attempt_at <= now()
            and (d.lease_until is null or d.lease_until < now()) and e.disabled_at is null
          order by d.next_attempt_at limit ${size}
          for update of d skip locked),
        claimed as (
          update webhook_deliveries d set lease_until = now() + make_interval(secs => ${leaseMs / 1000}),
            attempts = d.attempts + 1,
            retry_until = coalesce(d.retry_until, now() + make_interval(secs => ${retryFor / 1000}))
          from due where d.tenant_id = due.tenant_id and d.endpoint_id = due.endpoint_id
            and d.message_id = due.message_id
          returning d.tenant_id, d.endpoint_id, d.message_id, d.attempts, d.retry_until)
        select c.tenant_id, c.endpoint_id, c.message_id, c.attempts,
          (extract(epoch from (c.retry_until - now())) * 1000)::float8 as retry_left_ms,
          e.url, e.secret, m.payload::text as body
        from claimed c
        join webhook_endpoints e on e.tenant_id = c.tenant_id and e.endpoint_id = c.endpoint_id
        join webhook_messages m on m.tenant_id = c.tenant_id and m.message_id = c.message_id`),
    );
    await Promise.all(claimed.map((delivery) => this.#deliver(delivery, timeout)));
    return claimed.length;
  }

  async #deliver(delivery: Claimed, timeoutMs: number): Promise<void> {
    const startedAt = Date.now();
    let sent: Sent;
    try {
      // Checked again now: the host may resolve elsewhere than when the endpoint was created.
      const checked = await checkWebhookUrl(delivery.url, this.#policy);
      sent = await post(checked, delivery, timeoutMs);
    } catch (error) {
      sent = { statusCode: null, error: error instanceof Error ? error.message : String(error) };
    }
    const durationMs = Date.now() - startedAt;
    const ok = sent.statusCode !== null && sent.statusCode >= 200 && sent.statusCode < 300;
    const delay = retryDelayMs(delivery.attempts, this.#options, this.#options.random);
    const outcome = ok ? 'delivered' : delay > delivery.retry_left_ms - durationMs ? 'failed' : 'retrying';
    const error = ok ? null : (sent.error ?? `answered HTTP ${sent.statusCode}, expected 2xx`);
    const attemptId = `wa_${randomBytes(8).toString('hex')}`;
    const next = outcome === 'retrying' ? sql`now() + make_interval(secs => ${delay / 1000})` : sql`null`;
    await this.#db.transaction(async (tx) => {
      await tx.execute(sql`insert into webhook_attempts (tenant_id, attempt_id, endpoint_id, message_id, attempt,
          started_at, duration_ms, status_code, error, outcome, next_attempt_at)
        values (${delivery.tenant_id}, ${attemptId}, ${delivery.endpoint_id}, ${delivery.message_id},
          ${delivery.attempts}, ${new Date(startedAt).toISOString()}::timestamptz, ${durationMs},
          ${sent.statusCode}, ${error?.slice(0, 1000) ?? null}, ${outcome}, ${next})`);
      await tx.execute(sql`update webhook_deliveries set lease_until = null,
          status = ${outcome === 'retrying' ? 'pending' : outcome},
          delivered_at = ${ok ? sql`now()` : sql`null`},
          next_attempt_at = ${outcome === 'retrying' ? next : sql`next_attempt_at`}
        where tenant_id = ${delivery.tenant_id} and endpoint_id = ${delivery.endpoint_id}
          and message_id = ${delivery.message_id}`);
    });
  }
}

/** POSTs one message to the checked address (never a fresh DNS answer), reading at most 64 KiB back. */
function post(checked: CheckedUrl, delivery: Claimed, timeoutMs: number): Promise<Sent> {
  const { url, addresses } = checked;
  const pinned = addresses[0] as { address: string; family: 4 | 6 };
  const lookup: LookupFunction = (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all) {
      (callback as unknown as (error: null, list: { address: string; family: number }[]) => void)(null, [
        pinned,
      ]);
    } else callback(null, pinned.address, pinned.family);
  };
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'nrr-webhooks/1',
    ...webhookHeaders(delivery.secret, delivery.message_id, Math.floor(Date.now() / 1000), delivery.body),
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<Sent>((resolve) => {
    const request = send(
      url,
      { method: 'POST', headers, lookup, timeout: timeoutMs },
      (response: IncomingMessage) => {
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > 65_536) response.destroy();
        });
        response.on('close', () => resolve({ statusCode: response.statusCode ?? null, error: null }));
        response.on('error', () => resolve({ statusCode: response.statusCode ?? null, error: null }));
      },
    );
    const timer = setTimeout(() => request.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', (error) => resolve({ statusCode: null, error: error.message }));
    request.on('close', () => clearTimeout(timer));
    request.end(delivery.body);
  });
}
