import type { CSSProperties, ReactNode } from 'react';
import { extent, linearScale, linePath, niceTicks } from './scale.ts';

/** One line of a {@link LineChart}. */
export interface LineSeries {
  /** Legend and data-table name, e.g. `NRR`. */
  readonly name: string;
  /** One value per x position; `null` breaks the line. */
  readonly values: readonly (number | null)[];
  /** `solid` or `dashed`: the line's non-colour signal, repeated in the legend. */
  readonly stroke: 'solid' | 'dashed';
  /** Class giving the line its colour. */
  readonly className: string;
}

interface LineChartProps {
  readonly label: string;
  /** One label per x position; the first and last are drawn. */
  readonly xLabels: readonly string[];
  readonly series: readonly LineSeries[];
  /** Tick label; `step` is the distance between ticks, to pick the precision. */
  readonly formatY: (value: number, step: number) => string;
  /** A dashed reference line (e.g. 100% retention). */
  readonly reference?: number;
}

/**
 * Lines over a shared y scale, with the y ticks, the first and last x labels and an optional
 * reference. The lines are an SVG stretched to the plot box (`preserveAspectRatio="none"`, strokes
 * that do not scale); every label is HTML text, so it keeps its CSS size (≥ 12px) at any width.
 */
export function LineChart({ label, xLabels, series, formatY, reference }: LineChartProps): ReactNode {
  const all = series.flatMap((line) => line.values);
  const [min, max] = extent(reference === undefined ? all : [...all, reference]) ?? [0, 1];
  const ticks = niceTicks(min, max);
  const step = (ticks[1] ?? 1) - (ticks[0] ?? 0);
  // Plot coordinates run 0–100 on both axes (percent of the plot box).
  const y = linearScale(ticks[0] ?? min, ticks.at(-1) ?? max, 100, 0);
  const x = linearScale(0, Math.max(xLabels.length - 1, 1), 0, 100);
  return (
    <div role="img" aria-label={label} className="nrr-linechart">
      <div className="nrr-plot">
        <svg viewBox="0 0 100 100" preserveAspectRatio="none" className="nrr-plot-lines" aria-hidden="true">
          {ticks.map((tick) => (
            <line key={tick} x1={0} x2={100} y1={y(tick)} y2={y(tick)} className="nrr-grid" />
          ))}
          {reference !== undefined ? (
            <line x1={0} x2={100} y1={y(reference)} y2={y(reference)} className="nrr-reference" />
          ) : null}
          {series.map((line) => (
            <path
              key={line.name}
              d={linePath(line.values, x, y)}
              fill="none"
              className={`nrr-line ${line.className}`}
              strokeDasharray={line.stroke === 'dashed' ? '6 4' : undefined}
            />
          ))}
        </svg>
        {ticks.map((tick) => (
          <span
            key={tick}
            className="nrr-tick nrr-y-tick"
            style={{ '--nrr-y': y(tick) / 100 } as CSSProperties}
          >
            {formatY(tick, step)}
          </span>
        ))}
      </div>
      <div className="nrr-x-ticks">
        <span className="nrr-tick">{xLabels[0]}</span>
        {xLabels.length > 1 ? <span className="nrr-tick">{xLabels.at(-1)}</span> : null}
      </div>
    </div>
  );
}
