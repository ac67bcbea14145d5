import type { Instant } from './dates.ts';
import type { MoneyUnits } from './money.ts';
import type { AttributeChange, EntityTimeline } from './timeline.ts';

/** Size bands by starting MRR in the reporting currency (retention semantics §7). */
export type SizeBand = 'SMB' | 'MID_MARKET' | 'ENTERPRISE';

export const SIZE_BANDS: readonly SizeBand[] = ['SMB', 'MID_MARKET', 'ENTERPRISE'];

/** Lower bounds of the mid-market and enterprise bands, in units per month. */
export interface SizeBandThresholds {
  readonly midMarket: MoneyUnits;
  readonly enterprise: MoneyUnits;
}

/** SMB < 1,000/month ≤ mid-market < 10,000/month ≤ enterprise. */
export const DEFAULT_SIZE_BAND_THRESHOLDS: SizeBandThresholds = {
  midMarket: 10_000_000,
  enterprise: 100_000_000,
};

/** The pseudo-dimension that breaks down or filters by size band. */
export const SIZE_BAND_DIMENSION = 'size_band';

/** Value used for entities that have no value for a breakdown dimension. */
export const NO_VALUE = '(none)';

/**
 * Picks the starting cohort of a period by attributes at the period's start and by size band.
 * Values within one attribute filter are alternatives (OR); separate filters must all match (AND).
 */
export interface SegmentFilter {
  readonly attributes?: readonly { readonly name: string; readonly values: readonly string[] }[];
  readonly sizeBands?: readonly SizeBand[];
}

/** Size band of an MRR amount. */
export function sizeBandOf(
  mrr: MoneyUnits,
  thresholds: SizeBandThresholds = DEFAULT_SIZE_BAND_THRESHOLDS,
): SizeBand {
  if (mrr >= thresholds.enterprise) return 'ENTERPRISE';
  if (mrr >= thresholds.midMarket) return 'MID_MARKET';
  return 'SMB';
}

/**
 * An entity's attributes at the start of a period: the last snapshot taken strictly before
 * `at` (a plan change effective at `at` belongs to the period, like an MRR change), or, for an
 * entity that only appears later (new business), its first snapshot.
 */
export function attributesAt(
  entity: Pick<EntityTimeline, 'attributes'>,
  at: Instant,
): Readonly<Record<string, string>> {
  const changes = entity.attributes;
  let found: AttributeChange | undefined;
  for (const change of changes) {
    if (change.at < at) found = change;
    else break;
  }
  return (found ?? changes[0])?.values ?? {};
}

/**
 * The value of the attribute `name`, or `undefined` when the customer has none. Only own properties
 * count, so a dimension named `valueOf`, `constructor` or `__proto__` is an ordinary name, never a
 * member inherited from `Object.prototype`.
 */
export function attributeValue(
  attributes: Readonly<Record<string, string>>,
  name: string,
): string | undefined {
  return Object.hasOwn(attributes, name) ? attributes[name] : undefined;
}

/** Whether attributes satisfy every attribute filter of a segment (size bands are checked separately). */
export function matchesAttributes(
  attributes: Readonly<Record<string, string>>,
  segment: SegmentFilter | undefined,
): boolean {
  if (!segment?.attributes) return true;
  return segment.attributes.every((filter) => {
    const value = attributeValue(attributes, filter.name);
    return value !== undefined && filter.values.includes(value);
  });
}

/** Distinct values of a dimension across all entities and their history, sorted; `size_band` lists the bands. */
export function segmentValues(
  timeline: { readonly entities: readonly EntityTimeline[] },
  dimension: string,
): string[] {
  if (dimension === SIZE_BAND_DIMENSION) return [...SIZE_BANDS];
  const values = new Set<string>();
  for (const entity of timeline.entities) {
    for (const change of entity.attributes) {
      const value = attributeValue(change.values, dimension);
      if (value !== undefined) values.add(value);
    }
  }
  return [...values].sort((a, b) => a.localeCompare(b));
}

/** Every attribute name that appears in the timeline, sorted, plus `size_band`. */
export function segmentDimensions(timeline: { readonly entities: readonly EntityTimeline[] }): string[] {
  const names = new Set<string>();
  for (const entity of timeline.entities) {
    for (const change of entity.attributes) for (const name of Object.keys(change.values)) names.add(name);
  }
  return [...[...names].sort(), SIZE_BAND_DIMENSION];
}
