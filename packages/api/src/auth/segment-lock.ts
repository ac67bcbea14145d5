/**
 * Segment locks. An embed token may be locked to a segment; every query it makes is confined to
 * that segment and may narrow it but never widen it.
 */
import { ApiError } from '../errors.ts';

/** A customer size band by starting MRR (retention semantics §7). */
export type SizeBand = 'SMB' | 'MID_MARKET' | 'ENTERPRISE';

/** The size bands, smallest first. */
export const SIZE_BANDS: readonly SizeBand[] = ['SMB', 'MID_MARKET', 'ENTERPRISE'];

/**
 * Which customers a figure covers, by their attributes at the period's start: a customer matches
 * when, for every listed attribute, its value is one of `values`, and its size band (if bands are
 * listed) is one of `sizeBands`. An empty filter matches everyone. Same shape as @nrr/core's.
 */
export interface SegmentFilter {
  attributes?: { name: string; values: string[] }[];
  sizeBands?: SizeBand[];
}

/** The effective segment of a request: the requested one within the lock. */
export function applySegmentLock(
  lock: SegmentFilter | undefined,
  requested: SegmentFilter | undefined,
): SegmentFilter | undefined {
  if (!lock) return requested;
  if (!requested) return lock;
  const attributes = new Map<string, string[]>();
  for (const { name, values } of lock.attributes ?? []) attributes.set(name, values);
  for (const { name, values } of requested.attributes ?? []) {
    const locked = attributes.get(name);
    if (locked) {
      const outside = values.filter((value) => !locked.includes(value));
      if (outside.length > 0) {
        throw new ApiError(
          'FORBIDDEN',
          `segment attribute "${name}": this token is limited to ${JSON.stringify(locked)}; ${JSON.stringify(outside)} is outside it`,
        );
      }
    }
    attributes.set(name, values);
  }
  let sizeBands = lock.sizeBands;
  if (requested.sizeBands) {
    const outside = lock.sizeBands ? requested.sizeBands.filter((band) => !lock.sizeBands?.includes(band)) : [];
    if (outside.length > 0) {
      throw new ApiError(
        'FORBIDDEN',
        `segment sizeBands: this token is limited to ${JSON.stringify(lock.sizeBands)}; ${JSON.stringify(outside)} is outside it`,
      );
    }
    sizeBands = requested.sizeBands;
  }
  const merged: SegmentFilter = { attributes: [...attributes].map(([name, values]) => ({ name, values })) };
  if (sizeBands) merged.sizeBands = sizeBands;
  return merged;
}

/** Whether a customer's attributes satisfy a filter's attribute conditions (size bands are not checked here). */
export function attributesMatch(segment: SegmentFilter | undefined, attributes: Readonly<Record<string, string>>): boolean {
  for (const { name, values } of segment?.attributes ?? []) {
    const value = attributes[name];
    if (value === undefined || !values.includes(value)) return false;
  }
  return true;
}

/** Validates a segment from untrusted JSON (a token claim); `undefined` when it is malformed. */
export function parseSegmentClaim(value: unknown): SegmentFilter | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { attributes, sizeBands } = value as Record<string, unknown>;
  const segment: SegmentFilter = {};
  if (attributes !== undefined) {
    if (!Array.isArray(attributes)) return undefined;
    const parsed: { name: string; values: string[] }[] = [];
    for (const entry of attributes) {
      const { name, values } = (entry ?? {}) as Record<string, unknown>;
      if (typeof name !== 'string' || !Array.isArray(values) || !values.every((v) => typeof v === 'string')) {
        return undefined;
      }
      parsed.push({ name, values: values as string[] });
    }
    segment.attributes = parsed;
  }
  if (sizeBands !== undefined) {
    if (!Array.isArray(sizeBands) || !sizeBands.every((b) => SIZE_BANDS.includes(b as SizeBand))) return undefined;
    segment.sizeBands = sizeBands as SizeBand[];
  }
  return segment;
}
