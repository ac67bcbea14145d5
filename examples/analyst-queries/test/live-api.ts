/** A live API for the tests: in-memory PGlite, real migrations, a generated tenant, a read key, a real port. */
import { createApi, createApiKey, listen, loadDemoTenant, openDatabase } from '@nrr/api';

/** The generated tenant's data: 36 months from January 2023, so its figures do not depend on today. */
export const DATA_START = Date.UTC(2023, 0, 1);

/** The date the queries run "as of": windows end with December 2025. */
export const AS_OF = '2026-01-15';

/** A listening API with a read key; `close` stops it. */
export async function startLiveApi(customers = 500) {
  const database = await openDatabase({ kind: 'pglite', dataDir: undefined });
  await database.migrate();
  await loadDemoTenant(database.db, { tenantId: 'analyst', customers, months: 36, start: DATA_START });
  const { secret } = await createApiKey(database.db, {
    tenantId: 'analyst',
    name: 'analyst test',
    scope: 'read',
  });
  const api = createApi({
    db: database.db,
    tokenSecret: 'analyst-queries-test-secret-of-32-bytes+',
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

/** Asks the API a question directly (not through the script's code) and returns `data`. */
export async function ask<T>(
  live: { url: string; key: string },
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const response = await fetch(`${live.url}/graphql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${live.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown };
  if (!body.data || body.errors) throw new Error(`query failed: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/** The data rows of the printed section whose title starts with `title`, cells split on 2+ spaces. */
export function sectionRows(printout: string, title: string): string[][] {
  const section = printout.split('\n\n').find((candidate) => candidate.startsWith(title));
  if (!section) throw new Error(`no section titled ${JSON.stringify(title)} in:\n${printout}`);
  const lines = section.split('\n');
  const rule = lines.findIndex((line, index) => index > 1 && /^─/.test(line));
  return lines
    .slice(rule + 1)
    .filter((line) => !line.startsWith('…'))
    .map((line) => line.trim().split(/\s{2,}/));
}
