/** `RetentionReport`, its parts, and the `retention`, `retentionSeries` and `breakdown` queries. */
import type {
  CustomerCounts,
  ResolvedDefinitions,
  RetentionMethod,
  RetentionReport,
  RetentionWarning,
} from '@nrr/core';
import {
  chargeWork,
  coreWindow,
  engineWindow,
  methodOf,
  questionKey,
  type WindowArgs,
} from '../analytics/query-input.ts';
import { presentedReport } from '../analytics/question-definitions.ts';
import { withWarnings } from '../analytics/segment-typos.ts';
import type { ApiContext } from '../context.ts';
import { checkedPageSize } from '../internal/query-limits.ts';
import { retentionWindows, seriesWindows } from '../internal/work-budget.ts';
import { builder } from './builder.ts';
import { DefinitionsRef, definitionsField } from './definitions.ts';
import { GrainEnum, GranularityEnum, RetentionMethodEnum, WarningCodeEnum } from './enums.ts';
import { MoneyRef, money } from './money.ts';
import { currencyField, methodField, segmentField, windowFields } from './window-input.ts';

const CustomerCountsRef = builder.objectRef<CustomerCounts>('CustomerCounts').implement({
  description: 'Customer (or, at subscription grain, subscription) counts of a period.',
  fields: (t) => ({
    starting: t.exposeInt('starting', { description: 'Starting cohort: MRR > 0 at the period start.' }),
    retained: t.exposeInt('retained', { description: 'Cohort members still paying at the end.' }),
    churned: t.exposeInt('churned', { description: 'Cohort members with no MRR at the end.' }),
    expanded: t.exposeInt('expanded', { description: 'Cohort members paying more at the end.' }),
    contracted: t.exposeInt('contracted', {
      description: 'Cohort members paying less, but something, at the end.',
    }),
    new: t.exposeInt('new', { description: 'Customers paying for the first time.' }),
    reactivated: t.exposeInt('reactivated', { description: 'Customers paying again after a gap.' }),
    ending: t.exposeInt('ending', { description: 'Customers with MRR > 0 at the end.' }),
  }),
});

export const WarningRef = builder.objectRef<RetentionWarning>('RetentionWarning').implement({
  description: 'Something to know before trusting or presenting a figure.',
  fields: (t) => ({
    code: t.expose('code', { type: WarningCodeEnum, description: 'What the warning is about.' }),
    message: t.exposeString('message', { description: 'What was found and what to do about it.' }),
  }),
});

/** A report as resolvers answer it: with the definitions that produced it (see `presentedReport`). */
export type PresentedReport = RetentionReport & { readonly definitions: ResolvedDefinitions };

