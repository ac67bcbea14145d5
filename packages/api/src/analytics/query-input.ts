/**
 * Turns GraphQL query arguments into @nrr/core queries: window checks, the caller's segment lock,
 * the reporting currency's rates; and turns the engine's refusals into `BAD_USER_INPUT`.
 */
import {
  EngineError,
  type ExchangeRates,
  type Granularity,
  monthsIn,
  type RetentionMethod,
  type SegmentFilter,
} from '@nrr/core';
import type { ApiContext } from '../context.ts';
import { ApiError, badInput } from '../errors.ts';
import { questionWork } from '../internal/work-budget.ts';
import { effectiveSegment, type SegmentFilterArg } from '../schema/segment-filter.ts';
import type { EngineWindow } from './engine-ops.ts';

/** Most points a series or cohort table may have (50 years by month). */
export const MAX_PERIODS = 600;

/** Arguments shared by the retention queries. */
export interface WindowArgs {
  readonly from: number;
  readonly to: number;
  readonly segment?: SegmentFilterArg | null | undefined;
  readonly currency?: string | null | undefined;
}

/** The common part of a core query: window, effective segment and rates (see {@link engineWindow}). */
export interface CoreWindow {
  readonly from: number;
  readonly to: number;
  readonly segment?: SegmentFilter;
  readonly rates: ExchangeRates;
}

/** Checks `[from, to)` and resolves segment and rates for a core query. */
export async function coreWindow(
  context: ApiContext,
  args: WindowArgs,
  granularity?: Granularity,
): Promise<CoreWindow> {
  if (!(args.to > args.from))
    throw badInput('to', 'must be later than from (periods are half-open, [from, to))');
  if (granularity) {
    const months = (args.to - args.from) / (30.436875 * 86_400_000);
    if (months / monthsIn(granularity) > MAX_PERIODS) {
      throw badInput('to', `the window holds more than ${MAX_PERIODS} periods of granularity ${granularity}`);
    }
  }
  const segment = effectiveSegment(context, args.segment);
  const rates = await context.analytics.rates(args.currency ?? undefined);
  return { from: args.from, to: args.to, rates, ...(segment ? { segment } : {}) };
}

/** A memo key for a question: the operation, its window (with the effective segment and currency) and its options. */
export function questionKey(
  operation: string,
  window: CoreWindow,
  options: Record<string, unknown> = {},
): string {
  return JSON.stringify([
    operation,
    window.from,
    window.to,
    window.segment ?? null,
    window.rates.reportingCurrency,
    options,
  ]);
}

/** Maps a GraphQL method argument (nullable) to core's, defaulting to PERIOD. */
export function methodOf(method: RetentionMethod | null | undefined): RetentionMethod {
  return method ?? 'PERIOD';
}

/** Runs an engine computation, turning its refusals into `BAD_USER_INPUT` with the engine's reason. */
export function runEngine<T>(compute: () => T): T {
  try {
    return compute();
  } catch (error) {
    if (error instanceof EngineError) {
      throw new ApiError('BAD_USER_INPUT', error.message, { reason: error.code });
    }
    throw error;
  }
}

/**
 * Charges a question's engine work to the request's budget (`COST_LIMIT` when over it), unless
 * its answer for `key` is already memoised: `windows` windows (see ../internal/work-budget.ts)
 * over every customer of the tenant; `grouped` for a breakdown.
 */
export async function chargeWork(
  context: ApiContext,
  field: string,
  key: string,
  windows: number,
  options: { grouped?: boolean } = {},
): Promise<void> {
  if (context.analytics.cached(key) !== undefined) return;
  const customers = (await context.analytics.summary()).size;
  const question = `${field} (${windows.toLocaleString('en')} window${windows === 1 ? '' : 's'} × ${customers.toLocaleString('en')} customers)`;
  context.budget.charge(question, key, questionWork(customers, windows, options));
}

/** A core window as an engine operation carries it: plain data, the rates by currency. */
export function engineWindow(window: CoreWindow): EngineWindow {
  return {
    from: window.from,
    to: window.to,
    currency: window.rates.reportingCurrency,
    ...(window.segment ? { segment: window.segment } : {}),
  };
}
