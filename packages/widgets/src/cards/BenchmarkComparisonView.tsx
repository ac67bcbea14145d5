import type { CSSProperties, ReactNode } from 'react';
import { linearScale } from '../charts/scale.ts';
import {
  type CardBaseProps,
  CardFrame,
  type CardState,
  type DefinitionsCardProps,
} from '../internal/CardFrame.tsx';
import { DataTable } from '../internal/DataTable.tsx';
import { formatPercent } from '../internal/formatters.ts';
import { useNrrSettings } from '../provider/context.ts';
import type { BenchmarkComparisonResult, BenchmarkMetric } from '../types.ts';
import { benchmarkRange, benchmarkSentence } from './benchmarkText.ts';

interface BenchmarkComparisonViewProps extends CardBaseProps, DefinitionsCardProps {
  readonly metric: BenchmarkMetric;
  readonly state: CardState;
  readonly comparisons: readonly BenchmarkComparisonResult[] | undefined;
}

/**
 * Ranges as bars on one percentage axis, the figure as a labelled vertical marker, and the same in
 * words. Each range's name sits beside its bar on a wide card and above it on a narrow one.
 */
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
  const x = linearScale(min, max, 0, 1);
  const label = `${metric} ${percent(value)} against ${rows.length} published benchmark ranges`;
  return (
    <CardFrame
      {...props}
      kind="benchmarks"
      title={props.title ?? `${metric} benchmarks`}
      subtitle={props.comparisons && rows.length > 0 ? `Your ${metric}: ${percent(value)}` : undefined}
      state={state}
      loadingText="Loading benchmarks…"
      emptyText={`No ${metric} figure or benchmark to compare for this period.`}
      showDefinitions={props.showDefinitions !== false}
      // Every comparison of the card is of one figure, answered under one set of definitions.
      definitions={rows[0]?.report.definitions}
      currency={rows[0]?.report.currency}
    >
      <figure className="nrr-chart">
        <div
          role="img"
          aria-label={label}
          className="nrr-ranges"
          style={{ '--nrr-at': x(value ?? min) } as CSSProperties}
        >
          {rows.map((row) => {
            const { low, high } = row.benchmark;
            const open = high === null || low === null;
            return (
              <div key={row.benchmark.key} className="nrr-range-row" data-position={row.position}>
                <span className="nrr-tick">{row.benchmark.segment}</span>
                <span className="nrr-range-track">
                  <span
                    className={`nrr-range${open ? ' nrr-range-open' : ''}`}
                    style={{ '--nrr-from': x(low ?? min), '--nrr-to': x(high ?? max) } as CSSProperties}
                  />
                  {value !== null ? <span className="nrr-marker" /> : null}
                </span>
              </div>
            );
          })}
          {value !== null ? (
            <div className="nrr-range-row nrr-range-you">
              <span className="nrr-range-track">
                <span className="nrr-value">{`You: ${percent(value)}`}</span>
              </span>
            </div>
          ) : null}
        </div>
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
