/**
 * Segment locks. An embed token may be locked to a segment; every query it makes is confined to
 * that segment and may narrow it but never widen it. What a lock lets the caller see besides the
 * figures (customers, attribute values) is in ./segment-visibility.ts.
 */
import { intersectSegments, type SegmentFilter, SIZE_BANDS, type SizeBand } from '@nrr/core';
import type { ApiContext } from '../context.ts';
import { ApiError } from '../errors.ts';

export type { SegmentFilter, SizeBand };

/** A segment as a GraphQL `SegmentFilter` argument carries it (see ../schema/segment-filter.ts). */
export interface SegmentFilterArg {
  readonly attributes?:
    | readonly { readonly name: string; readonly values: readonly string[] }[]
    | null
    | undefined;
  readonly sizeBands?: readonly SizeBand[] | null | undefined;
}

/** The caller's segment lock: an embed token's segment; `undefined` for secret keys and unlocked tokens. */
export function segmentLockOf(context: Pick<ApiContext, 'principal'>): SegmentFilter | undefined {
  return context.principal.kind === 'EMBED_TOKEN' ? context.principal.segment : undefined;
}

/** Converts a segment argument and applies the caller's lock ({@link applySegmentLock}); `undefined` = everyone. */
export function effectiveSegment(
  context: Pick<ApiContext, 'principal'>,
  arg: SegmentFilterArg | null | undefined,
): SegmentFilter | undefined {
  const requested: SegmentFilter | undefined = arg
    ? {
        ...(arg.attributes
          ? { attributes: arg.attributes.map((a) => ({ name: a.name, values: [...a.values] })) }
          : {}),
        ...(arg.sizeBands ? { sizeBands: [...arg.sizeBands] } : {}),
      }
    : undefined;
  return applySegmentLock(segmentLockOf(context), requested);
}

/**
 * The effective segment of a request: the requested one intersected with the lock, so it can
 * narrow the lock but never widen it. Asking by name for attribute values or size bands outside
 * the lock is `FORBIDDEN` (saying what the lock allows); an empty list asks for nobody and gets
 * nobody (see `SegmentFilter` in core). `undefined` = everyone (no lock, no request).
 */
export function applySegmentLock(
  lock: SegmentFilter | undefined,
  requested: SegmentFilter | undefined,
): SegmentFilter | undefined {
  if (!lock || !requested) return intersectSegments(lock, requested);
  for (const { name, values } of requested.attributes ?? []) {
    for (const locked of lock.attributes ?? []) {
      if (locked.name !== name) continue;
      const outside = values.filter((value) => !locked.values.includes(value));
      if (outside.length > 0) {
        throw new ApiError(
          'FORBIDDEN',
          `segment attribute "${name}": this token is limited to ${JSON.stringify(locked.values)}; ${JSON.stringify(outside)} is outside it`,
        );
      }
    }
  }
  const lockedBands = lock.sizeBands;
  if (requested.sizeBands && lockedBands) {
    const outside = requested.sizeBands.filter((band) => !lockedBands.includes(band));
    if (outside.length > 0) {
      throw new ApiError(
        'FORBIDDEN',
        `segment sizeBands: this token is limited to ${JSON.stringify(lockedBands)}; ${JSON.stringify(outside)} is outside it`,
      );
    }
  }
  // The checks above only explain refusals; the intersection is what confines the request.
  return intersectSegments(lock, requested);
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
