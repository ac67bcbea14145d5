/**
 * Typos in a question's segment or breakdown dimension, checked against the names and values the
 * caller can see (core's segment-check.ts): an attribute name no customer has is `BAD_USER_INPUT`
 * naming the known dimensions and the close match; a value no customer has answers the empty
 * segment it selects, with an `UNKNOWN_SEGMENT_VALUE` warning naming the close values.
 *
 * Only what the request asks is checked, never a token's lock: a lock's own values are not the
 * browser's to correct (they are checked once, by whoever mints the token: `createEmbedToken`'s
 * `warnings`). Under a lock, names and values (and so the close matches) come only from
 * the history the caller may list (`attributeHistoryInLock`), so a typo never reveals a value of a
 * customer outside the lock.
 */
import {
  checkSegment,
  type RetentionWarning,
  type SegmentFilter,
  type SegmentVocabulary,
  segmentNames,
  segmentVocabulary,
  unknownDimensionMessage,
  unknownSegmentValueWarning,
} from '@nrr/core';
import { segmentLockOf } from '../auth/segment-lock.ts';
import { attributeHistoryInLock } from '../auth/segment-visibility.ts';
import type { ApiContext } from '../context.ts';
import { badInput } from '../errors.ts';

/**
 * Checks the requested segment's attribute names and values and a breakdown's `by`. Throws
 * `BAD_USER_INPUT` (field `segment.attributes` or `by`, `extensions.closeMatches` and
 * `knownDimensions`) for an unknown name; returns one `UNKNOWN_SEGMENT_VALUE` warning per unknown
 * value. Asks nothing of the data when the question names no attribute.
 */
export async function segmentTypoWarnings(
  context: ApiContext,
  requested: SegmentFilter | undefined,
  by?: string,
): Promise<RetentionWarning[]> {
  const names = segmentNames(requested, by);
  if (names.length === 0) return [];
  const vocabulary = await vocabularyFor(context, names);
  const check = checkSegment(vocabulary, requested, by);
  const [unknown] = check.unknownDimensions;
  if (unknown) {
    throw badInput(
      unknown.where === 'by' ? 'by' : 'segment.attributes',
      unknownDimensionMessage(unknown, vocabulary),
      {
        reason: 'UNKNOWN_DIMENSION',
        dimension: unknown.name,
        closeMatches: unknown.closeMatches,
        knownDimensions:
          unknown.where === 'by' ? [...vocabulary.dimensions, 'size_band'] : vocabulary.dimensions,
      },
    );
  }
  return check.unknownValues.map(unknownSegmentValueWarning);
}

/**
 * The `UNKNOWN_SEGMENT_VALUE` warnings of a segment a token is about to be locked to, checked
 * against the whole tenant (the minter is a secret key). Unlike a question's segment, a lock may
 * name an attribute no customer has yet (customers still to come): only values are checked.
 */
export async function segmentLockWarnings(
  context: ApiContext,
  lock: SegmentFilter | undefined,
): Promise<RetentionWarning[]> {
  const names = segmentNames(lock);
  if (names.length === 0) return [];
  return checkSegment(await vocabularyFor(context, names), lock).unknownValues.map(
    unknownSegmentValueWarning,
  );
}

/**
 * The names and values the caller may see: the whole tenant's from the engine (in a worker when
 * there is one, memoised per data version); under a lock, the locked history's, on this thread
 * like the `segments` query.
 */
async function vocabularyFor(context: ApiContext, names: readonly string[]): Promise<SegmentVocabulary> {
  if (segmentLockOf(context)) {
    const timeline = await context.analytics.timeline();
    return segmentVocabulary(await attributeHistoryInLock(context, timeline), names);
  }
  const key = JSON.stringify(['segmentVocabulary', names]);
  return context.analytics.run(key, { kind: 'segmentVocabulary', names });
}

/** `report` with `warnings` added after its own (a new object: engine results are shared, memoised). */
export function withWarnings<T extends { readonly warnings: readonly RetentionWarning[] }>(
  report: T,
  warnings: readonly RetentionWarning[],
): T {
  return warnings.length === 0 ? report : { ...report, warnings: [...report.warnings, ...warnings] };
}
