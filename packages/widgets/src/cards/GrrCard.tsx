import type { ReactNode } from 'react';
import { ConnectedRetentionFigure, type RetentionCardProps } from './NrrCard.tsx';
import { RetentionFigure } from './RetentionFigure.tsx';

/**
 * Gross revenue retention of the period (never above 100%), with the same parts as `<NrrCard>`:
 * change against the previous period, sparkline and, when a GRR benchmark applies, its position.
 */
export function GrrCard(props: RetentionCardProps): ReactNode {
  return props.data ? (
    <RetentionFigure {...props} metric="grr" state={{ status: 'ready' }} data={props.data} />
  ) : (
    <ConnectedRetentionFigure {...props} metric="grr" />
  );
}
