/** The `segments` and `segmentDimensions` queries: what a segment filter or breakdown can use. */
import { segmentDimensions, segmentValues } from '@nrr/core';
import { builder } from './builder.ts';

builder.queryField('segments', (t) =>
  t.stringList({
    description:
      'Distinct values of a dimension (an attribute name, or "size_band"), sorted. An embed token locked to some values of that dimension sees only those.',
    args: {
      dimension: t.arg.string({ required: true, description: 'e.g. "country", "plan", "size_band".' }),
    },
    resolve: async (_root, { dimension }, context) => {
      const values = segmentValues(await context.analytics.timeline(), dimension);
      const lock = context.principal.kind === 'EMBED_TOKEN' ? context.principal.segment : undefined;
      const locked =
        dimension === 'size_band'
          ? lock?.sizeBands
          : lock?.attributes?.find((a) => a.name === dimension)?.values;
      return locked ? values.filter((value) => (locked as readonly string[]).includes(value)) : values;
    },
  }),
);

builder.queryField('segmentDimensions', (t) =>
  t.stringList({
    description: 'Every attribute name found in the data, sorted, plus "size_band".',
    resolve: async (_root, _args, context) => segmentDimensions(await context.analytics.timeline()),
  }),
);
