import type { ReactNode } from 'react';
import { Sparkline } from '../charts/Sparkline.tsx';
import {
  type CardBaseProps,
  CardFrame,
  type CardState,
  type DefinitionsCardProps,
} from '../internal/CardFrame.tsx';
import { describeChange } from '../internal/change.ts';
import { formatPercent } from '../internal/formatters.ts';
import { FigureSkeleton } from '../internal/skeletons.tsx';
import { VisuallyHidden } from '../internal/VisuallyHidden.tsx';
import { Warnings } from '../internal/Warnings.tsx';
import { type DateRange, formatPeriod } from '../period.ts';
import { useNrrSettings } from '../provider/context.ts';
import type { BenchmarkComparisonResult, RetentionReportResult } from '../types.ts';
import { benchmarkSentence } from './benchmarkText.ts';

/** What an NRR or GRR card shows; in static mode pass it as `data`. */
export interface RetentionFigureData {
  /** The period on display. */
  readonly current: RetentionReportResult;
  /** The period of the same length just before, for the change; omit to show no change. */
  readonly previous?: RetentionReportResult | null;
  /** Trailing points, oldest first, for the sparkline; omit or leave empty for none. */
  readonly trend?: readonly RetentionReportResult[];
  /** The period's figure against a published range; omit for none. */
  readonly benchmark?: BenchmarkComparisonResult | null;
}

/** Which figure a retention card shows. */
export type RetentionMetric = 'nrr' | 'grr';

const NAMES = {
  nrr: { title: 'Net revenue retention', short: 'NRR', benchmark: 'NRR' },
  grr: { title: 'Gross revenue retention', short: 'GRR', benchmark: 'GRR' },
} as const;

interface RetentionFigureProps extends CardBaseProps, DefinitionsCardProps {
  readonly metric: RetentionMetric;
  readonly state: CardState;
  readonly data: RetentionFigureData | undefined;
  /** The window being loaded, for the subtitle before data arrives. */
  readonly range?: DateRange | undefined;
  /** Lists the report's warnings (semantics §9) under the figure; default true. */
  readonly showWarnings?: boolean | undefined;
}

/** The figure card both `<NrrCard>` and `<GrrCard>` render. */
export function RetentionFigure({
  metric,
  state,
  data,
  range,
  showWarnings,
  showDefinitions,
  ...props
}: RetentionFigureProps): ReactNode {
  const { locale } = useNrrSettings();
  const names = NAMES[metric];
  const percent = (ratio: number | null) => formatPercent(ratio, { locale });
  const value = data?.current[metric] ?? null;
  const shown: CardState = state.status === 'ready' && value === null ? { status: 'empty' } : state;
  const change = data && describeChange(value, data.previous?.[metric], 'higher-is-better', locale);
  const trend = data?.trend ?? [];
  const comparison = data?.benchmark?.benchmark.metric === names.benchmark ? data.benchmark : undefined;
  // With no figure, the warnings that say why (a mistyped segment value) still show; the empty
  // message already says what EMPTY_COHORT would.
  const emptyWarnings =
    showWarnings === false ? [] : (data?.current.warnings ?? []).filter((w) => w.code !== 'EMPTY_COHORT');
  return (
    <CardFrame
      {...props}
      kind="retention"
      title={props.title ?? names.title}
      subtitle={data ? formatPeriod(data.current, locale) : range && formatPeriod(range, locale)}
      state={shown}
      loadingText={`Loading ${names.title.toLowerCase()}…`}
      skeleton={<FigureSkeleton />}
      emptyText="No paying customers at the start of this period, so there is no retention to report."
      emptyDetails={emptyWarnings.length > 0 ? <Warnings warnings={emptyWarnings} /> : null}
      showDefinitions={showDefinitions !== false}
      definitions={data?.current.definitions}
      currency={data?.current.currency}
    >
      <p className="nrr-figure">{percent(value)}</p>
      {change && data?.previous ? (
        <p className="nrr-change" data-trend={change.trend} data-tone={change.tone}>
          <span aria-hidden="true">{change.short}</span>
          <VisuallyHidden>
            {`${change.spoken} from ${percent(data.previous[metric])} in the previous period`}
          </VisuallyHidden>
          <span className="nrr-muted" aria-hidden="true">
            {' '}
            vs {formatPeriod(data.previous, locale)}
          </span>
        </p>
      ) : null}
      {trend.length > 1 ? (
        <Sparkline
          label={`${names.short} trend, ${percent(trend[0]?.[metric] ?? null)} to ${percent(trend.at(-1)?.[metric] ?? null)}`}
          labels={trend.map((point) => formatPeriod(point, locale))}
          values={trend.map((point) => point[metric])}
          format={percent}
          valueName={names.short}
        />
      ) : null}
      {comparison ? (
        <p className="nrr-benchmark" data-position={comparison.position}>
          {benchmarkSentence(comparison, locale)}
        </p>
      ) : null}
      {showWarnings !== false && data?.current.warnings.length ? (
        <Warnings warnings={data.current.warnings} />
      ) : null}
    </CardFrame>
  );
}
