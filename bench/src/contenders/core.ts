/**
 * The @nrr/core contender: the periods CSV through the engine's own importer, then the timeline,
 * every monthly bridge, the trailing-12-month NRR/GRR series and the monthly revenue cohort
 * table, in constant currency with the dataset's rate table, reported in USD.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import {
  addMonths,
  buildTimeline,
  type CohortTable,
  computeCohorts,
  computeRetentionSeries,
  createExchangeRates,
  type ExchangeRates,
  importSubscriptionPeriods,
  type MrrSpan,
  periodLabel,
  periodRowsToSpans,
  type RetentionReport,
} from '@nrr/core';
import { type Dataset, readRates } from '../dataset.ts';
import type { CohortFigures, Figures, MonthFigures, TrailingFigures } from '../figures.ts';
import { type Contender, type FiguresRun, timed } from './contender.ts';

/** Spans as the importer produced them, and the rate table. */
export interface CoreState {
  readonly spans: readonly MrrSpan[];
  readonly rates: ExchangeRates;
}

/** Reads the periods CSV line by line from disk through the subscription-periods importer. */
export async function loadSpans(dataset: Dataset): Promise<MrrSpan[]> {
  const lines = createInterface({
    input: createReadStream(dataset.periodsPath, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  const { rows } = await importSubscriptionPeriods(lines);
  return periodRowsToSpans(rows);
}

function monthFigures(report: RetentionReport): MonthFigures {
  return {
    month: periodLabel(report.from, 'MONTH'),
    startingMrr: report.startingMrr,
    newBusiness: report.newBusiness,
    reactivation: report.reactivation,
    expansion: report.expansion,
    contraction: report.contraction,
    churn: report.churn,
    endingMrr: report.endingMrr,
    nrr: report.nrr,
    grr: report.grr,
  };
}

function trailingFigures(report: RetentionReport, month: string): TrailingFigures {
  // NRR's and GRR's numerators, exactly, from the bridge (retention semantics §5).
  const grossRetainedMrr = report.startingMrr - report.contraction - report.churn;
  return {
    month,
    startingMrr: report.startingMrr,
    cohortEndingMrr: grossRetainedMrr + report.expansion,
    grossRetainedMrr,
    nrr: report.nrr,
    grr: report.grr,
  };
}

/**
 * The cohort table's rows with members, cut to their mature cells. Cells are ratios of exact unit
 * sums; `cell × initial` is within far less than half a unit of the sum, so rounding it gives the
 * exact sum back. Where the initial MRR is 0 the ratios are null and so are the sums.
 */
function cohortFigures(table: CohortTable, asOf: number): CohortFigures[] {
  const width = table.rows.length;
  return table.rows.flatMap((row, c) => {
    if (row.size === 0) return [];
    let count = 0;
    while (c + count < width && addMonths(row.cohort, count + 1) <= asOf) count++;
    const percentOfStart = row.cells.slice(0, count);
    const mrr = percentOfStart.map((cell, k) =>
      k === 0 ? row.initial : cell === null ? null : Math.round(cell * row.initial),
    );
    return [{ cohort: row.label, size: row.size, mrr, percentOfStart }];
  });
}

/** @nrr/core, from its importer's spans to every figure. */
export const coreContender: Contender<CoreState> = {
  name: '@nrr/core',

  async load(dataset) {
    return { spans: await loadSpans(dataset), rates: createExchangeRates('USD', readRates(dataset)) };
  },

  async figures({ spans, rates }, dataset): Promise<FiguresRun> {
    const window = { from: dataset.start, to: dataset.asOf, rates };
    const timeline = await timed(() => buildTimeline(spans, { asOf: dataset.asOf }));
    const bridges = await timed(() =>
      computeRetentionSeries(timeline.result, { ...window, granularity: 'MONTH' }),
    );
    const trailing = await timed(() =>
      computeRetentionSeries(timeline.result, { ...window, granularity: 'MONTH', method: 'TRAILING_12M' }),
    );
    const cohorts = await timed(() =>
      computeCohorts(timeline.result, {
        ...window,
        granularity: 'MONTH',
        measure: 'REVENUE',
        view: 'PERCENT_OF_START',
      }),
    );
    const months = bridges.result.map(monthFigures);
    const figures: Figures = {
      months,
      trailing: trailing.result.map((report, m) => trailingFigures(report, months[m]?.month ?? '')),
      cohorts: cohortFigures(cohorts.result, dataset.asOf),
    };
    return {
      figures,
      steps: {
        timeline: timeline.ms,
        bridges: bridges.ms,
        trailing: trailing.ms,
        cohorts: cohorts.ms,
      },
    };
  },

  async close() {},
};
