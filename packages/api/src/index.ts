/**
 * @nrr/api as a library: build the API over a database (`createApi`), listen (`listen`), or start
 * it the way `pnpm start` does (`startApi`). Hosts and tests use these; the `nrr` command line is
 * the other entry point.
 */
export { createApiKey, type KeyScope } from './auth/keys.ts';
export { configFromEnv, DEFAULT_PORT, type ServerConfig } from './config.ts';
export { type Database, type DatabaseTarget, type Db, openDatabase } from './db/connect.ts';
export { DEMO_ORIGINS, type DemoOptions, loadDemoTenant } from './demo.ts';
export { listen, type RunningServer } from './server.ts';
export {
  apiBanner,
  closeOnSignals,
  DEMO_TENANT,
  type StartApiOptions,
  type StartedApi,
  startApi,
} from './start.ts';
export { ensureTenant, findTenant, setAllowedOrigins, type Tenant } from './tenants.ts';
export { type Api, type ApiOptions, createApi } from './yoga.ts';
