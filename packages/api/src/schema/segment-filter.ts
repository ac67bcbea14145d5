/**
 * The `SegmentFilter` input. Its argument shape and the lock applied to it (`effectiveSegment`)
 * are in ../auth/segment-lock.ts.
 */
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
