import type { ReactNode } from 'react';
import { LineChart, type LineSeries } from '../charts/LineChart.tsx';
import { useRetentionSeries } from '../hooks/hooks.ts';
import type { RetentionSeriesQuery } from '../hooks/queryOptions.ts';
import {
  type CardBaseProps,
  CardFrame,
  type CardState,
  type DefinitionsCardProps,
} from '../internal/CardFrame.tsx';
import { DataTable } from '../internal/DataTable.tsx';
import { formatPercent } from '../internal/formatters.ts';
import { LineChartSkeleton } from '../internal/skeletons.tsx';
import { useCardState } from '../internal/useCardQueries.ts';
import { type DateRange, formatPeriod, resolvePeriod } from '../period.ts';
import { useNrrSession, useNrrSettings } from '../provider/context.ts';
import type { RetentionReportResult } from '../types.ts';

/** Props of {@link RetentionTrend}. */
export interface RetentionTrendProps extends CardBaseProps, DefinitionsCardProps, RetentionSeriesQuery {
  /** Static mode: the series, oldest first. */
  readonly data?: readonly RetentionReportResult[];
}

/**
 * NRR (solid line) and GRR (dashed line) per month, quarter or year of the window, against a
 * dashed 100% reference; a hidden table lists every point.
 */
export function RetentionTrend(props: RetentionTrendProps): ReactNode {
  return props.data ? (
    <TrendView {...props} state={{ status: 'ready' }} series={props.data} />
  ) : (
    <ConnectedTrend {...props} />
  );
}

function ConnectedTrend({
  period,
  method,
  segment,
  granularity,
  definitions,
  ...props
}: RetentionTrendProps): ReactNode {
  const series = useRetentionSeries({ period, method, segment, granularity, definitions });
  const { now } = useNrrSession();
  // Until the series arrives the subtitle names the window asked for, so the header keeps its lines.
  const range = resolvePeriod(period ?? 'last-12-months', new Date(now()));
  return <TrendView {...props} state={useCardState([series])} series={series.data} range={range} />;
}

function TrendView(
  props: CardBaseProps &
    DefinitionsCardProps & {
      readonly state: CardState;
      readonly series: readonly RetentionReportResult[] | undefined;
      readonly range?: DateRange;
    },
): ReactNode {
  const { locale } = useNrrSettings();
  const points = props.series ?? [];
  const empty = points.every((point) => point.nrr === null && point.grr === null);
  const state: CardState = props.state.status === 'ready' && empty ? { status: 'empty' } : props.state;
  const percent = (ratio: number | null) => formatPercent(ratio, { locale });
  const labels = points.map((point) => formatPeriod(point, locale));
  const first = points[0];
  const last = points.at(-1);
  const series: LineSeries[] = [
    { name: 'NRR', values: points.map((p) => p.nrr), stroke: 'solid', className: 'nrr-line-primary' },
    { name: 'GRR', values: points.map((p) => p.grr), stroke: 'dashed', className: 'nrr-line-secondary' },
  ];
  const label =
    first && last
      ? `NRR and GRR from ${labels[0]} to ${labels.at(-1)}: NRR ${percent(first.nrr)} to ${percent(last.nrr)}, GRR ${percent(first.grr)} to ${percent(last.grr)}`
      : '';
  return (
    <CardFrame
      {...props}
      kind="trend"
      title={props.title ?? 'Retention trend'}
      subtitle={
        first && last
          ? formatPeriod({ from: first.from, to: last.to }, locale)
          : props.range && formatPeriod(props.range, locale)
      }
      state={state}
      loadingText="Loading the retention trend…"
      skeleton={<LineChartSkeleton />}
      emptyText="No paying customers in this window, so there is no retention to chart."
      showDefinitions={props.showDefinitions !== false}
      // Every point of a series is answered under the same definitions.
      definitions={last?.definitions}
      currency={last?.currency}
    >
      <figure className="nrr-chart">
        <ul className="nrr-legend">
          {series.map((line) => (
            <li key={line.name}>
              <svg aria-hidden="true" width={24} height={8} className="nrr-legend-swatch">
                <line
                  x1={0}
                  x2={24}
                  y1={4}
                  y2={4}
                  className={`nrr-line ${line.className}`}
                  strokeDasharray={line.stroke === 'dashed' ? '6 4' : undefined}
                />
              </svg>
              {line.name} ({line.stroke === 'dashed' ? 'dashed' : 'solid'} line)
            </li>
          ))}
        </ul>
        <LineChart
          label={label}
          xLabels={labels}
          series={series}
          formatY={(value, step) => formatPercent(value, { locale, fractionDigits: step < 0.01 ? 1 : 0 })}
          reference={1}
        />
        <DataTable
          caption={label}
          columns={['Period', 'NRR', 'GRR']}
          rows={points.map(
            (point, index) => [labels[index] ?? '', percent(point.nrr), percent(point.grr)] as const,
          )}
        />
      </figure>
    </CardFrame>
  );
}
