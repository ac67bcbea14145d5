import type { ReactNode } from 'react';
import { linearScale } from '../charts/scale.ts';
import { useBenchmarks } from '../hooks/hooks.ts';
import type { RetentionQuery } from '../hooks/queryOptions.ts';
import { type CardBaseProps, CardFrame, type CardState } from '../internal/CardFrame.tsx';
import { DataTable } from '../internal/DataTable.tsx';
import { formatPercent } from '../internal/formatters.ts';
import { useCardState } from '../internal/useCardQueries.ts';
import { useNrrSettings } from '../provider/context.ts';
import type { BenchmarkComparisonResult, BenchmarkMetric } from '../types.ts';
import { benchmarkRange, benchmarkSentence } from './benchmarkText.ts';

/** Props of {@link BenchmarkComparison}. */
export interface BenchmarkComparisonProps extends CardBaseProps, RetentionQuery {
  /** Which figure to compare; default `NRR`. */
  readonly metric?: BenchmarkMetric;
  /** Static mode: the comparison. */
  readonly data?: BenchmarkComparisonResult;
}

const WIDTH = 560;
const ROW = 30;
const LEFT = 190;
const RIGHT = 16;

/** The period's NRR (or GRR) as a marker across published benchmark ranges, one row per segment. */
export function BenchmarkComparison(props: BenchmarkComparisonProps): ReactNode {
  return props.data ? (
    <ComparisonView {...props} state={{ status: 'ready' }} comparison={props.data} />
  ) : (
    <ConnectedComparison {...props} />
  );
}

function ConnectedComparison({ period, method, segment, ...props }: BenchmarkComparisonProps): ReactNode {
  const comparison = useBenchmarks({ period, method, segment });
  return <ComparisonView {...props} state={useCardState([comparison])} comparison={comparison.data} />;
}

function ComparisonView(
  props: BenchmarkComparisonProps & {
    readonly state: CardState;
    readonly comparison: BenchmarkComparisonResult | undefined;
  },
): ReactNode {
  const { locale } = useNrrSettings();
  const metric = props.metric ?? 'NRR';
  const value = props.comparison ? (metric === 'NRR' ? props.comparison.nrr : props.comparison.grr) : null;
  const rows = props.comparison?.comparisons.filter((c) => c.benchmark.metric === metric) ?? [];
  const state: CardState =
    props.state.status === 'ready' && (rows.length === 0 || value === null)
      ? { status: 'empty' }
      : props.state;
  const percent = (ratio: number | null) => formatPercent(ratio, { locale });
  const bounds = rows.flatMap((row) =>
    [row.benchmark.low, row.benchmark.high].filter((b): b is number => b !== null),
  );
  const min = Math.min(value ?? 1, ...bounds) - 0.05;
  const open = rows.some((row) => row.benchmark.high === null);
  const max = Math.max(value ?? 1, ...bounds) + (open ? 0.15 : 0.05);
  const x = linearScale(min, max, LEFT, WIDTH - RIGHT);
  const height = rows.length * ROW + 24;
  const label = `${metric} ${percent(value)} against ${rows.length} published benchmark ranges`;
  return (
    <CardFrame
      {...props}
      kind="benchmarks"
      title={props.title ?? `${metric} benchmarks`}
      subtitle={`Your ${metric}: ${percent(value)}`}
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
                row.benchmark.source.title,
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
