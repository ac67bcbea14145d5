import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useRetention, useRetentionSeries } from '../hooks/hooks.ts';
import { benchmarkComparisonQueryOptions, type RetentionQuery } from '../hooks/queryOptions.ts';
import type { CardBaseProps, DefinitionsCardProps } from '../internal/CardFrame.tsx';
import { useCardState } from '../internal/useCardQueries.ts';
import { monthsInPeriod, previousPeriod, resolvePeriod } from '../period.ts';
import { useNrrSession } from '../provider/context.ts';
import { RetentionFigure, type RetentionFigureData, type RetentionMetric } from './RetentionFigure.tsx';

/** Props of `<NrrCard>` and `<GrrCard>`. */
export interface RetentionCardProps extends CardBaseProps, DefinitionsCardProps, RetentionQuery {
  /**
   * Key of the published range to place the figure in (see `useBenchmarks`), or `null` for none.
   * Default: `b2b-saas` on `<NrrCard>`; none on `<GrrCard>` (no GRR ranges are published).
   */
  readonly benchmark?: string | null;
  /** Lists the API's warnings about the figure (e.g. expansion masking churn) under it; default true. */
  readonly showWarnings?: boolean;
  /** Static mode: render these figures, with no provider and no network. */
  readonly data?: RetentionFigureData;
}

/**
 * Net revenue retention of the period as a figure, its change against the previous period of the
 * same length, a trailing sparkline and the benchmark position. Renders `data` when given; otherwise
 * queries the API of the enclosing `<NrrProvider>`.
 */
export function NrrCard(props: RetentionCardProps): ReactNode {
  return props.data ? (
    <RetentionFigure {...props} metric="nrr" state={{ status: 'ready' }} data={props.data} />
  ) : (
    <ConnectedRetentionFigure {...props} metric="nrr" />
  );
}

const DEFAULT_BENCHMARK: Record<RetentionMetric, string | null> = { nrr: 'b2b-saas', grr: null };

/** Data mode of the figure cards. NrrCard and GrrCard on one page share every query. */
export function ConnectedRetentionFigure(
  props: RetentionCardProps & { readonly metric: RetentionMetric },
): ReactNode {
  const { now } = useNrrSession();
  const { period, method, segment, definitions, benchmark: _key, ...rest } = props;
  const range = resolvePeriod(period ?? 'last-12-months', new Date(now()));
  const months = monthsInPeriod(range);
  // Sparkline: the 12 whole months ending with the window (or with its last whole month); for a
  // window of a year or more each point is that month's trailing-12-month figure.
  const trendEnd = monthStart(range.to);
  const trendStart = monthStart(range.to, -12);
  const current = useRetention({ period: range, method, segment, definitions });
  const previous = useRetention({ period: previousPeriod(range), method, segment, definitions });
  const trend = useRetentionSeries({
    period: { from: trendStart, to: trendEnd },
    granularity: 'MONTH',
    method: months !== undefined && months >= 12 ? 'TRAILING_12M' : 'PERIOD',
    segment,
    definitions,
  });
  const key = props.benchmark === undefined ? DEFAULT_BENCHMARK[props.metric] : props.benchmark;
  const session = useNrrSession();
  const metric = props.metric === 'nrr' ? 'NRR' : 'GRR';
  const benchmark = useQuery({
    ...benchmarkComparisonQueryOptions(session, {
      benchmark: key ?? '',
      metric,
      period: range,
      method,
      segment,
      definitions,
    }),
    enabled: session.tenant !== undefined && key !== null,
  });
  const state = useCardState([current]);
  const data: RetentionFigureData | undefined = current.data && {
    current: current.data,
    previous: previous.data ?? null,
    trend: trend.data ?? [],
    benchmark: benchmark.data ?? null,
  };
  return <RetentionFigure {...rest} metric={props.metric} state={state} data={data} range={range} />;
}

/** First day of the month of `date` (an ISO date), `shift` months later. */
function monthStart(date: string, shift = 0): string {
  const [y, m] = date.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1 + shift, 1)).toISOString().slice(0, 10);
}
