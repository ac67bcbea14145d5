/**
 * The fields that every windowed input (`RetentionInput`, `RetentionSeriesInput`, `BreakdownInput`,
 * `MovementsInput`, `CohortsInput`, `BenchmarkComparisonInput`) shares, defined once: the half-open
 * window [from, to), the method, the population and the reporting currency, with their descriptions.
 */
import type { InputFieldBuilder } from '@pothos/core';
import type { builder } from './builder.ts';
import { RetentionMethodEnum } from './enums.ts';
import { SegmentFilterInput } from './segment-filter.ts';

type BuilderTypes = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;
/** The `t` of an input type's `fields`. */
export type InputFields = InputFieldBuilder<BuilderTypes, 'InputObject'>;

/** `from` and `to` of a half-open window; the descriptions default to the plain window's. */
export function windowFields(
  t: InputFields,
  from = 'Start of the window (inclusive).',
  to = 'End of the window (exclusive).',
) {
  return {
    from: t.field({ type: 'Date', description: from }),
    to: t.field({ type: 'Date', description: to }),
  };
}

/** `method`: how the figures are computed, default PERIOD. */
export function methodField(t: InputFields, description = 'Default PERIOD.') {
  return t.field({ type: RetentionMethodEnum, required: false, defaultValue: 'PERIOD', description });
}

/** `segment`: which customers to include, default all. */
export function segmentField(t: InputFields, description = 'Customers to include; default all.') {
  return t.field({ type: SegmentFilterInput, required: false, description });
}

/** `currency`: a reporting currency other than the tenant's. */
export function currencyField(
  t: InputFields,
  description = 'Report in this currency (needs stored exchange rates).',
) {
  return t.string({ required: false, description });
}
