/**
 * What an embed token locked to a segment may see outside the figures themselves: which customers
 * (for `customers` and `customer`) and which attribute values and names (for `segments` and
 * `segmentDimensions`). The figures are confined by the effective segment of each query instead
 * (`effectiveSegment` in ./segment-lock.ts). "Current" here ({@link latestAttributes},
 * {@link currentInstant}) is the same current that `Customer` shows.
 */
import {
  type EntityTimeline,
  entityMrrAt,
  matchesAttributes,
  matchesSegment,
  sizeBandOf,
  type Timeline,
} from '@nrr/core';
import type { ApiContext } from '../context.ts';
import { segmentLockOf } from './segment-lock.ts';

/** Latest attributes of an entity. */
export function latestAttributes(
  entity: Pick<EntityTimeline, 'attributes'>,
): Readonly<Record<string, string>> {
  return entity.attributes[entity.attributes.length - 1]?.values ?? {};
}

/** "Now" for current MRR: the present, or just after the last known change if that is later. */
export function currentInstant(timeline: Timeline): number {
  return Math.max(Date.now(), timeline.asOf + 1);
}

/**
 * Whether the caller's lock lets it see this customer, judged on current data: its latest
 * attributes and the size band of its current MRR. Always true without a lock.
 */
export async function visibleToCaller(
  context: ApiContext,
  timeline: Timeline,
  entity: EntityTimeline,
): Promise<boolean> {
  const lock = segmentLockOf(context);
  if (!lock) return true;
  if (!matchesAttributes(latestAttributes(entity), lock)) return false;
  if (lock.sizeBands === undefined) return true;
  const rates = await context.analytics.rates();
  const band = sizeBandOf(entityMrrAt(timeline, entity.id, currentInstant(timeline), rates));
  return matchesSegment({}, band, { sizeBands: lock.sizeBands });
}

/**
 * The attribute history the caller may list values and names from: every entity without a lock;
 * under a lock, only customers it can see ({@link visibleToCaller}), each with only those
 * snapshots whose attributes are inside the lock. So a token locked to `country: US` never learns
 * a value that only customers outside the US have, nor one a customer had while outside the US.
 */
export async function attributeHistoryInLock(
  context: ApiContext,
  timeline: Timeline,
): Promise<readonly Pick<EntityTimeline, 'attributes'>[]> {
  const lock = segmentLockOf(context);
  if (!lock) return timeline.entities;
  const inside: Pick<EntityTimeline, 'attributes'>[] = [];
  for (const entity of timeline.entities) {
    if (!(await visibleToCaller(context, timeline, entity))) continue;
    const attributes = entity.attributes.filter((change) => matchesAttributes(change.values, lock));
    if (attributes.length > 0) inside.push({ attributes });
  }
  return inside;
}
