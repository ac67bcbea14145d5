/**
 * Definitions as the engine's own options: the `eventsToSpans` policy, the timeline build options
 * and the query options of a set, and one option read from text (`--set name=value`).
 */
import { MONEY_SCALE, parseMoney } from '../money.ts';
import type { EventPolicy } from '../normalize/events.ts';
import type { SizeBandThresholds } from '../segments.ts';
import type { TimelineOptions } from '../timeline.ts';
import {
  checkDefinitionsInput,
  type DefinitionName,
  type DefinitionProblem,
  type Definitions,
} from './definitions.ts';

/** The `eventsToSpans` policy of a set (discounts, past due, unpaid, pause). */
export function eventPolicyOf(definitions: Definitions): EventPolicy {
  return {
    discounts: definitions.discounts,
    pastDue:
      definitions.pastDueChurnDays === null
        ? { kind: 'KEEP' }
        : { kind: 'CHURN_AFTER_DAYS', days: definitions.pastDueChurnDays },
    unpaid: definitions.unpaid,
    pause: definitions.pause,
  };
}

/** The timeline build options of a set (grain, churn date, coalescing window in ms). */
export function timelineOptionsOf(definitions: Definitions): TimelineOptions {
  return {
    grain: definitions.grain,
    churnDate: definitions.churnDate,
    coalesceWindowMs: definitions.coalesceWindowMinutes * 60_000,
  };
}

/** The query options of a set: reactivation window, size bands, and the time zone (`undefined` for UTC). */
export function queryOptionsOf(definitions: Definitions): {
  reactivationWindowDays: number | null;
  sizeBandThresholds: SizeBandThresholds;
  timeZone: string | undefined;
} {
  return {
    reactivationWindowDays: definitions.reactivationWindowDays,
    sizeBandThresholds: {
      midMarket: definitions.sizeBandMidMarket,
      enterprise: definitions.sizeBandEnterprise,
    },
    timeZone: definitions.timeZone === 'UTC' ? undefined : definitions.timeZone,
  };
}

/**
 * Reads one option from text, as `--set name=value` gives it: `null` for the nullable options,
 * integers for days and minutes, decimal amounts of the currency for the size bands (`1000` →
 * 10,000,000 units), names as they are. Returns a problem naming the option and what is allowed.
 */
export function parseDefinitionSetting(
  name: string,
  text: string,
): { ok: true; name: DefinitionName | 'preset'; value: unknown } | { ok: false; problem: DefinitionProblem } {
  const value = text.trim();
  let parsed: unknown = value;
  if (name === 'preset' && value === 'null') parsed = null;
  if (name === 'reactivationWindowDays' || name === 'pastDueChurnDays' || name === 'coalesceWindowMinutes') {
    parsed = value === 'null' ? null : /^-?\d+$/.test(value) ? Number(value) : value;
  }
  const sizeBand = name === 'sizeBandMidMarket' || name === 'sizeBandEnterprise';
  if (sizeBand) parsed = parseMoney(value) ?? value;
  const problem = checkDefinitionsInput({ [name]: parsed })[0];
  if (!problem) return { ok: true, name: name as DefinitionName | 'preset', value: parsed };
  if (!sizeBand) return { ok: false, problem };
  const allowed = `a decimal amount of the currency above 0, e.g. 1000 for 1,000 a month (${MONEY_SCALE} units each)`;
  return {
    ok: false,
    problem: {
      option: name,
      message: `${name}: ${JSON.stringify(value)} is not allowed; allowed: ${allowed}`,
      allowed,
    },
  };
}
