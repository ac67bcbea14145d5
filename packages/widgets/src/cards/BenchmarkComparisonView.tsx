import type { ReactNode } from 'react';
import { linearScale } from '../charts/scale.ts';
import { type CardBaseProps, CardFrame, type CardState } from '../internal/CardFrame.tsx';
import { DataTable } from '../internal/DataTable.tsx';
import { formatPercent } from '../internal/formatters.ts';
import { useNrrSettings } from '../provider/context.ts';
import type { BenchmarkComparisonResult, BenchmarkMetric } from '../types.ts';
import { benchmarkRange, benchmarkSentence } from './benchmarkText.ts';

interface BenchmarkComparisonViewProps extends CardBaseProps {
  readonly metric: BenchmarkMetric;
  readonly state: CardState;
  readonly comparisons: readonly BenchmarkComparisonResult[] | undefined;
}

const WIDTH = 560;
const ROW = 30;
const LEFT = 190;
const RIGHT = 16;

/** Ranges as bars on one percentage axis, the figure as a labelled vertical marker, and the same in words. */
export function BenchmarkComparisonView(props: BenchmarkComparisonViewProps): ReactNode {
  const { locale } = useNrrSettings();
  const { metric } = props;
  const rows = (props.comparisons ?? []).filter((row) => row.benchmark.metric === metric);
  const value = rows[0]?.figure ?? null;
  const state: CardState =
    props.state.status === 'ready' && (rows.length === 0 || value === null)
      ? { status: 'empty' }
      : props.state;
  const percent = (ratio: number | null) => formatPercent(ratio, { locale });
  const bounds = rows.flatMap((row) =>
    [row.benchmark.low, row.benchmark.high].filter((b): b is number => b !== null),
  );
  const open = rows.some((row) => row.benchmark.high === null || row.benchmark.low === null);
  const min = Math.min(value ?? 1, ...bounds) - (open ? 0.15 : 0.05);
  const max = Math.max(value ?? 1, ...bounds) + (open ? 0.15 : 0.05);
  const x = linearScale(min, max, LEFT, WIDTH - RIGHT);
  const height = rows.length * ROW + 24;
  const label = `${metric} ${percent(value)} against ${rows.length} published benchmark ranges`;
  return (
    <CardFrame
      {...props}
      kind="benchmarks"
      title={props.title ?? `${metric} benchmarks`}
      subtitle={props.comparisons ? `Your ${metric}: ${percent(value)}` : undefined}
      state={state}
      loadingText="Loading benchmarks…"
      emptyText={`No ${metric} figure or benchmark to compare for this period.`}
    >
      <figure className="nrr-chart">
        <svg role="img" aria-label={label} viewBox={`0 0 ${WIDTH} ${height}`} className="nrr-svg">
          {rows.map((row, index) => {
            const { low, high } = row.benchmark;
            const top = index * ROW + 6;
            return (
              <g key={row.benchmark.key} data-position={row.position}>
                <text x={LEFT - 8} y={top + 13} textAnchor="end" className="nrr-tick">
                  {row.benchmark.segment}
                </text>
                <rect
                  x={x(low ?? min)}
                  y={top + 2}
                  width={x(high ?? max) - x(low ?? min)}
                  height={ROW - 14}
                  rx={3}
                  className={`nrr-range${high === null || low === null ? ' nrr-range-open' : ''}`}
                />
              </g>
            );
          })}
          {value !== null ? (
            <g>
              <line x1={x(value)} x2={x(value)} y1={0} y2={rows.length * ROW + 4} className="nrr-marker" />
              <text x={x(value)} y={rows.length * ROW + 18} textAnchor="middle" className="nrr-value">
                {`You: ${percent(value)}`}
              </text>
            </g>
          ) : null}
        </svg>
        <DataTable
          caption={label}
          columns={['Benchmark', 'Range', 'Your position', 'Source']}
          rows={rows.map(
            (row) =>
              [
                row.benchmark.segment,
                benchmarkRange(row.benchmark, locale),
                benchmarkSentence(row, locale),
                row.benchmark.sourcePublisher
                  ? `${row.benchmark.sourceTitle} (${row.benchmark.sourcePublisher})`
                  : row.benchmark.sourceTitle,
              ] as const,
          )}
        />
      </figure>
      <ul className="nrr-positions">
        {rows.map((row) => (
          <li key={row.benchmark.key} data-position={row.position}>
            {benchmarkSentence(row, locale)}
          </li>
        ))}
      </ul>
    </CardFrame>
  );
}
