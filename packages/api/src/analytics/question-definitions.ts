/**
 * The definitions of a question (docs/metrics.md, "Definitions"): a query's override as GraphQL
 * gives it, resolved over the tenant's settings and under an embed token's fixed definitions; and
 * the calendar dates of the question's time zone, in and out.
 */
import {
  checkDefinitionsInput,
  civilTime,
  type DefinitionsInput,
  fromCivilTime,
  parseDefinitionSetting,
  type ResolvedDefinitions,
  resolveUnderFixedDefinitions,
  tryResolveDefinitions,
} from '@nrr/core';
import type { ApiContext } from '../context.ts';
import { definitionsError } from '../errors.ts';

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
 * the option and its fixed value: the input is valid, the caller may not ask it. `field` names the
 * input in errors (`definitions`; `a` and `b` for a definition diff's sets).
 */
export function questionDefinitions(
  context: ApiContext,
  input: unknown,
  field = 'definitions',
): ResolvedDefinitions {
  const given = definitionsOf(input, field);
  const base = context.tenant.definitions;
  const problems = checkDefinitionsInput(given);
  if (problems.length > 0) throw definitionsError(problems, field);
  const { principal } = context;
  const fixed = principal.kind === 'EMBED_TOKEN' ? principal.definitions : undefined;
  if (fixed) {
    const under = resolveUnderFixedDefinitions(given, fixed, base);
    if (!under.ok) {
      // The fixed set itself resolves (it was checked at minting); only the asked values can be at fault.
      const invalid = tryResolveDefinitions(given, base);
      throw invalid.ok
        ? definitionsError(under.problems, field, 'FORBIDDEN')
        : definitionsError(invalid.problems, field);
    }
    return under.definitions;
  }
  const resolved = tryResolveDefinitions(given, base);
  if (!resolved.ok) throw definitionsError(resolved.problems, field);
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
