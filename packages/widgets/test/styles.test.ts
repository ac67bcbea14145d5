import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const css = readFileSync(resolve(import.meta.dirname, '../src/styles.css'), 'utf8').replace(
  /\/\*[\s\S]*?\*\//g,
  '',
);

/** Every qualified rule's selector list, at any nesting depth. */
function selectors(text: string): string[] {
  const found: string[] = [];
  const pattern = /([^{};]+)\{/g;
  for (const match of text.matchAll(pattern)) {
    const prelude = (match[1] ?? '').trim();
    if (!prelude.startsWith('@')) found.push(...splitTopLevel(prelude));
  }
  return found;
}

function splitTopLevel(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of list) {
    if (char === '(') depth += 1;
    if (char === ')') depth -= 1;
    if (char === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else current += char;
  }
  parts.push(current.trim());
  return parts;
}

/** The declarations of the first rule whose selector is exactly `selector`. */
function block(selector: string): Record<string, string> {
  const start = css.indexOf(`${selector} {`);
  expect(start, selector).toBeGreaterThanOrEqual(0);
  const body = css.slice(start + selector.length + 2, css.indexOf('}', start));
  const defaults: Record<string, string> = {};
  for (const [, name, value] of body.matchAll(/--_nrr-([\w-]+):\s*var\(--nrr-[\w-]+,\s*(#[0-9a-f]{6})\)/g)) {
    defaults[name ?? ''] = value ?? '';
  }
  return defaults;
}

function luminance(hex: string): number {
  const channels = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16) / 255);
  const [r, g, b] = channels.map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)) as [
    number,
    number,
    number,
  ];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2 contrast ratio of two `#rrggbb` colours. */
function contrast(a: string, b: string): number {
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (high + 0.05) / (low + 0.05);
}

/** `color-mix(in srgb, a p%, b)`. */
function mix(a: string, b: string, share: number): string {
  return `#${[1, 3, 5]
    .map((i) =>
      Math.round(
        Number.parseInt(a.slice(i, i + 2), 16) * share + Number.parseInt(b.slice(i, i + 2), 16) * (1 - share),
      ),
    )
    .map((n) => n.toString(16).padStart(2, '0'))
    .join('')}`;
}

describe('styles.css', () => {
  it('keeps every rule inside one @layer nrr block', () => {
    expect(css.trim().startsWith('@layer nrr {')).toBe(true);
    expect(css.trim().endsWith('}')).toBe(true);
    expect(css.match(/@layer/g)).toHaveLength(1);
  });

  it('uses only zero-specificity :where(...) selectors scoped to a card, never html, body or :root', () => {
    const all = selectors(css);
    expect(all.length).toBeGreaterThan(40);
    for (const selector of all) {
      expect(selector, selector).toMatch(/^(:where\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)\s*)+$/);
      expect(selector, selector).toMatch(/^:where\(\.nrr-card/);
      expect(selector, selector).not.toMatch(/\b(html|body)\b|:root/);
    }
  });

  describe.each([
    ['light', ':where(.nrr-card)'],
    ['dark', ':where(.nrr-card[data-nrr-theme="dark"])'],
  ])('%s palette', (_mode, selector) => {
    const palette = block(selector);

    it('meets WCAG AA: 4.5:1 for text colours, 3:1 for graphics and the focus ring', () => {
      const { bg = '', text = '', muted = '', positive = '', negative = '' } = palette;
      for (const colour of [text, muted, positive, negative])
        expect(contrast(colour, bg)).toBeGreaterThanOrEqual(4.5);
      for (const name of ['accent', 'accent-2', 'neutral', 'focus']) {
        expect(contrast(palette[name] ?? '', bg), name).toBeGreaterThanOrEqual(3);
      }
    });

    it('keeps heatmap text readable on the darkest shade (55% accent)', () => {
      const { bg = '', text = '', accent = '' } = palette;
      expect(contrast(text, mix(accent, bg, 0.55))).toBeGreaterThanOrEqual(4.5);
    });
  });

  it('gives system mode under prefers-color-scheme: dark exactly the dark palette, scoped to the card', () => {
    const media = css.slice(css.indexOf('@media (prefers-color-scheme: dark)'));
    expect(media).toMatch(
      /^@media \(prefers-color-scheme: dark\) \{\s*:where\(\.nrr-card\[data-nrr-theme="system"\]\) \{/,
    );
    expect(block(':where(.nrr-card[data-nrr-theme="system"])')).toEqual(
      block(':where(.nrr-card[data-nrr-theme="dark"])'),
    );
    expect(Object.keys(block(':where(.nrr-card[data-nrr-theme="dark"])'))).toHaveLength(10);
  });
});
