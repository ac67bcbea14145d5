/** The leaderboard's pure parts: rows from reports, their order, and bar lengths. */
import type { RetentionReportResult } from '@nrr/widgets';

/** One segment value's figures. */
export interface LeaderboardRow {
  /** The attribute value, e.g. `Enterprise` or `US`. */
  readonly segment: string;
  readonly report: RetentionReportResult;
}

/** What the leaderboard can be ordered by (always largest first). */
export type LeaderboardOrder = 'nrr' | 'grr' | 'startingMrr';

/**
 * Rows largest first by `order`; rows without a figure (an empty starting cohort: `null`) go last,
 * ties by segment name so the order is stable.
 */
export function rankRows(rows: readonly LeaderboardRow[], order: LeaderboardOrder): LeaderboardRow[] {
  const key = (row: LeaderboardRow): number | null =>
    order === 'startingMrr' ? Number(row.report.startingMrr.amount) : row.report[order];
  return [...rows].sort((a, b) => {
    const left = key(a);
    const right = key(b);
    if (left === null || right === null)
      return left === right ? a.segment.localeCompare(b.segment) : left === null ? 1 : -1;
    return right - left || a.segment.localeCompare(b.segment);
  });
}

/**
 * A bar's length as a percentage of the track: `ratio` over `scaleMax`, clamped to [0, 100].
 * `null` (no figure) is 0. `scaleMax` is the largest ratio on the board, at least 1 (100%), so a
 * board where everyone is below 100% still shows how far below.
 */
export function barPercent(ratio: number | null, scaleMax: number): number {
  if (ratio === null || !Number.isFinite(ratio) || scaleMax <= 0) return 0;
  return Math.min(100, Math.max(0, (ratio / scaleMax) * 100));
}

/** The scale of a board: the largest NRR or GRR on it, and never below 1. */
export function scaleOf(rows: readonly LeaderboardRow[]): number {
  return Math.max(1, ...rows.flatMap((row) => [row.report.nrr ?? 0, row.report.grr ?? 0]));
}
