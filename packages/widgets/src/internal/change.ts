/** Whether a rise of the metric is good news (NRR, GRR) or bad news (churn rates). */
export type MetricDirection = 'higher-is-better' | 'lower-is-better';

/** How a figure moved against the previous period, ready to render. */
export interface Change {
  /** Which way, after rounding to the displayed precision. */
  readonly trend: 'up' | 'down' | 'flat';
  /** Good, bad or neither, given the metric's direction; drives the colour only. */
  readonly tone: 'positive' | 'negative' | 'neutral';
  /** `▲ +2.3 pts` — arrow and sign, the non-colour signal. */
  readonly short: string;
  /** `Up 2.3 percentage points` — the words for screen readers. */
  readonly spoken: string;
}

/**
 * Difference of two ratios in percentage points, formatted in `locale` with one decimal.
 * `undefined` when either ratio is missing (an empty cohort has no change to speak of).
 */
export function describeChange(
  current: number | null,
  previous: number | null | undefined,
  direction: MetricDirection,
  locale: string,
): Change | undefined {
  if (current === null || previous === null || previous === undefined) return undefined;
  const points = Math.round((current - previous) * 1000) / 10;
  const trend = points > 0 ? 'up' : points < 0 ? 'down' : 'flat';
  const good = direction === 'higher-is-better' ? 'up' : 'down';
  const tone = trend === 'flat' ? 'neutral' : trend === good ? 'positive' : 'negative';
  const format = (signDisplay: 'exceptZero' | 'never') =>
    new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay }).format(
      points,
    );
  const arrow = trend === 'up' ? '▲' : trend === 'down' ? '▼' : '▬';
  const word = trend === 'up' ? 'Up' : trend === 'down' ? 'Down' : 'Unchanged,';
  return {
    trend,
    tone,
    short: `${arrow} ${format('exceptZero')} pts`,
    spoken: `${word} ${format('never')} percentage points`,
  };
}
