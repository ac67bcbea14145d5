/**
 * `pnpm start`: migrates, loads the demo tenant if absent, serves the API and prints the URLs
 * and a fresh read-only demo key (earlier keys made by `pnpm start` are revoked).
 */
import { createApiKey, listApiKeys, revokeApiKey } from './auth/keys.ts';
import { configFromEnv } from './config.ts';
import { openDatabase } from './db/connect.ts';
import { loadDemoTenant } from './demo.ts';
import { listen } from './server.ts';
import { createApi } from './yoga.ts';

const DEMO_TENANT = 'demo';
const START_KEY_NAME = 'pnpm start';

async function main(): Promise<void> {
  const config = configFromEnv();
  const database = await openDatabase(config.database);
  await database.migrate();
  const where =
    config.database.kind === 'postgres' ? 'Postgres (DATABASE_URL)' : `PGlite in ${config.database.dataDir}`;
  console.log(`database: ${where}, migrated`);
  const started = Date.now();
  const demo = await loadDemoTenant(database.db, { tenantId: DEMO_TENANT });
  if (demo.created)
    console.log(`demo tenant loaded in ${((Date.now() - started) / 1000).toFixed(1)} s: ${demo.summary}`);
  for (const key of await listApiKeys(database.db, DEMO_TENANT)) {
    if (key.name === START_KEY_NAME && !key.revokedAt)
      await revokeApiKey(database.db, DEMO_TENANT, key.keyId);
  }
  const { secret } = await createApiKey(database.db, {
    tenantId: DEMO_TENANT,
    name: START_KEY_NAME,
    scope: 'read',
  });
  const api = createApi({ db: database.db, tokenSecret: config.tokenSecret });
  const server = await listen(api, config.port);
  console.log(`
GraphQL API   ${server.url}/graphql   (GraphiQL in a browser; add the header below)
Embed tokens  POST ${server.url}/v1/embed-tokens
Demo key (read-only, tenant "${DEMO_TENANT}"):
  Authorization: Bearer ${secret}

Try:
  curl -s ${server.url}/graphql -H 'content-type: application/json' \\
    -H 'authorization: Bearer ${secret}' \\
    -d '{"query":"{ viewer { tenant { id name currencies dataEnd } } }"}'
`);
  const stop = async () => {
    await server.close();
    await database.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