export const RetentionReportRef = builder.objectRef<PresentedReport>('RetentionReport').implement({
  description:
    'Retention figures of one window, in constant currency. The bridge balances: startingMrr + newBusiness + reactivation + expansion − contraction − churn = endingMrr. Ratios are null when the starting cohort is empty.',
  fields: (t) => {
    const amount = (field: keyof RetentionReport & string, description: string) =>
      t.field({
        type: MoneyRef,
        description,
        resolve: (report) => money(report[field] as number, report.currency),
      });
    const ratio = (field: keyof RetentionReport & string, description: string) =>
      t.float({ nullable: true, description, resolve: (report) => report[field] as number | null });
    return {
      method: t.field({
        type: RetentionMethodEnum,
        description: 'How the figures were computed.',
        resolve: (r) => r.method,
      }),
      grain: t.field({ type: GrainEnum, description: 'Whose MRR was compared.', resolve: (r) => r.grain }),
      from: t.field({
        type: 'Date',
        description: 'Start of the measured window (inclusive).',
        resolve: (r) => r.from,
      }),
      to: t.field({
        type: 'Date',
        description: 'End of the measured window (exclusive).',
        resolve: (r) => r.to,
      }),
      currency: t.exposeString('currency', { description: 'Currency of every amount.' }),
      startingMrr: amount('startingMrr', 'MRR of the starting cohort at `from`.'),
      newBusiness: amount('newBusiness', 'MRR of customers paying for the first time.'),
      expansion: amount('expansion', 'MRR gained from cohort customers paying more.'),
      contraction: amount('contraction', 'MRR lost from cohort customers paying less (positive).'),
      churn: amount('churn', 'MRR lost from cohort customers who stopped paying (positive).'),
      reactivation: amount('reactivation', 'MRR of customers paying again after a gap.'),
      endingMrr: amount('endingMrr', 'MRR of all paying customers at `to`.'),
      fxImpact: amount(
        'fxImpact',
        'Ending MRR at the rates in force at `to` minus at the rates in force at `from`; not part of the bridge.',
      ),
      nrr: ratio(
        'nrr',
        'Net revenue retention (1.05 = 105%): cohort MRR at the end over cohort MRR at the start.',
      ),
      grr: ratio('grr', 'Gross revenue retention: (start − contraction − churn) / start; never above 1.'),
      logoRetention: ratio('logoRetention', 'Share of the starting cohort still paying at the end.'),
      netMrrChurnRate: ratio('netMrrChurnRate', '(churn + contraction − expansion) / start.'),
      grossMrrChurnRate: ratio('grossMrrChurnRate', '(churn + contraction) / start.'),
      quickRatio: ratio(
        'quickRatio',
        '(new + reactivation + expansion) / (contraction + churn); null when nothing was lost.',
      ),
      customers: t.field({
        type: CustomerCountsRef,
        description: 'Customer counts.',
        resolve: (r) => r.customers,
      }),
      warnings: t.field({
        type: [WarningRef],
        description: 'Caveats about these figures.',
        resolve: (r) => [...r.warnings],
      }),
      definitions: t.field({
        type: DefinitionsRef,
        description:
          'The definitions that produced these figures (the tenant’s settings or the query’s override).',
        resolve: (r) => r.definitions,
      }),
    };
  },
});

const RetentionInput = builder.inputType('RetentionInput', {
  description: 'A retention question: a half-open window [from, to), a method and a population.',
  fields: (t) => ({
    ...windowFields(t),
    method: methodField(t),
    segment: segmentField(t),
    currency: currencyField(
      t,
      'Report in this currency instead of the tenant’s reporting currency (needs stored exchange rates).',
    ),
    definitions: definitionsField(t),
  }),
});

const RetentionSeriesInput = builder.inputType('RetentionSeriesInput', {
  description: 'One retention report per month, quarter or year in [from, to).',
  fields: (t) => ({
    ...windowFields(t, 'Start of the first period (inclusive).', 'End of the last period (exclusive).'),
    granularity: t.field({
      type: GranularityEnum,
      required: false,
      defaultValue: 'MONTH',
      description: 'Default MONTH.',
    }),
    method: methodField(
      t,
      'PERIOD: each period on its own. TRAILING_12M: each point covers the 12 months ending with its period (see its own from/to). CHAINED: each period’s months compounded.',
    ),
    segment: segmentField(t),
    currency: currencyField(t),
    definitions: definitionsField(t),
  }),
});

const BreakdownInput = builder.inputType('BreakdownInput', {
  description: 'Retention per value of one dimension.',
  fields: (t) => ({
    ...windowFields(t),
    by: t.string({ description: 'An attribute name (e.g. "plan", "country") or "size_band".' }),
    method: methodField(t),
    segment: segmentField(t),
    currency: currencyField(t),
    definitions: definitionsField(t),
  }),
});

/** The `value` of the row {@link BREAKDOWN_OTHER} rolls the values past `first` into. */
export const BREAKDOWN_OTHER = '(other)';

const SegmentReportRef = builder
  .objectRef<{ value: string; report: PresentedReport; valueCount: number }>('SegmentReport')
  .implement({
    description:
      'Retention of the customers with one value of the breakdown dimension at the window start (or, in the last row of a breakdown with more values than `first`, of every value past the first `first`).',
    fields: (t) => ({
      value: t.exposeString('value', {
        description:
          'The dimension’s value; "(none)" for customers without one; "(other)" for the last row when it rolls up the values past `first` (tell it from a value named so by `valueCount` and its place).',
      }),
      valueCount: t.exposeInt('valueCount', {
        description:
          'How many values of the dimension this row covers: 1, or for the "(other)" row the number of values rolled into it.',
      }),
      report: t.field({ type: RetentionReportRef, description: 'Their figures.', resolve: (s) => s.report }),
    }),
  });

