/** `Benchmark`, `BenchmarkComparison` and their queries: published NRR ranges and where a tenant falls. */
import { type Benchmark, type BenchmarkComparison, benchmarksFor, compareToBenchmark } from '@nrr/core';
import { runEngine } from '../analytics/query-input.ts';
import { builder } from './builder.ts';
import { definitionsField } from './definitions.ts';
import { SizeBandEnum } from './enums.ts';
import { type PresentedReport, RetentionReportRef, retentionReport } from './retention-report.ts';
import { currencyField, methodField, segmentField, windowFields } from './window-input.ts';

const BenchmarkMetricEnum = builder.enumType('BenchmarkMetric', {
  description: 'The ratio a benchmark describes.',
  values: {
    NRR: { description: 'Net revenue retention.' },
    GRR: { description: 'Gross revenue retention.' },
  } as const,
});

const BenchmarkTierRef = builder
  .objectRef<{ label: string; low: number; high: number | null }>('BenchmarkTier')
  .implement({
    description: 'A named sub-range of a benchmark, e.g. "good" 105%–115%.',
    fields: (t) => ({
      label: t.exposeString('label', { description: 'As published: baseline, good, best, healthy, …' }),
      low: t.exposeFloat('low', { description: 'Lowest ratio, inclusive (1.05 = 105%).' }),
      high: t.exposeFloat('high', {
        nullable: true,
        description: 'Highest ratio, inclusive; null when open-ended.',
      }),
    }),
  });

const BenchmarkRef = builder.objectRef<Benchmark>('Benchmark').implement({
  description: 'A published retention range for a segment of companies, with its source.',
  fields: (t) => ({
    key: t.exposeID('key', { description: 'Stable identifier, e.g. "smb-saas".' }),
    segment: t.exposeString('segment', { description: 'Segment as published, e.g. "SMB SaaS".' }),
    metric: t.field({
      type: BenchmarkMetricEnum,
      description: 'The ratio described (annual).',
      resolve: (b) => b.metric,
    }),
    low: t.exposeFloat('low', {
      nullable: true,
      description: 'Lowest ratio, inclusive; null when no floor is given.',
    }),
    high: t.exposeFloat('high', {
      nullable: true,
      description: 'Highest ratio, inclusive; null when open-ended.',
    }),
    tiers: t.field({
      type: [BenchmarkTierRef],
      description: 'Named sub-ranges, lowest first; empty when the source gives none.',
      resolve: (benchmark) => [...(benchmark.tiers ?? [])],
    }),
    sourceTitle: t.string({ description: 'Title of the source document.', resolve: (b) => b.source.title }),
    sourcePublisher: t.string({
      nullable: true,
      description: 'Publisher, when the source names one.',
      resolve: (b) => b.source.publisher ?? null,
    }),
    sizeBand: t.field({
      type: SizeBandEnum,
      nullable: true,
      description: 'Size band the range is specific to, if any.',
      resolve: (b) => b.sizeBand ?? null,
    }),
    industry: t.string({
      nullable: true,
      description: 'Industry the range is specific to, if any.',
      resolve: (b) => b.industry ?? null,
    }),
  }),
});

const BenchmarkPositionEnum = builder.enumType('BenchmarkPosition', {
  description: 'Where a figure falls against a range.',
  values: {
    BELOW: { description: 'Under the range’s low end.' },
    WITHIN: { description: 'Inside the range (bounds included).' },
    ABOVE: { description: 'Over the range’s high end.' },
    UNKNOWN: { description: 'No figure (empty starting cohort).' },
  } as const,
});

const BenchmarkComparisonRef = builder
  .objectRef<{ comparison: BenchmarkComparison; report: PresentedReport }>('BenchmarkComparison')
  .implement({
    description: 'The tenant’s NRR over a window against one published range.',
    fields: (t) => ({
      benchmark: t.field({
        type: BenchmarkRef,
        description: 'The range compared with.',
        resolve: (c) => c.comparison.benchmark,
      }),
      figure: t.float({
        nullable: true,
        description: 'The tenant’s ratio (1.05 = 105%).',
        resolve: (c) => c.comparison.figure,
      }),
      position: t.field({
        type: BenchmarkPositionEnum,
        description: 'Below, within or above.',
        resolve: (c) => c.comparison.position,
      }),
      pointsFromRange: t.float({
        description: 'Percentage points outside the range (0 when within or unknown).',
        resolve: (c) => c.comparison.pointsFromRange,
      }),
      tier: t.string({
        nullable: true,
        description: 'Tier the figure falls in, when the range has tiers.',
        resolve: (c) => c.comparison.tier ?? null,
      }),
      report: t.field({
        type: RetentionReportRef,
        description: 'The figures the comparison used.',
        resolve: (c) => c.report,
      }),
    }),
  });

const BenchmarkComparisonInput = builder.inputType('BenchmarkComparisonInput', {
  description: 'Which window and range to compare; NRR over a 12-month window is what benchmarks publish.',
  fields: (t) => ({
    benchmark: t.string({ description: 'Benchmark key, e.g. "smb-saas" (see `benchmarks`).' }),
    ...windowFields(t),
    method: methodField(t),
    metric: t.field({
      type: BenchmarkMetricEnum,
      required: false,
      defaultValue: 'NRR',
      description: 'Default NRR.',
    }),
    segment: segmentField(t),
    currency: currencyField(
      t,
      'Report in this currency (needs stored exchange rates); pass what `retention` of the same window is asked in, so both share one computation.',
    ),
    definitions: definitionsField(t),
  }),
});

builder.queryField('benchmarks', (t) =>
  t.field({
    type: [BenchmarkRef],
    description:
      'Published NRR ranges; with `segment`, those that fit it (a key, a label, or words such as "SMB fintech").',
    args: { segment: t.arg.string({ required: false, description: 'Filter; default all.' }) },
    resolve: (_root, { segment }) => runEngine(() => [...benchmarksFor(segment ?? undefined)]),
  }),
);

builder.queryField('benchmarkComparison', (t) =>
  t.field({
    type: BenchmarkComparisonRef,
    description: 'Compare the tenant’s retention over a window with a published range.',
    args: {
      input: t.arg({ type: BenchmarkComparisonInput, required: true, description: 'Window and range.' }),
    },
    resolve: async (_root, { input }, context) => {
      // The `retention` question of this input (currency included), memoised with it: a card
      // asking both computes the window once.
      const report = await retentionReport(context, input, 'benchmarkComparison');
      const figure = input.metric === 'GRR' ? report.grr : report.nrr;
      const comparison = runEngine(() => compareToBenchmark(figure, input.benchmark));
      return { comparison, report };
    },
  }),
);
