/**
 * Checking a segment filter or breakdown dimension against the names and values the data holds,
 * so that a typo (`plann`, `pro` for `Pro`, `region` where no customer has one) is reported
 * instead of answering an empty segment or one "(none)" row that looks like a real figure.
 */
import { MAX_SHOWN_VALUE, shorten } from './errors.ts';
import type { RetentionWarning } from './reports.ts';
import { attributeValue, type SegmentFilter, SIZE_BAND_DIMENSION } from './segments.ts';
import type { EntityTimeline } from './timeline.ts';

/** Most close matches {@link closeMatches} returns by default. */
export const MAX_CLOSE_MATCHES = 3;

/** Most unknown values {@link checkSegment} reports (a list of thousands is not a typo to correct one by one). */
export const MAX_UNKNOWN_VALUES = 10;

/**
 * Optimal string alignment distance between `a` and `b`: insertions, deletions, substitutions and
 * swaps of two adjacent characters each cost 1 (`plann` → `plan` 1, `cuontry` → `country` 1).
 * Compares UTF-16 code units, case-sensitively. Returns `limit + 1` as soon as the distance is
 * known to exceed `limit` (default: no limit), so long candidate lists stay cheap.
 */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previousRow: number[] = [];
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const before = previousRow;
    previousRow = row;
    row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(
        (previousRow[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (previousRow[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, (before[j - 2] as number) + 1);
      }
      row[j] = value;
      if (value < best) best = value;
    }
    if (best > limit) return limit + 1;
  }
  return row[b.length] as number;
}

/**
 * The candidates a person most likely meant by `input`, best first, at most `limit` (default
 * {@link MAX_CLOSE_MATCHES}). Those equal to it ignoring case, when there are any, are the only
 * ones (`pro` means `Pro`, not also `Professional`); otherwise those within an edit distance
 * (ignoring case, see {@link editDistance}) of a third of its length (inputs of 1 or 2 characters,
 * such as country codes, get none: one edit away is nearly every code), then those that start with
 * it or that it starts with (ignoring case, 3 characters or more); ties sorted by candidate.
 * `input` itself is never a close match; no candidate close enough gives `[]`.
 */
export function closeMatches(
  input: string,
  candidates: Iterable<string>,
  limit = MAX_CLOSE_MATCHES,
): string[] {
  const wanted = input.toLowerCase();
  const allowed = Math.floor(wanted.length / 3);
  const scored: { candidate: string; score: number }[] = [];
  for (const candidate of new Set(candidates)) {
    if (candidate === input) continue;
    const lower = candidate.toLowerCase();
    const distance = lower === wanted ? 0 : editDistance(wanted, lower, allowed);
    const shorter = Math.min(wanted.length, lower.length);
    const prefix = shorter >= 3 && (lower.startsWith(wanted) || wanted.startsWith(lower));
    // Below the distance limit, the distance ranks; prefixes rank after every near spelling.
    if (distance <= allowed) scored.push({ candidate, score: distance });
    else if (prefix) scored.push({ candidate, score: allowed + 1 });
  }
  scored.sort((a, b) => a.score - b.score || a.candidate.localeCompare(b.candidate));
  const sameLetters = scored.filter((entry) => entry.score === 0);
  return (sameLetters.length > 0 ? sameLetters : scored).slice(0, limit).map((entry) => entry.candidate);
}

/**
 * What a segment or breakdown is checked against: the attribute names the data holds (without
 * `size_band`), the distinct values of the names asked about, and whether there is any customer
 * at all (with none, nothing can be checked and nothing is reported).
 */
export interface SegmentVocabulary {
  readonly customers: number;
  /** Attribute names found in the data, sorted. */
  readonly dimensions: readonly string[];
  /** Distinct values of each asked-about name that the data holds, sorted. */
  readonly values: Readonly<Record<string, readonly string[]>>;
}

/**
 * The {@link SegmentVocabulary} of `entities` (every snapshot of their attribute history) for the
 * attribute names `names`. To check what a caller may see only, pass only what it may see.
 */
export function segmentVocabulary(
  entities: readonly Pick<EntityTimeline, 'attributes'>[],
  names: readonly string[],
): SegmentVocabulary {
  const dimensions = new Set<string>();
  const values = new Map(names.map((name) => [name, new Set<string>()]));
  for (const entity of entities) {
    for (const change of entity.attributes) {
      for (const name of Object.keys(change.values)) dimensions.add(name);
      for (const [name, found] of values) {
        const value = attributeValue(change.values, name);
        if (value !== undefined) found.add(value);
      }
    }
  }
  const sorted = (set: Iterable<string>) => [...set].sort((a, b) => a.localeCompare(b));
  return {
    customers: entities.length,
    dimensions: sorted(dimensions),
    values: Object.fromEntries([...values].map(([name, found]) => [name, sorted(found)])),
  };
}

/** The attribute names a segment filter or breakdown asks about (not `size_band` as `by`). */
export function segmentNames(segment: SegmentFilter | undefined, by?: string): string[] {
  const names = new Set((segment?.attributes ?? []).map((filter) => filter.name));
  if (by !== undefined && by !== SIZE_BAND_DIMENSION) names.add(by);
  return [...names].sort();
}