/**
 * The report of `retention` for `input`: window, segment, method, currency and definitions checked, the work
 * charged to `field`, and computed once per data version under one memo key, so every field that
 * asks this question (`retention`, `benchmarkComparison`) shares one computation.
 */
export async function retentionReport(
  context: ApiContext,
  input: WindowArgs & { readonly method?: RetentionMethod | null | undefined },
  field: string,
): Promise<PresentedReport> {
  const window = await coreWindow(context, input);
  const method = methodOf(input.method);
  const key = questionKey('retention', window, { method });
  const zone = window.definitions.timeZone;
  await chargeWork(context, field, key, retentionWindows(method, window.from, window.to, zone));
  const report = await context.analytics.run(
    key,
    { kind: 'retention', window: engineWindow(window), method },
    window.definitions,
  );
  return presentedReport(withWarnings(report, window.warnings), window.definitions);
}

builder.queryField('retention', (t) =>
  t.field({
    type: RetentionReportRef,
    description: 'Retention over one window, e.g. the year 2024 (annual NRR) or one month.',
    args: { input: t.arg({ type: RetentionInput, required: true }) },
    resolve: (_root, { input }, context) => retentionReport(context, input, 'retention'),
  }),
);

builder.queryField('retentionSeries', (t) =>
  t.field({
    type: [RetentionReportRef],
    description: 'One report per month (quarter, year) in [from, to), for charts.',
    args: { input: t.arg({ type: RetentionSeriesInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const granularity = input.granularity ?? 'MONTH';
      const window = await coreWindow(context, input, granularity);
      const method = methodOf(input.method);
      const key = questionKey('retentionSeries', window, { method, granularity });
      const zone = window.definitions.timeZone;
      const windows = seriesWindows(method, window.from, window.to, granularity, zone);
      await chargeWork(context, 'retentionSeries', key, windows);
      const series = await context.analytics.run(
        key,
        { kind: 'retentionSeries', window: engineWindow(window), method, granularity },
        window.definitions,
      );
      return series.map((report) =>
        presentedReport(withWarnings(report, window.warnings), window.definitions),
      );
    },
  }),
);

builder.queryField('breakdown', (t) =>
  t.field({
    type: [SegmentReportRef],
    description:
      'Retention per value of a dimension, largest starting MRR first: the `first` largest values, then, when there are more, one "(other)" row rolling up the rest. The rows’ bridges sum to the total (retention with the same input).',
    args: {
      input: t.arg({ type: BreakdownInput, required: true }),
      first: t.arg.int({
        required: false,
        description: 'Values reported one by one, 1–500; default 50. The rest make one "(other)" row.',
      }),
    },
    resolve: async (_root, { input, first }, context) => {
      const limit = checkedPageSize(first);
      const window = await coreWindow(context, input);
      const method = methodOf(input.method);
      const key = questionKey('breakdown', window, { method, by: input.by, limit });
      const windows = retentionWindows(method, window.from, window.to, window.definitions.timeZone);
      await chargeWork(context, 'breakdown', key, windows, { grouped: true });
      const breakdown = await context.analytics.run(
        key,
        { kind: 'breakdown', window: engineWindow(window), method, by: input.by, limit },
        window.definitions,
      );
      const present = (report: RetentionReport) =>
        presentedReport(withWarnings(report, window.warnings), window.definitions);
      const rows = breakdown.segments.map((segment) => ({
        value: segment.value,
        report: present(segment.report),
        valueCount: 1,
      }));
      if (breakdown.rest) {
        rows.push({
          value: BREAKDOWN_OTHER,
          report: present(breakdown.rest.report),
          valueCount: breakdown.rest.values,
        });
      }
      return rows;
    },
  }),
);
