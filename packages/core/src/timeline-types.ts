/**
 * What a timeline is: the per-entity MRR history the retention functions query, as plain
 * entities ({@link EntityTimeline}) and as the engine's columns ({@link TimelineColumns}). Built
 * from spans by `buildTimeline` (./timeline.ts).
 */
import type { Instant } from './dates.ts';
import type { MoneyUnits } from './money.ts';
import type { Grain } from './reports.ts';

/** How spans become a timeline (retention semantics §3). */
export interface TimelineOptions {
  /** Entity whose MRR is compared: `'CUSTOMER'` (default) or `'SUBSCRIPTION'` (Chargebee-style). */
  readonly grain?: Grain;
  /**
   * Changes of one entity within this many milliseconds of the first change of a group coalesce
   * into one change, dated at the group's first instant, so that a plan switch (cancel + new
   * subscription) is one expansion or contraction rather than churn + new. Default 60 minutes.
   */
  readonly coalesceWindowMs?: number;
  /**
   * When churn is dated: `'END_OF_SERVICE'` (default: when the paid service period ends) or
   * `'CANCELLATION'` (when the customer asked to cancel, for spans that carry `canceledAt`).
   */
  readonly churnDate?: 'END_OF_SERVICE' | 'CANCELLATION';
}

/** The MRR of one entity in one currency over time: `mrr[i]` holds from `at[i]` until `at[i + 1]`. */
export interface CurrencyLane {
  readonly currency: string;
  /** Ascending instants of change. */
  readonly at: readonly Instant[];
  /** MRR in units from the matching instant on (0 after the last subscription ends). */
  readonly mrr: readonly MoneyUnits[];
}

/** The entity's attributes from `at` on (a full snapshot, not a diff). */
export interface AttributeChange {
  readonly at: Instant;
  readonly values: Readonly<Record<string, string>>;
}

/**
 * One customer's (or, at subscription grain, one subscription's) coalesced MRR history, as plain
 * data. A timeline creates these on demand ({@link Timeline.entityAt}); the engine reads the
 * columns instead. Nothing stores them: spans are stored, and timelines are built from them.
 */
export interface EntityTimeline {
  /** Customer id, or subscription id at subscription grain. */
  readonly id: string;
  readonly customerId: string;
  /** One lane per currency the entity was ever billed in (almost always one). */
  readonly lanes: readonly CurrencyLane[];
  /** Attribute snapshots, ascending by `at`. */
  readonly attributes: readonly AttributeChange[];
}

/**
 * An indexed, read-only collection of entity timelines that the retention functions query.
 * Build with `buildTimeline` (./timeline.ts).
 */
export interface Timeline {
  readonly grain: Grain;
  /** The end of known data: periods and cohort cells reaching past it are immature. */
  readonly asOf: Instant;
  /** Number of entities. */
  readonly size: number;
  /** Every currency any entity was billed in, sorted. */
  readonly currencies: readonly string[];
  /**
   * The entities, in index order, sorted by id. They are created on first access; the engine
   * itself reads {@link Timeline.columns}.
   */
  readonly entities: readonly EntityTimeline[];
  /** The entity at an index (created on first access, then kept). */
  entityAt(index: number): EntityTimeline;
  /** The attribute snapshots of the entity at an index (without creating the whole entity). */
  attributesOf(index: number): readonly AttributeChange[];
  /** Index of an entity by id, or `undefined`. */
  indexOf(id: string): number | undefined;
  /** @internal Columnar index used by the engine. */
  readonly columns: TimelineColumns;
}

/** @internal Columnar storage: lanes of entity `e` are `laneStart[e] .. laneStart[e+1]`. */
export interface TimelineColumns {
  readonly laneStart: readonly number[];
  readonly laneCurrency: readonly number[];
  readonly changeStart: readonly number[];
  readonly times: readonly number[];
  readonly values: readonly number[];
  /** First instant the entity's MRR was above 0, or NaN. */
  readonly firstPaidAt: readonly number[];
  /** When the entity's MRR dropped to 0 for good (its last change), or +Infinity while still paying. */
  readonly paidUntil: readonly number[];
}
