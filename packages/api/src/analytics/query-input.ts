/**
 * Turns GraphQL query arguments into @nrr/core queries: window checks, the caller's segment lock,
 * the reporting currency's rates; and turns the engine's refusals into `BAD_USER_INPUT`.
 */
import {
  checkDefinitionsInput,
  civilTime,
  type DefinitionsInput,
  definitionsKey,
  EngineError,
  type ExchangeRates,
  fromCivilTime,
  type Granularity,
  type MissingRate,
  monthsIn,
  parseDefinitionSetting,
  type ResolvedDefinitions,
  type RetentionMethod,
  type RetentionWarning,
  resolveUnderFixedDefinitions,
  type SegmentFilter,
  tryResolveDefinitions,
} from '@nrr/core';
import { effectiveSegment, type SegmentFilterArg } from '../auth/segment-lock.ts';
import type { ApiContext } from '../context.ts';
import { ApiError, badInput, definitionsError } from '../errors.ts';
import { questionWork } from '../internal/work-budget.ts';
import type { EngineWindow } from './engine-ops.ts';
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
}

/**
 * A GraphQL `DefinitionsInput` as core's input: absent fields dropped (explicit nulls kept, core
 * refuses them where no null is allowed), size bands read from decimal text (`"1000"` → units).
 * Throws `BAD_USER_INPUT` naming a size band that is not a decimal amount.
 */
export function definitionsOf(input: unknown, field = 'definitions'): DefinitionsInput {
  if (input !== null && input !== undefined && (typeof input !== 'object' || Array.isArray(input))) {
    return input as DefinitionsInput; // core's check names it
  }
  const result: Record<string, unknown> = {};
  for (const [name, value] of Object.entries((input ?? {}) as Record<string, unknown>)) {
    if (value === undefined) continue;
    if ((name === 'sizeBandMidMarket' || name === 'sizeBandEnterprise') && typeof value === 'string') {
      const parsed = parseDefinitionSetting(name, value);
      if (!parsed.ok) throw definitionsError([parsed.problem], field);
      result[name] = parsed.value;
    } else result[name] = value;
  }
  return result as DefinitionsInput;
}

/**
 * The definitions of one question: `input` (a query's override, as GraphQL gives it: see
 * {@link definitionsOf}; absent: none) resolved over the
 * tenant's settings and, for an embed token minted with fixed definitions, under those. Invalid
 * values are `BAD_USER_INPUT` naming the option and the allowed values; asking an embed token
 * for another value of an option it fixes (directly or through a preset) is `FORBIDDEN` naming
 * the option and its fixed value: the input is valid, the caller may not ask it.
 */
export function questionDefinitions(context: ApiContext, input: unknown): ResolvedDefinitions {
  const given = definitionsOf(input);
  const base = context.tenant.definitions;
  const problems = checkDefinitionsInput(given);
  if (problems.length > 0) throw definitionsError(problems);
  const { principal } = context;
  const fixed = principal.kind === 'EMBED_TOKEN' ? principal.definitions : undefined;
  if (fixed) {
    const under = resolveUnderFixedDefinitions(given, fixed, base);
    if (!under.ok) {
      // The fixed set itself resolves (it was checked at minting); only the asked values can be at fault.
      const invalid = tryResolveDefinitions(given, base);
      throw invalid.ok
        ? definitionsError(under.problems, 'definitions', 'FORBIDDEN')
        : definitionsError(invalid.problems);
    }
    return under.definitions;
  }
  const resolved = tryResolveDefinitions(given, base);
  if (!resolved.ok) throw definitionsError(resolved.problems);
  return resolved.definitions;
}

/**
 * A `Date` argument (midnight UTC of a calendar date) as the instant that date starts in the
 * set's time zone: under `Europe/Paris`, "2024-01-01" is 2023-12-31T23:00Z.
 */
export function zonedDate(date: number, definitions: ResolvedDefinitions): number {
  if (definitions.timeZone === 'UTC') return date;
  return fromCivilTime({ ...civilTime(date), timeOfDay: 0 }, definitions.timeZone);
}

/**
 * An instant as the `Date` scalar shows it: midnight UTC of its calendar date in the set's time
 * zone (the inverse of {@link zonedDate} on local midnights).
 */
export function calendarDate(instant: number, definitions: ResolvedDefinitions): number {
  if (definitions.timeZone === 'UTC') return instant;
  return fromCivilTime({ ...civilTime(instant, definitions.timeZone), timeOfDay: 0 });
}

/** A report as the API answers it: with the definitions that produced it, its dates as calendar dates. */
export function presentedReport<R extends { readonly from: number; readonly to: number }>(
  report: R,
  definitions: ResolvedDefinitions,
): R & { readonly definitions: ResolvedDefinitions } {
  return {
    ...report,
    from: calendarDate(report.from, definitions),
    to: calendarDate(report.to, definitions),
    definitions,
  };
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
  const definitions = questionDefinitions(context, args.definitions);
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
