/**
 * Server configuration from the environment:
 * - `DATABASE_URL`: Postgres URL; unset = embedded PGlite.
 * - `NRR_DATA_DIR`: PGlite's directory (default `.nrr/data`).
 * - `NRR_TOKEN_SECRET`: HMAC secret (≥ 32 bytes) that signs embed tokens. Required with
 *   `DATABASE_URL` (every instance must share it); with PGlite, one is generated on first use and
 *   kept in `<NRR_DATA_DIR>/token-secret`.
 * - `PORT`: HTTP port (default 4000).
 * - `NRR_CACHE_TTL_MS`: how long an API instance trusts what it read about a key or tenant
 *   (revocation, data version, allowed origins) before reading again; default 1000, 0 = every
 *   request (see `ApiOptions.cacheTtlMs`).
 * - `NRR_ENGINE_WORKERS`: worker threads computing figures (`ApiOptions.engineWorkers`; default
 *   the available parallelism minus one, at least 1; 0 = on the request thread).
 * - `NRR_WORK_BUDGET`: engine work one request may cause, in customer-windows
 *   (`ApiOptions.workBudget`; default 40,000,000).
 * - `NRR_WEBHOOKS_ALLOW_PRIVATE`: `1` lets webhook endpoints use loopback, private, link-local and
 *   unique-local addresses (default `0`: public addresses only).
 * - `NRR_WEBHOOKS_POLL_MS`, `NRR_WEBHOOKS_BACKOFF_MS`, `NRR_WEBHOOKS_RETRY_FOR_MS`,
 *   `NRR_WEBHOOKS_TIMEOUT_MS`, `NRR_WEBHOOKS_LEASE_MS`: the webhook dispatcher's pacing
 *   (`DispatcherOptions`: defaults 1000, 5000, 86,400,000 (a day), 10,000, timeout + 30,000).
 * - `NRR_SECRETS_KEY`: 32 bytes (base64 or 64 hex digits) that encrypt the tenants' Stripe
 *   endpoint secrets (`ApiOptions.stripeSecretsKey`, ./stripe/secrets.ts). With PGlite, one is
 *   generated on first use and kept in `<NRR_DATA_DIR>/secrets-key`; with `DATABASE_URL` and no
 *   key, Stripe webhooks are off.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DatabaseTarget, targetFromEnv } from './db/connect.ts';
import { secretsKeyFromEnv } from './stripe/secrets.ts';
import type { DispatcherOptions } from './webhooks/dispatcher.ts';

/** Default HTTP port. */
export const DEFAULT_PORT = 4000;

/** Everything the server needs to start. */
export interface ServerConfig {
  readonly database: DatabaseTarget;
  /** Embed-token signing secret. */
  readonly tokenSecret: string;
  readonly port: number;
  /** `ApiOptions.cacheTtlMs`; `undefined` = the API's default. */
  readonly cacheTtlMs?: number;
  /** `ApiOptions.engineWorkers`; `undefined` = the API's default. */
  readonly engineWorkers?: number;
  /** `ApiOptions.workBudget`; `undefined` = the API's default. */
  readonly workBudget?: number;
  /** The webhook dispatcher's options (and `allowPrivate`, which the API's URL checks share); default all defaults. */
  readonly webhooks?: DispatcherOptions;
  /** `ApiOptions.stripeSecretsKey`; `undefined` = Stripe webhooks off. */
  readonly stripeSecretsKey?: Buffer;
}

/** The API options a server config sets (spread into `createApi`'s options). */
export function apiTuning(config: ServerConfig): {
  cacheTtlMs?: number;
  engineWorkers?: number;
  workBudget?: number;
  webhooks: { allowPrivate: boolean };
  stripeSecretsKey?: Buffer;
} {
  return {
    webhooks: { allowPrivate: config.webhooks?.allowPrivate ?? false },
    ...(config.stripeSecretsKey === undefined ? {} : { stripeSecretsKey: config.stripeSecretsKey }),
    ...(config.cacheTtlMs === undefined ? {} : { cacheTtlMs: config.cacheTtlMs }),
    ...(config.engineWorkers === undefined ? {} : { engineWorkers: config.engineWorkers }),
    ...(config.workBudget === undefined ? {} : { workBudget: config.workBudget }),
  };
}

/** A whole number ≥ 0 from `env[name]`, `undefined` when unset; throws naming the variable. */
function wholeNumber(env: NodeJS.ProcessEnv, name: string, unit: string): number | undefined {
  const text = env[name]?.trim();
  if (!text) return undefined;
  const value = Number(text);
  if (!(Number.isSafeInteger(value) && value >= 0)) {
    throw new Error(`${name}: got ${JSON.stringify(env[name])}, expected a whole number of ${unit} ≥ 0`);
  }
  return value;
}

