/** `SegmentFilter` input and the helper that applies a token's segment lock to it. */
import { applySegmentLock, type SegmentFilter, type SizeBand } from '../auth/segment-lock.ts';
import type { ApiContext } from '../context.ts';
import { builder } from './builder.ts';
import { SizeBandEnum } from './enums.ts';

export const AttributeFilterInput = builder.inputType('AttributeFilter', {
  description: 'Customers whose attribute `name` has one of `values` at the period start.',
  fields: (t) => ({
    name: t.string({ description: 'Attribute name, e.g. "country", "plan".' }),
    values: t.stringList({
      description:
        'Accepted values; a customer matches if its value is one of them. An empty list matches nobody.',
    }),
  }),
});

export const SegmentFilterInput = builder.inputType('SegmentFilter', {
  description:
    'Which customers a figure covers, by attributes at the start of each period. All conditions must hold; an empty filter covers everyone, while an empty list of values or size bands selects nobody. An embed token locked to a segment can narrow it but not widen it.',
  fields: (t) => ({
    attributes: t.field({
      type: [AttributeFilterInput],
      required: false,
      description: 'Attribute conditions.',
    }),
    sizeBands: t.field({
      type: [SizeBandEnum],
      required: false,
      description: 'Size bands to keep; absent keeps every band, an empty list keeps none (selects nobody).',
    }),
  }),
});

/** The GraphQL input shape of {@link SegmentFilterInput}. */
export interface SegmentFilterArg {
  readonly attributes?:
    | readonly { readonly name: string; readonly values: readonly string[] }[]
    | null
    | undefined;
  readonly sizeBands?: readonly SizeBand[] | null | undefined;
}

/** Converts a segment argument and applies the caller's lock; `undefined` = everyone. */
export function effectiveSegment(
  context: ApiContext,
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
  const lock = context.principal.kind === 'EMBED_TOKEN' ? context.principal.segment : undefined;
  return applySegmentLock(lock, requested);
}
