/**
 * GraphiQL served from the installed `@graphql-yoga/graphiql` package instead of a CDN: Yoga's own
 * page loads its script, stylesheet and editor workers from unpkg.com, so on a machine (or a
 * network) without that access it stays blank on "Loading…". Here the page and every file it
 * loads come from this server, under {@link GRAPHIQL_ASSET_PATH}.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'graphql-yoga';

/** URL path under which the GraphiQL bundle's files are served. */
export const GRAPHIQL_ASSET_PATH = '/graphiql/assets/';

/** The files GraphiQL's page loads, by URL name, with their content types. */
const ASSETS: Readonly<Record<string, { file: string; type: string }>> = {
  'graphiql.css': { file: 'graphiql.css', type: 'text/css; charset=utf-8' },
  'yoga-graphiql.umd.js': { file: 'yoga-graphiql.umd.js', type: 'text/javascript; charset=utf-8' },
  'editor.worker.js': {
    file: 'monacoeditorwork/editor.worker.bundle.js',
    type: 'text/javascript; charset=utf-8',
  },
  'json.worker.js': {
    file: 'monacoeditorwork/json.worker.bundle.js',
    type: 'text/javascript; charset=utf-8',
  },
  // The package names this file with two dots.
  'graphql.worker.js': {
    file: 'monacoeditorwork/graphql.worker..bundle.js',
    type: 'text/javascript; charset=utf-8',
  },
};

/** What the page is rendered with (a subset of Yoga's GraphiQL options). */
export interface GraphiQLPageOptions {
  /** The GraphQL endpoint the page talks to, e.g. `/graphql`. */
  readonly endpoint?: string;
  /** Page and header title. */
  readonly title?: string;
  /** The header editor's initial content, a JSON object as text (e.g. an `Authorization` header). */
  readonly defaultHeaders?: string;
  /** The query editor's initial content. */
  readonly defaultQuery?: string;
  /** Anything else Yoga's GraphiQL takes; passed through as JSON. */
  readonly [option: string]: unknown;
}

/**
 * The GraphiQL page: the same markup as Yoga's, with every script, stylesheet and worker loaded
 * from {@link GRAPHIQL_ASSET_PATH} on this server. Options are embedded as JSON with `<` escaped,
 * so no option value can close the script element.
 */
export function renderLocalGraphiQL(options: GraphiQLPageOptions): string {
  const title = escapeHtml(typeof options.title === 'string' ? options.title : 'NRR GraphiQL');
  // Yoga's page takes its first query as `query` (its own `defaultQuery` is ignored by GraphiQL 5).
  const { defaultQuery, ...rest } = options;
  const page = {
    ...rest,
    title: options.title ?? 'NRR GraphiQL',
    ...(defaultQuery ? { query: defaultQuery } : {}),
  };
  const json = JSON.stringify(page).replace(/</g, '\\u003c');
  const asset = (name: string) => `${GRAPHIQL_ASSET_PATH}${name}`;
  const workers = JSON.stringify({
    editorWorkerService: asset('editor.worker.js'),
    json: asset('json.worker.js'),
    graphql: asset('graphql.worker.js'),
  });
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<link rel="stylesheet" href="${asset('graphiql.css')}"></head>
<body id="body" class="no-focus-outline"><noscript>You need to enable JavaScript to run GraphiQL.</noscript>
<div id="root">Loading ${title}…</div>
<script>
const workerUrls = ${workers};
const workers = {};
function prepareWorkers() {
  return Promise.all(Object.entries(workerUrls).map(async ([label, url]) => {
    const source = await (await fetch(url)).text();
    workers[label] = URL.createObjectURL(new Blob([source], { type: 'application/javascript' }));
  }));
}
self.MonacoEnvironment = { globalAPI: false, getWorkerUrl: (_moduleId, label) => workers[label] };
</script>
<script src="${asset('yoga-graphiql.umd.js')}"></script>
<script>prepareWorkers().finally(() => { YogaGraphiQL.renderYogaGraphiQL(root, ${json}); });</script>
</body></html>`;
}

/** The installed bundle's `dist/` directory. */
function bundleDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@graphql-yoga/graphiql/package.json')), 'dist');
}

/**
 * A Yoga plugin answering `GET {@link GRAPHIQL_ASSET_PATH}<file>` with the bundle's files (read
 * once, kept in memory; about 8 MB, only after a browser first asked for them). Unknown names get 404.
 */
export function graphiqlAssets(): Plugin {
  const cache = new Map<string, Promise<Buffer<ArrayBuffer>>>();
  let dir: string | undefined;
  return {
    async onRequest({ url, request, endResponse, fetchAPI }) {
      if (!url.pathname.startsWith(GRAPHIQL_ASSET_PATH)) return;
      const name = url.pathname.slice(GRAPHIQL_ASSET_PATH.length);
      const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
      if (!asset || (request.method !== 'GET' && request.method !== 'HEAD')) {
        endResponse(new fetchAPI.Response('not found', { status: 404 }));
        return;
      }
      dir ??= bundleDir();
      let body = cache.get(name);
      if (!body) {
        body = readFile(join(dir, asset.file)) as Promise<Buffer<ArrayBuffer>>;
        body.catch(() => cache.delete(name));
        cache.set(name, body);
      }
      const bytes = await body;
      endResponse(
        new fetchAPI.Response(request.method === 'HEAD' ? null : bytes, {
          status: 200,
          headers: {
            'content-type': asset.type,
            'content-length': String(bytes.byteLength),
            'cache-control': 'public, max-age=86400',
            'x-content-type-options': 'nosniff',
          },
        }),
      );
    },
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
