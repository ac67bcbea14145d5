/**
 * Global setup of the widgets tests: the real API, in this process, for test/api-integration.test.tsx.
 * PGlite with the real migrations, the dbt MRR playbook imported as tenant `dbt`, a read key, and
 * graphql-yoga listening on a free local port (the jsdom tests reach it with the real `fetch`; the
 * API's modules need Node's file URLs, which jsdom's `URL` does not give them, hence a global setup).
 */
import { resolve } from 'node:path';
import {
  createApi,
  createApiKey,
  fileLines,
  listen,
  loadDemoTenant,
  openDatabase,
  runImport,
} from '@nrr/api';
import type { TestProject } from 'vitest/node';

const DBT_PERIODS = resolve(
  import.meta.dirname,
  '../../../../shared/datasets/dbt-mrr-playbook/subscription_periods.csv',
);

declare module 'vitest' {
  export interface ProvidedContext {
    /**
     * Where the in-process API listens, a read key of tenant `dbt`, and one of tenant `demo` (60
     * generated customers with plan, country and industry, paying from 2023-01 to 2023-12), and a
     * read_write key of tenant `dbt-settings` (the same playbook, for tests that change its settings).
     */
    nrrApi: { url: string; secret: string; demoSecret: string; settingsSecret: string };
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const database = await openDatabase({ kind: 'pglite', dataDir: undefined });
  await database.migrate();
  await runImport(database.db, {
    tenantId: 'dbt',
    format: 'periods',
    source: await fileLines(DBT_PERIODS),
    sourceName: DBT_PERIODS,
    actor: 'widgets-tests',
    createTenant: true,
    currency: 'USD',
  });
  const { secret } = await createApiKey(database.db, { tenantId: 'dbt', scope: 'read' });
  await runImport(database.db, {
    tenantId: 'dbt-settings',
    format: 'periods',
    source: await fileLines(DBT_PERIODS),
    sourceName: DBT_PERIODS,
    actor: 'widgets-tests',
    createTenant: true,
    currency: 'USD',
  });
  const settings = await createApiKey(database.db, { tenantId: 'dbt-settings', scope: 'read_write' });
  await loadDemoTenant(database.db, { customers: 60, months: 12, start: Date.UTC(2023, 0, 1) });
  const demo = await createApiKey(database.db, { tenantId: 'demo', scope: 'read' });
  const api = createApi({
    db: database.db,
    tokenSecret: 'widgets-tests-secret-of-at-least-32-bytes',
    rateLimit: false,
  });
  const server = await listen(api, 0);
  project.provide('nrrApi', {
    url: server.url,
    secret,
    demoSecret: demo.secret,
    settingsSecret: settings.secret,
  });
  return async () => {
    await server.close();
    await database.close();
  };
}
