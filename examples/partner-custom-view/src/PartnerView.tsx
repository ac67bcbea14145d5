import { type FetchToken, NrrProvider, type PeriodInput, type ThemeMode } from '@nrr/widgets';
import { SegmentLeaderboard } from './SegmentLeaderboard.tsx';

/** Props of {@link PartnerView}. */
export interface PartnerViewProps {
  /** The NRR API's GraphQL endpoint. */
  readonly endpoint: string;
  /** Gets an embed token from the partner's backend (which holds the secret key). */
  readonly fetchToken: FetchToken;
  /** Default `last-12-months`. */
  readonly period?: PeriodInput;
  /** Default `light`. */
  readonly theme?: ThemeMode;
}

/** A partner's page: the provider and two leaderboards (plan, country) built from the hooks, no cards. */
export function PartnerView({
  endpoint,
  fetchToken,
  period = 'last-12-months',
  theme = 'light',
}: PartnerViewProps) {
  return (
    // The leaderboards say themselves why they cannot load: no provider-wide outage banner on top.
    <NrrProvider endpoint={endpoint} fetchToken={fetchToken} theme={theme} renderOutage={null}>
      <div className="partner-view">
        <SegmentLeaderboard dimension="plan" dimensionLabel="Plan" period={period} />
        <SegmentLeaderboard dimension="country" dimensionLabel="Country" period={period} />
      </div>
    </NrrProvider>
  );
}
