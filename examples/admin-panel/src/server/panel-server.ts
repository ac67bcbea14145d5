/**
 * The host app's own backend, as a real product team would write it: it serves the panel's built
 * assets and holds the secret API key. The browser never sees that key: it asks this backend for a
 * short-lived embed token (`POST /api/nrr-token`), and this backend asks the NRR API for one
 * (`POST /v1/embed-tokens` with the key). The cards then call the NRR API directly with the token.
 */
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

/** Options of {@link startPanelServer}. */
export interface PanelServerOptions {
  /** Base URL of the NRR API as the browser reaches it, e.g. `http://localhost:4000`. */
  readonly apiUrl: string;
  /** Secret API key (`nrr_sk_…`) of the host's tenant; stays on this server. */
  readonly secretKey: string;
  /** Directory of the built panel (`vite build` output, with `index.html`). */
  readonly assetsDir: string;
  /** Port to listen on; 0 = any free port. */
  readonly port: number;
  /** Interface to listen on; default every interface. */
  readonly host?: string;
  /** Lifetime of the embed tokens it mints, in seconds; default 900 (the API allows up to 3,600). */
  readonly tokenTtlSeconds?: number;
}

/** A listening panel backend. */
export interface PanelServer {
  /** Base URL, e.g. `http://localhost:5173`. */
  readonly url: string;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
};

/** Starts the backend: `/api/config`, `/api/nrr-token` and the static panel (any other path gets `index.html`). */
export async function startPanelServer(options: PanelServerOptions): Promise<PanelServer> {
  const server = createServer((request, response) => {
    route(options, request, response).catch((error: unknown) => {
      console.error('admin panel backend:', error);
      if (!response.headersSent)
        sendJson(response, 500, { error: { code: 'INTERNAL', message: 'internal error' } });
      else response.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

async function route(options: PanelServerOptions, request: IncomingMessage, response: ServerResponse) {
  const path = new URL(request.url ?? '/', 'http://panel').pathname;
  if (path === '/api/config' && request.method === 'GET') {
    return sendJson(response, 200, { graphqlEndpoint: `${options.apiUrl}/graphql` });
  }
  if (path === '/api/nrr-token') {
    if (request.method !== 'POST')
      return sendJson(response, 405, { error: { code: 'BAD_USER_INPUT', message: 'use POST' } });
    // A real host checks its own session here (is this user signed in, which customer account is
    // theirs) and may lock the token to that user's segment with `segment`.
    return mintEmbedToken(options, response);
  }
  if (path.startsWith('/api/'))
    return sendJson(response, 404, { error: { code: 'NOT_FOUND', message: `no route ${path}` } });
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return sendJson(response, 405, { error: { code: 'BAD_USER_INPUT', message: 'use GET' } });
  }
  return sendAsset(options.assetsDir, path, response);
}

/** Asks the NRR API for an embed token with the secret key and passes its answer on unchanged. */
async function mintEmbedToken(options: PanelServerOptions, response: ServerResponse) {
  const answer = await fetch(`${options.apiUrl}/v1/embed-tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${options.secretKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ttlSeconds: options.tokenTtlSeconds ?? 900 }),
  });
  response.writeHead(answer.status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  response.end(await answer.text());
}

async function sendAsset(assetsDir: string, path: string, response: ServerResponse) {
  const root = normalize(assetsDir + sep);
  let file = normalize(join(root, decodeURIComponent(path)));
  if (!file.startsWith(root))
    return sendJson(response, 404, { error: { code: 'NOT_FOUND', message: 'not found' } });
  const found = await stat(file).catch(() => undefined);
  // Client-side routes fall back to the app shell; missing hashed assets stay 404s.
  if (!found?.isFile()) {
    if (path.startsWith('/assets/'))
      return sendJson(response, 404, { error: { code: 'NOT_FOUND', message: 'not found' } });
    file = join(root, 'index.html');
  }
  const body = await readFile(file);
  response.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'cache-control': file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  response.end(body);
}

function sendJson(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  response.end(JSON.stringify(body));
}
