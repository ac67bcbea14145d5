import type { ReactNode } from 'react';
import { DataTable } from '../internal/DataTable.tsx';
import { extent, linearScale, linePath } from './scale.ts';

/** Props of {@link Sparkline}. */
interface SparklineProps {
  /** Accessible name, e.g. `NRR over the last 12 months, from 98.0% to 105.0%`. */
  readonly label: string;
  /** One label per point, for the data table. */
  readonly labels: readonly string[];
  readonly values: readonly (number | null)[];
  readonly format: (value: number | null) => string;
  /** Name of the value column of the data table. */
  readonly valueName: string;
}

const WIDTH = 120;
const HEIGHT = 32;

/** A small trend line with its data as a hidden table; gaps where a point is `null`. */
export function Sparkline({ label, labels, values, format, valueName }: SparklineProps): ReactNode {
  const bounds = extent(values);
  if (!bounds) return null;
  const x = linearScale(0, Math.max(values.length - 1, 1), 2, WIDTH - 2);
  const y = linearScale(bounds[0], bounds[1], HEIGHT - 3, 3);
  const lastIndex = values.length - 1;
  const last = values[lastIndex];
  return (
    <figure className="nrr-sparkline">
      <svg role="img" aria-label={label} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width={WIDTH} height={HEIGHT}>
        <path d={linePath(values, x, y)} className="nrr-line" fill="none" />
        {last != null ? <circle cx={x(lastIndex)} cy={y(last)} r={2.5} className="nrr-dot" /> : null}
      </svg>
      <DataTable
        caption={label}
        columns={['Period', valueName]}
        rows={values.map((value, index) => [labels[index] ?? String(index + 1), format(value)] as const)}
      />
    </figure>
  );
}
