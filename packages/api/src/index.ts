/**
 * @nrr/api: GraphQL API over Postgres (or embedded PGlite) for NRR analytics. Figures come from
 * @nrr/core; this package stores billing data per tenant, authenticates callers and serves them.
 */

export { defaultEngineWorkers, type EnginePool } from './analytics/engine-pool.ts';
export type { EmbedClaims } from './auth/embed-tokens.ts';
export {
  DEFAULT_EMBED_TTL_SECONDS,
  MAX_EMBED_TTL_SECONDS,
  signEmbedToken,
  tokenKey,
  verifyEmbedToken,
} from './auth/embed-tokens.ts';
export type { ApiKeyRecord, KeyScope } from './auth/keys.ts';
export { createApiKey, listApiKeys, revokeApiKey, SECRET_KEY_PREFIX } from './auth/keys.ts';
export type { Principal } from './auth/principal.ts';
export { parseColumnMapping } from './cli/mapping.ts';
export { runCli } from './cli.ts';
export type { ServerConfig } from './config.ts';
export { configFromEnv, DEFAULT_PORT } from './config.ts';
export type { ApiContext } from './context.ts';
export type { Database, DatabaseTarget, Db } from './db/connect.ts';
export { DEFAULT_DATA_DIR, MIGRATIONS_FOLDER, openDatabase, targetFromEnv } from './db/connect.ts';
export { DataDirLocked, type LockHolder } from './db/data-dir-lock.ts';
export type { Tx } from './db/tenant-scope.ts';
export { withTenant } from './db/tenant-scope.ts';
export type { DemoOptions } from './demo.ts';
export { DEMO_ORIGINS, loadDemoTenant } from './demo.ts';
export type { ApiErrorCode } from './errors.ts';
export { ApiError } from './errors.ts';
export { setFxRate, setFxRates } from './fx-rates.ts';
export { fileLineChunks, fileLines } from './imports/file-source.ts';
export type { ImportFormat, ImportOrigin, ImportRequest, ImportSummary } from './imports/run-import.ts';
export { IMPORT_FORMATS, ImportFailed, runImport, storeSpans } from './imports/run-import.ts';
export { MAX_COST, MAX_DEPTH, MAX_PAGE_SIZE } from './internal/query-limits.ts';
export { DEFAULT_MAX_RESPONSE_BYTES } from './internal/response-limit.ts';
export { DEFAULT_WORK_BUDGET } from './internal/work-budget.ts';
export { buildSchema } from './schema/index.ts';
export type { RunningServer } from './server.ts';
export { listen } from './server.ts';
export type { StartApiOptions, StartedApi } from './start.ts';
export { apiBanner, closeOnSignals, DEMO_TENANT, startApi } from './start.ts';
export { addStripeSecret } from './stripe/secrets.ts';
export type { Tenant } from './tenants.ts';
export { ensureTenant, findTenant, listTenants, setAllowedOrigins } from './tenants.ts';
export type { Api, ApiOptions, BucketSize, RateLimitOptions, ServerContext } from './yoga.ts';
export { createApi } from './yoga.ts';