/** Reads {@link ServerConfig} from the environment; throws with the variable's name when one is invalid. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env, portOverride?: number): ServerConfig {
  const database = targetFromEnv(env);
  const port = portOverride ?? (env.PORT ? Number(env.PORT) : DEFAULT_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`PORT: got ${JSON.stringify(env.PORT)}, expected a port number from 0 to 65535`);
  }
  const ttl = env.NRR_CACHE_TTL_MS?.trim();
  const cacheTtlMs = ttl ? Number(ttl) : undefined;
  if (cacheTtlMs !== undefined && !(Number.isSafeInteger(cacheTtlMs) && cacheTtlMs >= 0)) {
    throw new Error(
      `NRR_CACHE_TTL_MS: got ${JSON.stringify(env.NRR_CACHE_TTL_MS)}, expected a whole number of milliseconds ≥ 0`,
    );
  }
  const engineWorkers = wholeNumber(env, 'NRR_ENGINE_WORKERS', 'worker threads');
  const workBudget = wholeNumber(env, 'NRR_WORK_BUDGET', 'customer-windows');
  const stripeSecretsKey = secretsKeyFromEnv(env, database.kind === 'pglite' ? database.dataDir : undefined);
  return {
    webhooks: webhookOptions(env),
    database,
    tokenSecret: tokenSecretFor(database, env),
    port,
    ...(cacheTtlMs === undefined ? {} : { cacheTtlMs }),
    ...(engineWorkers === undefined ? {} : { engineWorkers }),
    ...(workBudget === undefined ? {} : { workBudget }),
    ...(stripeSecretsKey === undefined ? {} : { stripeSecretsKey }),
  };
}

/** The webhook dispatcher's options from the environment; throws naming a variable that is invalid. */
function webhookOptions(env: NodeJS.ProcessEnv): DispatcherOptions {
  const allow = env.NRR_WEBHOOKS_ALLOW_PRIVATE?.trim() ?? '';
  if (!['', '0', '1', 'false', 'true'].includes(allow)) {
    throw new Error(
      `NRR_WEBHOOKS_ALLOW_PRIVATE: got ${JSON.stringify(env.NRR_WEBHOOKS_ALLOW_PRIVATE)}, expected 1 or 0`,
    );
  }
  const options: { -readonly [K in keyof DispatcherOptions]: DispatcherOptions[K] } = {
    allowPrivate: allow === '1' || allow === 'true',
  };
  const pollMs = wholeNumber(env, 'NRR_WEBHOOKS_POLL_MS', 'milliseconds');
  const backoffBaseMs = wholeNumber(env, 'NRR_WEBHOOKS_BACKOFF_MS', 'milliseconds');
  const retryForMs = wholeNumber(env, 'NRR_WEBHOOKS_RETRY_FOR_MS', 'milliseconds');
  const timeoutMs = wholeNumber(env, 'NRR_WEBHOOKS_TIMEOUT_MS', 'milliseconds');
  const leaseMs = wholeNumber(env, 'NRR_WEBHOOKS_LEASE_MS', 'milliseconds');
  if (pollMs !== undefined) options.pollMs = pollMs;
  if (backoffBaseMs !== undefined) options.backoffBaseMs = backoffBaseMs;
  if (retryForMs !== undefined) options.retryForMs = retryForMs;
  if (timeoutMs !== undefined) options.timeoutMs = timeoutMs;
  if (leaseMs !== undefined) {
    if (leaseMs <= (timeoutMs ?? 10_000)) {
      throw new Error(
        `NRR_WEBHOOKS_LEASE_MS: got ${leaseMs}, expected more than the delivery timeout (${timeoutMs ?? 10_000} ms)`,
      );
    }
    options.leaseMs = leaseMs;
  }
  return options;
}

function tokenSecretFor(database: DatabaseTarget, env: NodeJS.ProcessEnv): string {
  const fromEnv = env.NRR_TOKEN_SECRET;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (Buffer.byteLength(fromEnv) < 32) throw new Error('NRR_TOKEN_SECRET must be at least 32 bytes long');
    return fromEnv;
  }
  if (database.kind === 'postgres' || database.dataDir === undefined) {
    throw new Error(
      'NRR_TOKEN_SECRET is required with DATABASE_URL: every API instance must sign embed tokens with the same secret (e.g. `openssl rand -base64 48`)',
    );
  }
  mkdirSync(database.dataDir, { recursive: true, mode: 0o700 });
  const file = join(database.dataDir, 'token-secret');
  if (!existsSync(file))
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
  return readFileSync(file, 'utf8').trim();
}
