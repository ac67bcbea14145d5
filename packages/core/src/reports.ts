import type { Instant } from './dates.ts';
import type { MoneyUnits } from './money.ts';

/** How a retention figure was computed (retention semantics §5); every result carries it. */
export type RetentionMethod = 'PERIOD' | 'TRAILING_12M' | 'CHAINED';

/** The entity whose MRR is compared: customers (default) or, Chargebee-style, subscriptions. */
export type Grain = 'CUSTOMER' | 'SUBSCRIPTION';

/** The movement of one customer over a period, or of one change in the ledger (retention semantics §4). */
export type MovementKind = 'NEW' | 'EXPANSION' | 'CONTRACTION' | 'CHURN' | 'REACTIVATION';

export const MOVEMENT_KINDS: readonly MovementKind[] = [
  'NEW',
  'REACTIVATION',
  'EXPANSION',
  'CONTRACTION',
  'CHURN',
];

/**
 * The MRR bridge of a period, all amounts in reporting-currency units and non-negative:
 * `startingMrr + newBusiness + reactivation + expansion − contraction − churn = endingMrr`.
 */
export interface MrrBridge {
  readonly startingMrr: MoneyUnits;
  readonly newBusiness: MoneyUnits;
  readonly reactivation: MoneyUnits;
  readonly expansion: MoneyUnits;
  readonly contraction: MoneyUnits;
  readonly churn: MoneyUnits;
  readonly endingMrr: MoneyUnits;
}

/** Customer (or subscription, at that grain) counts of a period. */
export interface CustomerCounts {
  /** Starting cohort: MRR > 0 at the period's start. */
  readonly starting: number;
  /** Cohort members with MRR > 0 at the end. */
  readonly retained: number;
  readonly churned: number;
  readonly expanded: number;
  readonly contracted: number;
  readonly new: number;
  readonly reactivated: number;
  /** MRR > 0 at the end. */
  readonly ending: number;
}

/** Codes of the warnings the engine raises (retention semantics §9). */
export type WarningCode =
  | 'EXPANSION_MASKS_CHURN'
  | 'CONCENTRATED_EXPANSION'
  | 'CONCENTRATED_REVENUE'
  | 'SMALL_SAMPLE'
  | 'IMMATURE_WINDOW'
  | 'WINDOW_AFTER_DATA'
  | 'EMPTY_COHORT'
  /** A segment condition names a value no customer has (raised by the API, see segment-check.ts). */
  | 'UNKNOWN_SEGMENT_VALUE';

/** Something a person should know before trusting or presenting a figure. */
export interface RetentionWarning {
  readonly code: WarningCode;
  /** What was found and what to do about it, in one or two sentences. */
  readonly message: string;
}

/**
 * Retention figures for one period. Ratios are plain numbers (1.05 = 105%) computed from exact
 * sums, and `null` when the starting cohort is empty (or, for the quick ratio, when nothing was lost).
 */
export interface RetentionReport extends MrrBridge {
  readonly method: RetentionMethod;
  readonly grain: Grain;
  /** Start of the window the figures describe (inclusive). */
  readonly from: Instant;
  /** End of the window (exclusive). */
  readonly to: Instant;
  /** Reporting currency of every amount. */
  readonly currency: string;
  /** Net revenue retention: Σ ending / Σ starting over the starting cohort. */
  readonly nrr: number | null;
  /** Gross revenue retention: Σ min(starting, ending) / Σ starting; never above 1. */
  readonly grr: number | null;
  /** Share of the starting cohort still paying at the end. */
  readonly logoRetention: number | null;
  /** (churn + contraction − expansion) / starting MRR. */
  readonly netMrrChurnRate: number | null;
  /** (churn + contraction) / starting MRR. */
  readonly grossMrrChurnRate: number | null;
  /** (new + reactivation + expansion) / (contraction + churn); `null` when nothing was lost. */
  readonly quickRatio: number | null;
  /**
   * Constant-currency drift: ending MRR at the rates in force at `to` minus ending MRR at the
   * rates in force at `from` (0 for a single-currency tenant). Not part of the bridge.
   */
  readonly fxImpact: MoneyUnits;
  readonly customers: CustomerCounts;
  readonly warnings: readonly RetentionWarning[];
}