/** A name of a segment filter (`where: 'segment'`) or breakdown (`where: 'by'`) that no customer has. */
export interface UnknownDimension {
  readonly name: string;
  readonly where: 'segment' | 'by';
  /** Close known names ({@link closeMatches}), best first. */
  readonly closeMatches: readonly string[];
}

/** A value of a segment's attribute condition that no customer has. */
export interface UnknownSegmentValue {
  readonly name: string;
  readonly value: string;
  /** Close values the data holds for `name` ({@link closeMatches}), best first. */
  readonly closeMatches: readonly string[];
}

/** The typos {@link checkSegment} found. */
export interface SegmentCheck {
  readonly unknownDimensions: readonly UnknownDimension[];
  readonly unknownValues: readonly UnknownSegmentValue[];
}

/**
 * Names and values of a segment filter (and a breakdown's `by`) that `vocabulary` does not hold.
 * `by: "size_band"` is always known; an attribute condition on `size_band` is unknown unless the
 * data has such an attribute (size bands are filtered with `sizeBands`). Values are only checked
 * on known names, and at most {@link MAX_UNKNOWN_VALUES} are reported. With no customer in the
 * vocabulary nothing is reported: an empty tenant has no names yet, and every figure is empty anyway.
 */
export function checkSegment(
  vocabulary: SegmentVocabulary,
  segment: SegmentFilter | undefined,
  by?: string,
): SegmentCheck {
  if (vocabulary.customers === 0) return { unknownDimensions: [], unknownValues: [] };
  const known = new Set(vocabulary.dimensions);
  const unknownDimensions: UnknownDimension[] = [];
  const unknownValues: UnknownSegmentValue[] = [];
  const seen = new Set<string>();
  for (const { name, values } of segment?.attributes ?? []) {
    if (!known.has(name)) {
      if (!seen.has(name)) {
        seen.add(name);
        unknownDimensions.push({ name, where: 'segment', closeMatches: closeMatches(name, known) });
      }
      continue;
    }
    const held = vocabulary.values[name] ?? [];
    const heldSet = new Set(held);
    for (const value of new Set(values)) {
      if (heldSet.has(value) || unknownValues.length >= MAX_UNKNOWN_VALUES) continue;
      unknownValues.push({ name, value, closeMatches: closeMatches(value, held) });
    }
  }
  if (by !== undefined && by !== SIZE_BAND_DIMENSION && !known.has(by)) {
    unknownDimensions.push({
      name: by,
      where: 'by',
      closeMatches: closeMatches(by, [...known, SIZE_BAND_DIMENSION]),
    });
  }
  return { unknownDimensions, unknownValues };
}

/** A name or value as a message shows it: JSON-quoted, cut at {@link MAX_SHOWN_VALUE} code points. */
const shown = (value: string) => JSON.stringify(shorten(value, MAX_SHOWN_VALUE));
const quoted = (values: readonly string[]) => values.map(shown).join(', ');

/** `"a"`, `"a" or "b"`, `"a", "b" or "c"`. */
function alternatives(values: readonly string[]): string {
  const last = values[values.length - 1];
  if (values.length < 2 || last === undefined) return quoted(values);
  return `${quoted(values.slice(0, -1))} or ${shown(last)}`;
}

/**
 * What to tell the person who asked for an unknown dimension: the name, the close matches and
 * every known name (`size_band` too where a breakdown can use it), e.g.
 * `no customer has the attribute "plann". Did you mean "plan"? Known dimensions: "country", "plan".`
 */
export function unknownDimensionMessage(unknown: UnknownDimension, vocabulary: SegmentVocabulary): string {
  const known =
    unknown.where === 'by' ? [...vocabulary.dimensions, SIZE_BAND_DIMENSION] : vocabulary.dimensions;
  const hint =
    unknown.where === 'segment' && unknown.name === SIZE_BAND_DIMENSION
      ? ' Filter size bands with `sizeBands`.'
      : unknown.closeMatches.length > 0
        ? ` Did you mean ${alternatives(unknown.closeMatches)}?`
        : '';
  const list = known.length > 0 ? quoted(known) : 'none';
  return `no customer has the attribute ${shown(unknown.name)}.${hint} Known dimensions: ${list}.`;
}

/**
 * The `UNKNOWN_SEGMENT_VALUE` warning for a value no customer has: the segment (or that
 * alternative of it) selects nobody, and the message names the close matches.
 */
export function unknownSegmentValueWarning(unknown: UnknownSegmentValue): RetentionWarning {
  const hint =
    unknown.closeMatches.length > 0
      ? `did you mean ${alternatives(unknown.closeMatches)}? Values match exactly, case included.`
      : 'check the spelling against the values the `segments` query lists.';
  return {
    code: 'UNKNOWN_SEGMENT_VALUE',
    message: `No customer has ${shorten(unknown.name, MAX_SHOWN_VALUE)} ${shown(unknown.value)}, so that value selects nobody; ${hint}`,
  };
}
