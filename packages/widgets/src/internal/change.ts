import { formatPercentagePoints } from './formatters.ts';

/** Whether a rise of the metric is good news (NRR, GRR) or bad news (churn rates). */
export type MetricDirection = 'higher-is-better' | 'lower-is-better';

/** How a figure moved against the previous period, ready to render. */
export interface Change {
  /** Which way, after rounding to the displayed precision (0.1 point). */
  readonly trend: 'up' | 'down' | 'flat';
  /** Good, bad or neither, given the metric's direction; drives the colour only. */
  readonly tone: 'positive' | 'negative' | 'neutral';
  /** `▲ +2.3 pts`: arrow and sign, the non-colour signal. */
  readonly short: string;
  /** `Up 2.3 percentage points`: the words for screen readers. */
  readonly spoken: string;
}

/**
 * The difference of two ratios in percentage points, for display. `undefined` when either ratio
 * is missing (an empty cohort has no change to speak of). Rounded half away from zero to 0.1 point,
 * as the text shows it, so the arrow never disagrees with the number.
 */
export function describeChange(
  current: number | null,
  previous: number | null | undefined,
  direction: MetricDirection,
  locale: string,
): Change | undefined {
  if (current === null || previous === null || previous === undefined) return undefined;
  const raw = (current - previous) * 100;
  const points = (Math.sign(raw) * Math.round(Math.abs(raw) * 10 + 1e-9)) / 10;
  const trend = points > 0 ? 'up' : points < 0 ? 'down' : 'flat';
  const good = direction === 'higher-is-better' ? 'up' : 'down';
  const tone = trend === 'flat' ? 'neutral' : trend === good ? 'positive' : 'negative';
  const arrow = trend === 'up' ? '▲' : trend === 'down' ? '▼' : '▬';
  const word = trend === 'up' ? 'Up' : trend === 'down' ? 'Down' : 'Unchanged,';
  return {
    trend,
    tone,
    short: `${arrow} ${formatPercentagePoints(points, { locale })}`,
    spoken: `${word} ${formatPercentagePoints(points, { locale, signDisplay: 'never', label: 'percentage points' })}`,
  };
}
