import type { Money, RetentionReportResult } from '../types.ts';

/** One bar of the MRR waterfall. */
export interface BridgeStep {
  /** Row name, e.g. `New business`. */
  readonly label: string;
  /** `total` bars stand on zero; `gain` and `loss` float from the running total. */
  readonly kind: 'total' | 'gain' | 'loss';
  /** Bar size, non-negative. */
  readonly amount: Money;
}

/** The bridge in reading order: start, new, reactivation, expansion, contraction, churn, end. */
export function bridgeSteps(report: RetentionReportResult): readonly BridgeStep[] {
  return [
    { label: 'Starting MRR', kind: 'total', amount: report.startingMrr },
    { label: 'New business', kind: 'gain', amount: report.newBusiness },
    { label: 'Reactivation', kind: 'gain', amount: report.reactivation },
    { label: 'Expansion', kind: 'gain', amount: report.expansion },
    { label: 'Contraction', kind: 'loss', amount: report.contraction },
    { label: 'Churn', kind: 'loss', amount: report.churn },
    { label: 'Ending MRR', kind: 'total', amount: report.endingMrr },
  ];
}

/**
 * `+` for gains, `−` (minus sign) for losses, nothing for totals: the non-colour signal of a bar.
 * A zero amount has no sign (`$0`, never `−$0`).
 */
export function stepSign(step: BridgeStep): string {
  if (Number(step.amount.amount) === 0) return '';
  return step.kind === 'gain' ? '+' : step.kind === 'loss' ? '−' : '';
}
