import { useQueries, useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import {
  benchmarkComparisonQueryOptions,
  benchmarksQueryOptions,
  type RetentionQuery,
} from '../hooks/queryOptions.ts';
import type { CardBaseProps, DefinitionsCardProps } from '../internal/CardFrame.tsx';
import { useCardState } from '../internal/useCardQueries.ts';
import { useNrrSession } from '../provider/context.ts';
import type { BenchmarkComparisonResult, BenchmarkMetric } from '../types.ts';
import { BenchmarkComparisonView } from './BenchmarkComparisonView.tsx';

/** Props of {@link BenchmarkComparison}. */
export interface BenchmarkComparisonProps extends CardBaseProps, DefinitionsCardProps, RetentionQuery {
  /** Which figure to compare; default `NRR`. */
  readonly metric?: BenchmarkMetric;
  /** Keys of the ranges to show, in this order; default every range of the metric that `filter` matches. */
  readonly benchmarks?: readonly string[];
  /** What the API matches ranges against: a key, a label or words such as "SMB fintech"; default all. */
  readonly filter?: string;
  /** Static mode: one comparison per range, all of the same figure. */
  readonly data?: readonly BenchmarkComparisonResult[];
}

/** The period's NRR (or GRR) as a marker across published ranges, one row per segment. */
export function BenchmarkComparison(props: BenchmarkComparisonProps): ReactNode {
  return props.data ? (
    <BenchmarkComparisonView
      {...props}
      metric={props.metric ?? 'NRR'}
      state={{ status: 'ready' }}
      comparisons={props.data}
    />
  ) : (
    <ConnectedComparison {...props} />
  );
}

function ConnectedComparison(props: BenchmarkComparisonProps): ReactNode {
  const { period, method, segment, definitions, benchmarks, filter, data: _data, ...rest } = props;
  const metric = props.metric ?? 'NRR';
  const session = useNrrSession();
  const list = useQuery({
    ...benchmarksQueryOptions(session, filter),
    enabled: session.tenant !== undefined && benchmarks === undefined,
  });
  const keys = benchmarks ?? list.data?.filter((b) => b.metric === metric).map((b) => b.key) ?? [];
  const comparisons = useQueries({
    queries: keys.map((benchmark) =>
      benchmarkComparisonQueryOptions(session, { benchmark, metric, period, method, segment, definitions }),
    ),
  });
  const state = useCardState(benchmarks === undefined ? [list, ...comparisons] : comparisons);
  const loaded = comparisons.flatMap((query) => (query.data ? [query.data] : []));
  return (
    <BenchmarkComparisonView
      {...rest}
      metric={metric}
      state={state}
      comparisons={loaded.length === keys.length ? loaded : undefined}
    />
  );
}
