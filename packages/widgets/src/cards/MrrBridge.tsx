import type { CSSProperties, ReactNode } from 'react';
import { linearScale } from '../charts/scale.ts';
import { useRetention } from '../hooks/hooks.ts';
import type { RetentionQuery } from '../hooks/queryOptions.ts';
import {
  type CardBaseProps,
  CardFrame,
  type CardState,
  type DefinitionsCardProps,
} from '../internal/CardFrame.tsx';
import { DataTable } from '../internal/DataTable.tsx';
import { compactMoney, fullMoney, magnitude } from '../internal/money.ts';
import { BridgeSkeleton } from '../internal/skeletons.tsx';
import { useCardState } from '../internal/useCardQueries.ts';
import { formatPeriod } from '../period.ts';
import { useNrrSettings } from '../provider/context.ts';
import type { RetentionReportResult } from '../types.ts';
import { bridgeSteps, stepSign } from './bridgeSteps.ts';

/** Props of {@link MrrBridge}. */
export interface MrrBridgeProps extends CardBaseProps, DefinitionsCardProps, RetentionQuery {
  /** Static mode: the report whose bridge to draw. */
  readonly data?: RetentionReportResult;
}

/**
 * The MRR bridge of the period as a waterfall: start, the five movements, end. Columns on a wide
 * card (filling the card's height), one row per step on a narrow one; labels are HTML text.
 */
export function MrrBridge(props: MrrBridgeProps): ReactNode {
  return props.data ? (
    <BridgeView {...props} state={{ status: 'ready' }} report={props.data} />
  ) : (
    <ConnectedBridge {...props} />
  );
}

function ConnectedBridge({ period, method, segment, definitions, ...props }: MrrBridgeProps): ReactNode {
  const report = useRetention({ period, method, segment, definitions });
  return <BridgeView {...props} state={useCardState([report])} report={report.data} />;
}

function BridgeView(
  props: CardBaseProps &
    DefinitionsCardProps & { readonly state: CardState; readonly report: RetentionReportResult | undefined },
): ReactNode {
  const { locale } = useNrrSettings();
  const { report } = props;
  const steps = report ? bridgeSteps(report) : [];
  const empty = steps.every((step) => magnitude(step.amount) === 0);
  const state: CardState = props.state.status === 'ready' && empty ? { status: 'empty' } : props.state;
  let running = 0;
  const bars = steps.map((step) => {
    const value = magnitude(step.amount);
    const [low, high] =
      step.kind === 'total'
        ? [0, value]
        : step.kind === 'gain'
          ? [running, running + value]
          : [running - value, running];
    running = step.kind === 'total' ? value : step.kind === 'gain' ? high : low;
    return { step, low, high };
  });
  const top = Math.max(1, ...bars.map((bar) => bar.high));
  const share = linearScale(0, top, 0, 1);
  const label = report
    ? `MRR bridge: ${compactMoney(report.startingMrr, locale)} at the start to ${compactMoney(report.endingMrr, locale)} at the end`
    : '';
  return (
    <CardFrame
      {...props}
      kind="bridge"
      title={props.title ?? 'MRR bridge'}
      subtitle={report && formatPeriod(report, locale)}
      state={state}
      loadingText="Loading the MRR bridge…"
      skeleton={<BridgeSkeleton />}
      emptyText="No recurring revenue in this period."
      showDefinitions={props.showDefinitions !== false}
      definitions={report?.definitions}
      currency={report?.currency}
    >
      <figure className="nrr-chart">
        <div role="img" aria-label={label} className="nrr-waterfall">
          {bars.map(({ step, low, high }) => (
            <div
              key={step.label}
              className="nrr-step"
              data-kind={step.kind}
              style={{ '--nrr-low': share(low), '--nrr-high': share(high) } as CSSProperties}
            >
              <span className="nrr-step-track">
                <span className={`nrr-bar nrr-bar-${step.kind}`} />
              </span>
              <span className="nrr-value">{`${stepSign(step)}${compactMoney(step.amount, locale)}`}</span>
              <span className="nrr-tick">{step.label.replace(' MRR', '').replace(' business', '')}</span>
            </div>
          ))}
        </div>
        <DataTable
          caption={label}
          columns={['Movement', 'Amount']}
          rows={steps.map(
            (step) => [step.label, `${stepSign(step)}${fullMoney(step.amount, locale)}`] as const,
          )}
        />
      </figure>
    </CardFrame>
  );
}
