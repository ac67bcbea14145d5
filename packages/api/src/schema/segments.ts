/** The `segments` and `segmentDimensions` queries: what a segment filter or breakdown can use. */
import {
  matchesSizeBand,
  SIZE_BAND_DIMENSION,
  SIZE_BANDS,
  segmentDimensions,
  segmentValues,
} from '@nrr/core';
import { segmentLockOf } from '../auth/segment-lock.ts';
import { attributeHistoryInLock } from '../auth/segment-visibility.ts';
import { builder } from './builder.ts';

builder.queryField('segments', (t) =>
  t.stringList({
    description:
      'Distinct values of a dimension (an attribute name, or "size_band"), sorted. An embed token locked to a segment sees only values of customers inside it, within its locked values.',
    args: {
      dimension: t.arg.string({ required: true, description: 'e.g. "country", "plan", "size_band".' }),
    },
    resolve: async (_root, { dimension }, context) => {
      const lock = segmentLockOf(context);
      if (dimension === SIZE_BAND_DIMENSION) return SIZE_BANDS.filter((band) => matchesSizeBand(band, lock));
      const timeline = await context.analytics.timeline();
      return segmentValues({ entities: await attributeHistoryInLock(context, timeline) }, dimension);
    },
  }),
);

builder.queryField('segmentDimensions', (t) =>
  t.stringList({
    description:
      'Every attribute name found in the data, sorted, plus "size_band". An embed token locked to a segment sees only names its customers carry.',
    resolve: async (_root, _args, context) => {
      const timeline = await context.analytics.timeline();
      return segmentDimensions({ entities: await attributeHistoryInLock(context, timeline) });
    },
  }),
);
