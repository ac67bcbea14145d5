/**
 * `pnpm start`: migrates, loads the demo tenant if absent, serves the API and prints the URLs
 * and a fresh read-only demo key (earlier keys made by `pnpm start` are revoked).
 * {@link startApi} does the work without printing, so that a host (the example admin panel's
 * orchestrator, end-to-end tests) can start the API the same way and serve something next to it.
 */
import { pathToFileURL } from 'node:url';
import { createApiKey, listApiKeys, revokeApiKey } from './auth/keys.ts';
import { apiTuning, configFromEnv, type ServerConfig } from './config.ts';
import { type Database, openDatabase } from './db/connect.ts';
import { type DemoOptions, loadDemoTenant } from './demo.ts';
import { listen, type RunningServer } from './server.ts';
import { WebhookDispatcher } from './webhooks/dispatcher.ts';
import { type Api, createApi } from './yoga.ts';

/** The tenant `pnpm start` loads and hands a key for. */
export const DEMO_TENANT = 'demo';
const START_KEY_NAME = 'pnpm start';

/** Options of {@link startApi}. */
export interface StartApiOptions {
  /** Database, token secret and port (see `configFromEnv`). */
  readonly config: ServerConfig;
  /** Demo tenant generator options; default the full demo (2,000 customers, 36 months, tenant `demo`). */
  readonly demo?: DemoOptions;
  /** Progress lines (database, demo load); default silent. */
  readonly log?: (line: string) => void;
}

/** A started API: its server, the demo key and how to stop both. */
export interface StartedApi {
  readonly server: RunningServer;
  readonly database: Database;
  readonly api: Api;
  /** Tenant of {@link demoKey}. */
  readonly tenantId: string;
  /** A fresh read-only secret key of the demo tenant (`nrr_sk_…`); earlier `pnpm start` keys are revoked. */
  readonly demoKey: string;
  /** Sends the outbox's webhooks (stopped by {@link StartedApi.close}). */
  readonly webhooks: WebhookDispatcher;
  /** Closes the server and the webhook dispatcher, then the database. */
  close(): Promise<void>;
}

/** The query GraphiQL opens with under `pnpm start`: who the key is, then a year of retention. */
const GRAPHIQL_FIRST_QUERY = `# The demo key is in the Headers tab below (for browsers on this machine).
# Run with Ctrl+Enter; the Docs button lists every field.
{
  viewer {
    tenant { id name currencies dataEnd }
  }
}
`;

/** Migrates, loads the demo tenant if absent, creates a fresh read-only key and listens. */
export async function startApi(options: StartApiOptions): Promise<StartedApi> {
  const { config } = options;
  const log = options.log ?? (() => {});
  const tenantId = options.demo?.tenantId ?? DEMO_TENANT;
  const database = await openDatabase(config.database);
  await database.migrate();
  const where =
    config.database.kind === 'postgres' ? 'Postgres (DATABASE_URL)' : `PGlite in ${config.database.dataDir}`;
  log(`database: ${where}, migrated`);
  const started = Date.now();
  const demo = await loadDemoTenant(database.db, { ...options.demo, tenantId });
  if (demo.created)
    log(`demo tenant loaded in ${((Date.now() - started) / 1000).toFixed(1)} s: ${demo.summary}`);
  for (const key of await listApiKeys(database.db, tenantId)) {
    if (key.name === START_KEY_NAME && !key.revokedAt) await revokeApiKey(database.db, tenantId, key.keyId);
  }
  const { secret } = await createApiKey(database.db, { tenantId, name: START_KEY_NAME, scope: 'read' });
  const api = createApi({
    db: database.db,
    tokenSecret: config.tokenSecret,
    // GraphiQL opened on this machine starts with the demo key in its header editor.
    graphiql: {
      localDefaultHeaders: JSON.stringify({ Authorization: `Bearer ${secret}` }, null, 2),
      defaultQuery: GRAPHIQL_FIRST_QUERY,
    },
    ...apiTuning(config),
  });
  const server = await listen(api, config.port);
  const webhooks = new WebhookDispatcher(database.db, config.webhooks ?? {}).start();
  return {
    server,
    database,
    api,
    tenantId,
    demoKey: secret,
    webhooks,
    async close() {
      await server.close();
      await webhooks.stop();
      await api.close();
      await database.close();
    },
  };
}

/** What `pnpm start` prints about a started API: its URLs, the demo key and a curl to try. */
export function apiBanner(started: StartedApi): string {
  const { url } = started.server;
  return `GraphQL API   ${url}/graphql   (GraphiQL in a browser here: the key is prefilled)
Embed tokens  POST ${url}/v1/embed-tokens
Demo key (read-only, tenant "${started.tenantId}"):
  Authorization: Bearer ${started.demoKey}

Try:
  curl -s ${url}/graphql -H 'content-type: application/json' \\
    -H 'authorization: Bearer ${started.demoKey}' \\
    -d '{"query":"{ viewer { tenant { id name currencies dataEnd } } }"}'
`;
}

/** Stops `close` on SIGINT or SIGTERM, then exits. */
export function closeOnSignals(close: () => Promise<void>): void {
  const stop = async () => {
    await close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function main(): Promise<void> {
  const started = await startApi({ config: configFromEnv(), log: (line) => console.log(line) });
  console.log(`\n${apiBanner(started)}`);
  closeOnSignals(() => started.close());
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
