import type { CSSProperties } from 'react';

/** `light`, `dark`, or `system` (follows the viewer's `prefers-color-scheme`, inside each card only). */
export type ThemeMode = 'light' | 'dark' | 'system';

/**
 * Theme variables; each maps to a `--nrr-*` custom property (`colorPositive` → `--nrr-color-positive`).
 * Values are any CSS value valid for that property.
 */
export interface AppearanceVariables {
  /** Card background. */
  readonly colorBackground?: string;
  /** Main text. */
  readonly colorText?: string;
  /** Secondary text (periods, captions, axis labels). */
  readonly colorMuted?: string;
  /** Card border and grid lines. */
  readonly colorBorder?: string;
  /** Main series (NRR line, heatmap, sparkline). */
  readonly colorAccent?: string;
  /** Second series (GRR line). */
  readonly colorAccentSecondary?: string;
  /** Good changes (and additions to MRR). */
  readonly colorPositive?: string;
  /** Bad changes (and losses of MRR). */
  readonly colorNegative?: string;
  /** Totals in the MRR bridge. */
  readonly colorNeutral?: string;
  /** Focus ring. */
  readonly colorFocus?: string;
  /** Font stack of the card; default the system UI font. */
  readonly fontFamily?: string;
  /** Base font size; the figure is 2.25× this. */
  readonly fontSize?: string;
  /** Corner radius of the card. */
  readonly radius?: string;
  /** Base spacing unit; paddings and gaps are multiples of it. */
  readonly spacing?: string;
}

/** The `appearance` prop: variable overrides applied on every card's root, in every mode. */
export interface Appearance {
  /** Overrides; unset variables keep the mode's defaults. */
  readonly variables?: AppearanceVariables;
}

/** `colorAccentSecondary` → `--nrr-color-accent-secondary`. */
export function cssVariableName(name: keyof AppearanceVariables): `--nrr-${string}` {
  return `--nrr-${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** Inline style setting the overridden `--nrr-*` properties; empty when nothing is overridden. */
export function appearanceStyle(appearance: Appearance | undefined): CSSProperties {
  const style: Record<string, string> = {};
  for (const [name, value] of Object.entries(appearance?.variables ?? {})) {
    if (typeof value === 'string') style[cssVariableName(name as keyof AppearanceVariables)] = value;
  }
  return style as CSSProperties;
}
