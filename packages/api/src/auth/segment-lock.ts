/**
 * Segment locks. An embed token may be locked to a segment; every query it makes is confined to
 * that segment and may narrow it but never widen it.
 */
import { type SegmentFilter, SIZE_BANDS, type SizeBand } from '@nrr/core';
import { ApiError } from '../errors.ts';

export type { SegmentFilter, SizeBand };

/** The effective segment of a request: the requested one within the lock. */
export function applySegmentLock(
  lock: SegmentFilter | undefined,
  requested: SegmentFilter | undefined,
): SegmentFilter | undefined {
  if (!lock) return requested;
  if (!requested) return lock;
  const attributes = new Map<string, readonly string[]>();
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
    const outside = lock.sizeBands
      ? requested.sizeBands.filter((band) => !lock.sizeBands?.includes(band))
      : [];
    if (outside.length > 0) {
      throw new ApiError(
        'FORBIDDEN',
        `segment sizeBands: this token is limited to ${JSON.stringify(lock.sizeBands)}; ${JSON.stringify(outside)} is outside it`,
      );
    }
    sizeBands = requested.sizeBands;
  }
  const merged = [...attributes].map(([name, values]) => ({ name, values }));
  return sizeBands ? { attributes: merged, sizeBands } : { attributes: merged };
}

/** Validates a segment from untrusted JSON (a token claim); `undefined` when it is malformed. */
export function parseSegmentClaim(value: unknown): SegmentFilter | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { attributes, sizeBands } = value as Record<string, unknown>;
  let parsedAttributes: { name: string; values: string[] }[] | undefined;
  let parsedBands: SizeBand[] | undefined;
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
    parsedAttributes = parsed;
  }
  if (sizeBands !== undefined) {
    if (!Array.isArray(sizeBands) || !sizeBands.every((b) => SIZE_BANDS.includes(b as SizeBand)))
      return undefined;
    parsedBands = sizeBands as SizeBand[];
  }
  return {
    ...(parsedAttributes ? { attributes: parsedAttributes } : {}),
    ...(parsedBands ? { sizeBands: parsedBands } : {}),
  };
}
