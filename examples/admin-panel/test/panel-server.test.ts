/**
 * The panel's backend without a browser: it mints embed tokens with the key it holds (and the API
 * accepts them), never hands out the key, serves the built app and refuses what it should.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PanelStack, startPanelStack } from '../src/server/stack.ts';

describe('the admin panel backend', () => {
  let workDir: string;
  let stack: PanelStack;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'nrr-panel-server-'));
    const assetsDir = join(workDir, 'dist');
    await mkdir(join(assetsDir, 'assets'), { recursive: true });
    await writeFile(join(assetsDir, 'index.html'), '<!doctype html><title>panel</title>');
    await writeFile(join(assetsDir, 'assets', 'app-1234.js'), 'console.log(1)');
    await writeFile(join(workDir, 'secret.txt'), 'outside the assets');
    stack = await startPanelStack({
      config: {
        database: { kind: 'pglite', dataDir: join(workDir, 'data') },
        tokenSecret: randomBytes(48).toString('base64url'),
        port: 0,
      },
      panelPort: 0,
      assetsDir,
      demo: { customers: 50, months: 12 },
    });
  });

  afterAll(async () => {
    await stack?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('mints an embed token with its secret key, and the API answers that token for the demo tenant', async () => {
    const response = await fetch(`${stack.panel.url}/api/nrr-token`, { method: 'POST' });
    expect(response.status).toBe(201);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const minted = (await response.json()) as { token: string; expiresAt: string; tenantId: string };
    expect(minted.tenantId).toBe('demo');
    expect(JSON.stringify(minted)).not.toContain(stack.api.demoKey);
    const lifetime = Date.parse(minted.expiresAt) - Date.now();
    expect(lifetime).toBeGreaterThan(14 * 60_000);
    expect(lifetime).toBeLessThanOrEqual(15 * 60_000);

    const viewer = await fetch(`${stack.api.server.url}/graphql`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${minted.token}`,
        'content-type': 'application/json',
        origin: new URL(stack.panel.url).origin,
      },
      body: JSON.stringify({ query: '{ viewer { kind tenant { id } } }' }),
    });
    expect(viewer.headers.get('access-control-allow-origin')).toBe(new URL(stack.panel.url).origin);
    expect(await viewer.json()).toEqual({
      data: { viewer: { kind: 'EMBED_TOKEN', tenant: { id: 'demo' } } },
    });
  });

  it('tells the browser where the API is, and nothing else', async () => {
    const response = await fetch(`${stack.panel.url}/api/config`);
    expect(await response.json()).toEqual({ graphqlEndpoint: `${stack.api.server.url}/graphql` });
  });

  it('serves the app shell for client routes, assets as immutable, and 404 for missing assets and files outside', async () => {
    const shell = await fetch(`${stack.panel.url}/some/client/route`);
    expect(shell.status).toBe(200);
    expect(shell.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await shell.text()).toContain('<title>panel</title>');

    const asset = await fetch(`${stack.panel.url}/assets/app-1234.js`);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');

    expect((await fetch(`${stack.panel.url}/assets/missing.js`)).status).toBe(404);
    // An encoded slash survives URL parsing and decodes to `../`: the path must stay inside the assets.
    const traversal = await rawGet(stack.panel.url, '/..%2fsecret.txt');
    expect(traversal.status).toBe(404);
    expect(traversal.body).not.toContain('outside the assets');
  });

  it('refuses other methods on the token route and unknown API routes', async () => {
    expect((await fetch(`${stack.panel.url}/api/nrr-token`)).status).toBe(405);
    const unknown = await fetch(`${stack.panel.url}/api/keys`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no route /api/keys' } });
  });
});

/** A GET with the path sent exactly as given (fetch would normalise it). */
function rawGet(base: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    get({ hostname, port, path }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}
