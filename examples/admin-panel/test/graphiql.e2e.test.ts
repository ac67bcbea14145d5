/**
 * GraphiQL as `pnpm start` serves it, in Debian's Chromium with no network beyond this machine:
 * the page renders from the API's own files, its header editor holds the demo key, the schema
 * loads without an error and the first query runs.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type StartedApi, startApi } from '@nrr/api';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, mustRunInBrowser } from './browser.ts';

describe.runIf(mustRunInBrowser)('GraphiQL in Chromium', () => {
  let workDir: string;
  let started: StartedApi;
  let browser: Browser;
  let page: Page;
  const foreign: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'nrr-graphiql-'));
    [started, browser] = await Promise.all([
      startApi({
        config: {
          database: { kind: 'pglite', dataDir: join(workDir, 'data') },
          tokenSecret: randomBytes(48).toString('base64url'),
          port: 0,
        },
        demo: { customers: 40, months: 12 },
      }),
      launchChromium(),
    ]);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const origin = new URL(started.server.url.replace('localhost', '127.0.0.1')).origin;
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(origin) && !url.startsWith('blob:') && !url.startsWith('data:')) foreign.push(url);
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${origin}/graphql`);
  });

  afterAll(async () => {
    await browser?.close();
    await started?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('renders the editor from the API’s own files, asking no other host', async () => {
    await page.locator('.graphiql-container').first().waitFor({ timeout: 60_000 });
    await expect
      .poll(() => page.locator('.graphiql-query-editor').count(), { timeout: 30_000 })
      .toBeGreaterThan(0);
    expect(foreign).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('holds the demo key in its headers and loads the schema without an error', async () => {
    expect(await page.content()).toContain(started.demoKey);
    await page.getByRole('button', { name: /show documentation explorer/i }).click();
    await expect
      .poll(() => page.locator('.graphiql-doc-explorer').textContent(), { timeout: 30_000 })
      .toMatch(/Query/);
    expect(await page.locator('.graphiql-container').first().textContent()).not.toMatch(
      /error fetching|unauthenticated/i,
    );
  });

  it('runs the first query and shows the tenant', async () => {
    await page.locator('.graphiql-execute-button').click();
    await expect
      .poll(() => page.locator('.graphiql-response').textContent(), { timeout: 30_000 })
      .toMatch(/"id":\s*"demo"/);
  });
});
