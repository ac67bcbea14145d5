/** `CohortTable` and the `cohorts` query. */
import { type CohortRow, type CohortTable, formatMoneyUnits, type RetentionWarning } from '@nrr/core';
import { chargeWork, coreWindow, engineWindow, questionKey } from '../analytics/query-input.ts';
import { cohortWindows } from '../internal/work-budget.ts';
import { builder } from './builder.ts';
import { GranularityEnum } from './enums.ts';
import { MoneyRef, money } from './money.ts';
import { WarningRef } from './retention-report.ts';
import { currencyField, segmentField, windowFields } from './window-input.ts';

const CohortMeasureEnum = builder.enumType('CohortMeasure', {
  description: 'What a cohort table follows.',
  values: {
    REVENUE: { description: 'The cohort’s MRR.' },
    LOGOS: { description: 'The cohort’s paying customers.' },
  } as const,
});

const CohortViewEnum = builder.enumType('CohortView', {
  description: 'How cells are expressed.',
  values: {
    PERCENT_OF_START: { description: 'Ratio to the end of the cohort’s first period (1.0 = 100%).' },
    PERCENT_OF_PREVIOUS: { description: 'Ratio to the previous cell.' },
    ABSOLUTE: { description: 'MRR (see `amounts`) or customer counts (in `cells`).' },
  } as const,
});

interface RowWithTable {
  readonly row: CohortRow;
  readonly table: CohortTable;
}

const CohortRowRef = builder.objectRef<RowWithTable>('CohortRow').implement({
  description: 'The customers whose first MRR > 0 fell in one period, followed over time.',
  fields: (t) => ({
    cohort: t.field({
      type: 'Date',
      description: 'Start of the cohort’s period.',
      resolve: ({ row }) => row.cohort,
    }),
    label: t.string({ description: '"2024-03", "2024-Q1" or "2024".', resolve: ({ row }) => row.label }),
    size: t.int({ description: 'Customers in the cohort.', resolve: ({ row }) => row.size }),
    small: t.boolean({
      description: 'Fewer customers than the minimum cohort size (10).',
      resolve: ({ row }) => row.small,
    }),
    initialMrr: t.field({
      type: MoneyRef,
      nullable: true,
      description: 'MRR at the end of the first period (the 100% of a REVENUE row); null for LOGOS.',
      resolve: ({ row, table }) => (table.measure === 'REVENUE' ? money(row.initial, table.currency) : null),
    }),
    initialCustomers: t.int({
      nullable: true,
      description:
        'Paying customers at the end of the first period (the 100% of a LOGOS row); null for REVENUE.',
      resolve: ({ row, table }) => (table.measure === 'LOGOS' ? row.initial : null),
    }),
    cells: t.field({
      type: ['Float'],
      nullable: { list: false, items: true },
      description:
        'Cell k describes the end of period cohort + k: a ratio for the percent views, a customer count for ABSOLUTE LOGOS; for ABSOLUTE REVENUE read `amounts` (cells are null). Null when immature or undefined.',
      resolve: ({ row, table }) =>
        table.view === 'ABSOLUTE' && table.measure === 'REVENUE' ? row.cells.map(() => null) : [...row.cells],
    }),
    amounts: t.field({
      type: ['String'],
      nullable: { list: true, items: true },
      description:
        'ABSOLUTE REVENUE only: the cohort’s MRR at the end of each period, as decimal strings; null otherwise.',
      resolve: ({ row, table }) =>
        table.view === 'ABSOLUTE' && table.measure === 'REVENUE'
          ? row.cells.map((cell) => (cell === null ? null : formatMoneyUnits(cell)))
          : null,
    }),
  }),
});

/** A cohort table with the warnings about its question (see ../analytics/segment-typos.ts). */
interface CohortTableAnswer extends CohortTable {
  readonly warnings: readonly RetentionWarning[];
}

const CohortTableRef = builder.objectRef<CohortTableAnswer>('CohortTable').implement({
  description: 'Cohort retention: one row per cohort, one cell per age.',
  fields: (t) => ({
    granularity: t.field({
      type: GranularityEnum,
      description: 'Period length.',
      resolve: (table) => table.granularity,
    }),
    measure: t.field({
      type: CohortMeasureEnum,
      description: 'What is followed.',
      resolve: (table) => table.measure,
    }),
    view: t.field({
      type: CohortViewEnum,
      description: 'How cells are expressed.',
      resolve: (table) => table.view,
    }),
    currency: t.exposeString('currency', { description: 'Currency of MRR amounts.' }),
    dataEnd: t.field({
      type: 'DateTime',
      description: 'End of known data; later cells are null.',
      resolve: (table) => table.asOf,
    }),
    maxAge: t.exposeInt('maxAge', { description: 'Largest age (number of cells − 1).' }),
    rows: t.field({
      type: [CohortRowRef],
      description: 'Cohorts, oldest first.',
      resolve: (table) => table.rows.map((row) => ({ row, table })),
    }),
    warnings: t.field({
      type: [WarningRef],
      description:
        'Caveats about the question, e.g. UNKNOWN_SEGMENT_VALUE for a segment value no customer has.',
      resolve: (table) => [...table.warnings],
    }),
  }),
});

const CohortsInput = builder.inputType('CohortsInput', {
  description: 'Which cohorts to list and how.',
  fields: (t) => ({
    ...windowFields(
      t,
      'Cohorts whose first paid period starts in [from, to) are listed.',
      'End of the table (exclusive); cells run up to it.',
    ),
    granularity: t.field({
      type: GranularityEnum,
      required: false,
      defaultValue: 'MONTH',
      description: 'Default MONTH.',
    }),
    measure: t.field({
      type: CohortMeasureEnum,
      required: false,
      defaultValue: 'REVENUE',
      description: 'Default REVENUE.',
    }),
    view: t.field({
      type: CohortViewEnum,
      required: false,
      defaultValue: 'PERCENT_OF_START',
      description: 'Default PERCENT_OF_START.',
    }),
    segment: segmentField(t, 'Customers by attributes when they first paid.'),
    currency: currencyField(t),
  }),
});

builder.queryField('cohorts', (t) =>
  t.field({
    type: CohortTableRef,
    description: 'Revenue or logo retention by cohort of first payment.',
    args: { input: t.arg({ type: CohortsInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const granularity = input.granularity ?? 'MONTH';
      const window = await coreWindow(context, input, granularity);
      const measure = input.measure ?? 'REVENUE';
      const view = input.view ?? 'PERCENT_OF_START';
      const key = questionKey('cohorts', window, { granularity, measure, view });
      await chargeWork(context, 'cohorts', key, cohortWindows(window.from, window.to, granularity));
      const table = await context.analytics.run(key, {
        kind: 'cohorts',
        window: engineWindow(window),
        granularity,
        measure,
        view,
      });
      return { ...table, warnings: window.warnings };
    },
  }),
);
