/**
 * A partner's custom view built only from @nrr/widgets' hooks and query factories (no cards):
 * a segment leaderboard of NRR and GRR. Import `./leaderboard.css` once for its styles.
 */
export { barPercent, type LeaderboardOrder, type LeaderboardRow, rankRows, scaleOf } from './leaderboard.ts';
export { PartnerView, type PartnerViewProps } from './PartnerView.tsx';
export { SegmentLeaderboard, type SegmentLeaderboardProps } from './SegmentLeaderboard.tsx';
export {
  MAX_VALUES,
  type SegmentLeaderboard as SegmentLeaderboardData,
  useSegmentLeaderboard,
} from './useSegmentLeaderboard.ts';
