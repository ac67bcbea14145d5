/**
 * A live API for the smoke test: in-memory PGlite, real migrations,
 * a generated tenant over 2023–2025 (so figures do not depend on today), a read key, a real port.
 */
import { pathToFileURL } from 'node:url';
import { createApi, createApiKey, listen, loadDemoTenant, openDatabase } from '@nrr/api';

/** Starts the API on a real port; returns its URL, a secret read key and how to stop it. */
export async function startLiveApi() {
  const database = await openDatabase({ kind: 'pglite', dataDir: undefined });
  await database.migrate();
  await loadDemoTenant(database.db, {
    tenantId: 'partner',
    customers: 500,
    months: 36,
    start: Date.UTC(2023, 0, 1),
  });
  const { secret } = await createApiKey(database.db, {
    tenantId: 'partner',
    name: 'partner view test',
    scope: 'read',
  });
  const api = createApi({
    db: database.db,
    tokenSecret: 'partner-view-test-secret-of-32-bytes-ok',
    rateLimit: false,
  });
  const server = await listen(api, 0);
  return {
    url: server.url,
    key: secret,
    async close() {
      await server.close();
      await database.close();
    },
  };
}

// Run as a script (`tsx --conditions=@nrr/source test/live-api.ts`): start, print `{ url, key }` as one
// JSON line, stop on SIGTERM. The jsdom tests run the API this way, in Node proper.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const live = await startLiveApi();
  console.log(JSON.stringify({ url: live.url, key: live.key }));
  process.once('SIGTERM', () => {
    live.close().then(() => process.exit(0));
  });
}
