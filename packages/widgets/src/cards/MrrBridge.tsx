import type { ReactNode } from 'react';
import { linearScale } from '../charts/scale.ts';
import { useRetention } from '../hooks/hooks.ts';
import type { RetentionQuery } from '../hooks/queryOptions.ts';
import { type CardBaseProps, CardFrame, type CardState } from '../internal/CardFrame.tsx';
import { DataTable } from '../internal/DataTable.tsx';
import { compactMoney, fullMoney, magnitude } from '../internal/money.ts';
import { useCardState } from '../internal/useCardQueries.ts';
import { formatPeriod } from '../period.ts';
import { useNrrSettings } from '../provider/context.ts';
import type { RetentionReportResult } from '../types.ts';
import { bridgeSteps, stepSign } from './bridgeSteps.ts';

/** Props of {@link MrrBridge}. */
export interface MrrBridgeProps extends CardBaseProps, RetentionQuery {
  /** Static mode: the report whose bridge to draw. */
  readonly data?: RetentionReportResult;
}

const WIDTH = 560;
const HEIGHT = 220;
const TOP = 22;
const BOTTOM = HEIGHT - 34;

/** The MRR bridge of the period as a waterfall: start, the five movements, end. */
export function MrrBridge(props: MrrBridgeProps): ReactNode {
  return props.data ? (
    <BridgeView {...props} state={{ status: 'ready' }} report={props.data} />
  ) : (
    <ConnectedBridge {...props} />
  );
}

function ConnectedBridge({ period, method, segment, ...props }: MrrBridgeProps): ReactNode {
  const report = useRetention({ period, method, segment });
  return <BridgeView {...props} state={useCardState([report])} report={report.data} />;
}

function BridgeView(
  props: CardBaseProps & { readonly state: CardState; readonly report: RetentionReportResult | undefined },
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
  const y = linearScale(0, top, BOTTOM, TOP);
  const slot = WIDTH / Math.max(bars.length, 1);
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
      emptyText="No recurring revenue in this period."
    >
      <figure className="nrr-chart">
        <svg role="img" aria-label={label} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} className="nrr-svg">
          <line x1={0} x2={WIDTH} y1={BOTTOM} y2={BOTTOM} className="nrr-axis" />
          {bars.map(({ step, low, high }, index) => (
            <g key={step.label} data-kind={step.kind}>
              <rect
                x={index * slot + slot * 0.18}
                width={slot * 0.64}
                y={y(high)}
                height={Math.max(y(low) - y(high), 1)}
                className={`nrr-bar nrr-bar-${step.kind}`}
              />
              <text x={index * slot + slot / 2} y={y(high) - 6} textAnchor="middle" className="nrr-value">
                {`${stepSign(step)}${compactMoney(step.amount, locale)}`}
              </text>
              <text x={index * slot + slot / 2} y={BOTTOM + 16} textAnchor="middle" className="nrr-tick">
                {step.label.replace(' MRR', '').replace(' business', '')}
              </text>
            </g>
          ))}
        </svg>
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
