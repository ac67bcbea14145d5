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

  /** A fresh page (its own storage) at `width` px, optionally with the OS in dark mode. */
  async function openPanel(width: number, colorScheme: 'light' | 'dark' = 'light') {
    const fresh = await browser.newPage({ viewport: { width, height: 900 }, colorScheme });
    fresh.on('pageerror', (error) => pageErrors.push(error.message));
    return fresh;
  }

  async function cardStates(target: Page) {
    return target
      .locator('section.nrr-card')
      .evaluateAll((cards) => cards.map((card) => card.getAttribute('data-state')));
  }

  for (const width of [390, 1280]) {
    it(`keeps every text in the cards at 12px or more at ${width}px, and the page from scrolling sideways`, async () => {
      const narrow = await openPanel(width);
      await narrow.goto(stack.panel.url);
      await expect.poll(() => cardStates(narrow), { timeout: 60_000 }).toEqual(Array(7).fill('ready'));
      const measured = await narrow.evaluate(() => {
        const sizes: { text: string; px: number }[] = [];
        for (const card of document.querySelectorAll('section.nrr-card')) {
          const walker = document.createTreeWalker(card, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const element = node.parentElement;
            if (!element || !node.textContent?.trim() || element.closest('.nrr-sr-only')) continue;
            // Text inside an SVG is drawn at its font size times the SVG's scale.
            const graphic = element.closest('svg') ? (element as unknown as SVGGraphicsElement) : null;
            const scale = graphic?.getScreenCTM?.()?.a ?? 1;
            sizes.push({
              text: node.textContent.trim(),
              px: Number.parseFloat(getComputedStyle(element).fontSize) * scale,
            });
          }
        }
        const root = document.documentElement;
        return { sizes, overflow: root.scrollWidth - root.clientWidth };
      });
      expect(measured.sizes.length).toBeGreaterThan(100);
      expect(measured.sizes.filter((size) => size.px < 12)).toEqual([]);
      expect(measured.overflow).toBeLessThanOrEqual(0);
      await mkdir(ARTIFACTS, { recursive: true });
      await narrow.screenshot({ path: join(ARTIFACTS, `admin-panel-${width}.png`), fullPage: true });
      if (width === 390) {
        // The cohort table is wider than a phone: it says it scrolls, and shows a shadow where columns hide.
        const region = narrow.getByRole('region', { name: /^Revenue retention by cohort.*scroll sideways/ });
        await expect.poll(() => region.count()).toBe(1);
        const frame = narrow.locator('.nrr-cohorts .nrr-scroll-frame');
        expect(await frame.getAttribute('data-overflow')).toBe('end');
        const shadow = frame.locator('[data-side="end"]');
        await expect.poll(() => shadow.evaluate((element) => getComputedStyle(element).opacity)).toBe('1');
      }
      await narrow.close();
    });
  }

  it('holds each card’s size while loading, busy, with a skeleton', async () => {
    const slow = await openPanel(390);
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    await slow.route('**/graphql', async (route) => {
      await gate;
      await route.continue();
    });
    await slow.goto(stack.panel.url);
    await expect.poll(() => cardStates(slow), { timeout: 30_000 }).toEqual(Array(7).fill('loading'));
    const busy = await slow
      .locator('section.nrr-card')
      .evaluateAll((cards) => cards.map((card) => card.getAttribute('aria-busy')));
    expect(busy).toEqual(Array(7).fill('true'));
    // Cards whose loaded size is known before the figures arrive (fixed-height charts, a row per
    // cohort month or per page row); the figure cards' and benchmarks' depend on their text.
    const sized = ['.nrr-trend', '.nrr-bridge', '.nrr-cohorts', '.nrr-movements'];
    const boxes = () =>
      Promise.all(
        sized.map((selector) =>
          slow.locator(`section${selector}`).evaluate((card) => {
            const box = card.getBoundingClientRect();
            return { width: Math.round(box.width), height: Math.round(box.height) };
          }),
        ),
      );
    const loading = await boxes();
    release();
    await expect.poll(() => cardStates(slow), { timeout: 60_000 }).toEqual(Array(7).fill('ready'));
    const loaded = await boxes();
    sized.forEach((selector, index) => {
      expect(
        Math.abs((loading[index]?.height ?? 0) - (loaded[index]?.height ?? 0)),
        selector,
      ).toBeLessThanOrEqual(4);
      expect(loading[index]?.width, selector).toBe(loaded[index]?.width);
    });
    await slow.close();
  });

  it('says once, in plain words, that the API cannot be reached, and "Try again" brings the cards back', async () => {
    const offline = await openPanel(1280);
    await offline.route('**/graphql', (route) => route.abort('internetdisconnected'));
    await offline.goto(stack.panel.url);
    await expect.poll(() => cardStates(offline), { timeout: 60_000 }).toEqual(Array(7).fill('error'));
    const alerts = offline.getByRole('alert');
    expect(await alerts.count()).toBe(1);
    expect(await alerts.locator('p').textContent()).toBe(
      'The retention figures cannot be shown: the analytics service could not be reached.',
    );
    expect(await alerts.locator('details').evaluate((details) => (details as HTMLDetailsElement).open)).toBe(
      false,
    );
    const texts = await offline.locator('section.nrr-card').allTextContents();
    for (const text of texts) {
      expect(text).toContain('Not loaded (see the message above).');
      expect(text).not.toContain('Failed to fetch');
    }
    await offline.screenshot({ path: join(ARTIFACTS, 'admin-panel-offline.png') });
    await offline.unroute('**/graphql');
    await alerts.getByRole('button', { name: 'Try again' }).click();
    await expect.poll(() => cardStates(offline), { timeout: 60_000 }).toEqual(Array(7).fill('ready'));
    expect(await offline.getByRole('alert').count()).toBe(0);
    await offline.close();
  });

  it('follows the OS colour scheme until the toggle is pressed, then keeps the choice', async () => {
    const themed = await openPanel(1280, 'dark');
    await themed.goto(stack.panel.url);
    const documentTheme = () => themed.evaluate(() => document.documentElement.dataset.theme);
    const cardThemes = async () =>
      new Set(
        await themed
          .locator('section.nrr-card')
          .evaluateAll((cards) => cards.map((card) => card.getAttribute('data-nrr-theme'))),
      );
    await expect.poll(documentTheme).toBe('dark');
    await expect.poll(cardThemes).toEqual(new Set(['dark']));
    const toggle = themed.getByRole('button', { name: 'Dark mode' });
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    await themed.emulateMedia({ colorScheme: 'light' });
    await expect.poll(documentTheme).toBe('light');
    await expect.poll(cardThemes).toEqual(new Set(['light']));
    await toggle.click(); // an explicit choice: dark, whatever the OS says from now on
    await expect.poll(documentTheme).toBe('dark');
    await themed.emulateMedia({ colorScheme: 'light' });
    await themed.reload();
    await expect.poll(documentTheme).toBe('dark');
    await themed.close();
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
