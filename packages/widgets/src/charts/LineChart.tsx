import type { ReactNode } from 'react';
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

const WIDTH = 560;
const HEIGHT = 220;
const LEFT = 48;
const RIGHT = 12;
const TOP = 12;
const BOTTOM = HEIGHT - 28;

/** Lines over a shared y scale, with three y ticks, the first and last x labels and an optional reference. */
export function LineChart({ label, xLabels, series, formatY, reference }: LineChartProps): ReactNode {
  const all = series.flatMap((line) => line.values);
  const [min, max] = extent(reference === undefined ? all : [...all, reference]) ?? [0, 1];
  const ticks = niceTicks(min, max);
  const step = (ticks[1] ?? 1) - (ticks[0] ?? 0);
  const y = linearScale(ticks[0] ?? min, ticks.at(-1) ?? max, BOTTOM, TOP);
  const x = linearScale(0, Math.max(xLabels.length - 1, 1), LEFT, WIDTH - RIGHT);
  return (
    <svg role="img" aria-label={label} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} className="nrr-svg">
      {ticks.map((tick) => (
        <g key={tick}>
          <line x1={LEFT} x2={WIDTH - RIGHT} y1={y(tick)} y2={y(tick)} className="nrr-grid" />
          <text x={LEFT - 6} y={y(tick) + 4} textAnchor="end" className="nrr-tick">
            {formatY(tick, step)}
          </text>
        </g>
      ))}
      {reference !== undefined ? (
        <line x1={LEFT} x2={WIDTH - RIGHT} y1={y(reference)} y2={y(reference)} className="nrr-reference" />
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
      <text x={LEFT} y={HEIGHT - 8} className="nrr-tick">
        {xLabels[0]}
      </text>
      <text x={WIDTH - RIGHT} y={HEIGHT - 8} textAnchor="end" className="nrr-tick">
        {xLabels.at(-1)}
      </text>
    </svg>
  );
}
