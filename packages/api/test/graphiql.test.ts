/**
 * GraphiQL is served whole by the API: the page names no other host, every file it loads answers
 * from this server, and the header editor is prefilled only for browsers on this machine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRAPHIQL_ASSET_PATH } from '../src/graphiql.ts';
import { listen, type RunningServer } from '../src/server.ts';
import { createApi } from '../src/yoga.ts';
import { openTestDatabase, TEST_TOKEN_SECRET, type TestDatabase } from './harness.ts';

const HTML = { accept: 'text/html' };
const HEADERS = JSON.stringify({ Authorization: 'Bearer nrr_sk_demo' });

describe('GraphiQL from the installed package', () => {
  let database: TestDatabase;
  let server: RunningServer;
  let api: ReturnType<typeof createApi>;

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    api = createApi({
      db: database.database.db,
      tokenSecret: TEST_TOKEN_SECRET,
      rateLimit: false,
      graphiql: { localDefaultHeaders: HEADERS },
    });
    server = await listen(api, 0);
  });
  afterAll(async () => {
    await server?.close();
    await database?.dispose();
  });

  it('serves a page that loads nothing from another host', async () => {
    const response = await api.fetch(new Request('http://localhost/graphql', { headers: HTML }));
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain('YogaGraphiQL.renderYogaGraphiQL');
    expect(page).not.toMatch(/unpkg|jsdelivr|https?:\/\//);
    const loaded = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
    expect(loaded.length).toBeGreaterThanOrEqual(2);
    for (const path of loaded) expect(path?.startsWith(GRAPHIQL_ASSET_PATH)).toBe(true);
  });

  it('answers every file the page and its editor workers load, with its content type', async () => {
    const page = await (await api.fetch(new Request('http://localhost/graphql', { headers: HTML }))).text();
    const paths = [...page.matchAll(/"(\/graphiql\/assets\/[^"]+)"/g)].map((match) => match[1] as string);
    expect(new Set(paths).size).toBe(5);
    for (const path of new Set(paths)) {
      const response = await api.fetch(new Request(`http://localhost${path}`));
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toMatch(
        path.endsWith('.css') ? /text\/css/ : /javascript/,
      );
      expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(10_000);
    }
    expect(
      (await api.fetch(new Request(`http://localhost${GRAPHIQL_ASSET_PATH}../package.json`))).status,
    ).toBe(404);
    expect((await api.fetch(new Request(`http://localhost${GRAPHIQL_ASSET_PATH}constructor`))).status).toBe(
      404,
    );
  });

  it('prefills the header editor for a browser on this machine only', async () => {
    const local = await (
      await fetch(`${server.url.replace('localhost', '127.0.0.1')}/graphql`, { headers: HTML })
    ).text();
    expect(local).toContain(JSON.stringify(HEADERS).slice(1, -1));
    // Without a socket to tell where the browser is (a fetch handler, a proxy's adapter), nothing is prefilled.
    const unknown = await (
      await api.fetch(new Request('http://localhost/graphql', { headers: HTML }))
    ).text();
    expect(unknown).not.toContain('nrr_sk_demo');
  });

  it('embeds options so that no value can close the script element', async () => {
    const hostile = createApi({
      db: database.database.db,
      tokenSecret: TEST_TOKEN_SECRET,
      rateLimit: false,
      graphiql: { localDefaultHeaders: '</script><script>alert(1)</script>' },
    });
    const running = await listen(hostile, 0);
    try {
      const page = await (
        await fetch(`${running.url.replace('localhost', '127.0.0.1')}/graphql`, { headers: HTML })
      ).text();
      expect(page).not.toContain('</script><script>alert(1)');
      expect(page).toContain('\\u003c/script>');
    } finally {
      await running.close();
    }
  });
});
