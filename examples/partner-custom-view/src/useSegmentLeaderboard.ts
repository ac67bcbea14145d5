/**
 * The leaderboard's data, from the widgets' hooks only: one `breakdown` request per board
 * (`useBreakdown`), which answers with one retention report per value of the dimension, largest
 * starting MRR first (cached, keyed by tenant, refreshed with the token like every card's).
 */
import { type NrrError, type PeriodInput, useBreakdown, useNrrSession } from '@nrr/widgets';
import type { LeaderboardRow } from './leaderboard.ts';

/** Values on one board at most: the API's largest `first`; past it, one `(other)` row rolls up the rest. */
export const MAX_VALUES = 500;

/** What the leaderboard hook returns. */
export interface SegmentLeaderboard {
  readonly rows: readonly LeaderboardRow[];
  readonly status: 'loading' | 'error' | 'ready';
  readonly error: NrrError | Error | null;
}

/** One row per value of `dimension` (e.g. `plan`), each with its retention report for `period`. */
export function useSegmentLeaderboard(dimension: string, period: PeriodInput): SegmentLeaderboard {
  const { tokenError } = useNrrSession();
  const breakdown = useBreakdown({ period, by: dimension, first: MAX_VALUES });
  const error = tokenError ?? breakdown.error ?? null;
  if (error) return { rows: [], status: 'error', error };
  if (!breakdown.data) return { rows: [], status: 'loading', error: null };
  const rows = breakdown.data.map((row) => ({ segment: row.value, report: row.report }));
  return { rows, status: 'ready', error: null };
}
