/**
 * End to end, in Debian's Chromium: the API on a fresh PGlite directory with the demo tenant, the
 * panel built by Vite and served by its own backend (which mints the embed tokens), a real browser.
 * The figures on the cards must equal the API's own answers for the same window and segment.
 * Screenshots (light, dark) go to test-artifacts/; with UPDATE_SCREENSHOTS=1 the light one also
 * replaces docs/admin-panel.png, the README's picture.
 */
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { formatPercent, type SegmentFilter } from '@nrr/core';
import { formatPeriod, type PeriodPreset, resolvePeriod } from '@nrr/widgets';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPanel } from '../src/server/build.ts';
import { type PanelStack, startPanelStack } from '../src/server/stack.ts';
import { retentionFromApi } from './api.ts';
import { CHROMIUM_PATH, launchChromium, mustRunInBrowser } from './browser.ts';

const REPO_ROOT = resolve(import.meta.dirname, '../../..');
const ARTIFACTS = resolve(import.meta.dirname, '../test-artifacts');

if (!mustRunInBrowser) {
  console.warn(
    `admin panel e2e skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium); CI fails instead`,
  );
}

describe.runIf(mustRunInBrowser)('admin panel in Chromium against a live API', () => {
  let workDir: string;
  let stack: PanelStack;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'nrr-admin-panel-'));
    const [assetsDir, launched] = await Promise.all([buildPanel(join(workDir, 'dist')), launchChromium()]);
    browser = launched;
    stack = await startPanelStack({
      config: {
        database: { kind: 'pglite', dataDir: join(workDir, 'data') },
        tokenSecret: randomBytes(48).toString('base64url'),
        port: 0,
      },
      panelPort: 0,
      assetsDir,
    });
    page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    await page.goto(stack.panel.url);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  /** The figure shown on a figure card (`Net revenue retention`, `Gross revenue retention`). */
  const figure = (card: string) => page.getByRole('region', { name: card }).locator('.nrr-figure');

  /** What the API answers for a preset period and segment, as the cards format it. */
  async function expected(period: PeriodPreset, segment?: SegmentFilter) {
    const window = resolvePeriod(period);
    const figures = await retentionFromApi(stack.api.server.url, stack.api.demoKey, {
      ...window,
      ...(segment ? { segment } : {}),
    });
    return { nrr: formatPercent(figures.nrr), grr: formatPercent(figures.grr), figures };
  }

  async function expectCardsToShow(want: { nrr: string; grr: string }) {
    await expect
      .poll(() => figure('Net revenue retention').textContent(), { timeout: 30_000 })
      .toBe(want.nrr);
    await expect
      .poll(() => figure('Gross revenue retention').textContent(), { timeout: 30_000 })
      .toBe(want.grr);
  }

  async function waitForEveryCard() {
    await expect
      .poll(
        () =>
          page
            .locator('section.nrr-card')
            .evaluateAll((cards) => cards.map((card) => card.getAttribute('data-state'))),
        {
          timeout: 60_000,
        },
      )
      .toEqual(['ready', 'ready', 'ready', 'ready', 'ready', 'ready', 'ready']);
  }

  it('shows every card for the demo tenant, the NRR and GRR equal to the API’s for the last 12 months', async () => {
    const want = await expected('last-12-months');
    expect(want.figures.nrr).not.toBeNull();
    await expectCardsToShow(want);
    await waitForEveryCard();
    const titles = await page.locator('section.nrr-card .nrr-title').allTextContents();
    expect(titles).toEqual([
      'Net revenue retention',
      'Gross revenue retention',
      'Trailing-12-month retention',
      'MRR bridge',
      'NRR benchmarks',
      'Cohort retention',
      'Customer movements',
    ]);
    // The token came from the panel's backend, never from a key in the page.
    const html = await page.content();
    expect(html).not.toContain(stack.api.demoKey);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'admin-panel-light.png'), fullPage: true });
    if (process.env.UPDATE_SCREENSHOTS === '1') {
      await copyFile(join(ARTIFACTS, 'admin-panel-light.png'), join(REPO_ROOT, 'docs/admin-panel.png'));
    }
  });

  it('follows the period picker: last quarter’s figures are the API’s for last quarter', async () => {
    const before = await expected('last-12-months');
    const want = await expected('last-quarter');
    expect([want.nrr, want.grr]).not.toEqual([before.nrr, before.grr]);
    await page.getByLabel('Period', { exact: true }).selectOption('last-quarter');
    await expectCardsToShow(want);
    // Every card of the period says which window it shows: the quarter the API was asked about.
    const quarter = formatPeriod(resolvePeriod('last-quarter'), 'en-US');
    for (const card of ['Net revenue retention', 'Gross revenue retention', 'MRR bridge']) {
      const region = page.getByRole('region', { name: card });
      await expect.poll(() => region.locator('.nrr-subtitle').textContent()).toBe(quarter);
    }
  });

  it('follows the segment picker: plan, then size band, each equal to the API’s segment figures', async () => {
    await page.getByLabel('Segment by', { exact: true }).selectOption('plan');
    const value = page.getByLabel('Segment', { exact: true });
    await expect.poll(() => value.isEnabled()).toBe(true);
    const plans = await value.locator('option').allTextContents();
    expect(plans).toContain('Enterprise');
    await value.selectOption('Enterprise');
    const enterprise = await expected('last-quarter', {
      attributes: [{ name: 'plan', values: ['Enterprise'] }],
    });
    const everyone = await expected('last-quarter');
    expect([enterprise.nrr, enterprise.grr]).not.toEqual([everyone.nrr, everyone.grr]);
    await expectCardsToShow(enterprise);

    await page.getByLabel('Segment by', { exact: true }).selectOption('size_band');
    await value.selectOption('MID_MARKET');
    await expectCardsToShow(await expected('last-quarter', { sizeBands: ['MID_MARKET'] }));
  });

  it('tabs through the controls in order, each with a visible focus ring', async () => {
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.evaluate(() => window.scrollTo(0, 0));
    const names: string[] = [];
    for (let step = 0; step < 4; step += 1) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const element = document.activeElement as HTMLElement;
        const style = getComputedStyle(element);
        const label = element.id ? document.querySelector(`label[for="${element.id}"]`)?.textContent : null;
        return {
          name: label ?? element.textContent?.trim() ?? '',
          focusVisible: element.matches(':focus-visible'),
          outline: `${style.outlineStyle} ${style.outlineWidth}`,
        };
      });
      expect(focused.focusVisible, focused.name).toBe(true);
      expect(focused.outline, focused.name).toMatch(/^solid [1-9]/);
      names.push(focused.name);
    }
    expect(names).toEqual(['☀Dark mode', 'Period', 'Segment by', 'Segment']);
  });

  it('switches to dark mode from the keyboard: the panel and every card turn dark', async () => {
    await page.getByLabel('Period', { exact: true }).selectOption('last-12-months');
    await page.getByLabel('Segment by', { exact: true }).selectOption('all');
    await expectCardsToShow(await expected('last-12-months'));
    const toggle = page.getByRole('button', { name: 'Dark mode' });
    await toggle.focus();
    await page.keyboard.press('Space');
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    const themes = await page
      .locator('section.nrr-card')
      .evaluateAll((cards) => cards.map((card) => card.getAttribute('data-nrr-theme')));
    expect(new Set(themes)).toEqual(new Set(['dark']));
    const cardBackground = await page
      .locator('section.nrr-card')
      .first()
      .evaluate((card) => getComputedStyle(card).backgroundColor);
    expect(luminance(cardBackground)).toBeLessThan(0.1);
    await waitForEveryCard();
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(ARTIFACTS, 'admin-panel-dark.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});

/** Relative luminance (0 black … 1 white) of a CSS `rgb(r, g, b)` colour. */
function luminance(color: string): number {
  const channels =
    color
      .match(/\d+(\.\d+)?/g)
      ?.slice(0, 3)
      .map(Number) ?? [];
  const [r = 255, g = 255, b = 255] = channels.map((value) => {
    const c = value / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
