/**
 * The leaderboard's data, from the widgets' hooks and query factories only: the dimension's values
 * through the session's client, then one `retention` query per value with `retentionQueryOptions`
 * (cached, keyed by tenant, refreshed with the token like every card's).
 */
import {
  type NrrError,
  type PeriodInput,
  retentionQueryOptions,
  type TypedDocument,
  useNrrSession,
} from '@nrr/widgets';
import { useQueries, useQuery } from '@tanstack/react-query';
import type { LeaderboardRow } from './leaderboard.ts';

/** `segments(dimension)`: the values of an attribute in the tenant's data. */
export const SegmentValuesDocument =
  `query SegmentValues($dimension: String!) { segments(dimension: $dimension) }` as TypedDocument<
    { segments: string[] },
    { dimension: string }
  >;

/** What the leaderboard hook returns. */
export interface SegmentLeaderboard {
  readonly rows: readonly LeaderboardRow[];
  readonly status: 'loading' | 'error' | 'ready';
  readonly error: NrrError | Error | null;
}

/** One row per value of `dimension` (e.g. `plan`), each with its retention report for `period`. */
export function useSegmentLeaderboard(dimension: string, period: PeriodInput): SegmentLeaderboard {
  const session = useNrrSession();
  const values = useQuery({
    queryKey: ['nrr', session.tenant, 'partner', 'segments', dimension],
    queryFn: ({ signal }) =>
      session.client
        .request(SegmentValuesDocument, { dimension }, { signal, tenant: session.tenant })
        .then((answer) => answer.segments),
    enabled: session.tenant !== undefined,
  });
  const segments = values.data ?? [];
  const reports = useQueries({
    queries: segments.map((segment) =>
      retentionQueryOptions(session, {
        period,
        segment: { attributes: [{ name: dimension, values: [segment] }] },
      }),
    ),
  });
  const error = session.tokenError ?? values.error ?? reports.find((report) => report.error)?.error ?? null;
  if (error) return { rows: [], status: 'error', error };
  if (!values.data || reports.some((report) => !report.data))
    return { rows: [], status: 'loading', error: null };
  const rows = segments.flatMap((segment, index) => {
    const report = reports[index]?.data;
    return report ? [{ segment, report }] : [];
  });
  return { rows, status: 'ready', error: null };
}
