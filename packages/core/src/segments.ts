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
 *
 * An absent list is no condition; an empty list of alternatives selects nobody: `sizeBands: []`
 * or an attribute filter with `values: []` matches no customer. (`attributes: []` is an empty
 * list of conditions, so it selects everyone, like an absent one.)
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

/**
 * Whether attributes satisfy every attribute filter of a segment (size bands are checked
 * separately, by {@link matchesSizeBand}). A filter with `values: []` matches nothing; a customer
 * without the attribute matches no filter on it.
 */
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

/**
 * Whether a size band passes a segment's size-band filter: every band when `sizeBands` is absent,
 * none when it is `[]`.
 */
export function matchesSizeBand(band: SizeBand, segment: SegmentFilter | undefined): boolean {
  return segment?.sizeBands === undefined || segment.sizeBands.includes(band);
}

/** Whether a customer with these attributes and this size band is in the segment (`undefined` = everyone). */
export function matchesSegment(
  attributes: Readonly<Record<string, string>>,
  band: SizeBand,
  segment: SegmentFilter | undefined,
): boolean {
  return matchesAttributes(attributes, segment) && matchesSizeBand(band, segment);
}

/**
 * The segment of the customers both `a` and `b` select (`undefined` = everyone). Attribute
 * filters on the same name are merged into one holding the values both accept (possibly none,
 * which selects nobody); size bands are those both accept. Used to confine a requested segment to
 * a token's lock: the result can never select a customer outside either.
 */
export function intersectSegments(
  a: SegmentFilter | undefined,
  b: SegmentFilter | undefined,
): SegmentFilter | undefined {
  if (!a) return b;
  if (!b) return a;
  const byName = new Map<string, string[]>();
  for (const filter of [...(a.attributes ?? []), ...(b.attributes ?? [])]) {
    const earlier = byName.get(filter.name);
    byName.set(
      filter.name,
      earlier ? earlier.filter((value) => filter.values.includes(value)) : [...new Set(filter.values)],
    );
  }
  const attributes = [...byName].map(([name, values]) => ({ name, values }));
  const sizeBands =
    a.sizeBands === undefined
      ? b.sizeBands
      : b.sizeBands === undefined
        ? a.sizeBands
        : a.sizeBands.filter((band) => b.sizeBands?.includes(band));
  return {
    ...(attributes.length > 0 ? { attributes } : {}),
    ...(sizeBands === undefined ? {} : { sizeBands: SIZE_BANDS.filter((band) => sizeBands.includes(band)) }),
  };
}

/**
 * Distinct values of a dimension across the given entities and their history, sorted; `size_band`
 * lists the bands. To list only what a segment may see, pass only its entities and snapshots.
 */
export function segmentValues(
  timeline: { readonly entities: readonly Pick<EntityTimeline, 'attributes'>[] },
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
export function segmentDimensions(timeline: {
  readonly entities: readonly Pick<EntityTimeline, 'attributes'>[];
}): string[] {
  const names = new Set<string>();
  for (const entity of timeline.entities) {
    for (const change of entity.attributes) for (const name of Object.keys(change.values)) names.add(name);
  }
  return [...[...names].sort(), SIZE_BAND_DIMENSION];
}
