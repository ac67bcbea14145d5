/**
 * Turns GraphQL query arguments into @nrr/core queries: window checks, the caller's segment lock,
 * the reporting currency's rates, the question's definitions (./question-definitions.ts); and
 * turns the engine's refusals into `BAD_USER_INPUT`.
 */
import {
  definitionsKey,
  EngineError,
  type ExchangeRates,
  type Granularity,
  type MissingRate,
  monthsIn,
  type ResolvedDefinitions,
  type RetentionMethod,
  type RetentionWarning,
  type SegmentFilter,
} from '@nrr/core';
import { effectiveSegment, type SegmentFilterArg } from '../auth/segment-lock.ts';
import type { ApiContext } from '../context.ts';
import { ApiError, badInput } from '../errors.ts';
import { questionWork } from '../internal/work-budget.ts';
import type { EngineWindow } from './engine-ops.ts';
import { questionDefinitions, zonedDate } from './question-definitions.ts';
import { segmentTypoWarnings } from './segment-typos.ts';

/** Most points a series or cohort table may have (50 years by month). */
export const MAX_PERIODS = 600;

/** Arguments shared by the retention queries. */
export interface WindowArgs {
  readonly from: number;
  readonly to: number;
  readonly segment?: SegmentFilterArg | null | undefined;
  readonly currency?: string | null | undefined;
  /** A breakdown's dimension, checked with the segment (./segment-typos.ts). */
  readonly by?: string | undefined;
  /** The question's override of the tenant's settings (core's `DefinitionsInput`, unchecked). */
  readonly definitions?: unknown;
  /** The name errors give `definitions` (default `definitions`; a definition diff's `a` or `b`). */
  readonly definitionsField?: string;
}

/** The common part of a core query: window, effective segment and rates (see {@link engineWindow}). */
export interface CoreWindow {
  readonly from: number;
  readonly to: number;
  readonly segment?: SegmentFilter;
  readonly rates: ExchangeRates;
  /** The question's definitions (see {@link questionDefinitions}). */
  readonly definitions: ResolvedDefinitions;
  /**
   * `UNKNOWN_SEGMENT_VALUE` warnings for values of the requested segment no customer has; the
   * resolver adds them to its answer (they are not part of the engine's memoised result).
   */
  readonly warnings: readonly RetentionWarning[];
}

/**
 * Checks `[from, to)` and resolves definitions, segment and rates for a core query; `from` and
 * `to` are calendar dates in the definitions' time zone. A segment or `by` naming an attribute no
 * customer has is `BAD_USER_INPUT`; values no customer has give `warnings`.
 */
export async function coreWindow(
  context: ApiContext,
  args: WindowArgs,
  granularity?: Granularity,
): Promise<CoreWindow> {
  if (!(args.to > args.from))
    throw badInput('to', 'must be later than from (periods are half-open, [from, to))');
  const definitions = questionDefinitions(context, args.definitions, args.definitionsField);
  const from = zonedDate(args.from, definitions);
  const to = zonedDate(args.to, definitions);
  if (granularity) {
    const months = (args.to - args.from) / (30.436875 * 86_400_000);
    if (months / monthsIn(granularity) > MAX_PERIODS) {
      throw badInput('to', `the window holds more than ${MAX_PERIODS} periods of granularity ${granularity}`);
    }
  }
  const segment = effectiveSegment(context, args.segment);
  const rates = await context.analytics.rates(args.currency ?? undefined);
  // The request's own conditions only: the lock's values are not the caller's to correct.
  const requested = args.segment?.attributes ? { attributes: args.segment.attributes } : undefined;
  const warnings = await segmentTypoWarnings(context, requested, args.by);
  return { from, to, rates, warnings, definitions, ...(segment ? { segment } : {}) };
}

/**
 * A memo key for a question: the operation, its window (with the effective segment and currency),
 * its options and its definitions' values (not the preset label: equal values, equal figures).
 */
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
    definitionsKey(window.definitions),
  ]);
}

/** Maps a GraphQL method argument (nullable) to core's, defaulting to PERIOD. */
export function methodOf(method: RetentionMethod | null | undefined): RetentionMethod {
  return method ?? 'PERIOD';
}

/**
 * Core's refusal of a question as the client sees it: `BAD_USER_INPUT` with the engine's reason; a
 * missing exchange rate names the `nrr rates set` command (for `tenantId`, when known) that adds it.
 */
export function refusalError(
  refusal: {
    readonly code: string;
    readonly message: string;
    readonly missingRate?: MissingRate | undefined;
  },
  tenantId?: string,
): ApiError {
  const missing = refusal.missingRate;
  if (!missing) return new ApiError('BAD_USER_INPUT', refusal.message, { reason: refusal.code });
  // Name the command that adds the rate: the engine's message cannot know how rates are stored.
  return new ApiError(
    'BAD_USER_INPUT',
    `no exchange rate from ${missing.currency} to ${missing.reportingCurrency} at ${missing.date}; ` +
      `add one with \`nrr rates set --tenant ${tenantId ?? '<tenant>'} --currency ${missing.currency} ` +
      `--rate <${missing.reportingCurrency} per ${missing.currency}> --from <YYYY-MM-DD on or before ${missing.date}>\``,
    { reason: refusal.code, ...missing },
  );
}

/** Runs an engine computation, turning its refusals into {@link refusalError}s. */
export function runEngine<T>(compute: () => T, tenantId?: string): T {
  try {
    return compute();
  } catch (error) {
    if (error instanceof EngineError) throw refusalError(error, tenantId);
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
