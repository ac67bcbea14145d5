/**
 * The types of a definition set (docs/metrics.md, "Definitions"), apart from the values and
 * checks in definitions.ts so that presets.ts can name them without an import cycle.
 */
import type { MoneyUnits } from '../money.ts';
import type { DiscountPolicy, PausePolicy, UnpaidPolicy } from '../normalize/events.ts';
import type { Grain } from '../reports.ts';

/** When churn is dated (retention semantics §3). */
export type ChurnDate = 'END_OF_SERVICE' | 'CANCELLATION';

/** A documented vendor set of definitions (see `PRESETS` and `PRESET_DEFINITIONS`). */
export type DefinitionPreset = 'CHARTMOGUL' | 'PROFITWELL' | 'BAREMETRICS' | 'STRIPE' | 'DBT_PLAYBOOK';

/**
 * A full set of definitions. Every option has a default (`DEFAULT_DEFINITIONS`); amounts are in
 * units of 1/10,000 of the reporting currency.
 */
export interface Definitions {
  /** Entity whose MRR is compared: `CUSTOMER` (default) or `SUBSCRIPTION` (Chargebee-style). */
  readonly grain: Grain;
  /** `END_OF_SERVICE` (default: when the paid service ends) or `CANCELLATION` (when the customer asked). */
  readonly churnDate: ChurnDate;
  /** A return after a longer gap (in days) is new business; `null` (default): any gap is a reactivation. */
  readonly reactivationWindowDays: number | null;
  /** Changes of one entity within this many minutes of a group's first change are one movement; default 60. */
  readonly coalesceWindowMinutes: number;
  /** Which discounts reduce MRR; default `ALL_RECURRING`. Acts when events become spans. */
  readonly discounts: DiscountPolicy;
  /** Past-due (and, with `unpaid: KEEP`, unpaid) subscriptions churn after this many days; `null` (default): they keep their MRR. Acts when events become spans. */
  readonly pastDueChurnDays: number | null;
  /** Unpaid subscriptions: `CHURN` (default, as Stripe) or `KEEP` (treated as past due). Acts when events become spans. */
  readonly unpaid: UnpaidPolicy;
  /** Paused subscriptions: `KEEP` (default), `ZERO` or `CHURN`. Acts when events become spans. */
  readonly pause: PausePolicy;
  /** Lower bound of the mid-market size band, units per month; default 10,000,000 (1,000.0000). */
  readonly sizeBandMidMarket: MoneyUnits;
  /** Lower bound of the enterprise size band, units per month; default 100,000,000 (10,000.0000). */
  readonly sizeBandEnterprise: MoneyUnits;
  /** IANA time zone whose calendar months, quarters and years periods follow; default `UTC`. */
  readonly timeZone: string;
}

/** The name of one definition option. */
export type DefinitionName = keyof Definitions;

/** A full set of definitions and the preset it was resolved from (`null`: none, the engine's defaults). */
export interface ResolvedDefinitions extends Definitions {
  readonly preset: DefinitionPreset | null;
}

/** What a tenant setting or a query may give: a preset and any options over it. */
export type DefinitionsInput = { readonly preset?: DefinitionPreset | null } & {
  readonly [K in DefinitionName]?: Definitions[K];
};

/**
 * Where an option acts: when stored events become spans (`SPANS`: the spans must be recomputed
 * from the raw events), when spans become a timeline (`TIMELINE`), or when a question is asked of
 * the timeline (`QUERY`).
 */
export type DefinitionStage = 'SPANS' | 'TIMELINE' | 'QUERY';

/** One option's place, allowed values and description, for docs, schemas and messages. */
export interface DefinitionOption {
  readonly name: DefinitionName;
  readonly stage: DefinitionStage;
  /** The allowed values, as a person reads them (also in every validation message). */
  readonly allowed: string;
  /** Whether a preset sets it (time zone and size bands are the tenant's own, whatever the preset). */
  readonly preset: boolean;
}
